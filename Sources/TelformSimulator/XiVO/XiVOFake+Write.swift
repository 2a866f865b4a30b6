import TelformCore

/// add and edit, with the document's refusals.
extension XiVOFake {
    func add(_ object: String, _ body: JSONNode) -> HTTPResponse {
        let id = newID()
        let record: JSONNode
        switch object {
        case "users":
            guard let uf = body["userfeatures"], let first = uf["firstname"]?.string, !first.isEmpty else {
                return Self.text(400, "userfeatures.firstname is required")
            }
            // xivo-ws: `entity_id` is required (it sends 1 by default).
            guard Self.number(uf["entityid"]) != nil else { return Self.text(400, "userfeatures.entityid is required") }
            guard let line = linefeatures(body["linefeatures"]) else {
                return Self.text(400, "linefeatures must be an object of arrays (protocol, context, number)")
            }
            // One line per number and context, whether a number came as text or as a JSON number.
            if let number = Self.textual(line["number"]), let context = Self.textual(line["context"]),
                (collections["users"] ?? []).contains(where: { user in
                    (user["linefeatures"]?.array ?? []).contains { Self.textual($0["number"]) == number && Self.textual($0["context"]) == context }
                })
            {
                return Self.text(400, "line \(number)@\(context) is already used")
            }
            var record = JSONNode.object([
                ("userfeatures", uf.setting("id", .int(id))),
                ("linefeatures", .array([line.setting("id", .int(newID())).setting("iduserfeatures", .int(id))])),
                ("voicemail", .bool(false)), ("groupmember", .bool(false)), ("queuemember", .bool(false)),
            ])
            // On add, a voicemail with no option is added ("add" is what xivo-ws sends).
            if let refusal = voicemail(body, into: &record, option: body["voicemail-option"]?.string ?? "add") { return Self.text(400, refusal) }
            collections[object, default: []].append(record)
            return Self.added(id)
        case "schedule":
            // xivo-ws `Schedule`: name and timezone are required.
            guard let name = body["schedule"]?["name"]?.string, !name.isEmpty else { return Self.text(400, "schedule.name is required") }
            guard body["schedule"]?["timezone"]?.string?.isEmpty == false else { return Self.text(400, "schedule.timezone is required") }
            if (collections["schedule"] ?? []).contains(where: { $0["schedule"]?["name"]?.string == name }) { return Self.text(400, "schedule \(name) exists") }
            // Add takes `dialaction.schedule_fallback {actiontype, action, actionarg1}`
            // (api-docs/002, xivo-ws test_to_obj_dict); view answers it inside `schedule` as
            // `fallback_action` ("endcall:hangup"), `fallback_actionid`, `fallback_actionargs`
            // (test_from_obj_dict), with the dialaction's own fields null.
            let fallback = body["dialaction"]?["schedule_fallback"] ?? .null
            let type = fallback["actiontype"]?.string ?? "none"
            if let problem = dialactionProblem(fallback, "dialaction.schedule_fallback") { return Self.text(400, problem) }
            var actionID: JSONNode = .null
            if let arg = fallback["actionarg1"], !arg.isNull { actionID = Self.textual(arg).map(JSONNode.string) ?? arg }
            let action = type == "none" ? "" : type + (fallback["action"]?.string.map { ":" + $0 } ?? "")
            var schedule = (body["schedule"] ?? .null).setting("id", .string(String(id)))
            schedule = schedule.setting("entity_id", body["schedule"]?["entity_id"] ?? .null)
            schedule = schedule.setting("fallback_action", .string(action)).setting("fallback_actionid", actionID)
                .setting("fallback_actionargs", .string("")).setting("commented", .int(0))
            let opened = (body["opened"]?.array ?? []).enumerated().map { index, period in
                period.setting("id", .int(Int64(index + 1))).setting("schedule_id", .int(id)).setting("mode", .string("opened"))
            }
            record = .object([
                ("schedule", schedule),
                ("dialaction", .object([("schedule_fallback", .object([("actiontype", .null), ("action", .null)]))])),
                ("opened", .array(opened)), ("closed", .bool(false)),
            ])
        case "incall":
            // xivo-ws sends `exten` as the user gave it: text or a JSON number; stored as text.
            guard let exten = Self.textual(body["incall"]?["exten"]), let context = Self.textual(body["incall"]?["context"]) else {
                return Self.text(400, "incall.exten and incall.context are required")
            }
            if let problem = destinationProblem(body) { return Self.text(400, problem) }
            if (collections["incall"] ?? []).contains(where: {
                Self.textual($0["incall"]?["exten"]) == exten && Self.textual($0["incall"]?["context"]) == context
            }) {
                return Self.text(400, "incall \(exten)@\(context) exists")
            }
            record = .object([
                ("incall", (body["incall"] ?? .null).setting("id", .int(id)).setting("exten", .string(exten))), ("dialaction", body["dialaction"] ?? .null),
            ])
        case "voicemail":
            // xivo-ws `Voicemail`: a box of its own, `{voicemail: {mailbox, fullname, ...}}`.
            guard let box = body["voicemail"], let mailbox = Self.textual(box["mailbox"]), Self.textual(box["fullname"]) != nil else {
                return Self.text(400, "voicemail.mailbox and voicemail.fullname are required")
            }
            let context = Self.textual(box["context"]) ?? "default"
            if voicemails().contains(where: { Self.textual($0["mailbox"]) == mailbox && Self.textual($0["context"]) == context }) {
                return Self.text(400, "voicemail \(mailbox)@\(context) exists")
            }
            collections["voicemail", default: []].append(
                box.setting("uniqueid", .int(id)).setting("mailbox", .string(mailbox)).setting("context", .string(context)))
            return Self.added(id)
        case "context":
            guard let name = body["context"]?["name"]?.string, !name.isEmpty else { return Self.text(400, "context.name is required") }
            // xivo-ws `Context`: name, display name, entity and type are required.
            for key in ["displayname", "entity", "contexttype"] where body["context"]?[key]?.string?.isEmpty != false {
                return Self.text(400, "context.\(key) is required")
            }
            if index("context", name) != nil { return Self.text(400, "context \(name) exists") }
            record = .object([
                ("context", body["context"] ?? .null), ("contextinclude", body["contextinclude"] ?? .array([])),
                ("contextnumbers", body["contextnumbers"] ?? .object([])),
            ])
        case "pickup":
            guard let name = body["name"]?.string, !name.isEmpty else { return Self.text(400, "name is required") }
            if (collections["pickup"] ?? []).contains(where: { $0["pickup"]?["name"]?.string == name }) { return Self.text(400, "pickup \(name) exists") }
            for member in body["members"]?.array ?? [] {
                guard let type = member["membertype"]?.string, let memberID = member["memberid"]?.int ?? member["memberid"]?.string.flatMap({ Int64($0) }),
                    exists(type, memberID)
                else { return Self.text(400, "member \(member.compact) does not exist") }
            }
            record = .object([
                (
                    "pickup",
                    .object([
                        ("id", .int(id)), ("name", .string(name)), ("description", body["description"] ?? .string("")),
                        ("commented", .int(0)),
                    ])
                ), ("members", body["members"] ?? .array([])),
            ])
        case "queueskills":
            guard let name = body["name"]?.string, !name.isEmpty else { return Self.text(400, "name is required") }
            // "printscreen should be less than 5 car long"
            if (body["printscreen"]?.string ?? "").count >= 5 { return Self.text(400, "printscreen should be less than 5 characters long") }
            record = body.setting("id", .string(String(id)))
        default:
            guard let name = body["name"]?.string, !name.isEmpty else { return Self.text(400, "name is required") }
            record = body.setting("id", .int(id))
        }
        collections[object, default: []].append(record)
        return Self.added(id)
    }

