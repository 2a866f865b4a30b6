import TelformCore

/// Live reads of every XiVO kind.
extension XiVOPlatform {
    /// Users by id (`number@context`, number), groups and queues by id, for naming targets.
    struct Directory: Sendable {
        var users: [String: (number: String, context: String)] = [:]
        var groups: [String: String] = [:]
        var queues: [String: String] = [:]
    }

    public func read(kinds: [String], desired: [Resource]) async throws -> LiveState {
        var state = LiveState()
        do {
            var directory = Directory()
            if kinds.contains(where: { ["users", "incalls", "pickups", "schedules"].contains($0) }) {
                // **Reading:** the users list has no line; a user's number and context come from
                // the lines list (api-docs/002 lines 98-173: `number`, `context`, `iduserfeatures`).
                for line in try await client.list("lines") {
                    guard let id = Self.text(line["iduserfeatures"]).string, id != "0", let number = Self.text(line["number"]).string else { continue }
                    let context = line["context"]?.string ?? "default"
                    if directory.users[id] == nil { directory.users[id] = (number, context) }
                    state.lookups["user:\(number)"] = state.lookups["user:\(number)"] ?? id
                    state.lookups["user:\(number)@\(context)"] = id
                }
            }
            if kinds.contains("pickups") || kinds.contains("schedules") || kinds.contains("incalls") {
                for group in try await client.list("groups") {
                    if let id = Self.text(group["id"]).string, let name = group["name"]?.string { directory.groups[id] = name; state.lookups["group:\(name)"] = id }
                }
                for queue in try await client.list("queues") {
                    if let id = Self.text(queue["id"]).string, let name = queue["name"]?.string { directory.queues[id] = name; state.lookups["queue:\(name)"] = id }
                }
            }
            if kinds.contains(where: { ["incalls", "pickups", "schedules"].contains($0) }) {
                try checkReferences(desired, directory: directory)
            }
            for kind in kinds {
                guard let object = Self.objects[kind] else { continue }
                let items = try await client.list(object)
                let records: [(String, JSONNode)]
                switch kind {
                // **Reading:** parking lots are listed, then viewed one by one like every other
                // object (the list may answer summaries); queue skills have no view call.
                case "queue_skills":
                    records = items.compactMap { item in Self.text(item["id"]).string.map { ($0, item) } }
                default:
                    // List answers summaries: each object is viewed (four at a time).
                    let ids = items.compactMap { item -> String? in
                        // **Reading:** the context list nests each item (`{"context": {"name": …}}`,
                        // xivo-ws test_from_list_obj_dict); a flat item is read too.
                        kind == "contexts" ? (item["context"]?["name"]?.string ?? item["name"]?.string) : Self.text(item["id"]).string
                    }
                    let client = self.client
                    let views = try await BoundedConcurrency.map(ids) { try await client.view(object, $0) }
                    records = Array(zip(ids, views))
                }
                for (id, record) in records {
                    guard let resource = resource(kind, record, directory: directory) else { continue }
                    // Contexts are named, not numbered: their name is their id.
                    let added = state.add(resource, id: id, rule: kind == "contexts" ? .text : .digits)
                    // **Reading:** view answers a membership as false or as the member rows (api-docs/002
                    // lines 417-420); true is read too.
                    if kind == "users", Self.isMember(record["groupmember"]) || Self.isMember(record["queuemember"]) {
                        state.cautions[added] = "editing this user drops its group and queue memberships (a XiVO limitation)"
                    }
                    if kind == "contexts" { state.undeletable[added] = "XiVO cannot delete contexts" }
                }
            }
        } catch {
            throw PlatformError.at("\(provider.name)/\(kinds.joined(separator: ","))", error)
        }
        return state
    }

    /// A user, group or queue that an incall, a schedule fallback or a pickup names must be
    /// declared (users) or live: otherwise a plan error at its position in the file, with the
    /// nearest name the file or the server has (the apply would fail on it, after other calls).
    func checkReferences(_ desired: [Resource], directory: Directory) throws {
        let declaredUsers = desired.filter { $0.address.kind == "users" }.compactMap { $0.fields["line"]?["number"]?.string }
        let known: [String: [String]] = ["user": declaredUsers + directory.users.values.map(\.number),
                                         "group": Array(directory.groups.values), "queue": Array(directory.queues.values)]
        var problems: [String] = []
        func check(_ type: String?, _ name: String?, _ node: YAMLNode?, _ path: String) {
            guard let type, let name, let names = known[type], !names.contains(name) else { return }
            let hint = Suggestion.closest(to: name, in: names).map { "; did you mean \"\($0)\"?" } ?? ""
            let where_ = node.map { "\($0.mark): \(path): " } ?? ""
            problems.append("\(where_)no \(type) \"\(name)\" in the file or on the XiVO server\(hint)")
        }
        for resource in desired {
            switch resource.address.kind {
            case "incalls":
                let destination = resource.fields["destination"]
                check(destination?["type"]?.string, destination?["target"]?.string, resource.node?["destination"]?["target"], resource.path + ".destination.target")
            case "schedules":
                let fallback = resource.fields["fallback"]
                check(fallback?["type"]?.string, fallback?["target"]?.string, resource.node?["fallback"]?["target"], resource.path + ".fallback.target")
            case "pickups":
                for side in ["members", "pickers"] {
                    for (index, member) in (resource.fields[side]?.list ?? []).enumerated() {
                        for type in ["user", "group", "queue"] where member[type] != nil {
                            check(type, member[type]?.string, resource.node?[side]?.items?[index][type], "\(resource.path).\(side)[\(index)].\(type)")
                        }
                    }
                }
            default: break
            }
        }
        if !problems.isEmpty {
            throw PlatformError(address: "\(provider.name)", message: problems.joined(separator: "\n  "))
        }
    }

