import TelformCore

/// The current web services: what the web interface's last code (wazo-platform/
/// xivo-web-interface d8ca970, 2019) does with the same calls, read from its source. The
/// document's server is the default; a state with `"web_services": "current"` answers so.
/// Paths below are under `src/object/application/service/ipbx/asterisk/`.
///
/// - users (user/user.inc `_prepare_import`, `set_linefeatures`, `edit_from_json`, `edit`):
///   - every `linefeatures` array loses its last value (the web form's empty trailing row;
///     `id` gets a 0 pushed first): `["sip"]` becomes nothing, and no line is made or kept;
///   - an edit without `linefeatures` deletes the user's line (~1431);
///   - the edit is merged over the user as stored;
///   - `callerid` becomes "firstname lastname" on every add and edit (~2122);
///   - `entityid` defaults to 1;
///   - a voicemail is `{number, context, name?, password, email}` and is only ever added:
///     `voicemail-option` is not read (d69e41a63), an edit never removes a box, and a box
///     given to a user who has one is refused;
///   - view shows the box as confd's (`id`, `number`, `name`);
/// - the lines list has no `iduserfeatures` (6adc28a8f); there is no voicemail list;
/// - schedules and pickups need `entity_id` (schedule/config.inc ~53, pickup/config.inc ~40);
/// - a context needs number ranges (context.inc ~481);
/// - the parking-lot service is gone (8a134e440); the skills list has no `printscreen`.
extension XiVOFake {
    /// An add the current web services refuse, for the objects other than users.
    func currentRefusal(_ object: String, _ body: JSONNode) -> String? {
        guard current else { return nil }
        switch object {
        case "schedule" where Self.number(body["schedule"]?["entity_id"]) == nil: return "schedule.entity_id is required"
        case "pickup" where Self.number(body["entity_id"] ?? body["pickup"]?["entity_id"]) == nil: return "entity_id is required"
        case "context":
            let ranges = (body["contextnumbers"]?.pairs ?? []).flatMap { $0.1.array ?? [] }
            return ranges.isEmpty ? "a context needs number ranges (contextnumbers)" : nil
        default: return nil
        }
    }

    /// `linefeatures` as `set_linefeatures` keeps it: each array without its last value,
    /// `id` with a 0 pushed first; nil when nothing is left (no line).
    static func currentLine(_ given: JSONNode?) -> JSONNode? {
        guard let pairs = given?.pairs else { return nil }
        var line: [(String, JSONNode)] = []
        var sawID = false
        for (key, value) in pairs {
            var values = value.array ?? [value]
            if key == "id" {
                sawID = true
                values.append(.int(0))
            }
            values.removeLast()
            guard let first = values.first else { continue }
            line.append((key, ["number", "context", "protocol"].contains(key) ? Self.textual(first).map(JSONNode.string) ?? first : first))
        }
        if !sawID { line.append(("id", .int(0))) }
        // A line made of its id alone is no line: the form gave it nothing.
        return line.contains(where: { $0.0 == "number" }) ? .object(line) : nil
    }

    /// The caller id `_prepare_import` writes over whatever was sent.
    static func currentCallerID(_ uf: JSONNode) -> JSONNode {
        let name = [uf["firstname"]?.string, uf["lastname"]?.string].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        return .string("\"\(name)\"")
    }

    /// The box `_prepare_import` keeps: with `number` and `context`, else none.
    func currentBox(_ given: JSONNode?, uf: JSONNode) -> JSONNode? {
        guard let given, let number = Self.textual(given["number"]), !number.isEmpty,
            let context = Self.textual(given["context"]), !context.isEmpty
        else { return nil }
        let name = Self.textual(given["name"]) ?? [uf["firstname"]?.string, uf["lastname"]?.string].compactMap { $0 }.joined(separator: " ")
        var box = JSONNode.object([("uniqueid", .int(newID())), ("fullname", .string(name)), ("mailbox", .string(number)), ("context", .string(context))])
        for key in ["password", "email"] { if let value = given[key], !value.isNull { box = box.setting(key, value) } }
        return box
    }

