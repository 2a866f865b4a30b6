import TelformCore

/// A user, group or queue a declared resource names: its type, the name, and where.
struct XiVOTarget {
    var type: String?
    var name: String?
    var node: YAMLNode?
    var path: String
}

/// What every XiVO kind shares: one web-services object (`json.php?act=list|view|add|edit|
/// delete`), listed then viewed one by one; a kind says how a viewed record reads and how
/// its add or edit body is built.
protocol XiVOObjectKind: Kind where Client == XiVOClient {
    /// The object's name in the web-services paths (`users`, `schedule`, `queueskills`).
    var object: String { get }
    /// The live object of a viewed record, canonical. Throws `XiVOUnreadable` naming the field
    /// it cannot read; nil only for an object that exists but has no key (a user without a
    /// line), which the read names in a warning.
    func resource(_ record: JSONNode, directory: XiVODirectory, provider: String) throws -> Resource?
    /// Why an object has no key, for the warning (when `resource` may answer nil).
    var unkeyed: String { get }
    /// True where the key is the object's id (contexts): an add's answer is not its id.
    var namedByKey: Bool { get }
    /// The add (id nil) or edit body; `changed` names the paths an edit changes.
    func body(_ desired: Resource, client: XiVOClient, id: String?, changed: Set<String>?) async throws -> JSONNode
    /// The id list answers for an item (contexts are named, not numbered).
    func listedID(_ item: JSONNode) -> String?
    /// False where the object has no view call: the list's items are the records.
    var viewed: Bool { get }
    /// How read ids are checked before they go into a URL.
    var idRule: ServerID { get }
    /// What its objects name (users, targets, voicemail boxes): the directory reads it first.
    var names: XiVODirectory.Names { get }
    /// The users, groups and queues a declared resource names (a fallback's, an incall's, a
    /// pickup's members), with where the file names them: checked at plan time.
    func targets(_ resource: Resource) -> [XiVOTarget]
    /// What a read adds beside the resource (a caution, an undeletable mark).
    func annotate(_ record: JSONNode, _ address: Address, _ state: inout LiveState)
    /// The fields this record does not carry at all because the server never returns them
    /// (not: returns them empty). The read takes the file's value for them, and says so.
    func unreturned(_ record: JSONNode) -> [String]
}

extension XiVOObjectKind {
    var names: XiVODirectory.Names { [] }
    var viewed: Bool { true }
    var idRule: ServerID { .digits }
    var unkeyed: String { "has no key" }
    var namedByKey: Bool { false }
    func unreturned(_ record: JSONNode) -> [String] { [] }
    func targets(_ resource: Resource) -> [XiVOTarget] { [] }

    func listedID(_ item: JSONNode) -> String? {
        WireValue.text(item["id"]).string
    }

    func read(_ client: XiVOClient, provider: ProviderConfig, desired: [Resource], into state: inout LiveState) async throws {
        let directory = state.context as? XiVODirectory ?? XiVODirectory()
        let items = try await client.list(object)
        // An item without an id could be neither viewed nor kept apart: an error, never skipped.
        let ids = try items.map { item in
            guard let id = listedID(item) else {
                throw PlatformError(
                    address: "\(provider.name)/\(schema.name)", message: "list \(object) answered an item without an id: \(ServerText.excerpt(item.compact))")
            }
            return id
        }
        let records: [(String, JSONNode)]
        if viewed {
            // List answers summaries: each object is viewed (four at a time).
            let object = self.object
            let views = try await BoundedConcurrency.map(ids) { try await client.view(object, $0) }
            records = Array(zip(ids, views))
        } else {
            records = Array(zip(ids, items))
        }
        var unseen = Set<String>()
        for (id, record) in records {
            let read: Resource?
            do {
                read = try resource(record, directory: directory, provider: provider.name)
            } catch let unreadable as XiVOUnreadable {
                // A live object telform cannot read is an error naming it: skipped, it would be
                // planned as a create (a second user on the same line).
                throw PlatformError(
                    address: "\(provider.name)/\(schema.name)",
                    message:
                        "\(object) \(ServerID.shown(id)) cannot be read: \(unreadable.field) is \(unreadable.got); telform stops rather than plan without it")
            }
            guard let resource = read else {
                let scope = "\(provider.name)/\(schema.name)"
                state.findings.append(
                    Finding(
                        .warning, "unkeyed", at: scope, "\(scope): \(object) \(ServerID.shown(id)) \(unkeyed): telform cannot manage it and leaves it alone"))
                continue
            }
            let (kept, taken) = filled(resource, from: record, as: desired.first { $0.address == resource.address })
            unseen.formUnion(taken)
            let added = state.add(kept, id: id, rule: idRule)
            annotate(record, added, &state)
        }
        for field in unseen.sorted() {
            let scope = "\(provider.name)/\(schema.name)"
            state.findings.append(
                Finding(
                    .note, "unreturned", at: scope,
                    "\(scope): the server does not return \(field), so telform takes the file's value as live and cannot see a change made on the server"))
        }
    }

