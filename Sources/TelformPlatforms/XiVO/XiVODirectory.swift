import TelformCore

/// Users, groups and queues by server id, read once for every XiVO kind that names them
/// (incall and fallback targets, pickup members): kept typed in `LiveState.context`.
struct XiVODirectory: Sendable {
    var users: [String: (number: String, context: String)] = [:]
    var groups: [String: String] = [:]
    var queues: [String: String] = [:]
    /// Voicemail boxes by id: the mailbox, and the context where the list gives one.
    var voicemails: [String: (mailbox: String, context: String?)] = [:]

    /// What a kind's objects name, so that the directory reads it first (each kind says its
    /// own: `XiVOObjectKind.names`).
    struct Names: OptionSet, Sendable {
        let rawValue: Int
        /// Users and their lines.
        static let users = Names(rawValue: 1)
        /// Users, groups and queues as targets (an incall's destination, a pickup's members),
        /// checked at plan time.
        static let targets = Names(rawValue: 2)
        /// Voicemail boxes (a destination may be one).
        static let voicemails = Names(rawValue: 4)
    }

    /// What the kinds named `kinds` (schema names) name, together.
    static func names(of kinds: [String]) -> Names {
        XiVOKinds.kinds.reduce(into: Names()) { names, kind in
            if kinds.contains(kind.schema.name), let object = kind as? any XiVOObjectKind { names.formUnion(object.names) }
        }
    }

    static func read(_ client: XiVOClient, names: Names, desired: [Resource]) async throws -> XiVODirectory {
        var directory = XiVODirectory()
        let needsUsers = !names.isDisjoint(with: [.users, .targets])
        let needsBoxes = names.contains(.voicemails)
        // The current web services have neither the lines' users nor a voicemail list: one
        // view of every user gives both.
        let viewed = client.webServices == .current && (needsUsers || needsBoxes) ? try await client.viewedUsers() : nil
        if needsUsers {
            if let viewed { directory.users = viewed.users } else { directory.users = try await client.userLines() }
        }
        if names.contains(.targets) {
            for group in try await client.list("groups") {
                if let id = WireValue.text(group["id"]).string, let name = WireValue.text(group["name"]).string { directory.groups[id] = name }
            }
            for queue in try await client.list("queues") {
                if let id = WireValue.text(queue["id"]).string, let name = WireValue.text(queue["name"]).string { directory.queues[id] = name }
            }
        }
        if needsBoxes {
            if let viewed { directory.voicemails = viewed.voicemails } else { directory.voicemails = try await client.voicemails() }
        }
        if names.contains(.targets) { try directory.checkReferences(desired) }
        if client.webServices == .current { try checkCurrent(desired) }
        return directory
    }

    /// What the current web services cannot keep, refused at plan time at its place in the
    /// file (docs/readings.md names the commit of each change).
    static func checkCurrent(_ desired: [Resource]) throws {
        var problems: [String] = []
        func problem(_ resource: Resource, _ field: String?, _ text: String) {
            let node = field.map { resource.node?[$0] } ?? resource.node
            let path = field.map { resource.path + "." + $0 } ?? resource.path
            problems.append((node.map { "\($0.mark): " } ?? "") + "\(path): " + text)
        }
        for resource in desired {
            let kind = resource.address.kind
            if kind == "parking_lots" {
                problem(
                    resource, nil,
                    "the current web services have no parking-lot service (removed in 2014, 8a134e440): manage parking lots in the web interface, or set web_services: document for a server that has it"
                )
            }
            if kind == "users", resource.fields["caller_id"] != nil {
                problem(
                    resource, "caller_id",
                    "the current web services set the caller id to \"firstname lastname\" on every add and edit: it cannot be managed (leave caller_id out)")
            }
            if kind == "users", resource.fields["voicemail"] == .null {
                problem(
                    resource, "voicemail",
                    "the current web services never remove a voicemail on an edit: remove the box in the web interface and leave voicemail out")
            }
            if kind == "contexts", (resource.fields["numbers"]?.object ?? [:]).values.allSatisfy({ ($0.list ?? []).isEmpty }) {
                problem(resource, nil, "the current web services refuse a context without number ranges: give it numbers")
            }
        }
        if !problems.isEmpty {
            throw PlatformError(address: desired.first?.address.provider ?? "xivo", message: problems.joined(separator: "\n  "))
        }
    }

    /// The name the file gives the user, group or queue of a wire id (`#id` when unknown).
    func name(_ type: String, id: String) -> String? {
        switch type {
        case "user": return users[id]?.number
        case "group": return groups[id]
        case "queue": return queues[id]
        case "voicemail": return voicemails[id].map { XiVODirectory.mailbox($0.mailbox, $0.context) }
        default: return nil
        }
    }

    /// A user, group or queue that an incall, a schedule fallback or a pickup names must be
    /// declared (users) or live: otherwise a plan error at its position in the file, with the
    /// nearest name the file or the server has (the apply would fail on it, after other calls).
    /// A box as the file names it: its mailbox, with `@context` unless the context is
    /// `default` (as a user's line is keyed `number@context`, default `default`).
    static func mailbox(_ mailbox: String, _ context: String?) -> String {
        guard let context, context != "default" else { return mailbox }
        return mailbox + "@" + context
    }

    func checkReferences(_ desired: [Resource]) throws {
        let declaredUsers = desired.filter { $0.address.kind == "users" }.compactMap { $0.fields["line"]?["number"]?.string }
        let declaredBoxes = desired.filter { $0.address.kind == "users" }.compactMap { user in
            user.fields["voicemail"]?["mailbox"]?.string.map { Self.mailbox($0, user.fields["line"]?["context"]?.string) }
        }
        let known: [String: [String]] = [
            "user": declaredUsers + users.values.map(\.number), "group": Array(groups.values), "queue": Array(queues.values),
            "voicemail": declaredBoxes + voicemails.values.map { Self.mailbox($0.mailbox, $0.context) },
        ]
        var problems: [String] = []
        func check(_ type: String?, _ name: String?, _ node: YAMLNode?, _ path: String) {
            guard let type, var name, let names = known[type] else { return }
            if type == "voicemail", name.hasSuffix("@default") { name = String(name.dropLast("@default".count)) }
            guard !names.contains(name) else { return }
            let hint = Suggestion.closest(to: name, in: names).map { "; did you mean \"\($0)\"?" } ?? ""
            let place = node.map { "\($0.mark): \(path): " } ?? ""
            problems.append("\(place)no \(type) \"\(name)\" in the file or on the XiVO server\(hint)")
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
