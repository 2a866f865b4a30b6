import TelformCore

/// A XiVO user with its line and voicemail (api-docs/002 § users): PLATFORMS.md § xivo. The
/// key is the line's `number@context`. The `userfeatures` fields travel by their `wire` names
/// through the codec the table derives; the line, the forwards and the voicemail are the
/// quirks, hooks here.
///
/// **Reading** (api-docs/002 lines 405-676, xivo-ws `objects/user.py` and its
/// `test_to_obj_dict`, and the web interface the web services run on):
/// - add: `userfeatures` carries `entityid` (required; xivo-ws default 1), `musiconhold`
///   ("default"), `enablexfer` and `enablehint` as xivo-ws sends them; `linefeatures` is an
///   object of arrays; a voicemail goes as `voicemail {fullname, mailbox, password, email}`
///   with `"voicemail-option": "add"`.
/// - edit: the whole `userfeatures` of `view`, with the file's fields over it (edit replaces
///   what it is given). `linefeatures` goes in the edit form (the view's first line turned
///   into an object of arrays, with its `id`) whenever the line or the voicemail changes, and
///   never otherwise (api-docs/002 lines 580-586).
/// - the server drops a user's voicemail when an edit carries `linefeatures` without
///   `voicemail`: whenever `linefeatures` is sent, the voicemail the user keeps is sent too.
/// - removing the voicemail (`voicemail: null` in the file): `"voicemail-option": "none"`.
/// - a voicemail edit names no option (the server then edits the user's own box, by the
///   `voicemailid` in `userfeatures`); a new one is `"add"` with `voicemailtype: "asterisk"`.
/// - `userfeatures` numbers (`ringseconds`, `simultcalls`) are sent as their digits.
struct UserKind: XiVOObjectKind {
    static let voicemail = ObjectSchema([
        .string("mailbox", PlatformFields.extensionRules, "Mailbox number.", wire: "mailbox").required(),
        FieldSchema.string("password", StringRules(check: .regex("^[0-9]{1,16}$", "must be digits")), "Voicemail PIN.", wire: "password").sensitive,
        .string("email", StringRules(check: .regex("^[^@\\s]+@[^@\\s]+$", "must be an e-mail address")), "Where messages are mailed.", wire: "email"),
    ])

    static let table = ObjectSchema(
        [
            .string("firstname", StringRules(minLength: 1), "First name.", wire: "firstname").required(),
            .string("lastname", "Last name.", wire: "lastname"),
            .integer("entity_id", 1...1_000_000, "Entity the user belongs to (sent as 1 when left out, as xivo-ws does).", wire: "entityid"),
            .string(
                "language", StringRules(check: .regex("^[a-z]{2}_[A-Z]{2}$", "must be a locale such as fr_FR or en_US")), "Prompt language, e.g. fr_FR.",
                wire: "language"),
            .integer("ring_seconds", 0...3600, "Seconds to ring before no-answer.", wire: "ringseconds"),
            .integer("simult_calls", 1...100, "Simultaneous calls.", wire: "simultcalls"),
            .string("mobile_phone_number", PlatformFields.dialRules(), "Mobile number.", wire: "mobilephonenumber"),
            .string("caller_id", "Caller id, e.g. \"Alice\" <1001>.", wire: "callerid"),
            .string("outgoing_caller_id", "Caller id on outgoing calls: default, anonymous, or a number (outcallerid).", wire: "outcallerid"),
            .string("music_on_hold", "Music-on-hold class.", wire: "musiconhold"),
            .bool("dnd", "Do not disturb.", wire: "enablednd"),
            .bool("enable_transfer", "Allow transfers.", wire: "enablexfer"),
            .bool("call_record", "Record calls.", wire: "callrecord"),
            .object(
                "forward",
                ObjectSchema([
                    .object(
                        "unconditional", ObjectSchema([.string("to", PlatformFields.dialRules(), "Destination.", wire: "destunc").required()]),
                        "Forward every call (enableunc)."),
                    .object(
                        "busy", ObjectSchema([.string("to", PlatformFields.dialRules(), "Destination.", wire: "destbusy").required()]),
                        "Forward when busy (enablebusy)."),
                    .object(
                        "no_answer", ObjectSchema([.string("to", PlatformFields.dialRules(), "Destination.", wire: "destrna").required()]),
                        "Forward when not answered (enablerna)."),
                ]), "Call forwarding; a case left out is disabled."),
            .object(
                "line",
                ObjectSchema([
                    .string("protocol", StringRules(allowed: ["sip", "iax", "sccp"]), "Line protocol.", wire: "protocol").required(),
                    FieldSchema.string("context", StringRules(minLength: 1), "Dialplan context (default: default).", wire: "context").defaulting(
                        to: .string("default")),
                    .string("number", PlatformFields.extensionRules, "The line's number; with the context, the user's key.", wire: "number").required(),
                ]), "The user's phone line (sent as linefeatures only when it changes)."
            ).required(),
            .object("voicemail", voicemail, "The user's voicemail box; `voicemail: null` removes it.").removable,
        ],
        rules: [
            .custom { fields in
                // xivo-ws refuses a voicemail without a language ("language must be set when adding
                // voicemail"); the server sets the box's locale from it.
                guard fields["voicemail"]?.object != nil, fields["language"] == nil else { return [] }
                return [("language", "is required with a voicemail (XiVO sets the box's locale from the user's language)")]
            }
        ])

