import Foundation
import TelformCore

/// A faithful fake of MX Proxy 2.1 (api-docs/000): the OAuth2 password grant at `POST /auth`
/// (client by HTTP Basic, user by form), Bearer tokens with `expires_in`, `GET /contacts`,
/// conferences (`GET`, `POST`, `PUT /conferences/{Id}`, `DELETE`) with 64-bit owner ids, and
/// the call mode (`PATCH /calls`, which answers the full parameters).
///
/// Where the document is silent: errors are `{"error": ..., "error_description": ...}` (RFC 6749
/// style for /auth), a conference's `Id` is a server-assigned string, and a state may set
/// `token_uses` so a token stops working after that many calls (to exercise the 401 path).
public final class MXProxyFake: SimulatedPlatform, @unchecked Sendable {
    public static let defaultClient = ("sim-client", "sim-client-secret")
    public static let defaultUser = ("sim@example.com", "sim-mx-password")

    let lock = NSLock()
    var apps: [String: String] = [:]                       // client_id → secret digest
    var users: [String: (digest: String, jid: String)] = [:]

    public func admitDefaultCredentials() {
        if apps[Self.defaultClient.0] == nil { apps[Self.defaultClient.0] = SHA256.hex(Self.defaultClient.1) }
        // The default user is the first user the seed has.
        let jid = users.sorted { $0.key < $1.key }.first?.value.jid ?? "43884851428118509"
        if users[Self.defaultUser.0] == nil { users[Self.defaultUser.0] = (SHA256.hex(Self.defaultUser.1), jid) }
    }
    var contacts: [JSONNode] = []
    var conferences: [JSONNode] = []
    var callModes: [String: JSONNode] = [:]                // jid → last PATCH /calls
    var tokens: [String: (jid: String, uses: Int)] = [:]
    var tokenUses: Int?
    var nextID: Int64 = 1
    var issued = 0

    public init(state: JSONNode?) throws {
        let json = state ?? .object([])
        for app in json["apps"]?.array ?? [] {
            guard let id = app["client_id"]?.string else { throw SimulatorStateError("an app needs client_id") }
            apps[id] = app["secret_sha256"]?.string ?? SHA256.hex(app["secret"]?.string ?? "")
        }
        if apps.isEmpty { apps[Self.defaultClient.0] = SHA256.hex(Self.defaultClient.1) }
        for user in json["users"]?.array ?? [] {
            guard let name = user["username"]?.string, let jid = user["jid"]?.string else { throw SimulatorStateError("a user needs username and jid") }
            users[name] = (user["password_sha256"]?.string ?? SHA256.hex(user["password"]?.string ?? ""), jid)
        }
        if users.isEmpty { users[Self.defaultUser.0] = (SHA256.hex(Self.defaultUser.1), "43884851428118509") }
        contacts = json["contacts"]?.array ?? []
        conferences = json["conferences"]?.array ?? []
        for (jid, mode) in json["call_modes"]?.pairs ?? [] { callModes[jid] = mode }
        tokenUses = json["token_uses"]?.int.map(Int.init)
        nextID = json["next_id"]?.int ?? Int64(conferences.count + 1)
    }

    public func snapshot() -> JSONNode {
        lock.lock()
        defer { lock.unlock() }
        return .object([
            ("platform", .string("mxproxy")),
            ("apps", .array(apps.keys.sorted().map { .object([("client_id", .string($0)), ("secret_sha256", .string(apps[$0] ?? ""))]) })),
            ("users", .array(users.keys.sorted().map { name in
                .object([("username", .string(name)), ("password_sha256", .string(users[name]?.digest ?? "")), ("jid", .string(users[name]?.jid ?? ""))])
            })),
            ("contacts", .array(contacts)),
            ("conferences", .array(conferences)),
            ("call_modes", .object(callModes.keys.sorted().map { ($0, callModes[$0] ?? .null) })),
            ("next_id", .int(nextID)),
            ("tokens_issued", .int(Int64(issued))),
        ] + (tokenUses.map { [("token_uses", JSONNode.int(Int64($0)))] } ?? []))
    }

    public func handle(_ request: HTTPRequest) -> SimulatorOutcome {
        lock.lock()
        defer { lock.unlock() }
        return .respond(route(request))
    }

    static func error(_ status: Int, _ code: String, _ description: String) -> HTTPResponse {
        .json(status, .object([("error", .string(code)), ("error_description", .string(description))]))
    }

