import Foundation
import TelformCore

/// A faithful fake of the XiVO web services (api-docs/002): `json.php?act=list|view|add|edit|
/// delete` per object, JSON by POST, the documented status codes (204 for an empty list, 400
/// for a refused add or edit, 401/403, 404 for an unknown id), and the documented quirks:
/// `view` returns a user's `linefeatures` as a list of objects while `add`/`edit` refuse
/// anything but an object of arrays; editing a user drops its group and queue memberships;
/// schedules, pickups and queue skills have no edit, contexts neither edit nor delete.
///
/// Not in the document, so the fake's reading: `pbx_settings/groups/?act=list` lists groups
/// (pickups name them), and list answers carry each object's summary fields.
public final class XiVOFake: SimulatedPlatform, @unchecked Sendable {
    let lock = NSLock()
    var credentials: [String: String] = [:]  // username → password digest; empty: the host is trusted
    var collections: [String: [JSONNode]] = [:]
    var nextID: Int64 = 100
    /// Which web services the fake answers as: `document` (api-docs/002, xivo-ws) or
    /// `current` (the web interface's last code, d8ca970): see XiVOFake+Current.swift.
    var webServices = "document"
    var current: Bool { webServices == "current" }

    /// XiVO's default is a trusted host: no credentials asked.
    public func admitDefaultCredentials() {
        credentials = [:]
    }

    static let objects = ["users", "lines", "groups", "queues", "voicemail", "schedule", "incall", "context", "pickup", "parkinglot", "queueskills"]

    public init(state: JSONNode?) throws {
        let json = state ?? .object([])
        webServices = json["web_services"]?.string ?? "document"
        guard ["document", "current"].contains(webServices) else { throw SimulatorStateError("web_services is document or current") }
        for user in json["credentials"]?.array ?? [] {
            guard let name = user["username"]?.string else { throw SimulatorStateError("credentials need a username") }
            credentials[name] = user["password_sha256"]?.string ?? SHA256.hex(user["password"]?.string ?? "")
        }
        // Lines live inside the users' records (`linefeatures`); `lines` lists them.
        for object in Self.objects where object != "lines" { collections[object] = json[object]?.array ?? [] }
        let highest = collections.values.joined().compactMap { XiVOFake.id($0) }.max() ?? 99
        nextID = json["next_id"]?.int ?? (highest + 1)
        // Every box has its id (`uniqueid`), which the user's `voicemailid` names.
        for (index, user) in (collections["users"] ?? []).enumerated() {
            guard var box = user["voicemail"], box.pairs != nil else { continue }
            var uf = user["userfeatures"] ?? .object([])
            let id = Self.number(box["uniqueid"]) ?? Self.number(uf["voicemailid"]) ?? newID()
            box = box.setting("uniqueid", .int(id))
            uf = uf.setting("voicemailid", .string(String(id)))
            collections["users"]?[index] = user.setting("voicemail", box).setting("userfeatures", uf)
        }
    }

    public func snapshot() -> JSONNode {
        lock.lock()
        defer { lock.unlock() }
        return .object(
            [
                ("platform", .string("xivo")),
                (
                    "credentials",
                    .array(credentials.keys.sorted().map { .object([("username", .string($0)), ("password_sha256", .string(credentials[$0] ?? ""))]) })
                ),
                ("next_id", .int(nextID)), ("web_services", .string(webServices)),
            ] + Self.objects.map { ($0, .array(collections[$0] ?? [])) })
    }

    public func handle(_ request: HTTPRequest) -> SimulatorOutcome {
        lock.lock()
        defer { lock.unlock() }
        return .respond(route(request))
    }

    /// A record's id: top-level `id`, or the id inside its main object.
    static func id(_ node: JSONNode) -> Int64? {
        if let id = node["id"]?.int ?? node["id"]?.string.flatMap({ Int64($0) }) { return id }
        for key in ["userfeatures", "schedule", "incall", "pickup"] {
            if let id = node[key]?["id"]?.int ?? node[key]?["id"]?.string.flatMap({ Int64($0) }) { return id }
        }
        return nil
    }