    /// Default: nothing beside the resource.
    func annotate(_ record: JSONNode, _ address: Address, _ state: inout LiveState) {}

    func create(_ client: XiVOClient, _ change: Change, live: LiveState) async throws {
        guard let desired = change.desired else { return }
        try await add(client, change, body: try await body(desired, client: client, id: nil, changed: nil))
    }

    func add(_ client: XiVOClient, _ change: Change, body: JSONNode) async throws {
        let key = change.address.key[0]
        let object = self.object
        let kind = self
        let provider = change.address.provider
        let answer = try await client.write(
            object, "add", body: body,
            .create(readBack: {
                // The outcome is unknown: look for the object by its key before any resend.
                try await kind.find(client, key: key, provider: provider) == nil ? nil : .confirmed
            }))
        // The add answers the new id (xivo-ws strips its quotes); without one (or when a
        // read-back found the object), the object is found by its key.
        var id: String?
        if !namedByKey, case .response(let response) = answer { id = XiVOClient.addedID(response) }
        if id == nil { id = try await find(client, key: key, provider: provider)?.id }
        guard let id else { throw PlatformError(change.address, "the \(object) was added, but no \(object) with this key reads back") }
        try await confirm(client, change, id: id, done: "added")
    }

    func update(_ client: XiVOClient, _ change: Change, live: LiveState) async throws {
        guard let desired = change.desired else { return }
        let id = try liveID(change, live)
        try await client.write(object, "edit", id: id, body: try await body(desired, client: client, id: id, changed: Set(change.changedPaths)))
        try await confirm(client, change, id: id, done: "edited")
    }

    func delete(_ client: XiVOClient, _ change: Change, live: LiveState) async throws {
        try await client.write(object, "delete", id: try liveID(change, live))
    }

    /// No edit call: delete, then add again (the key is the name, which must be free). The
    /// new body is built first, every name resolved: a failure leaves the old object in place
    /// rather than deleting what cannot be rebuilt.
    func replace(_ client: XiVOClient, _ change: Change, live: LiveState) async throws {
        guard let desired = change.desired else { return }
        let body = try await body(desired, client: client, id: nil, changed: nil)
        if let id = live.ids[change.address] { try await client.write(object, "delete", id: id) }
        try await add(client, change, body: body)
    }

    /// The object with this server id as it reads now (nil: it has no key, or is gone).
    /// A field the server never returns reads as `desired` has it.
    func readBack(_ client: XiVOClient, id: String, provider: String, desired: Resource) async throws -> Resource? {
        // Only the kinds that name users, groups, queues or boxes need the directory.
        let directory = names.isDisjoint(with: [.targets, .voicemails]) ? XiVODirectory() : try await XiVODirectory.read(client, names: names, desired: [])
        let record: JSONNode
        if viewed {
            record = try await client.view(object, id)
        } else {
            guard let item = try await client.list(object).first(where: { listedID($0) == id }) else { return nil }
            record = item
        }
        guard let read = try resource(record, directory: directory, provider: provider) else { return nil }
        return filled(read, from: record, as: desired).resource
    }

    /// `resource` with the fields its record does not carry taken from `desired` (nil: left
    /// as read), and those fields.
    func filled(_ resource: Resource, from record: JSONNode, as desired: @autoclosure () -> Resource?) -> (resource: Resource, taken: [String]) {
        let missing = unreturned(record)
        guard !missing.isEmpty, let desired = desired() else { return (resource, []) }
        var filled = resource
        for field in missing { filled.fields[field] = desired.fields[field] ?? .null }
        return (filled, missing)
    }