    /// An add answers the new object's id (xivo-ws's `add` returns it, quotes and end of line
    /// stripped).
    static func added(_ id: Int64) -> HTTPResponse {
        .json(200, .string(String(id)))
    }

    /// A box of its own is deleted by its id; a user's goes with the user.
    func deleteVoicemail(_ id: String?) -> HTTPResponse {
        guard let index = (collections["voicemail"] ?? []).firstIndex(where: { Self.number($0["uniqueid"]).map(String.init) == id }) else {
            return Self.text(404, "voicemail \(id ?? "") not found")
        }
        collections["voicemail"]?.remove(at: index)
        return HTTPResponse(status: 200)
    }

    /// A JSON string, or a number as its digits.
    static func textual(_ node: JSONNode?) -> String? {
        node?.string ?? node?.int.map(String.init)
    }

    func edit(_ object: String, at index: Int, _ body: JSONNode) -> HTTPResponse {
        guard var record = collections[object]?[index] else { return Self.text(404, "not found") }
        switch object {
        case "users":
            // Edit replaces what it is given: `userfeatures` comes whole (the web interface
            // checks it like an add), or the edit is refused.
            guard let uf = body["userfeatures"], uf["firstname"]?.string?.isEmpty == false, Self.number(uf["entityid"]) != nil else {
                return Self.text(400, "userfeatures must be given whole (firstname and entityid are missing)")
            }
            record = record.setting("userfeatures", uf.setting("id", record["userfeatures"]?["id"] ?? .null))
            if let given = body["linefeatures"] {
                // The documented quirk: view's list-of-objects form is refused here.
                guard var line = linefeatures(given) else {
                    return Self.text(400, "linefeatures must be an object of arrays, not the list view returns")
                }
                let current = record["linefeatures"]?.array?.first ?? .object([])
                for (key, value) in current.pairs ?? [] where line[key] == nil { line = line.setting(key, value) }
                record = record.setting("linefeatures", .array([line]))
                // With linefeatures and no voicemail, the server drops the user's box; the
                // option says what to do with the one given ("search" or none: edit it).
                if let refusal = voicemail(body, into: &record, option: body["voicemail-option"]?.string ?? "edit") { return Self.text(400, refusal) }
            } else if body["voicemail"] != nil || body["voicemail-option"] != nil {
                // api-docs/002 lines 580-586: editing the voicemail *must* carry linefeatures.
                return Self.text(400, "a voicemail edit must carry linefeatures in the edit form")
            }
            // "Editing a user who is a member of a group and/or a queue will remove the user
            // from its group/queue."
            record = record.setting("groupmember", .bool(false)).setting("queuemember", .bool(false))
        case "incall":
            if let problem = destinationProblem(body) { return Self.text(400, problem) }
            let id = record["incall"]?["id"] ?? .null
            record = .object([("incall", (body["incall"] ?? .null).setting("id", id)), ("dialaction", body["dialaction"] ?? .null)])
        default:
            guard body["name"]?.string?.isEmpty == false else { return Self.text(400, "name is required") }
            record = body.setting("id", record["id"] ?? .null)
        }
        collections[object]?[index] = record
        return HTTPResponse(status: 200)
    }

