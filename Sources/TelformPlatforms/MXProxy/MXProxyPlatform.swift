import Foundation
import TelformCore

/// The MX Proxy platform: conferences, and the call mode (which cannot be read).
public struct MXProxyPlatform: ProviderDriver {
    public let provider: ProviderConfig
    public let schema = MXProxyKinds.platform
    let client: MXProxyClient

    public init(provider: ProviderConfig, transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy()) {
        self.provider = provider
        let http = ResilientClient(transport: transport, policy: retry)
        func setting(_ name: String) -> String { provider.settings[name]?.string ?? "" }
        client = MXProxyClient(http: http, auth: MXProxyAuth(http: http, clientID: setting("client_id"), clientSecret: setting("client_secret"),
                                                             username: setting("username"), password: setting("password")))
    }

    static let wireNames: [(String, String)] = [("access_id", "accessId"), ("type", "type"), ("duration", "duration"),
                                                ("wait_for_owner", "waitForOwner"), ("delete_on_owner_leave", "delOnOwnerLeave"),
                                                ("ws", "ws"), ("ws_type", "wsType")]

    /// `start` as one UTC spelling; an owner extension as its jid, by the contacts the read found.
    public func canonical(_ desired: [Resource], live: LiveState) -> [Resource] {
        let contacts = live.context as? MXProxyContacts ?? MXProxyContacts()
        return desired.map { resource in
            guard resource.address.kind == "conferences" else { return resource }
            var resource = resource
            if let owner = resource.fields["owner"]?.string { resource.fields["owner"] = .string(contacts.jid(owner)) }
            if let start = resource.fields["start"]?.string, let date = Self.parseISO(start) { resource.fields["start"] = .string(Self.formatUTC(date)) }
            return resource
        }
    }

