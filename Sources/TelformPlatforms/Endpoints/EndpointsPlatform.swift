import Foundation
import TelformCore

/// The endpoints platform: live endpoints as canonical resources, changes as wire calls.
public struct EndpointsPlatform: ProviderDriver {
    public let provider: ProviderConfig
    public let schema = EndpointsKinds.platform
    let client: EndpointsClient

    /// Forward cases: YAML name → wire prefix.
    static let forwardCases = [("always", "cf_unconditional"), ("unavailable", "cf_unavailable"),
                               ("no_answer", "cf_noanswer"), ("busy", "cf_busy")]
    static let plainFields = ["transport", "language", "outgoing_cli"]
    static let boolFields = ["direct_media", "rtp_symmetric", "force_rport", "rewrite_contact", "allow_long_distance"]

    public init(provider: ProviderConfig, transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy()) {
        self.provider = provider
        client = EndpointsClient(http: ResilientClient(transport: transport, policy: retry),
                                 tenant: provider.settings["tenant"]?.string ?? "",
                                 token: provider.settings["token"]?.string ?? "")
    }

    /// A forward case left out of the file is disabled: make that explicit (null).
    public func canonical(_ desired: Resource) -> Resource {
        var resource = desired
        var forward = desired.fields["forward"]?.object ?? [:]
        for (name, _) in Self.forwardCases where forward[name] == nil { forward[name] = .null }
        resource.fields["forward"] = .object(forward)
        return resource
    }

    public func read(kinds: [String], desired: [Resource]) async throws -> LiveState {
        guard kinds.contains("endpoints") else { return LiveState() }
        var state = LiveState()
        let items: [JSONNode]
        do {
            items = try await client.list()
        } catch let error as EndpointsAPIError {
            throw PlatformError(address: "\(provider.name)/endpoints", message: "reading failed: \(Self.message(error)) (HTTP \(error.status))").caused(by: error)
        } catch {
            throw PlatformError(address: "\(provider.name)/endpoints", message: "reading failed: \(error)")
        }
        for item in items {
            guard let name = item["name"]?.string, let id = item["id"] else { continue }
            let address = Address(provider: provider.name, kind: "endpoints", key: [name])
            state.add(Resource(address: address, fields: Self.fields(fromWire: item)), id: ServerID.text(id))
        }
        return state
    }

    /// Wire → canonical. **Reading:** booleans may come as true/false or "yes"/"no".
    static func fields(fromWire item: JSONNode) -> [String: Value] {
        var fields: [String: Value] = ["name": .string(item["name"]?.string ?? "")]
        for name in plainFields { if let v = item[name]?.string { fields[name] = .string(v) } }
        for name in boolFields { if let b = wireBool(item[name]) { fields[name] = .bool(b) } }
        for name in ["allow", "disallow"] {
            if let text = item[name]?.string {
                fields[name] = .list(text.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 != .string("") })
            }
        }
        var forward: [String: Value] = [:]
        for (name, wire) in forwardCases {
            // A case that is off reads as null, the canonical form of one the file leaves out.
            guard wireBool(item["\(wire)_enabled"]) == true else {
                forward[name] = .null
                continue
            }
            var target: [String: Value] = ["to": .string(item["\(wire)_dest"]?.string ?? "")]
            if name == "no_answer", let timeout = item["cf_noanswer_timeout"]?.int { target["timeout"] = .int(timeout) }
            forward[name] = .object(target)
        }
        fields["forward"] = .object(forward)
        return fields
    }

    static func wireBool(_ node: JSONNode?) -> Bool? {
        switch node {
        case .bool(let b)?: return b
        case .string(let s)?:
            switch s.lowercased() {
            case "yes", "true", "on", "1": return true
            case "no", "false", "off", "0": return false
            default: return nil
            }
        case .int(let i)?: return i != 0
        default: return nil
        }
    }

    /// Canonical → wire, for the given declared top-level fields.
    static func yesNo(_ value: Bool) -> JSONNode { .string(value ? "yes" : "no") }

    static func wire(_ fields: [String: Value], only paths: Set<String>?) -> JSONNode {
        var pairs: [(String, JSONNode)] = []
        func wanted(_ name: String) -> Bool { paths.map { p in p.contains(name) || p.contains { $0.hasPrefix(name + ".") } } ?? true }
        for name in ["name", "extension", "password"] + plainFields where wanted(name) {
            if let s = fields[name]?.string { pairs.append((name, .string(s))) }
        }
        // **Reading:** the document gives the boolean fields no type, and PJSIP realtime stores
        // them as "yes"/"no": sent so, a boolean field and a string field both accept them.
        for name in boolFields where wanted(name) {
            if let b = fields[name]?.bool { pairs.append((name, Self.yesNo(b))) }
        }
        for name in ["allow", "disallow"] where wanted(name) {
            if let list = fields[name]?.list { pairs.append((name, .string(list.compactMap(\.string).joined(separator: ",")))) }
        }
        let forward = fields["forward"]?.object ?? [:]
        for (name, wire) in forwardCases where wanted("forward.\(name)") {
            guard let value = forward[name] else { continue }
            if let target = value.object {
                pairs.append(("\(wire)_enabled", Self.yesNo(true)))
                pairs.append(("\(wire)_dest", .string(target["to"]?.string ?? "")))
                if name == "no_answer", let timeout = target["timeout"]?.int { pairs.append(("cf_noanswer_timeout", .int(timeout))) }
            } else {
                pairs.append(("\(wire)_enabled", Self.yesNo(false)))
            }
        }
        return .object(pairs)
    }

    public func apply(_ change: Change, live: LiveState) async throws {
        let address = change.address
        do {
            switch change.action {
            case .create:
                try await create(change)
            case .update:
                guard let id = live.ids[address] else { throw PlatformError(address: address.description, message: "no live id") }
                if !change.fields.isEmpty {
                    try await client.update(id: id, Self.wire(change.desired?.fields ?? [:], only: Set(change.changedPaths)))
                }
                if change.rotate, let password = change.desired?.fields["password"]?.string {
                    try await client.setPassword(id: id, password)
                }
            case .delete:
                guard let id = live.ids[address] else { return }
                try await client.delete(id: id)
            case .replace:
                if let id = live.ids[address] { try await client.delete(id: id) }
                try await create(change)
            }
        } catch let error as EndpointsAPIError {
            throw PlatformError(address: address.description, message: Self.message(error) + (error.status == 422 ? "" : " (HTTP \(error.status))")).caused(by: error)
        } catch let error as TransportError {
            throw PlatformError(address: address.description, message: error.description)
        }
    }

    func create(_ change: Change) async throws {
        guard let desired = change.desired else { return }
        _ = try await client.create(Self.wire(desired.fields, only: nil), name: desired.address.key[0])
    }

    /// 422 details as `field: message`, wire names turned back into YAML paths.
    static func message(_ error: EndpointsAPIError) -> String {
        error.problems.map { field, message in
            guard let field else { return message }
            return "\(yamlPath(ofWire: field)): \(message)"
        }.joined(separator: "; ")
    }

    static func yamlPath(ofWire wire: String) -> String {
        for (name, prefix) in forwardCases where wire.hasPrefix(prefix) {
            return wire.hasSuffix("_timeout") ? "forward.\(name).timeout" : "forward.\(name).to"
        }
        return wire
    }
}