    /// The live object with this key and its id, read now.
    func find(_ client: XiVOClient, key: String, provider: String) async throws -> (id: String, resource: Resource)? {
        var state = LiveState()
        state.context = try await XiVODirectory.read(client, names: names, desired: [])
        try await read(
            client, provider: ProviderConfig(name: provider, type: "xivo", settings: [:], mark: Mark(file: "", line: 0, column: 0)),
            desired: [], into: &state)
        guard let resource = state.resources.first(where: { $0.address.key[0] == key }), let id = state.ids[resource.address] else { return nil }
        return (id, resource)
    }

    /// Every XiVO write is read back: some servers take a write and keep less than it said
    /// (a later web interface deletes a user's line on an edit without `linefeatures`, and
    /// empties one-element arrays). A declared field that reads differently from what was sent
    /// is an error naming the object and the field, never a silent loss.
    func confirm(_ client: XiVOClient, _ change: Change, id: String, done: String) async throws {
        guard let desired = change.desired else { return }
        let noun = object == "users" ? "user" : object
        let read: Resource?
        do {
            read = try await readBack(client, id: id, provider: change.address.provider, desired: desired)
        } catch let unreadable as XiVOUnreadable {
            throw PlatformError(change.address, "the \(noun) was \(done), but it reads back without \(unreadable.field) (\(unreadable.got))")
        }
        guard let read else {
            throw PlatformError(
                change.address, schema.name == "users" ? "the user was \(done), but its line is gone" : "the \(noun) was \(done), but it does not read back")
        }
        let differences = Diff.fields(desired: desired, live: read, kind: schema)
        guard differences.isEmpty else {
            let schema = self.schema
            let fields = differences.map { difference in
                // A secret is named, never shown.
                if schema.isSensitive(path: difference.path, value: difference.after) || schema.isSensitive(path: difference.path, value: difference.before) {
                    return "\(difference.path) reads differently from what was sent (sensitive)"
                }
                return
                    "\(difference.path) reads \(ValueDisplay.field(difference.path, difference.before, kind: schema)) where \(ValueDisplay.field(difference.path, difference.after, kind: schema)) was sent"
            }
            throw PlatformError(change.address, "the \(noun) was \(done), but \(fields.joined(separator: "; "))")
        }
    }

    func address(_ provider: String, _ key: String) -> Address {
        Address(provider: provider, kind: schema.name, key: [key])
    }
}

extension XiVOClient {
    /// A user's, a group's or a queue's id, looked up now (it may have been added moments ago).
    func memberID(_ type: String, _ name: String, provider: String) async throws -> String {
        if type == "user" {
            // A user by its line number (the users list has no line).
            if let id = try await userLines().filter({ $0.value.number == name }).map(\.key).sorted().first { return id }
            throw PlatformError(address: provider, message: "no user \(name) on the XiVO server")
        }
        if type == "voicemail" { return try await voicemailID(name, provider: provider) }
        for item in try await list(type == "group" ? "groups" : "queues") {
            if WireValue.text(item["name"]).string == name, let id = WireValue.text(item["id"]).string { return id }
        }
        throw PlatformError(address: provider, message: "no \(type) \(name) on the XiVO server")
    }

    /// **Reading:** a voicemail destination carries the box's id (xivo-ws
    /// `VoicemailDestination(voicemail_id)`), not its mailbox. The list
    /// (`pbx_settings/voicemail/?act=list`, xivo-ws `VoicemailWebService`) gives each box's
    /// `uniqueid` and `mailbox`, and its `context` where the server answers one.
    func voicemails() async throws -> [String: (mailbox: String, context: String?)] {
        if webServices == .current { return try await viewedUsers().voicemails }
        var boxes: [String: (mailbox: String, context: String?)] = [:]
        for box in try await list("voicemail") {
            guard let id = WireValue.text(box["uniqueid"] ?? box["id"]).string, let mailbox = WireValue.text(box["mailbox"]).string else {
                throw WireShape.Unexpected(call: "list voicemail", got: "a box without uniqueid and mailbox: \(ServerText.excerpt(box.compact))")
            }
            boxes[id] = (mailbox, WireValue.text(box["context"]).string)
        }
        return boxes
    }