    static func isMember(_ node: JSONNode?) -> Bool {
        if let rows = node?.array { return !rows.isEmpty }
        return Self.bool(node) == .bool(true)
    }

    /// Included context names, in priority order, from any of the shapes XiVO answers.
    static func includes(_ node: JSONNode?) -> [String] {
        let items: [JSONNode] = node?.array ?? (node?.pairs != nil ? [node!] : [])
        return items.sorted { (Int(Self.text($0["priority"]).string ?? "") ?? 0) < (Int(Self.text($1["priority"]).string ?? "") ?? 0) }
            .compactMap { $0.string ?? $0["include"]?.string ?? $0["name"]?.string }
    }

    /// **Reading:** view answers a schedule's fallback inside `schedule`: `fallback_action`
    /// ("endcall:hangup", "user"), `fallback_actionid` (the target's id) — the dialaction's own
    /// fields come back null (xivo-ws test_from_obj_dict). The dialaction is read when they are
    /// absent. User, group and queue ids are named as the file names them.
    static func scheduleFallback(_ record: JSONNode, directory: Directory) -> Value? {
        let schedule = record["schedule"]
        var type: String?, action: String?, target = Self.text(schedule?["fallback_actionid"]).string
        if let text = schedule?["fallback_action"]?.string, !text.isEmpty {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            type = parts[0]
            action = parts.count > 1 ? parts[1] : nil
        } else if let dial = record["dialaction"]?["schedule_fallback"], let t = dial["actiontype"]?.string {
            type = t
            action = dial["action"]?.string
            target = Self.text(dial["actionarg1"]).string
        }
        guard let type, type != "none" else { return nil }
        var fields: [String: Value] = ["type": .string(type)]
        if let target, !target.isEmpty {
            switch type {
            case "user": fields["target"] = .string(directory.users[target]?.number ?? "#\(target)")
            case "group": fields["target"] = .string(directory.groups[target] ?? "#\(target)")
            case "queue": fields["target"] = .string(directory.queues[target] ?? "#\(target)")
            default: fields["target"] = .string(target)
            }
        }
        if let action, !action.isEmpty { fields["action"] = .string(action) }
        return .object(fields)
    }

    func address(_ kind: String, _ key: String) -> Address {
        Address(provider: provider.name, kind: kind, key: [key])
    }

