import TelformCore

/// Users, groups and queues by server id, read once for every XiVO kind that names them
/// (incall and fallback targets, pickup members): kept typed in `LiveState.context`.
struct XiVODirectory: Sendable {
    var users: [String: (number: String, context: String)] = [:]
    var groups: [String: String] = [:]
    var queues: [String: String] = [:]

    /// The kinds that name users, groups or queues.
    static let naming: Set<String> = ["incalls", "pickups", "schedules"]

    static func read(_ client: XiVOClient, kinds: [String], desired: [Resource]) async throws -> XiVODirectory {
        var directory = XiVODirectory()
        if kinds.contains(where: { naming.contains($0) || $0 == "users" }) {
            // **Reading:** the users list has no line; a user's number and context come from
            // the lines list (api-docs/002 lines 98-173: `number`, `context`, `iduserfeatures`).
            for line in try await client.list("lines") {
                guard let id = WireValue.text(line["iduserfeatures"]).string, id != "0", let number = WireValue.text(line["number"]).string else { continue }
                if directory.users[id] == nil { directory.users[id] = (number, line["context"]?.string ?? "default") }
            }
        }
        if kinds.contains(where: naming.contains) {
            for group in try await client.list("groups") {
                if let id = WireValue.text(group["id"]).string, let name = group["name"]?.string { directory.groups[id] = name }
            }
            for queue in try await client.list("queues") {
                if let id = WireValue.text(queue["id"]).string, let name = queue["name"]?.string { directory.queues[id] = name }
            }
            try directory.checkReferences(desired)
        }
        return directory
    }

    /// The name the file gives the user, group or queue of a wire id (`#id` when unknown).
    func name(_ type: String, id: String) -> String? {
        switch type {
        case "user": return users[id]?.number
        case "group": return groups[id]
        case "queue": return queues[id]
        default: return nil
        }
    }

    /// A user, group or queue that an incall, a schedule fallback or a pickup names must be
    /// declared (users) or live: otherwise a plan error at its position in the file, with the
    /// nearest name the file or the server has (the apply would fail on it, after other calls).
    func checkReferences(_ desired: [Resource]) throws {
        let declaredUsers = desired.filter { $0.address.kind == "users" }.compactMap { $0.fields["line"]?["number"]?.string }
        let known: [String: [String]] = ["user": declaredUsers + users.values.map(\.number), "group": Array(groups.values), "queue": Array(queues.values)]
        var problems: [String] = []
        func check(_ type: String?, _ name: String?, _ node: YAMLNode?, _ path: String) {
            guard let type, let name, let names = known[type], !names.contains(name) else { return }
            let hint = Suggestion.closest(to: name, in: names).map { "; did you mean \"\($0)\"?" } ?? ""
            let where_ = node.map { "\($0.mark): \(path): " } ?? ""
            problems.append("\(where_)no \(type) \"\(name)\" in the file or on the XiVO server\(hint)")
        }
        for resource in desired {
            guard let kind = XiVOKinds.kinds.first(where: { $0.schema.name == resource.address.kind }) as? any XiVOObjectKind else { continue }
            for target in kind.targets(resource) { check(target.type, target.name, target.node, target.path) }
        }
        if !problems.isEmpty {
            throw PlatformError(address: desired.first?.address.provider ?? "xivo", message: problems.joined(separator: "\n  "))
        }
    }
}

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
    /// The live object of a viewed record, canonical; nil when it is not one.
    func resource(_ record: JSONNode, directory: XiVODirectory, provider: String) -> Resource?
    /// The add (id nil) or edit body; `changed` names the paths an edit changes.
    func body(_ desired: Resource, client: XiVOClient, id: String?, changed: Set<String>?) async throws -> JSONNode
    /// The id list answers for an item (contexts are named, not numbered).
    func listedID(_ item: JSONNode) -> String?
    /// False where the object has no view call: the list's items are the records.
    var viewed: Bool { get }
    /// How read ids are checked before they go into a URL.
    var idRule: ServerID { get }
    /// The users, groups and queues a declared resource names (a fallback's, an incall's, a
    /// pickup's members), with where the file names them: checked at plan time.
    func targets(_ resource: Resource) -> [XiVOTarget]
    /// What a read adds beside the resource (a caution, an undeletable mark).
    func annotate(_ record: JSONNode, _ address: Address, _ state: inout LiveState)
}

extension XiVOObjectKind {
    var viewed: Bool { true }
    var idRule: ServerID { .digits }
    func targets(_ resource: Resource) -> [XiVOTarget] { [] }

    func listedID(_ item: JSONNode) -> String? {
        WireValue.text(item["id"]).string
    }

    func read(_ client: XiVOClient, provider: ProviderConfig, desired: [Resource], into state: inout LiveState) async throws {
        let directory = state.context as? XiVODirectory ?? XiVODirectory()
        let items = try await client.list(object)
        let records: [(String, JSONNode)]
        if viewed {
            // List answers summaries: each object is viewed (four at a time).
            let ids = items.compactMap(listedID)
            let object = self.object
            let views = try await BoundedConcurrency.map(ids) { try await client.view(object, $0) }
            records = Array(zip(ids, views))
        } else {
            records = items.compactMap { item in listedID(item).map { ($0, item) } }
        }
        for (id, record) in records {
            guard let resource = resource(record, directory: directory, provider: provider.name) else { continue }
            let added = state.add(resource, id: id, rule: idRule)
            annotate(record, added, &state)
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
        try await client.write(object, "add", body: body, .create(readBack: {
            // The add answers nothing to go by: look for the object by its key.
            var state = LiveState()
            state.context = try await XiVODirectory.read(client, kinds: [kind.schema.name], desired: [])
            try await kind.read(client, provider: ProviderConfig(name: change.address.provider, type: "xivo", settings: [:], mark: Mark(file: "", line: 0, column: 0)),
                                desired: [], into: &state)
            return state.resources.contains { $0.address.key[0] == key } ? HTTPResponse(status: 200) : nil
        }))
    }

    func update(_ client: XiVOClient, _ change: Change, live: LiveState) async throws {
        guard let desired = change.desired else { return }
        let id = try liveID(change, live)
        try await client.write(object, "edit", id: id, body: try await body(desired, client: client, id: id, changed: Set(change.changedPaths)))
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

    func address(_ provider: String, _ key: String) -> Address {
        Address(provider: provider, kind: schema.name, key: [key])
    }
}

extension XiVOClient {
    /// A user's, a group's or a queue's id, looked up now (it may have been added moments ago).
    func memberID(_ type: String, _ name: String, provider: String) async throws -> String {
        if type == "user" {
            // A user by its line number, through the lines list (the users list has no line).
            for line in try await list("lines") where WireValue.text(line["number"]).string == name {
                if let id = WireValue.text(line["iduserfeatures"]).string, id != "0" { return id }
            }
            throw PlatformError(address: provider, message: "no user \(name) on the XiVO server")
        }
        for item in try await list(type == "group" ? "groups" : "queues") {
            if item["name"]?.string == name, let id = WireValue.text(item["id"]).string { return id }
        }
        throw PlatformError(address: provider, message: "no \(type) \(name) on the XiVO server")
    }
}

/// XiVO's wire scalars.
enum XiVOWire {
    /// A text field as XiVO takes it: the string, or "" when the file leaves it out.
    static func text(_ value: Value?) -> JSONNode { value?.string.map(JSONNode.string) ?? .string("") }

    /// XiVO writes booleans as true/false, 0/1 or "0"/"1"; absent is null.
    static func bool(_ node: JSONNode?) -> Value {
        WireCodec.bool(node).map(Value.bool) ?? .null
    }
}
