import Foundation
import TelformCore

/// A conference of the logged-in user (api-docs/000 § conferences). Its flat fields travel
/// by their `wire` names through the codec the table derives; two are quirks of the wire:
/// `ownerId` is a 64-bit jid (an extension in the file, resolved through GET /contacts) and
/// `startDate` is epoch seconds (ISO-8601 in the file).
struct ConferenceKind: Kind {
    /// ISO-8601 with a zone (`2026-03-02T10:00:00+03:00` or `...Z`): sent as epoch seconds.
    static let isoTimestamp = StringCheck(pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})$") { text in
        parseISO(text) == nil ? "\"\(text)\" is not an ISO-8601 time with a zone, e.g. 2026-03-02T10:00:00+03:00" : nil
    }

    static let table = ObjectSchema([
        .string("name", StringRules(minLength: 1), "Conference name; the resource key.", wire: "name").required(),
        .string("owner", StringRules(minLength: 1), "Owner: an extension (resolved through GET /contacts) or a jid.", wire: "ownerId").required(),
        .integer("access_id", 0...999_999_999, "Conference ID callers enter.", wire: "accessId"),
        .string("description", "Free text. Carried through every update when left out (PUT replaces the whole conference).", wire: "description"),
        .string("type", StringRules(minLength: 1), "Conference type as MX names it, e.g. Once.", wire: "type"),
        .string("start", StringRules(check: isoTimestamp), "Start, ISO-8601 with zone (sent as epoch seconds).", wire: "startDate"),
        .integer("duration", 1...100_000, "Duration in minutes.", wire: "duration"),
        .bool("wait_for_owner", "Callers wait until the owner joins.", wire: "waitForOwner"),
        .bool("delete_on_owner_leave", "End the conference when the owner leaves.", wire: "delOnOwnerLeave"),
        .string("ws", "Web session, e.g. None.", wire: "ws"),
        .string("ws_type", "Web session type, e.g. Undefined.", wire: "wsType"),
    ])

    /// Names are not unique on the platform (the server checks none): two live conferences
    /// of a declared name are a plan error naming both ids, never an arbitrary delete.
    let schema = KindSchema(name: "conferences", doc: "Conferences of the logged-in user.", shape: .objects(table), keyFields: ["name"]).keyNotUnique()

    static let codec = WireCodec(table)

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

    /// `start` as one UTC spelling; an owner extension as its jid, by the contacts the read found.
    func canonical(_ resource: Resource, among desired: [Resource], live: LiveState) -> Resource {
        let contacts = live.context as? MXProxyContacts ?? MXProxyContacts()
        var resource = resource
        if let owner = resource.fields["owner"]?.string { resource.fields["owner"] = .string(contacts.jid(owner)) }
        if let start = resource.fields["start"]?.string, let date = Self.parseISO(start) { resource.fields["start"] = .string(Self.formatUTC(date)) }
        return resource
    }

    func read(_ client: MXProxyClient, provider: ProviderConfig, desired: [Resource], into state: inout LiveState) async throws {
        // An owner the directory does not know would be refused at apply (ownerId is a jid):
        // a plan error now, naming the conference.
        let contacts = state.context as? MXProxyContacts ?? MXProxyContacts()
        for resource in desired where resource.address.kind == schema.name {
            guard let owner = resource.fields["owner"]?.string else { continue }
            if !contacts.knows(owner) {
                throw PlatformError(resource.address, "owner \(owner) is neither an extension GET /contacts lists nor a jid")
            }
            // **Reading** (mdigger/mxproxy conference.go): GET /conferences lists only the
            // logged-in user's conferences. One owned by another would never read back, and be
            // made again on every apply.
            if let me = contacts.me, contacts.jid(owner) != me.jid {
                let who = me.ext.map { "extension \($0), jid \(me.jid)" } ?? "jid \(me.jid)"
                throw PlatformError(
                    resource.address,
                    "owner \(owner) is not the logged-in user (\(who)): MX Proxy lists only the logged-in user's conferences, so telform could never read this one back; log in as its owner, or make the logged-in user its owner"
                )
            }
        }
        for item in try await client.conferences() {
            guard let name = item["name"]?.string, !name.isEmpty else {
                throw WireShape.Unexpected(call: "GET /conferences", got: "a conference without a name: \(ServerText.excerpt(item.compact))")
            }
            var fields = Self.codec.decode(item)
            // Owner ids exceed 2^53: read as exact 64-bit integers, compared as text.
            fields["owner"] = (item["ownerId"]?.int ?? item["ownerId"]?.string.flatMap { Int64($0) }).map { .string(String($0)) }
            fields["start"] = item["startDate"]?.int.map { .string(Self.formatUTC(Date(timeIntervalSince1970: TimeInterval($0)))) }
            // `Id` is an opaque string (the server's code): used as text, percent-encoded.
            state.add(
                Resource(address: Address(provider: provider.name, kind: schema.name, key: [name]), fields: fields), id: ServerID.text(item["Id"]), rule: .text)
        }
    }

    /// The whole conference: declared fields over the live ones, every field present (PUT
    /// replaces it; what neither says is sent empty).
    static func body(_ desired: Resource, live: Resource?) -> JSONNode {
        var fields = (live?.fields ?? [:]).merging(desired.fields) { _, declared in declared }
        fields["name"] = .string(desired.address.key[0])
        for field in codec.fields where fields[field.name] == nil || fields[field.name] == .null {
            switch field.type {
            case .integer: fields[field.name] = .int(0)
            case .bool: fields[field.name] = .bool(false)
            default: fields[field.name] = .string("")
            }
        }
        var pairs: [(String, JSONNode)] = [("Id", .string(""))]
        for (wire, node) in codec.encode(fields) {
            switch wire {
            case "ownerId": pairs.append((wire, fields["owner"]?.string.flatMap { Int64($0) }.map(JSONNode.int) ?? .null))
            case "startDate": pairs.append((wire, fields["start"]?.string.flatMap(parseISO).map { .int(Int64($0.timeIntervalSince1970)) } ?? .int(0)))
            default: pairs.append((wire, node))
            }
        }
        return .object(pairs)
    }

    func create(_ client: MXProxyClient, _ change: Change, live: LiveState) async throws {
        guard let desired = change.desired else { return }
        let name = desired.address.key[0]
        _ = try await client.call(
            "POST", "/conferences", Self.body(desired, live: nil),
            .create(readBack: { [client] in
                let found = try await client.conferences().first { $0["name"]?.string == name }
                return found.map(ReadBack.found)
            }))
    }

    func update(_ client: MXProxyClient, _ change: Change, live: LiveState) async throws {
        guard let desired = change.desired else { return }
        _ = try await client.call("PUT", "/conferences/\(ServerID.segment(try liveID(change, live)))", Self.body(desired, live: change.live))
    }

    func delete(_ client: MXProxyClient, _ change: Change, live: LiveState) async throws {
        _ = try await client.call("DELETE", "/conferences/\(ServerID.segment(try liveID(change, live)))")
    }
}