    static func text(_ status: Int, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["content-type": "text/plain"], body: Data(message.utf8))
    }

    func route(_ request: HTTPRequest) -> HTTPResponse {
        if !credentials.isEmpty {
            guard let header = request.header("authorization"), header.hasPrefix("Basic "),
                let decoded = Data(base64Encoded: String(header.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
                let colon = decoded.firstIndex(of: ":")
            else {
                // HTTP Basic (RFC 7617): a 401 carries its challenge, as the web server in front of XiVO sends it.
                var challenge = Self.text(401, "Authentication required")
                challenge.headers["www-authenticate"] = "Basic realm=\"XiVO web services\""
                return challenge
            }
            guard credentials[String(decoded[..<colon])] == SHA256.hex(String(decoded[decoded.index(after: colon)...])) else {
                return Self.text(403, "Authentication refused")
            }
        }
        let (path, query) = SimulatorPath.split(request.path)
        let parts = path.split(separator: "/").map(String.init)
        guard let object = Self.object(parts) else { return Self.text(404, "no web service at \(path)") }
        // The current web interface has no parking-lot service (8a134e440) and no voicemail
        // list (boxes are confd's, seen through each user).
        if current && ["parkinglot", "voicemail"].contains(object) { return Self.text(404, "no web service at \(path)") }
        let act = query["act"] ?? ""
        let body = request.body.flatMap { try? JSONParser.parse(Array($0)) }
        // The parking-lot edit URL has no `&id=` in the document: its id is in the body.
        let id = query["id"] ?? (object == "parkinglot" && act == "edit" ? body?["id"].flatMap { $0.int.map(String.init) ?? $0.string } : nil)
        if request.body != nil, !request.declaresJSON {
            return Self.text(415, "the body must be application/json")
        }
        if (act == "add" || act == "edit") && (request.method != "POST" || body == nil) {
            return Self.text(400, "\(act) wants a JSON object sent by POST")
        }
        switch act {
        case "list":
            let summaries = summaries(object)
            return summaries.isEmpty ? HTTPResponse(status: 204) : .json(200, .array(summaries))
        case "search" where Self.searched[object] != nil:
            // The list's items whose searched fields contain the text (api-docs/002: users by
            // firstname, lastname, number or userfield; lines by number or name).
            let text = (query["search"] ?? "").lowercased()
            // A user's number is its line's, which the users list does not carry.
            let userNumbers = Dictionary(
                (collections["users"] ?? []).map { user in
                    (Self.id(user) ?? 0, (user["linefeatures"]?.array ?? []).compactMap { Self.textual($0["number"]) })
                }, uniquingKeysWith: { first, _ in first })
            let found = summaries(object).filter { item in
                var values = (Self.searched[object] ?? []).map { Self.textual(item[$0]) ?? "" }
                if object == "users" { values += userNumbers[Self.id(item) ?? 0] ?? [] }
                return !text.isEmpty && values.contains { $0.lowercased().contains(text) }
            }
            return found.isEmpty ? HTTPResponse(status: 204) : .json(200, .array(found))
        case "view" where object == "voicemail":
            guard let box = voicemails().first(where: { Self.number($0["uniqueid"]).map(String.init) == id }) else {
                return Self.text(404, "voicemail \(id ?? "") not found")
            }
            return .json(200, .object([("voicemail", box)]))
        case "delete" where object == "voicemail":
            return deleteVoicemail(id)
        case "view":
            guard let record = find(object, id) else { return Self.text(404, "\(object) \(id ?? "") not found") }
            return .json(200, view(object, record))
        case _ where object == "lines" && act != "list":
            return Self.text(400, "act=\(act) on lines is not simulated (telform only lists them)")
        case "delete" where !["context", "groups", "queues"].contains(object):
            guard let index = index(object, id) else { return Self.text(404, "\(object) \(id ?? "") not found") }
            collections[object]?.remove(at: index)
            return HTTPResponse(status: 200)
        case "add" where current && object == "users":
            return addCurrentUser(body ?? .null)
        case "add" where !["groups", "queues"].contains(object):
            if let refusal = currentRefusal(object, body ?? .null) { return Self.text(400, refusal) }
            return add(object, body ?? .null)
        case "edit" where current && object == "users":
            guard let index = index(object, id) else { return Self.text(404, "\(object) \(id ?? "") not found") }
            return editCurrentUser(at: index, body ?? .null)
        case "edit" where ["users", "incall", "parkinglot"].contains(object):
            guard let index = index(object, id) else { return Self.text(404, "\(object) \(id ?? "") not found") }
            return edit(object, at: index, body ?? .null)
        default:
            return Self.text(400, "act=\(act) is not available for \(object)")
        }
    }

    /// `/service/ipbx/json.php/restricted/<section>/<object>/` or `/callcenter/json.php/restricted/settings/<object>`.
    static func object(_ parts: [String]) -> String? {
        guard let restricted = parts.firstIndex(of: "restricted"), restricted + 2 < parts.count else { return nil }
        var name = parts[restricted + 2]
        // The document's view URLs for schedules and incalls carry a stray `users/`, and the
        // skills view is spelled `queuesskills`: both are answered.
        if name == "queuesskills" { name = "queueskills" }
        return objects.contains(name) ? name : nil
    }

    /// The fields `act=search` looks in, per object (api-docs/002 documents users, lines,
    /// incalls and schedules; xivo-ws searches voicemails by mailbox).
    static let searched: [String: [String]] = [
        "users": ["firstname", "lastname", "number", "userfield"], "lines": ["number", "name"],
        "incall": ["exten"], "schedule": ["name"], "voicemail": ["mailbox", "fullname"],
    ]

    func find(_ object: String, _ id: String?) -> JSONNode? {
        index(object, id).flatMap { collections[object]?[$0] }
    }

    func index(_ object: String, _ id: String?) -> Int? {
        guard let id else { return nil }
        return collections[object]?.firstIndex { record in
            if object == "context" { return record["context"]?["name"]?.string == id }
            return Self.id(record).map(String.init) == id
        }
    }

    func summaries(_ object: String) -> [JSONNode] {
        if object == "lines" {
            // api-docs/002 lines 98-173: each line with its number, context and user.
            return (collections["users"] ?? []).flatMap { user in
                (user["linefeatures"]?.array ?? []).map { line in
                    // The current lines list has no `iduserfeatures` (6adc28a8f, 2013).
                    let item = Self.lineSummary(line, user: user)
                    return current ? .object((item.pairs ?? []).filter { $0.0 != "iduserfeatures" }) : item
                }
            }
        }
        if object == "voicemail" { return voicemails() }
        return (collections[object] ?? []).map { record in
            switch object {
            case "users":
                // The users list carries no line (xivo-ws test_from_list_obj_dict): numbers and
                // contexts are in the lines list. It carries the userfeatures, with the fields
                // xivo-ws reads given their defaults.
                let uf = record["userfeatures"] ?? .null
                var item = JSONNode.object([
                    ("entityid", .int(1)), ("lastname", .string("")), ("enableclient", .bool(false)), ("loginclient", .string("")),
                    ("passwdclient", .string("")), ("cti_profile_id", .null), ("bsfilter", .string("no")), ("enablexfer", .bool(false)),
                    ("agentid", .null), ("mobilephonenumber", .string("")), ("userfield", .string("")),
                ])
                for (key, value) in uf.pairs ?? [] { item = item.setting(key, value) }
                return item
            case "schedule": return (record["schedule"] ?? .null).setting("entity_id", record["schedule"]?["entity_id"] ?? .null)
            case "incall": return .object((record["incall"]?.pairs ?? []) + [("destination", record["dialaction"]?["answer"] ?? .null)])
            case "context":
                // The list answers each context nested (xivo-ws test_from_list_obj_dict): one
                // include as an object, several as a list, none as false; numbers flat or false.
                let includes = Self.includeRecords(record)
                let numbers = (record["contextnumbers"]?.pairs ?? []).flatMap { use, ranges in
                    (ranges.array ?? []).map { Self.numberRange($0).setting("type", .string(use)) }
                }
                return .object([
                    ("context", record["context"] ?? .null),
                    ("contextinclude", includes.isEmpty ? .bool(false) : includes.count == 1 ? includes[0] : .array(includes)),
                    ("contextnumbers", numbers.isEmpty ? .bool(false) : .array(numbers)), ("deletable", .bool(false)),
                ])
            case "pickup": return record["pickup"] ?? .null
            // A summary: the lot's number of positions and the rest come with view.
            case "parkinglot": return .object([("id", record["id"] ?? .null), ("name", record["name"] ?? .null)])
            // The current skills list never returns `printscreen` (queue/datastorage/sql.inc ~166).
            case "queueskills" where current: return .object((record.pairs ?? []).filter { $0.0 != "printscreen" })
            default: return record
            }
        }
    }

    /// A line as the lines list answers it (xivo-ws test_line): the line's own fields and its
    /// protocol's (a SIP line's `name`, `type`, `username`, `secret`, `host`, ...).
    static func lineSummary(_ line: JSONNode, user: JSONNode) -> JSONNode {
        var item = JSONNode.object([
            ("id", line["id"] ?? .null), ("name", line["name"] ?? line["number"] ?? .null), ("number", line["number"] ?? .null),
            ("context", line["context"] ?? .null), ("protocol", line["protocol"] ?? .null),
            ("iduserfeatures", line["iduserfeatures"] ?? user["userfeatures"]?["id"] ?? .null),
            ("commented", .bool(false)), ("configregistrar", .string("default")), ("device", line["device"] ?? .string("")),
            ("num", line["num"] ?? .int(1)),
        ])
        switch line["protocol"]?.string {
        case "sip":
            for (key, value) in [
                ("type", JSONNode.string("friend")), ("username", line["name"] ?? .string("")), ("secret", line["secret"] ?? .string("")),
                ("language", .null), ("host", .string("dynamic")), ("port", .null),
            ] { item = item.setting(key, value) }
        case "custom": item = item.setting("interface", line["interface"] ?? .string(""))
        default: break
        }
        return item
    }

    /// A number range as the context answers it: with its `didlength` (xivo-ws test_context).
    static func numberRange(_ range: JSONNode) -> JSONNode {
        range.setting("didlength", range["didlength"] ?? .string("0"))
    }

    /// Every voicemail box, the users' and the ones of their own, as the voicemail list
    /// answers them (xivo-ws test_voicemail: `uniqueid`, `mailbox`, `fullname`, ...).
    func voicemails() -> [JSONNode] {
        let owned = (collections["users"] ?? []).compactMap { user in user["voicemail"].flatMap { $0.pairs == nil ? nil : $0 } }
        return (owned + (collections["voicemail"] ?? [])).map { box in
            var item = JSONNode.object([
                ("uniqueid", box["uniqueid"] ?? .null), ("context", .string("default")), ("fullname", .string("")),
                ("password", .string("")), ("email", .null), ("tz", .string("eu-fr")),
            ])
            for (key, value) in box.pairs ?? [] { item = item.setting(key, value) }
            return item
        }
    }

    /// A context's includes as view answers them: `{context, include, priority}` records.
    static func includeRecords(_ record: JSONNode) -> [JSONNode] {
        let name = record["context"]?["name"] ?? .null
        return (record["contextinclude"]?.array ?? []).enumerated().compactMap { index, include in
            guard let included = include.string ?? include["include"]?.string else { return nil }
            return .object([("context", name), ("include", .string(included)), ("priority", .string(String(index)))])
        }
    }

    func view(_ object: String, _ record: JSONNode) -> JSONNode {
        if object == "context" {
            let numbers = (record["contextnumbers"]?.pairs ?? []).map { use, ranges in (use, JSONNode.array((ranges.array ?? []).map(Self.numberRange))) }
            return record.setting("contextinclude", .array(Self.includeRecords(record))).setting("contextnumbers", .object(numbers))
        }
        if object == "schedule" {
            return record.setting("schedule", (record["schedule"] ?? .null).setting("entity_id", record["schedule"]?["entity_id"] ?? .null))
        }
        if object == "users" {
            // Memberships as view answers them: false, or the member rows (api-docs/002 lines 417-420).
            var shown = record
            // A user without a box: `voicemail: false`, and userfeatures says so.
            var uf = record["userfeatures"] ?? .object([])
            if uf["entityid"] == nil { uf = uf.setting("entityid", .int(1)) }
            if let box = record["voicemail"], box.pairs != nil, current {
                // confd's box, as the current view shows it: `id`, `number`, `name`.
                let id = Self.number(box["uniqueid"]) ?? 0
                shown = shown.setting(
                    "voicemail",
                    .object([
                        ("id", .int(id)), ("number", box["mailbox"] ?? .null), ("context", box["context"] ?? .string("default")),
                        ("name", box["fullname"] ?? .string("")), ("password", box["password"] ?? .string("")), ("email", box["email"] ?? .null),
                    ]))
                uf = uf.setting("voicemailid", .string(String(id))).setting("enablevoicemail", .bool(true))
            } else if let box = record["voicemail"], box.pairs != nil {
                uf = uf.setting("voicemailid", .string(String(Self.number(box["uniqueid"]) ?? 0)))
                if uf["voicemailtype"] == nil { uf = uf.setting("voicemailtype", .string("asterisk")) }
                uf = uf.setting("enablevoicemail", .bool(true))
            } else {
                shown = shown.setting("voicemail", .bool(false))
                uf = uf.setting("voicemailid", .null).setting("enablevoicemail", .bool(false))
            }
            shown = shown.setting("userfeatures", uf)
            for (key, kind) in [("groupmember", "group"), ("queuemember", "queue")] {
                let member = record[key]
                let rows: JSONNode =
                    member?.bool == true || (member?.array?.isEmpty == false)
                    ? (member?.array.map(JSONNode.array) ?? .array([.object([("type", .string(kind)), ("userid", record["userfeatures"]?["id"] ?? .null)])]))
                    : .bool(false)
                shown = shown.setting(key, rows)
            }
            return shown
        }
        guard object == "pickup" else { return record }
        // View splits the members by category; add takes them in one list.
        let all = record["members"]?.array ?? []
        return .object([
            ("pickup", record["pickup"] ?? .null),
            ("members", .array(all.filter { $0["category"]?.string == "member" })),
            ("pickups", .array(all.filter { $0["category"]?.string == "pickup" })),
        ])
    }

    func newID() -> Int64 {
        nextID += 1
        return nextID - 1
    }
}

extension XiVOFake {
    /// The simulator as the catalog lists it.
    static let descriptor = SimulatorDescriptor(
        type: "xivo", make: { try XiVOFake(state: $0) }, credentials: [:], sealed: ["voicemail.password"],
        starterSeed: """
            {
              "platform": "xivo",
              "context": [
                {"context": {"name": "default", "displayname": "Default", "entity": "acme", "contexttype": "internal", "description": ""},
                 "contextinclude": [], "contextnumbers": {"user": [{"numberbeg": "1000", "numberend": "1999"}]}}
              ],
              "users": []
            }
            """)
}
