import TelformCore

/// A user's add and edit bodies, in the shapes the document and the xivo-ws library send.
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
extension XiVOPlatform {
    /// The line fields the edit form carries, as the document's example lists them.
    /// A text field as XiVO takes it: the string, or "" when the file leaves it out.
    static func wireText(_ value: Value?) -> JSONNode { value?.string.map(JSONNode.string) ?? .string("") }

    static let lineEditKeys = ["id", "protocol", "name", "rules_group", "rules_order", "line_num", "context", "number", "configregistrar", "device", "num"]

    func userBody(_ f: [String: Value], id: String?, changed: Set<String>?) async throws -> JSONNode {
        let text = Self.wireText
        func touched(_ prefix: String) -> Bool { changed.map { $0.contains { $0 == prefix || $0.hasPrefix(prefix + ".") } } ?? true }
        var view: JSONNode?
        if let id { view = try await client.view("users", id) }

        var uf: JSONNode = view?["userfeatures"] ?? JSONNode.object([("entityid", .int(1)), ("musiconhold", .string("default")),
                                                     ("enablexfer", .bool(true)), ("enablehint", .bool(true))])
        uf = uf.setting("firstname", text(f["firstname"]))
        if let entity = f["entity_id"]?.int { uf = uf.setting("entityid", .int(entity)) }
        let map: [(String, String)] = [("lastname", "lastname"), ("language", "language"), ("mobile_phone_number", "mobilephonenumber"),
                                       ("caller_id", "callerid"), ("music_on_hold", "musiconhold")]
        for (yaml, wire) in map where f[yaml] != nil { uf = uf.setting(wire, text(f[yaml])) }
        for (yaml, wire) in [("ring_seconds", "ringseconds"), ("simult_calls", "simultcalls")] {
            if let n = f[yaml]?.int { uf = uf.setting(wire, .string(String(n))) }
        }
        for (yaml, wire) in [("dnd", "enablednd"), ("enable_transfer", "enablexfer"), ("call_record", "callrecord")] {
            if let b = f[yaml]?.bool { uf = uf.setting(wire, .bool(b)) }
        }
        let forward = f["forward"]?.object ?? [:]
        for (name, enable, dest) in [("unconditional", "enableunc", "destunc"), ("busy", "enablebusy", "destbusy"), ("no_answer", "enablerna", "destrna")] {
            let to = forward[name]?["to"]?.string
            uf = uf.setting(enable, .bool(to != nil)).setting(dest, .string(to ?? ""))
        }

        let liveVoicemail = view?["voicemail"].flatMap { $0.pairs == nil ? nil : $0 }
        let declared = f["voicemail"]
        let voicemailChanged = declared != nil && touched("voicemail")
        let sendLine = view == nil || touched("line") || voicemailChanged
        var pairs: [(String, JSONNode)] = []
        var voicemail: JSONNode?
        var option: String?
        if sendLine {
            if declared == .null {
                option = "none"
                uf = uf.setting("voicemailid", .null).setting("enablevoicemail", .bool(false))
            } else if let vm = declared?.object {
                let fullname = [f["firstname"]?.string, f["lastname"]?.string].compactMap { $0 }.joined(separator: " ")
                var node = liveVoicemail ?? .object([("fullname", .string(fullname))])
                node = node.setting("mailbox", text(vm["mailbox"]))
                if let password = vm["password"]?.string { node = node.setting("password", .string(password)) }
                if let email = vm["email"]?.string { node = node.setting("email", .string(email)) }
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
        pairs.append(("userfeatures", uf))
        if sendLine {
            let line = f["line"]?.object ?? [:]
            var lf: [(String, JSONNode)] = []
            if let current = view?["linefeatures"]?.array?.first {
                for key in Self.lineEditKeys { if let value = current[key], !value.isNull { lf.append((key, .array([value]))) } }
            }
            for key in ["protocol", "context", "number"] {
                let value = JSONNode.array([text(line[key])])
                if let index = lf.firstIndex(where: { $0.0 == key }) { lf[index].1 = value } else { lf.append((key, value)) }
            }
            pairs.append(("linefeatures", .object(lf)))
        }
        if let voicemail { pairs.append(("voicemail", voicemail)) }
        if let option { pairs.append(("voicemail-option", .string(option))) }
        if view == nil {
            // As xivo-ws sends a new user: no dial actions.
            pairs.append(("dialaction", .object(["noanswer", "busy", "congestion", "chanunavail"].map { ($0, .object([("actiontype", .string("none"))])) })))
        }
        return .object(pairs)
    }
}