    func addCurrentUser(_ body: JSONNode) -> HTTPResponse {
        guard var uf = body["userfeatures"], uf["firstname"]?.string?.isEmpty == false else { return Self.text(400, "userfeatures.firstname is required") }
        let id = newID()
        if uf["entityid"] == nil { uf = uf.setting("entityid", .int(1)) }
        uf = uf.setting("callerid", Self.currentCallerID(uf)).setting("id", .int(id))
        var lines: JSONNode = .bool(false)
        if var line = Self.currentLine(body["linefeatures"]) {
            if let refusal = lineTaken(line, except: nil) { return Self.text(400, refusal) }
            line = line.setting("id", .int(newID())).setting("iduserfeatures", .int(id))
            lines = .array([line])
        }
        var record = JSONNode.object([
            ("userfeatures", uf), ("linefeatures", lines), ("voicemail", .bool(false)),
            ("groupmember", .bool(false)), ("queuemember", .bool(false)),
        ])
        if let box = currentBox(body["voicemail"], uf: uf) {
            if let refusal = boxTaken(box) { return Self.text(400, refusal) }
            record = record.setting("voicemail", box).setting("userfeatures", uf.setting("voicemailid", .string(String(Self.number(box["uniqueid"]) ?? 0))))
        }
        collections["users", default: []].append(record)
        return Self.added(id)
    }

    func editCurrentUser(at index: Int, _ body: JSONNode) -> HTTPResponse {
        guard var record = collections["users"]?[index] else { return Self.text(404, "not found") }
        var uf = record["userfeatures"] ?? .object([])
        for (key, value) in body["userfeatures"]?.pairs ?? [] where key != "id" { uf = uf.setting(key, value) }
        uf = uf.setting("callerid", Self.currentCallerID(uf))
        // No linefeatures, or arrays that lose their only value: the line is deleted.
        if let given = Self.currentLine(body["linefeatures"]) {
            let currentLine = record["linefeatures"]?.array?.first ?? .object([])
            if let refusal = lineTaken(given, except: Self.id(record)) { return Self.text(400, refusal) }
            var line = currentLine
            for (key, value) in given.pairs ?? [] where key != "id" { line = line.setting(key, value) }
            record = record.setting("linefeatures", .array([line]))
        } else {
            record = record.setting("linefeatures", .bool(false))
        }
        if let box = currentBox(body["voicemail"], uf: uf) {
            guard record["voicemail"]?.pairs == nil else { return Self.text(400, "the user already has a voicemail") }
            if let refusal = boxTaken(box) { return Self.text(400, refusal) }
            record = record.setting("voicemail", box)
            uf = uf.setting("voicemailid", .string(String(Self.number(box["uniqueid"]) ?? 0)))
        }
        record = record.setting("userfeatures", uf).setting("groupmember", .bool(false)).setting("queuemember", .bool(false))
        collections["users"]?[index] = record
        return HTTPResponse(status: 200)
    }

    /// A line number already used in its context by another user.
    func lineTaken(_ line: JSONNode, except user: Int64?) -> String? {
        guard let number = Self.textual(line["number"]) else { return nil }
        let context = Self.textual(line["context"]) ?? "default"
        let taken = (collections["users"] ?? []).contains { other in
            Self.id(other) != user
                && (other["linefeatures"]?.array ?? []).contains {
                    Self.textual($0["number"]) == number && (Self.textual($0["context"]) ?? "default") == context
                }
        }
        return taken ? "line \(number)@\(context) is already used" : nil
    }

    /// A mailbox already used in its context.
    func boxTaken(_ box: JSONNode) -> String? {
        let taken = voicemails().contains {
            Self.textual($0["mailbox"]) == Self.textual(box["mailbox"]) && Self.textual($0["context"]) == Self.textual(box["context"])
        }
        return taken ? "voicemail \(Self.textual(box["mailbox"]) ?? "")@\(Self.textual(box["context"]) ?? "") exists" : nil
    }
}