    /// Each user's line by the user's id.
    /// **Reading:** the users list has no line; in the document a user's number and context
    /// come from the lines list (api-docs/002 lines 98-173: `number`, `context`,
    /// `iduserfeatures`), each a JSON string or number. The current web services' lines list
    /// has no `iduserfeatures` (6adc28a8f, 2013): there, each user is viewed.
    func userLines() async throws -> [String: (number: String, context: String)] {
        if webServices == .current { return try await viewedUsers().users }
        var users: [String: (number: String, context: String)] = [:]
        for line in try await list("lines") {
            guard let id = WireValue.text(line["iduserfeatures"]).string, id != "0", let number = WireValue.text(line["number"]).string else { continue }
            if users[id] == nil { users[id] = (number, WireValue.text(line["context"]).string ?? "default") }
        }
        return users
    }

    /// The current web services: every user viewed (four at a time) for its first line and
    /// its box (`voicemail.id`, `number`, `context`; the voicemail list is gone).
    func viewedUsers() async throws -> (users: [String: (number: String, context: String)], voicemails: [String: (mailbox: String, context: String?)]) {
        let ids = try await list("users").compactMap { WireValue.text($0["id"]).string }
        let views = try await BoundedConcurrency.map(ids) { try await self.view("users", $0) }
        var users: [String: (number: String, context: String)] = [:]
        var boxes: [String: (mailbox: String, context: String?)] = [:]
        for (id, view) in zip(ids, views) {
            if let line = view["linefeatures"]?.array?.first, let number = WireValue.text(line["number"]).string {
                users[id] = (number, WireValue.text(line["context"]).string ?? "default")
            }
            if let box = view["voicemail"], box.pairs != nil,
                let boxID = WireValue.text(box["id"] ?? box["uniqueid"] ?? view["userfeatures"]?["voicemailid"]).string,
                let mailbox = WireValue.text(box["number"] ?? box["mailbox"]).string
            {
                boxes[boxID] = (mailbox, WireValue.text(box["context"]).string)
            }
        }
        return (users, boxes)
    }

    /// The id of the box the file names `MAILBOX` (context `default`) or `MAILBOX@CONTEXT`.
    /// A list without contexts matches the mailbox alone, and two such boxes are an error.
    func voicemailID(_ name: String, provider: String) async throws -> String {
        let parts = name.split(separator: "@", maxSplits: 1).map(String.init)
        let mailbox = parts[0]
        let context = parts.count > 1 ? parts[1] : "default"
        let matches = try await voicemails().filter { $0.value.mailbox == mailbox && ($0.value.context ?? context) == context }.map(\.key).sorted()
        guard let id = matches.first else { throw PlatformError(address: provider, message: "no voicemail box \(name) on the XiVO server") }
        guard matches.count == 1 else {
            throw PlatformError(
                address: provider,
                message: "voicemail box \(name) is ambiguous: boxes \(matches.joined(separator: ", ")) have that mailbox; name it MAILBOX@CONTEXT")
        }
        return id
    }
}

/// A field of a live record that is missing or of a type telform cannot read.
struct XiVOUnreadable: Error {
    let field: String
    let got: String
}

/// XiVO's wire scalars.
enum XiVOWire {
    /// A field that must be text: a JSON string, or a number as its digits (XiVO answers
    /// both: xivo-ws sends `number: [1061]`). Missing or of another type, it fails naming it.
    static func required(_ node: JSONNode?, _ field: String) throws -> String {
        if let text = WireValue.text(node).string { return text }
        throw XiVOUnreadable(field: field, got: node.map { $0.isNull ? "null" : ServerText.excerpt($0.compact) } ?? "missing")
    }

    /// A text field as XiVO takes it: the string, or "" when the file leaves it out.
    static func text(_ value: Value?) -> JSONNode { value?.string.map(JSONNode.string) ?? .string("") }

    /// XiVO writes booleans as true/false, 0/1 or "0"/"1"; absent is null.
    static func bool(_ node: JSONNode?) -> Value {
        WireCodec.bool(node).map(Value.bool) ?? .null
    }
}
