import TelformCore

/// One endpoint as the fake stores it.
struct EndpointRecord {
    static let stringFields = [
        "transport", "disallow", "allow", "language", "outgoing_cli",
        "cf_unconditional_dest", "cf_unavailable_dest", "cf_noanswer_dest", "cf_busy_dest",
    ]
    /// PJSIP's spellings of a flag.
    static func flag(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "yes", "true", "1", "on": return true
        case "no", "false", "0", "off": return false
        default: return nil
        }
    }

    static let boolFields = [
        "direct_media", "rtp_symmetric", "force_rport", "rewrite_contact", "allow_long_distance",
        "cf_unconditional_enabled", "cf_unavailable_enabled", "cf_noanswer_enabled", "cf_busy_enabled",
    ]

    var id: Int64
    var name: String
    var extensionNumber = ""
    var passwordDigest = ""
    /// The string fields' values, in `stringFields` order (an array per record, not a
    /// dictionary: a simulator of 10,000 endpoints held 9 MB of dictionaries).
    var strings: [String] = ["transport-udp", "all", "ulaw,alaw", "en", "", "", "", "", ""]
    /// The flags, in `boolFields` order.
    var bools: [Bool] = [false, true, true, true, false, false, false, false, false]
    var noAnswerTimeout: Int64 = 20

    init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }

    /// Pydantic-style checks of a create or update body.
    static let codecFields: Set<String> = ["allow", "disallow"]

    static func validate(_ body: JSONNode, creating: Bool, server: EndpointsServer = EndpointsServer()) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        check(body, "name", required: creating, pattern: nil, into: &problems)
        if creating {
            check(body, "extension", required: true, pattern: "^[0-9]{3}$", into: &problems)
            check(body, "password", required: true, pattern: "^[A-Za-z0-9]{20}$", into: &problems)
        }
        for field in stringFields {
            if server.listCodecs && codecFields.contains(field) {
                guard let value = body[field], !value.isNull else { continue }
                if value.array?.allSatisfy({ $0.string != nil }) != true {
                    problems.append(ValidationProblem(loc: ["body", field], msg: "Input should be a valid list", type: "list_type"))
                }
                continue
            }
            check(body, field, required: false, pattern: nil, into: &problems)
        }
        // The flags are PJSIP realtime text, as the answers show them ("yes"/"no"): a string
        // field, which pydantic refuses a JSON boolean for.
        for field in boolFields {
            guard let value = body[field], !value.isNull else { continue }
            guard case .string(let text) = value else {
                problems.append(ValidationProblem(loc: ["body", field], msg: "Input should be a valid string", type: "string_type"))
                continue
            }
            if Self.flag(text) == nil {
                problems.append(ValidationProblem(loc: ["body", field], msg: "Input should be 'yes' or 'no'", type: "literal_error"))
            }
        }
        if let value = body["cf_noanswer_timeout"], !value.isNull {
            if let n = value.int {
                if n < 5 {
                    problems.append(
                        ValidationProblem(loc: ["body", "cf_noanswer_timeout"], msg: "Input should be greater than or equal to 5", type: "greater_than_equal"))
                }
                if n > 120 {
                    problems.append(
                        ValidationProblem(loc: ["body", "cf_noanswer_timeout"], msg: "Input should be less than or equal to 120", type: "less_than_equal"))
                }
            } else {
                problems.append(ValidationProblem(loc: ["body", "cf_noanswer_timeout"], msg: "Input should be a valid integer", type: "int_type"))
            }
        }
        return problems
    }

    static func check(_ body: JSONNode, _ field: String, required: Bool, pattern: String?, into problems: inout [ValidationProblem]) {
        guard let value = body[field], !value.isNull else {
            if required { problems.append(ValidationProblem(loc: ["body", field], msg: "Field required", type: "missing")) }
            return
        }
        guard let text = value.string else {
            problems.append(ValidationProblem(loc: ["body", field], msg: "Input should be a valid string", type: "string_type"))
            return
        }
        if let pattern, !TextPattern(pattern).matches(text) {
            problems.append(ValidationProblem(loc: ["body", field], msg: "String should match pattern '\(pattern)'", type: "string_pattern_mismatch"))
        }
    }

    mutating func apply(_ body: JSONNode) {
        if let n = body["name"]?.string { name = n }
        if let e = body["extension"]?.string { extensionNumber = e }
        if let p = body["password"]?.string { passwordDigest = SHA256.hex(p) }
        for (index, field) in Self.stringFields.enumerated() {
            if let v = body[field]?.string { strings[index] = v }
            if let list = body[field]?.array { strings[index] = list.compactMap(\.string).joined(separator: ",") }
        }
        for (index, field) in Self.boolFields.enumerated() { if let v = body[field]?.string.flatMap(Self.flag) { bools[index] = v } }
        if let t = body["cf_noanswer_timeout"]?.int { noAnswerTimeout = t }
    }

    /// The id as the server shows it.
    func shownID(tenant: String, _ server: EndpointsServer) -> JSONNode {
        server.textIDs ? .string("\(tenant)_\(id)") : .int(id)
    }

    /// The API's EndpointResponse: no extension, no password; booleans as PJSIP's yes/no.
    func response(tenant: String, _ server: EndpointsServer = EndpointsServer()) -> JSONNode {
        var pairs: [(String, JSONNode)] = [
            ("id", shownID(tenant: tenant, server)), ("name", .string(name)), ("tenant_id", .string(tenant)),
            ("context", .string("from-internal-\(tenant)")),
        ]
        for (index, field) in Self.stringFields.enumerated() {
            if server.listCodecs && Self.codecFields.contains(field) {
                pairs.append((field, .array(strings[index].split(separator: ",").map { .string(String($0)) })))
            } else {
                pairs.append((field, .string(strings[index])))
            }
        }
        for (index, field) in Self.boolFields.enumerated() { pairs.append((field, .string(bools[index] ? "yes" : "no"))) }
        pairs.append(("cf_noanswer_timeout", .int(noAnswerTimeout)))
        pairs += [("aors", .string(name)), ("auth", .string(name)), ("type", .string("endpoint")), ("mailboxes", .string(""))]
        return .object(pairs)
    }

    /// The fake's own storage form (the state file): everything, the password as a digest.
    var stored: JSONNode {
        var pairs: [(String, JSONNode)] = [
            ("id", .int(id)), ("name", .string(name)), ("extension", .string(extensionNumber)),
            ("password_sha256", .string(passwordDigest)),
        ]
        for (index, field) in Self.stringFields.enumerated() { pairs.append((field, .string(strings[index]))) }
        for (index, field) in Self.boolFields.enumerated() { pairs.append((field, .bool(bools[index]))) }
        pairs.append(("cf_noanswer_timeout", .int(noAnswerTimeout)))
        return .object(pairs)
    }

    init(stored: JSONNode) throws {
        guard let id = stored["id"]?.int, let name = stored["name"]?.string else { throw SimulatorStateError("an endpoint needs id and name") }
        self.init(id: id, name: name)
        extensionNumber = stored["extension"]?.string ?? ""
        passwordDigest = stored["password_sha256"]?.string ?? (stored["password"]?.string).map { SHA256.hex($0) } ?? ""
        for (index, field) in Self.stringFields.enumerated() { if let v = stored[field]?.string { strings[index] = v } }
        for (index, field) in Self.boolFields.enumerated() { if let v = stored[field]?.bool { bools[index] = v } }
        if let t = stored["cf_noanswer_timeout"]?.int { noAnswerTimeout = t }
    }
}

