import Foundation
import TelformCore

/// The call control of a sip_id (api-docs/004, on `url`): the URL the platform asks for
/// routing on each incoming call, and the fallback number. The scope is each declared
/// sip_id; its two fields are read through `getAccountCustomFields` by their `wire` names.
struct CallControlKind: Kind {
    static let table = ObjectSchema(
        [
            MTTKinds.sipID,
            FieldSchema.string(
                "url", StringRules(check: .httpURL), "URL the platform asks for routing on each incoming call; sensitive when it carries credentials.",
                wire: "GN_IP_IPCR"
            ).flagged(.sensitiveWithCredentials),
            .string("reserve_number", PlatformFields.e164, "Fallback number when the URL fails.", wire: "GN_IPCR_RESERVE"),
        ],
        rules: [
            .custom { fields in
                fields["url"] == nil && fields["reserve_number"] == nil ? [("url", "give url, reserve_number or both")] : []
            }
        ])

    let schema = KindSchema(
        name: "call_control", doc: "Call-control URL and reserve number of declared accounts.",
        shape: .objects(table), keyFields: ["sip_id"]
    ).perDeclaredKey()

    static let codec = WireCodec(table, emptyIsAbsent: true, hooked: ["sip_id"])

    /// The account's call control is one setting pair, managed whole.
    func canonical(_ resource: Resource, among desired: [Resource], live: LiveState) -> Resource {
        var resource = resource
        resource.fields["url"] = resource.fields["url"] ?? .null
        resource.fields["reserve_number"] = resource.fields["reserve_number"] ?? .null
        return resource
    }

    func read(_ client: MTTClient, provider: ProviderConfig, desired: [Resource], into state: inout LiveState) async throws {
        try await MTTClient.perAccount(desired, kind: schema.name, into: &state) { try await Self.read(client, $0) }
    }

    static func read(_ client: MTTClient, _ address: Address) async throws -> Resource? {
        let sip = address.key[0]
        let result = try await client.classic.call("getAccountCustomFields", .object([("sip_id", .string(sip))]))
        var fields = codec.decode(result["account_custom_fields"] ?? .object([]), missingIsNull: true)
        guard fields.values.contains(where: { $0 != .null }) else { return nil }
        fields["sip_id"] = .string(sip)
        return Resource(address: address, fields: fields)
    }

    func create(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        try await set(client, change, fields: change.desired?.fields ?? [:], all: true)
    }

    func update(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        try await set(client, change, fields: change.desired?.fields ?? [:], all: false)
    }

    /// Both cleared.
    func delete(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        try await set(client, change, fields: [:], all: true)
    }

    func set(_ client: MTTClient, _ change: Change, fields: [String: Value], all: Bool) async throws {
        let sip = change.address.key[0]
        let changed = Set(change.changedPaths)
        let schema = self.schema
        func verified(_ names: Set<String>) -> Idempotency {
            MTTClient.verified(change, names, kind: schema) { try await Self.read(client, change.address) }
        }
        if all || changed.contains("url") {
            // "для обнуления передается пустое значение": an empty string clears it.
            _ = try await client.classic.call(
                "updateCallControlURL", .object([("sip_id", .string(sip)), ("url", .string(fields["url"]?.string ?? ""))]), verified(["url"]))
        }
        if all || changed.contains("reserve_number") {
            _ = try await client.classic.call(
                "setReserveCallControlNumber", .object([("sip_id", .string(sip)), ("number", .string(fields["reserve_number"]?.string ?? ""))]),
                verified(["reserve_number"]))
        }
    }

    /// A URL that carries credentials is written as a placeholder.
    func export(_ resources: [Resource], live: LiveState, provider: ProviderConfig, into export: inout Export) -> Value? {
        .list(
            resources.map { resource in
                var fields = Export.trimmed(resource.fields)
                if let url = fields["url"]?.string, URLText.hasCredentials(url) {
                    fields["url"] = export.placeholder(
                        [provider.name, resource.address.key[0], "url"], "the call-control URL of \(resource.address) (it carries credentials)",
                        at: resource.address, path: "url")
                }
                return .object(fields)
            })
    }
}