    /// The user's voicemail after an add or an edit that carried `linefeatures`, as the web
    /// interface's `_set` decides it: option `add` makes a new box, `none` removes it, `search`
    /// or none edits the user's own; no `voicemail` key removes it; a `voicemailtype` other
    /// than "asterisk" keeps none. Returns the refusal, if any.
    func voicemail(_ body: JSONNode, into record: inout JSONNode, option: String) -> String? {
        var uf = record["userfeatures"] ?? .object([])
        let current = record["voicemail"].flatMap { $0.pairs == nil ? nil : $0 }
        var box: JSONNode? = nil
        if let given = body["voicemail"], option != "none" {
            guard given.pairs != nil else { return "voicemail must be an object" }
            if option == "add" {
                // The web form's `{fullname, mailbox}` or xivo-ws's `{name, number, context}`.
                guard let fullname = Self.textual(given["fullname"] ?? given["name"]), !fullname.isEmpty,
                    let mailbox = Self.textual(given["mailbox"] ?? given["number"]), !mailbox.isEmpty
                else {
                    return "voicemail.fullname and voicemail.mailbox (or xivo-ws's name and number) are required"
                }
                guard uf["language"]?.string?.isEmpty == false else { return "a voicemail needs the user's language (userfeatures.language)" }
                let context = Self.textual(given["context"]) ?? Self.textual(record["linefeatures"]?.array?.first?["context"]) ?? "default"
                let boxID = newID()
                var made = JSONNode.object([
                    ("uniqueid", .int(boxID)), ("fullname", .string(fullname)), ("mailbox", .string(mailbox)), ("context", .string(context)),
                ])
                for (key, value) in given.pairs ?? [] where !["name", "number", "fullname", "mailbox", "context"].contains(key) {
                    made = made.setting(key, value)
                }
                box = made
                uf = uf.setting("voicemailid", .string(String(boxID)))
                if uf["voicemailtype"] == nil || uf["voicemailtype"]?.isNull == true { uf = uf.setting("voicemailtype", .string("asterisk")) }
            } else {
                guard var edited = current, Self.number(uf["voicemailid"]) != nil else {
                    return "the user has no voicemail to edit (voicemail-option add makes one)"
                }
                for (key, value) in given.pairs ?? [] { edited = edited.setting(key, value) }
                box = edited
            }
            if uf["voicemailtype"]?.string != "asterisk" { box = nil }
        }
        if box == nil { uf = uf.setting("voicemailid", .null).setting("voicemailtype", .null) }
        uf = uf.setting("enablevoicemail", .bool(box != nil))
        record = record.setting("userfeatures", uf).setting("voicemail", box ?? .bool(false))
        return nil
    }

