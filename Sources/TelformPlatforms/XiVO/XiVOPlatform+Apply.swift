import TelformCore

/// Changes → XiVO calls.
extension XiVOPlatform {
    public func apply(_ change: Change, live: LiveState) async throws {
        guard let object = Self.objects[change.address.kind] else { return }
        do {
            let id = live.ids[change.address]
            switch change.action {
            case .delete:
                guard let id else { return }
                try await client.write(object, "delete", id: id)
            case .create:
                try await add(object, change)
            case .replace:
                // No edit call: delete, then add again (the key is the name, which must be free).
                // The new body is built first, every name resolved: a failure leaves the old
                // object in place rather than deleting what cannot be rebuilt.
                guard let desired = change.desired else { return }
                let body = try await body(change.address.kind, desired, id: nil, changed: nil)
                if let id { try await client.write(object, "delete", id: id) }
                try await add(object, change, body: body)
            case .update:
                guard let id, let desired = change.desired else { return }
                try await client.write(object, "edit", id: id, body: try await body(change.address.kind, desired, id: id, changed: Set(change.changedPaths)))
            }
        } catch {
            throw PlatformError.at(change.address.description, error)
        }
    }

    func add(_ object: String, _ change: Change, body prepared: JSONNode? = nil) async throws {
        guard let desired = change.desired else { return }
        let key = change.address.key[0]
        let kind = change.address.kind
        let body: JSONNode
        if let prepared { body = prepared } else { body = try await self.body(kind, desired, id: nil, changed: nil) }
        try await client.write(object, "add", body: body, .create(readBack: { [self] in
            // The add answers nothing to go by: look for the object by its key.
            let found = try await read(kinds: [kind], desired: []).resources.contains { $0.address.key[0] == key }
            return found ? HTTPResponse(status: 200) : nil
        }))
    }

    /// A user's, a group's or a queue's id, looked up now (it may have been added moments ago).
    func memberID(_ type: String, _ name: String) async throws -> String {
        if type == "user" {
            // A user by its line number, through the lines list (the users list has no line).
            for line in try await client.list("lines") where Self.text(line["number"]).string == name {
                if let id = Self.text(line["iduserfeatures"]).string, id != "0" { return id }
            }
            throw PlatformError(address: provider.name, message: "no user \(name) on the XiVO server")
        }
        for item in try await client.list(type == "group" ? "groups" : "queues") {
            if item["name"]?.string == name, let id = Self.text(item["id"]).string { return id }
        }
        throw PlatformError(address: provider.name, message: "no \(type) \(name) on the XiVO server")
    }

    func body(_ kind: String, _ desired: Resource, id: String?, changed: Set<String>?) async throws -> JSONNode {
        let f = desired.fields
        let text = Self.wireText
        switch kind {
        case "users":
            return try await userBody(f, id: id, changed: changed)
        case "schedules":
            var pairs: [(String, JSONNode)] = [("schedule", .object([("name", text(f["name"])), ("timezone", text(f["timezone"])), ("description", text(f["description"]))]))]
            // The documented add shape (api-docs/002 lines 1066-1069): `actiontype` and `action`
            // ("endcall" + "hangup"); a user, group or queue target goes as its id in `actionarg1`.
            var fallback: [(String, JSONNode)] = [("actiontype", .string("none"))]
            if let declared = f["fallback"]?.object, let type = declared["type"]?.string {
                fallback = [("actiontype", .string(type))]
                if type == "endcall" { fallback.append(("action", .string(declared["action"]?.string ?? "hangup"))) }
                if let target = declared["target"]?.string {
                    fallback.append(("actionarg1", ["user", "group", "queue"].contains(type) ? .string(try await memberID(type, target)) : .string(target)))
                }
            }
            pairs.append(("dialaction", .object([("schedule_fallback", .object(fallback))])))
            pairs.append(("opened", .array((f["opened"]?.list ?? []).map { o in
                .object(["hours", "weekdays", "monthdays", "months"].map { ($0, text(o[$0])) })
            })))
            return .object(pairs)
        case "incalls":
            let destination = f["destination"]?.object ?? [:]
            let type = destination["type"]?.string ?? "endcall"
            var target = text(destination["target"])
            if ["user", "group", "queue"].contains(type), let name = destination["target"]?.string { target = .string(try await memberID(type, name)) }
            return .object([("incall", .object([("exten", text(f["exten"])), ("context", text(f["context"]))])),
                            ("dialaction", .object([("answer", .object([("actiontype", .string(type)), ("actionarg1", target), ("actionarg2", .string(""))]))]))])
        case "contexts":
            var numbers: [(String, JSONNode)] = []
            for (use, ranges) in (f["numbers"]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
                // xivo-ws sends an incall range with its `didlength` (0: the whole number).
                numbers.append((use, .array((ranges.list ?? []).map { r in
                    .object([("numberbeg", text(r["from"])), ("numberend", text(r["to"] ?? r["from"]))] + (use == "incall" ? [("didlength", .int(0))] : []))
                })))
            }
            return .object([("context", .object([("name", text(f["name"])), ("displayname", text(f["display_name"] ?? f["name"])), ("entity", text(f["entity"])),
                                                 ("contexttype", text(f["type"])), ("description", text(f["description"]))])),
                            ("contextinclude", .array((f["includes"]?.list ?? []).map { text($0) })), ("contextnumbers", .object(numbers))])
        case "pickups":
            var members: [JSONNode] = []
            for (side, category) in [("members", "member"), ("pickers", "pickup")] {
                for member in f[side]?.list ?? [] {
                    guard let (type, name) = ["user", "group", "queue"].compactMap({ t in member[t]?.string.map { (t, $0) } }).first else { continue }
                    let id = try await memberID(type, name)
                    members.append(.object([("category", .string(category)), ("membertype", .string(type)), ("memberid", Int64(id).map(JSONNode.int) ?? .string(id))]))
                }
            }
            return .object([("name", text(f["name"])), ("description", text(f["description"])), ("members", .array(members))])
        case "parking_lots":
            // **Reading:** the document's edit URL carries no `&id=`: the id goes in the body as
            // well as in the query, so a server reading either finds the lot.
            return .object((id.map { [("id", Int64($0).map(JSONNode.int) ?? .string($0))] } ?? []) + [("name", text(f["name"])), ("context", text(f["context"])), ("extension", text(f["extension"])),
                            ("positions", .int(f["positions"]?.int ?? 1)), ("next", .int(f["next"]?.int ?? 0)),
                            ("commented", .int(f["commented"]?.bool == true ? 1 : 0))])
        default:
            return .object([("name", text(f["name"])), ("description", text(f["description"])), ("printscreen", text(f["printscreen"])),
                            ("category_name", text(f["category"]))])
        }
    }

    public func export(kinds: [String]) async throws -> Export {
        var export = Export()
        let live = try await read(kinds: kinds, desired: [])
        for kind in kinds {
            let resources = live.resources.filter { $0.address.kind == kind }.sorted { $0.address < $1.address }
            export.kinds.append((kind, .list(resources.map { resource in
                var fields = Export.trimmed(resource.fields)
                if kind == "users", fields["voicemail"]?["password"] != nil, var vm = fields["voicemail"]?.object {
                    vm["password"] = export.placeholder([provider.name, resource.address.key[0], "voicemail"], "the voicemail PIN of \(resource.address)", at: resource.address, path: "voicemail.password")
                    fields["voicemail"] = .object(vm)
                }
                return .object(fields)
            })))
        }
        return export
    }
}