    func route(_ request: HTTPRequest) -> HTTPResponse {
        let (path, _) = SimulatorPath.split(request.path)
        if path == "/auth" && request.method == "POST" { return grant(request) }
        guard let header = request.header("authorization"), header.hasPrefix("Bearer "),
              let token = tokens[String(header.dropFirst(7))] else {
            return Self.bearerRefusal("the access token is missing, invalid or expired")
        }
        let key = String(header.dropFirst(7))
        if let limit = tokenUses, token.uses >= limit {
            tokens[key] = nil
            return Self.bearerRefusal("the access token expired")
        }
        tokens[key]?.uses += 1
        let parts = path.split(separator: "/").map(String.init)
        // The document sends every body as `application/json; charset=utf-8` (and /auth as a form).
        if request.body != nil, !request.declaresJSON {
            return Self.error(415, "unsupported_media_type", "the body must be application/json")
        }
        let body = request.body.flatMap { try? JSONParser.parse(Array($0)) }
        switch (request.method, parts.first ?? "", parts.count) {
        case ("GET", "contacts", 1):
            return .json(200, .object([("contacts", .array(contacts))]))
        case ("GET", "conferences", 1):
            return .json(200, .object([("conferences", .array(conferences))]))
        case ("POST", "conferences", 1):
            guard let body, let conference = validConference(body) else { return Self.error(400, "invalid_request", problem(body)) }
            let id = String(nextID)
            nextID += 1
            let stored = conference.setting("Id", .string(id))
            conferences.append(stored)
            return .json(200, stored)
        case ("PUT", "conferences", 2), ("DELETE", "conferences", 2):
            guard let index = conferences.firstIndex(where: { $0["Id"]?.string == parts[1] }) else {
                return Self.error(404, "not_found", "conference \(parts[1]) not found")
            }
            if request.method == "DELETE" {
                conferences.remove(at: index)
                return HTTPResponse(status: 204)
            }
            guard let body, let conference = validConference(body) else { return Self.error(400, "invalid_request", problem(body)) }
            conferences[index] = conference.setting("Id", .string(parts[1]))
            return .json(200, conferences[index])
        case ("PATCH", "calls", 1):
            guard let body, let remote = body["remote"]?.bool else { return Self.error(400, "invalid_request", "remote (true or false) is required") }
            // The parameters as the document lists them (`deviceName`); the answer as its
            // example shows it: `{"callMode": {...}}`, every parameter used, defaults filled in.
            let mode = JSONNode.object([("remote", .bool(remote)), ("device", body["deviceName"] ?? .string("")),
                                        ("ringDelay", body["ringDelay"] ?? .int(1)), ("vmDelay", body["vmDelay"] ?? .int(30))])
            callModes[token.jid] = mode
            return .json(200, .object([("callMode", mode)]))
        default:
            return Self.error(404, "not_found", "no handler for \(request.method) \(path)")
        }
    }

    /// RFC 6750 §3: a refused bearer token is a 401 with its challenge.
    static func bearerRefusal(_ description: String) -> HTTPResponse {
        var refusal = error(401, "invalid_token", description)
        refusal.headers["www-authenticate"] = "Bearer error=\"invalid_token\""
        return refusal
    }

    /// `POST /auth`: client by Basic, user by form, `grant_type=password`.
    func grant(_ request: HTTPRequest) -> HTTPResponse {
        guard let header = request.header("authorization"), header.hasPrefix("Basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
              let colon = decoded.firstIndex(of: ":"),
              apps[String(decoded[..<colon])] == SHA256.hex(String(decoded[decoded.index(after: colon)...])) else {
            // RFC 6749 §5.2: a client that authenticated with Basic gets the challenge back.
            var refusal = Self.error(401, "invalid_client", "the application is not registered")
            refusal.headers["www-authenticate"] = "Basic realm=\"mxproxy\""
            return refusal
        }
        var form: [String: String] = [:]
        for pair in String(decoding: request.body ?? Data(), as: UTF8.self).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            if kv.count == 2 { form[kv[0]] = kv[1] }
        }
        guard form["grant_type"] == "password" else { return Self.error(400, "unsupported_grant_type", "grant_type must be password") }
        guard let name = form["username"], let user = users[name], user.digest == SHA256.hex(form["password"] ?? "") else {
            return Self.error(400, "invalid_grant", "wrong username or password")
        }
        issued += 1
        let token = "mx-" + String(SHA256.hex("\(name)-\(issued)-\(nextID)").prefix(32))
        tokens[token] = (user.jid, 0)
        return .json(200, .object([("token_type", .string("Bearer")), ("access_token", .string(token)), ("expires_in", .int(3600))]))
    }

    func validConference(_ body: JSONNode) -> JSONNode? {
        guard problem(body).isEmpty else { return nil }
        var pairs: [(String, JSONNode)] = []
        for key in ["ownerId", "name", "accessId", "type", "startDate", "duration", "waitForOwner", "delOnOwnerLeave", "ws", "wsType"] {
            pairs.append((key, body[key] ?? .null))
        }
        return .object(pairs)
    }

    func problem(_ body: JSONNode?) -> String {
        guard let body else { return "the body is not JSON" }
        guard let name = body["name"]?.string, !name.isEmpty else { return "name is required" }
        guard let owner = body["ownerId"]?.int else { return "ownerId must be a number" }
        guard users.values.contains(where: { $0.jid == String(owner) }) || contacts.contains(where: { $0["jid"]?.string == String(owner) }) else {
            return "ownerId \(owner) is not a known jid"
        }
        if let duration = body["duration"], !duration.isNull, (duration.int ?? -1) < 0 { return "duration must be minutes" }
        return ""
    }
}