struct TenantState {
    var nextID: Int64
    private(set) var endpoints: [EndpointRecord]
    /// The endpoints' names, for the name check of a create (a scan made creates quadratic).
    private(set) var names: Set<String>

    mutating func append(_ record: EndpointRecord) {
        endpoints.append(record)
        names.insert(record.name)
    }

    mutating func remove(at index: Int) {
        names.remove(endpoints.remove(at: index).name)
    }

    /// A record changed in place (an update may rename it).
    mutating func replace(at index: Int, with record: EndpointRecord) {
        if endpoints[index].name != record.name {
            names.remove(endpoints[index].name)
            names.insert(record.name)
        }
        endpoints[index] = record
    }

    init(nextID: Int64, endpoints: [EndpointRecord]) {
        self.nextID = nextID
        self.endpoints = endpoints
        names = Set(endpoints.map(\.name))
    }
}

/// Where api-docs/003 leaves a choice open, the server a state can be: the fake answers as
/// Asterisk's PJSIP tables do by default, and as a FastAPI + pydantic server typed the other
/// way when a state's `server` says so.
struct EndpointsServer {
    /// `id` as text (`acme_102`; PJSIP ids are text, as `aors`/`auth` are), not a number.
    var textIDs = false
    /// `allow`/`disallow` typed `list[str]`: JSON lists both ways, a string refused.
    var listCodecs = false
    /// `limit` declared `le=N`: a larger one is refused with 422.
    var limitMax: Int?

    init() {}

    init(json: JSONNode?) {
        textIDs = json?["ids"]?.string == "text"
        listCodecs = json?["lists"]?.string == "array"
        limitMax = json?["limit_max"]?.int.map(Int.init)
    }

    var json: JSONNode {
        .object(
            [("ids", .string(textIDs ? "text" : "number")), ("lists", .string(listCodecs ? "array" : "text"))]
                + (limitMax.map { [("limit_max", JSONNode.int(Int64($0)))] } ?? []))
    }
}

/// The whole fake's state, as kept in `.telform/sim/NAME.json` or a seed file.
struct EndpointsState {
    /// SHA-256 digests of the accepted tokens: the state file never holds a token itself.
    var tokenDigests: [String]
    var tenants: [String: TenantState]
    var server = EndpointsServer()

    init(tokens: [String], tenants: [String: TenantState]) {
        tokenDigests = tokens.map { SHA256.hex($0) }
        self.tenants = tenants
    }

    /// A seed may give `tokens` in clear (fixtures are readable); a saved state has `token_sha256`.
    init(json: JSONNode) throws {
        let clear = json["tokens"]?.array?.compactMap(\.string).map { SHA256.hex($0) } ?? []
        let digests = json["token_sha256"]?.array?.compactMap(\.string) ?? []
        tokenDigests = clear + digests
        if tokenDigests.isEmpty { tokenDigests = [SHA256.hex(EndpointsFake.defaultToken)] }
        tenants = [:]
        server = EndpointsServer(json: json["server"])
        for (name, tenant) in json["tenants"]?.pairs ?? [] {
            let records = try (tenant["endpoints"]?.array ?? []).map(EndpointRecord.init(stored:))
            let next = tenant["next_id"]?.int ?? ((records.map(\.id).max() ?? 0) + 1)
            tenants[name] = TenantState(nextID: next, endpoints: records)
        }
    }

    var json: JSONNode {
        .object([
            ("platform", .string("endpoints")),
            ("token_sha256", .array(tokenDigests.map(JSONNode.string))),
            ("server", server.json),
            (
                "tenants",
                .object(
                    tenants.keys.sorted().map { name in
                        let t = tenants[name] ?? TenantState(nextID: 1, endpoints: [])
                        return (name, .object([("next_id", .int(t.nextID)), ("endpoints", .array(t.endpoints.map(\.stored)))]))
                    })
            ),
        ])
    }
}

struct SimulatorStateError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