    let schema = KindSchema(name: "users", doc: "Users with their line and voicemail.", shape: .objects(table), keyFields: ["line.number@line.context"]) {
        fields in
        guard let number = fields["line"]?["number"]?.string else { return nil }
        return [number + "@" + (fields["line"]?["context"]?.string ?? "default")]
    }

    let object = "users"
    /// What it names: its line (the users list has none).
    let names: XiVODirectory.Names = [.users]

    /// `entityid` is the one number sent as a JSON number (as xivo-ws does): a hook.
    static let codec = WireCodec(table, integers: .text, emptyIsAbsent: true, hooked: ["entity_id"])
    static let voicemailCodec = WireCodec(voicemail, emptyIsAbsent: true)
    static let forwards = [
        (name: "unconditional", enable: "enableunc", dest: "destunc"), (name: "busy", enable: "enablebusy", dest: "destbusy"),
        (name: "no_answer", enable: "enablerna", dest: "destrna"),
    ]
    /// The line fields the edit form carries, as the document's example lists them.
    static let lineEditKeys = ["id", "protocol", "name", "rules_group", "rules_order", "line_num", "context", "number", "configregistrar", "device", "num"]

    /// A forward case left out of the file is disabled: made explicit (null), as read returns it.
    func canonical(_ resource: Resource, among desired: [Resource], live: LiveState) -> Resource {
        var resource = resource
        var forward = resource.fields["forward"]?.object ?? [:]
        for (name, _, _) in Self.forwards where forward[name] == nil { forward[name] = .null }
        resource.fields["forward"] = .object(forward)
        return resource
    }

    let unkeyed = "has no line (its view answers no linefeatures), so it has no number@context key"

    /// A user's view (`linefeatures` as a list of objects) in canonical form; nil for a user
    /// without a line, which telform cannot key.
    func resource(_ record: JSONNode, directory: XiVODirectory, provider: String) throws -> Resource? {
        guard let uf = record["userfeatures"], uf.pairs != nil else {
            throw XiVOUnreadable(field: "userfeatures", got: record["userfeatures"].map { ServerText.excerpt($0.compact) } ?? "missing")
        }
        // **Reading:** a user without a line has `linefeatures: false` (or an empty list).
        let lines = record["linefeatures"]
        if lines == nil || lines?.array?.isEmpty == true || WireCodec.bool(lines) == false { return nil }
        guard let line = lines?.array?.first else { throw XiVOUnreadable(field: "linefeatures", got: ServerText.excerpt(lines?.compact ?? "")) }
        let number = try XiVOWire.required(line["number"], "linefeatures[0].number")
        let context = WireValue.text(line["context"]).string ?? "default"
        var fields = Self.codec.decode(uf, missingIsNull: true)
        if let entity = uf["entityid"], !entity.isNull { fields["entity_id"] = WireValue.integer(entity) }
        // A case that is off reads as null, the canonical form of one the file leaves out.
        var forward: [String: Value] = [:]
        for (name, enable, dest) in Self.forwards {
            forward[name] = WireCodec.bool(uf[enable]) == true ? .object(["to": WireValue.text(uf[dest])]) : .null
        }
        fields["forward"] = .object(forward)
        fields["line"] = .object(["protocol": WireValue.text(line["protocol"]), "context": .string(context), "number": .string(number)])
        // **Reading:** view answers `voicemail: false` for a user without a box (the web
        // interface's `_get_voicemail`); only an object is a voicemail.
        if let vm = record["voicemail"], vm.pairs != nil {
            var box = Self.voicemailCodec.decode(vm, missingIsNull: true)
            // Later web services show the box's `number`, not `mailbox`: both are read.
            if box["mailbox"] == .null { box["mailbox"] = WireValue.text(vm["number"]) }
            fields["voicemail"] = .object(box)
        }
        return Resource(address: address(provider, "\(number)@\(context)"), fields: fields)
    }