    /// One live object in canonical form.
    func resource(_ kind: String, _ record: JSONNode, directory: Directory) -> Resource? {
        switch kind {
        case "users": return user(record)
        case "schedules":
            guard let s = record["schedule"], let name = s["name"]?.string else { return nil }
            var fields: [String: Value] = ["name": .string(name), "timezone": Self.text(s["timezone"]), "description": Self.text(s["description"])]
            fields["opened"] = .list((record["opened"]?.array ?? []).map { o in
                Self.opened(["hours": Self.text(o["hours"]), "weekdays": Self.text(o["weekdays"]), "monthdays": Self.text(o["monthdays"]),
                             "months": Self.text(o["months"])])
            })
            if let fallback = Self.scheduleFallback(record, directory: directory) { fields["fallback"] = fallback }
            return Resource(address: address(kind, name), fields: fields)
        case "incalls":
            guard let incall = record["incall"], let exten = incall["exten"]?.string, let context = incall["context"]?.string else { return nil }
            let answer = record["dialaction"]?["answer"]
            let type = answer?["actiontype"]?.string ?? "none"
            var target = Self.text(answer?["actionarg1"])
            // A user target is named by line number, a group or queue by name: the wire has ids.
            if let id = target.string {
                switch type {
                case "user": target = directory.users[id].map { .string($0.number) } ?? target
                case "group": target = directory.groups[id].map(Value.string) ?? target
                case "queue": target = directory.queues[id].map(Value.string) ?? target
                default: break
                }
            }
            return Resource(address: address(kind, "\(exten)@\(context)"), fields: [
                "exten": .string(exten), "context": .string(context),
                "destination": .object(["type": .string(type), "target": target]),
            ])
        case "contexts":
            guard let c = record["context"], let name = c["name"]?.string else { return nil }
            var numbers: [String: Value] = [:]
            for (use, ranges) in record["contextnumbers"]?.pairs ?? [] {
                let list = (ranges.array ?? []).map { r -> Value in
                    .object(["from": Self.text(r["numberbeg"]), "to": Self.text(r["numberend"]) == .null ? Self.text(r["numberbeg"]) : Self.text(r["numberend"])])
                }
                if !list.isEmpty { numbers[use] = .list(list) }
            }
            return Resource(address: address(kind, name), fields: [
                "name": .string(name), "display_name": Self.text(c["displayname"]), "entity": Self.text(c["entity"]),
                "type": Self.text(c["contexttype"]), "description": Self.text(c["description"]),
                // **Reading:** view answers includes as `{context, include, priority}` records
                // (xivo-ws test_from_obj_dict), add takes names; a single record or names are read too.
                "includes": .list(Self.includes(record["contextinclude"]).map(Value.string)),
                "numbers": .object(numbers),
            ])
        case "pickups":
            guard let p = record["pickup"], let name = p["name"]?.string else { return nil }
            func named(_ member: JSONNode) -> Value? {
                guard let type = member["membertype"]?.string, let id = Self.text(member["memberid"]).string else { return nil }
                switch type {
                case "user": return directory.users[id].map { .object(["user": .string($0.number)]) }
                case "group": return directory.groups[id].map { .object(["group": .string($0)]) }
                case "queue": return directory.queues[id].map { .object(["queue": .string($0)]) }
                default: return nil
                }
            }
            return Resource(address: address(kind, name), fields: [
                "name": .string(name), "description": Self.text(p["description"]),
                "members": .list(Self.sortedMembers((record["members"]?.array ?? []).compactMap(named))),
                "pickers": .list(Self.sortedMembers((record["pickups"]?.array ?? []).compactMap(named))),
            ])
        case "parking_lots":
            guard let name = record["name"]?.string else { return nil }
            return Resource(address: address(kind, name), fields: [
                "name": .string(name), "context": Self.text(record["context"]), "extension": Self.text(record["extension"]),
                "positions": Self.int(record["positions"]), "next": Self.int(record["next"]), "commented": Self.bool(record["commented"]),
            ])
        case "queue_skills":
            guard let name = record["name"]?.string else { return nil }
            return Resource(address: address(kind, name), fields: [
                "name": .string(name), "description": Self.text(record["description"]), "printscreen": Self.text(record["printscreen"]),
                "category": Self.text(record["category_name"]),
            ])
        default:
            return nil
        }
    }

    /// A user's view (`linefeatures` as a list of objects) in canonical form.
    func user(_ record: JSONNode) -> Resource? {
        guard let uf = record["userfeatures"], let line = record["linefeatures"]?.array?.first,
              let number = line["number"]?.string else { return nil }
        let context = line["context"]?.string ?? "default"
        var forward: [String: Value] = [:]
        // A case that is off reads as null, the canonical form of one the file leaves out.
        for (name, enable, dest) in [("unconditional", "enableunc", "destunc"), ("busy", "enablebusy", "destbusy"), ("no_answer", "enablerna", "destrna")] {
            forward[name] = Self.bool(uf[enable]) == .bool(true) ? .object(["to": Self.text(uf[dest])]) : .null
        }
        var fields: [String: Value] = [
            "firstname": Self.text(uf["firstname"]), "lastname": Self.text(uf["lastname"]), "language": Self.text(uf["language"]),
            "ring_seconds": Self.int(uf["ringseconds"]), "simult_calls": Self.int(uf["simultcalls"]),
            "mobile_phone_number": Self.text(uf["mobilephonenumber"]), "caller_id": Self.text(uf["callerid"]),
            "music_on_hold": Self.text(uf["musiconhold"]), "dnd": Self.bool(uf["enablednd"]), "enable_transfer": Self.bool(uf["enablexfer"]),
            "call_record": Self.bool(uf["callrecord"]), "forward": .object(forward),
            "line": .object(["protocol": Self.text(line["protocol"]), "context": .string(context), "number": .string(number)]),
        ]
        if let entity = uf["entityid"], !entity.isNull { fields["entity_id"] = Self.int(entity) }
        // **Reading:** view answers `voicemail: false` for a user without a box (the web
        // interface's `_get_voicemail`); only an object is a voicemail.
        if let vm = record["voicemail"], vm.pairs != nil {
            fields["voicemail"] = .object(["mailbox": Self.text(vm["mailbox"]), "password": Self.text(vm["password"]), "email": Self.text(vm["email"])])
        }
        return Resource(address: address("users", "\(number)@\(context)"), fields: fields)
    }
}