    static func number(_ node: JSONNode?) -> Int64? {
        node?.int ?? node?.string.flatMap { Int64($0) }
    }

    /// `{"protocol": ["sip"], "context": ["default"], "number": ["1001"]}` → one line object.
    func linefeatures(_ node: JSONNode?) -> JSONNode? {
        guard let pairs = node?.pairs else { return nil }
        var line: [(String, JSONNode)] = []
        for (key, value) in pairs {
            guard let values = value.array, let first = values.first else { return nil }
            // The server keeps a line's number and context as text, whichever way they came.
            line.append((key, ["number", "context", "protocol"].contains(key) ? Self.textual(first).map(JSONNode.string) ?? first : first))
        }
        return .object(line)
    }

    func exists(_ type: String, _ id: Int64) -> Bool {
        if type == "voicemail" { return voicemails().contains { Self.number($0["uniqueid"]) == id } }
        let object = type == "user" ? "users" : type == "group" ? "groups" : "queues"
        return (collections[object] ?? []).contains { Self.id($0) == id }
    }

    func destinationProblem(_ body: JSONNode) -> String? {
        guard let answer = body["dialaction"]?["answer"], answer["actiontype"]?.string != nil else { return "dialaction.answer.actiontype is required" }
        return dialactionProblem(answer, "dialaction.answer")
    }

    /// A dial action as the web interface checks it: a user, group, queue or voicemail
    /// destination is the object's id (xivo-ws `UserDestination(user_id)`,
    /// `VoicemailDestination(voicemail_id)`), never its name or number; `endcall` says how in
    /// `action` (api-docs/002 lines 1066-1069), or as `endcall:ACTION`.
    func dialactionProblem(_ dial: JSONNode, _ path: String) -> String? {
        let type = dial["actiontype"]?.string ?? "none"
        if ["user", "group", "queue", "voicemail"].contains(type) {
            let id = Self.number(dial["actionarg1"])
            guard let id, exists(type, id) else { return "\(type) \(dial["actionarg1"]?.compact ?? "") does not exist (give its id)" }
        }
        if type == "endcall" {
            guard let action = dial["action"]?.string, ["hangup", "busy", "congestion"].contains(action) else {
                return "\(path).action must be hangup, busy or congestion with actiontype endcall"
            }
        }
        return nil
    }
}