    func annotate(_ record: JSONNode, _ address: Address, _ state: inout LiveState) {
        // **Reading:** view answers a membership as false or as the member rows (api-docs/002
        // lines 417-420); true is read too.
        if Self.isMember(record["groupmember"]) || Self.isMember(record["queuemember"]) {
            state.cautions[address] = "editing this user drops its group and queue memberships (a XiVO limitation)"
        }
    }

    static func isMember(_ node: JSONNode?) -> Bool {
        if let rows = node?.array { return !rows.isEmpty }
        return WireCodec.bool(node) == true
    }

    func body(_ desired: Resource, client: XiVOClient, id: String?, changed: Set<String>?) async throws -> JSONNode {
        let f = desired.fields
        func touched(_ prefix: String) -> Bool { changed.map { $0.contains { $0 == prefix || $0.hasPrefix(prefix + ".") } } ?? true }
        var view: JSONNode?
        if let id { view = try await client.view("users", id) }

        var uf: JSONNode =
            view?["userfeatures"]
            ?? JSONNode.object([
                ("entityid", .int(1)), ("musiconhold", .string("default")),
                ("enablexfer", .bool(true)), ("enablehint", .bool(true)),
            ])
        if let entity = f["entity_id"]?.int { uf = uf.setting("entityid", .int(entity)) }
        for (wire, node) in Self.codec.encode(f) { uf = uf.setting(wire, node) }
        let forward = f["forward"]?.object ?? [:]
        for (name, enable, dest) in Self.forwards {
            let to = forward[name]?["to"]?.string
            uf = uf.setting(enable, .bool(to != nil)).setting(dest, .string(to ?? ""))
        }
        let liveVoicemail = view?["voicemail"].flatMap { $0.pairs == nil ? nil : $0 }
        var pairs: [(String, JSONNode)]
        switch client.webServices {
        case .document:
            pairs = Self.documentForm(f, uf: uf, view: view, liveVoicemail: liveVoicemail, voicemailTouched: touched("voicemail"), lineTouched: touched("line"))
        case .current:
            pairs = try Self.currentForm(desired, uf: uf, view: view, liveVoicemail: liveVoicemail, voicemailTouched: touched("voicemail"))
        }
        if view == nil {
            // As xivo-ws sends a new user: no dial actions.
            pairs.append(("dialaction", .object(["noanswer", "busy", "congestion", "chanunavail"].map { ($0, .object([("actiontype", .string("none"))])) })))
        }
        return .object(pairs)
    }

    /// The document's form (see the type's Reading).
    static func documentForm(_ f: [String: Value], uf: JSONNode, view: JSONNode?, liveVoicemail: JSONNode?, voicemailTouched: Bool, lineTouched: Bool) -> [(
        String, JSONNode
    )] {
        var uf = uf
        let declared = f["voicemail"]
        let sendLine = view == nil || lineTouched || (declared != nil && voicemailTouched)
        var voicemail: JSONNode?
        var option: String?
        if sendLine {
            if declared == .null {
                option = "none"
                uf = uf.setting("voicemailid", .null).setting("enablevoicemail", .bool(false))
            } else if let vm = declared?.object {
                let fullname = [f["firstname"]?.string, f["lastname"]?.string].compactMap { $0 }.joined(separator: " ")
                var node = liveVoicemail ?? .object([("fullname", .string(fullname))])
                node = node.setting("mailbox", XiVOWire.text(vm["mailbox"]))
                for (wire, value) in voicemailCodec.encode(vm, only: ["password", "email"]) { node = node.setting(wire, value) }
                voicemail = node
                if liveVoicemail == nil {
                    option = "add"
                    uf = uf.setting("voicemailtype", .string("asterisk")).setting("enablevoicemail", .bool(true))
                }
            } else {
                // Not managed by the file: the box the user has is kept, as it is.
                voicemail = liveVoicemail
            }
        }
        var pairs: [(String, JSONNode)] = [("userfeatures", uf)]
        if sendLine { pairs.append(("linefeatures", linefeatures(f, view: view, trailing: false))) }
        if let voicemail { pairs.append(("voicemail", voicemail)) }
        if let option { pairs.append(("voicemail-option", .string(option))) }
        return pairs
    }