    static func parseISO(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withTimeZone, .withDashSeparatorInDate]
        return formatter.date(from: text)
    }

    static func formatUTC(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    public func read(kinds: [String], desired: [Resource]) async throws -> LiveState {
        var state = LiveState()
        guard kinds.contains("conferences") else { return state }
        do {
            let contacts = MXProxyContacts(try await client.contacts())
            state.context = contacts
            // An owner the directory does not know would be refused at apply (ownerId is a
            // jid): a plan error now, naming the conference.
            for resource in desired where resource.address.kind == "conferences" {
                if let owner = resource.fields["owner"]?.string, !contacts.knows(owner) {
                    throw PlatformError(address: resource.address.description,
                                        message: "owner \(owner) is neither an extension GET /contacts lists nor a jid")
                }
            }
            for item in try await client.conferences() {
                guard let name = item["name"]?.string else { continue }
                let id = ServerID.text(item["Id"])
                let address = Address(provider: provider.name, kind: "conferences", key: [name])
                var fields: [String: Value] = ["name": .string(name)]
                // Owner ids exceed 2^53: read as exact 64-bit integers, compared as text.
                if let owner = item["ownerId"]?.int ?? item["ownerId"]?.string.flatMap({ Int64($0) }) { fields["owner"] = .string(String(owner)) }
                if let start = item["startDate"]?.int { fields["start"] = .string(Self.formatUTC(Date(timeIntervalSince1970: TimeInterval(start)))) }
                for (yaml, wire) in Self.wireNames {
                    switch item[wire] {
                    case .int(let i)?: fields[yaml] = .int(i)
                    case .bool(let b)?: fields[yaml] = .bool(b)
                    case .string(let s)?: fields[yaml] = .string(s)
                    default: break
                    }
                }
                state.add(Resource(address: address, fields: fields), id: id)
            }
        } catch {
            throw PlatformError.at("\(provider.name)/conferences", error)
        }
        return state
    }


    /// "В ответ возвращается полный список параметров, использованных при установке режима":
    /// the reply's `callMode` must say what was sent (the defaults 1 and 30 where nothing was).
    static func checkCallMode(_ reply: JSONNode, sent fields: [String: Value]) throws {
        let mode = try WireShape.object(reply["callMode"], "PATCH /calls")
        var differences: [String] = []
        if mode["remote"]?.bool != (fields["remote"]?.bool ?? false) { differences.append("remote \(mode["remote"]?.compact ?? "missing")") }
        if let device = fields["device"]?.string, (mode["device"] ?? mode["deviceName"])?.string != device {
            differences.append("device \((mode["device"] ?? mode["deviceName"])?.compact ?? "missing")")
        }
        if mode["ringDelay"]?.int != (fields["ring_delay"]?.int ?? 1) { differences.append("ringDelay \(mode["ringDelay"]?.compact ?? "missing")") }
        if mode["vmDelay"]?.int != (fields["vm_delay"]?.int ?? 30) { differences.append("vmDelay \(mode["vmDelay"]?.compact ?? "missing")") }
        guard differences.isEmpty else {
            throw PlatformError(address: "call_mode", message: "the platform set another call mode than was sent: \(differences.joined(separator: ", "))")
        }
    }

    public func apply(_ change: Change, live: LiveState) async throws {
        do {
            if change.address.kind == "call_mode" {
                let fields = change.desired?.fields ?? [:]
                var body: [(String, JSONNode)] = [("remote", .bool(fields["remote"]?.bool ?? false))]
                // **Reading:** the request example names the device `device`, the parameter
                // list `deviceName`: both are sent, so a server reading either finds it.
                if let device = fields["device"]?.string { body += [("device", .string(device)), ("deviceName", .string(device))] }
                if let ring = fields["ring_delay"]?.int { body.append(("ringDelay", .int(ring))) }
                if let vm = fields["vm_delay"]?.int { body.append(("vmDelay", .int(vm))) }
                let reply = try await client.call("PATCH", "/calls", .object(body))
                try Self.checkCallMode(reply, sent: fields)
                return
            }
            let id = live.ids[change.address]
            switch change.action {
            case .delete:
                guard let id else { return }
                _ = try await client.call("DELETE", "/conferences/\(ServerID.segment(id))")
            case .create, .replace:
                if change.action == .replace, let id { _ = try await client.call("DELETE", "/conferences/\(ServerID.segment(id))") }
                guard let desired = change.desired else { return }
                let name = desired.address.key[0]
                _ = try await client.call("POST", "/conferences", body(desired, live: nil), .create(readBack: { [client] in
                    let found = try await client.conferences().first { $0["name"]?.string == name }
                    return found.map { .json(200, $0) }
                }))
            case .update:
                guard let id, let desired = change.desired else { return }
                _ = try await client.call("PUT", "/conferences/\(ServerID.segment(id))", body(desired, live: change.live))
            }
        } catch {
            throw PlatformError.at(change.address.description, error)
        }
    }

    /// The whole conference: declared fields over the live ones (PUT replaces it).
    func body(_ desired: Resource, live: Resource?) -> JSONNode {
        let fields = (live?.fields ?? [:]).merging(desired.fields) { _, declared in declared }
        var pairs: [(String, JSONNode)] = [("Id", .string("")), ("ownerId", fields["owner"]?.string.flatMap { Int64($0) }.map(JSONNode.int) ?? .null),
                                           ("name", .string(desired.address.key[0]))]
        pairs.append(("accessId", fields["access_id"]?.int.map(JSONNode.int) ?? .int(0)))
        pairs.append(("type", .string(fields["type"]?.string ?? "")))
        pairs.append(("startDate", fields["start"]?.string.flatMap(Self.parseISO).map { .int(Int64($0.timeIntervalSince1970)) } ?? .int(0)))
        pairs.append(("duration", fields["duration"]?.int.map(JSONNode.int) ?? .int(0)))
        pairs.append(("waitForOwner", .bool(fields["wait_for_owner"]?.bool ?? false)))
        pairs.append(("delOnOwnerLeave", .bool(fields["delete_on_owner_leave"]?.bool ?? false)))
        pairs.append(("ws", .string(fields["ws"]?.string ?? "")))
        pairs.append(("wsType", .string(fields["ws_type"]?.string ?? "")))
        return .object(pairs)
    }

    public func export(kinds: [String]) async throws -> Export {
        var export = Export()
        guard kinds.contains("conferences") else { return export }
        let live = try await read(kinds: ["conferences"], desired: [])
        export.kinds.append(("conferences", .list(live.resources.sorted { $0.address < $1.address }.map { .object(Export.trimmed($0.fields)) })))
        return export
    }
}