    /// The current web services (xivo-web-interface d8ca970, user.inc `_prepare_import`,
    /// `set_linefeatures`, `edit_from_json`, `edit_voicemail`):
    /// - an edit without `linefeatures` deletes the user's line (~1431): it goes on every edit,
    ///   with the line's `id`;
    /// - every `linefeatures` array loses its last value, the web form's empty trailing row
    ///   (~873; `id` gets a 0 pushed first): each other array carries a trailing "";
    /// - a voicemail is `{number, context, name, password, email}`, and is only ever added
    ///   (`voicemail-option` is not read since d69e41a63): an edit can neither change nor remove
    ///   a box, so such a change fails here, before anything is sent.
    static func currentForm(_ desired: Resource, uf: JSONNode, view: JSONNode?, liveVoicemail: JSONNode?, voicemailTouched: Bool) throws -> [(String, JSONNode)]
    {
        let f = desired.fields
        var pairs: [(String, JSONNode)] = [("userfeatures", uf), ("linefeatures", linefeatures(f, view: view, trailing: true))]
        let declared = f["voicemail"]
        if liveVoicemail != nil, declared != nil, voicemailTouched {
            throw PlatformError(
                desired.address,
                "XiVO's current web services cannot change or remove a user's voicemail (an edit can only add one): change it in the web interface, or leave voicemail out of the file"
            )
        }
        if liveVoicemail == nil, let vm = declared?.object {
            let name = [f["firstname"]?.string, f["lastname"]?.string].compactMap { $0 }.joined(separator: " ")
            var box: [(String, JSONNode)] = [
                ("number", XiVOWire.text(vm["mailbox"])), ("context", XiVOWire.text(f["line"]?["context"] ?? .string("default"))), ("name", .string(name)),
            ]
            box += voicemailCodec.encode(vm, only: ["password", "email"])
            pairs.append(("voicemail", .object(box)))
        }
        return pairs
    }

    /// `linefeatures` in the add/edit form: an object of arrays, the view's first line's edit
    /// keys with the file's protocol, context and number over them; `trailing` adds the empty
    /// last value the current web services drop.
    static func linefeatures(_ f: [String: Value], view: JSONNode?, trailing: Bool) -> JSONNode {
        let line = f["line"]?.object ?? [:]
        var lf: [(String, JSONNode)] = []
        if let current = view?["linefeatures"]?.array?.first {
            for key in lineEditKeys { if let value = current[key], !value.isNull { lf.append((key, value)) } }
        }
        for key in ["protocol", "context", "number"] {
            let value = XiVOWire.text(line[key])
            if let index = lf.firstIndex(where: { $0.0 == key }) { lf[index].1 = value } else { lf.append((key, value)) }
        }
        return .object(lf.map { key, value in (key, .array(trailing && key != "id" ? [value, .string("")] : [value])) })
    }

    /// The voicemail PIN is never written: a placeholder.
    func export(_ resources: [Resource], live: LiveState, provider: ProviderConfig, into export: inout Export) -> Value? {
        .list(
            resources.map { resource in
                var fields = Export.trimmed(resource.fields)
                if fields["voicemail"]?["password"] != nil, var vm = fields["voicemail"]?.object {
                    vm["password"] = export.placeholder(
                        [provider.name, resource.address.key[0], "voicemail"], "the voicemail PIN of \(resource.address)", at: resource.address,
                        path: "voicemail.password")
                    fields["voicemail"] = .object(vm)
                }
                return .object(fields)
            })
    }
}
