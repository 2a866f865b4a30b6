import Foundation
import TelformCore

/// A faithful fake of MX Proxy 2.1 (api-docs/000), behaving as the server's own code does
/// (mdigger/mxproxy at 09fe3cf, proxy.go, conference.go, mxconn.go, with mdigger/rest):
/// - `POST /auth`: the application by HTTP Basic, the user by the form (`grant_type=password`),
///   answering `{token_type, access_token, expires_in}`; no Authorization is a 401 with its
///   challenge, a malformed Basic header, a wrong application or grant type, or a wrong login
///   a 403. `GET /auth` names the logged-in user (`mx`, `ext`, `jid`, `softPhonePwd`).
/// - errors are `{"error": "text"}`; a missing or unknown bearer token is a 401;
/// - `GET /conferences` lists the logged-in user's conferences only, and an empty list as
///   `"conferences": null` (Go's nil slice); create and update answer
///   `{"conference": {...}}`, `Id` an opaque string; `PUT` replaces the whole conference
///   (a `description` left out is gone) and an unknown id is a 500, as is a body of the wrong
///   JSON type; `DELETE` of an unknown id is a 404; `ownerId` 0 means the caller;
/// - `PATCH /calls` reads `device` (never `deviceName`) and answers `{"callMode": {...}}`
///   with what it was given; a `ringDelay` or `vmDelay` of 0 never reaches MX (the PBX keeps
///   its default) though the answer says 0.
/// A state may set `token_uses: N` (a token stops working after N calls), `mx_drops_after: N`
/// (after N calls the MX connection drops: 401 "active mx connection unavailable" until the
/// next login), and `slow_writes: N` (the next N conference writes are made but answered 408,
/// as when MX does not confirm within 7 s).
public final class MXProxyFake: SimulatedPlatform, @unchecked Sendable {
    public static let defaultClient = ("sim-client", "sim-client-secret")
    public static let defaultUser = ("sim@example.com", "sim-mx-password")

    let lock = NSLock()
    var apps: [String: String] = [:]  // client_id → secret digest
    var users: [String: (digest: String, jid: String)] = [:]

    public func admitDefaultCredentials() {
        if apps[Self.defaultClient.0] == nil { apps[Self.defaultClient.0] = SHA256.hex(Self.defaultClient.1) }
        // The default user is the first user the seed has.
        let jid = users.sorted { $0.key < $1.key }.first?.value.jid ?? "43884851428118509"
        if users[Self.defaultUser.0] == nil { users[Self.defaultUser.0] = (SHA256.hex(Self.defaultUser.1), jid) }
    }
    var contacts: [JSONNode] = []
    var conferences: [JSONNode] = []
    var callModes: [String: JSONNode] = [:]  // jid → last PATCH /calls
    var tokens: [String: (jid: String, uses: Int)] = [:]
    var tokenUses: Int?
    var nextID: Int64 = 1
    var issued = 0
    /// Users whose MX connection is up (a login brings it up).
    var connected: Set<String> = []
    var dropsAfter: Int?
    var calls = 0
    var slowWrites = 0

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
        dropsAfter = json["mx_drops_after"]?.int.map(Int.init)
        slowWrites = Int(json["slow_writes"]?.int ?? 0)
        nextID = json["next_id"]?.int ?? Int64(conferences.count + 1)
    }

    public func snapshot() -> JSONNode {
        lock.lock()
        defer { lock.unlock() }
        return .object(
            [
                ("platform", .string("mxproxy")),
                ("apps", .array(apps.keys.sorted().map { .object([("client_id", .string($0)), ("secret_sha256", .string(apps[$0] ?? ""))]) })),
                (
                    "users",
                    .array(
                        users.keys.sorted().map { name in
                            .object([
                                ("username", .string(name)), ("password_sha256", .string(users[name]?.digest ?? "")), ("jid", .string(users[name]?.jid ?? "")),
                            ])
                        })
                ),
                ("contacts", .array(contacts)),
                ("conferences", .array(conferences)),
                ("call_modes", .object(callModes.keys.sorted().map { ($0, callModes[$0] ?? .null) })),
                ("next_id", .int(nextID)),
                ("tokens_issued", .int(Int64(issued))),
                ("slow_writes", .int(Int64(slowWrites))),
            ] + (tokenUses.map { [("token_uses", JSONNode.int(Int64($0)))] } ?? []) + (dropsAfter.map { [("mx_drops_after", JSONNode.int(Int64($0)))] } ?? []))
    }

    public func handle(_ request: HTTPRequest) -> SimulatorOutcome {
        lock.lock()
        defer { lock.unlock() }
        return .respond(route(request))
    }

    /// mdigger/rest's error body: `{"error": "text"}`.
    static func error(_ status: Int, _ text: String) -> HTTPResponse {
        .json(status, .object([("error", .string(text))]))
    }

    func route(_ request: HTTPRequest) -> HTTPResponse {
        let (path, _) = SimulatorPath.split(request.path)
        if path == "/auth" && request.method == "POST" { return grant(request) }
        guard let header = request.header("authorization"), header.hasPrefix("Bearer "),
            let token = tokens[String(header.dropFirst(7))]
        else {
            return Self.bearerRefusal("invalid token")
        }
        let key = String(header.dropFirst(7))
        if let limit = tokenUses, token.uses >= limit {
            tokens[key] = nil
            return Self.bearerRefusal("invalid token: token is expired")
        }
        tokens[key]?.uses += 1
        calls += 1
        if let dropsAfter, calls > dropsAfter, connected.contains(token.jid) {
            // MX went away: the connection is gone until the user logs in again.
            connected.remove(token.jid)
            self.dropsAfter = nil
        }
        guard connected.contains(token.jid) else { return Self.bearerRefusal("active mx connection unavailable") }
        let parts = path.split(separator: "/").map(String.init)
        // The document sends every body as `application/json; charset=utf-8` (and /auth as a form).
        if request.body != nil, !request.declaresJSON {
            return Self.error(415, "unsupported media type")
        }
        let body = request.body.flatMap { try? JSONParser.parse(Array($0)) }
        switch (request.method, parts.first ?? "", parts.count) {
        case ("GET", "auth", 1):
            let ext = contacts.first { WireJID.text($0["jid"]) == token.jid }.flatMap { WireJID.text($0["ext"]) } ?? ""
            return .json(200, .object([("mx", .string("63022")), ("ext", .string(ext)), ("jid", .string(token.jid)), ("softPhonePwd", .string("sim"))]))
        case ("GET", "contacts", 1):
            return .json(200, .object([("contacts", .array(contacts))]))
        case ("GET", "conferences", 1):
            let mine = conferences.filter { WireJID.text($0["ownerId"]) == token.jid }
            return .json(200, .object([("conferences", mine.isEmpty ? .null : .array(mine))]))
        case ("POST", "conferences", 1):
            let made: JSONNode
            switch conference(body, owner: token.jid) {
            case .refused(let refusal): return refusal
            case .made(let conference): made = conference
            }
            let id = String(format: "c%06llx", nextID * 7919)
            nextID += 1
            let stored = made.setting("Id", .string(id))
            conferences.append(stored)
            return slow() ?? .json(200, .object([("conference", stored)]))
        case ("PUT", "conferences", 2):
            let replaced: JSONNode
            switch conference(body, owner: token.jid) {
            case .refused(let refusal): return refusal
            case .made(let conference): replaced = conference
            }
            // MX answers a CSTA error for an id it does not know; the proxy maps it to nothing: 500.
            guard let index = conferences.firstIndex(where: { $0["Id"]?.string == parts[1] }) else {
                return Self.error(500, "conference \(parts[1]) not found")
            }
            conferences[index] = replaced.setting("Id", .string(parts[1]))
            return slow() ?? .json(200, .object([("conference", conferences[index])]))
        case ("DELETE", "conferences", 2):
            guard let index = conferences.firstIndex(where: { $0["Id"]?.string == parts[1] }) else {
                return Self.error(404, "Not Found")
            }
            conferences.remove(at: index)
            return slow() ?? HTTPResponse(status: 204)
        case ("PATCH", "calls", 1):
            guard let body, body.pairs != nil else { return Self.error(400, "bad request") }
            if let remote = body["remote"], remote.bool == nil { return Self.error(400, "remote must be true or false") }
            // What the proxy binds: `device` (the parameter list's `deviceName` is not read),
            // the delays defaulting to 1 and 30.
            let mode = JSONNode.object([
                ("remote", .bool(body["remote"]?.bool ?? false)), ("device", body["device"] ?? .string("")),
                ("ringDelay", body["ringDelay"] ?? .int(1)), ("vmDelay", body["vmDelay"] ?? .int(30)),
            ])
            // A delay of 0 is left out before MX: the PBX keeps its default.
            var effective = mode
            if mode["ringDelay"]?.int == 0 { effective = effective.setting("ringDelay", .int(1)) }
            if mode["vmDelay"]?.int == 0 { effective = effective.setting("vmDelay", .int(30)) }
            callModes[token.jid] = effective
            return .json(200, .object([("callMode", mode)]))
        default:
            return Self.error(404, "Not Found")
        }
    }

    /// A write MX did not confirm in time: made, and answered 408.
    func slow() -> HTTPResponse? {
        guard slowWrites > 0 else { return nil }
        slowWrites -= 1
        return Self.error(408, "mx response timeout")
    }

    /// RFC 6750 §3: a refused bearer token is a 401 with its challenge.
    static func bearerRefusal(_ text: String) -> HTTPResponse {
        var refusal = error(401, text)
        refusal.headers["www-authenticate"] = "Bearer realm=\"mxproxy\""
        return refusal
    }

    /// `POST /auth`: client by Basic, user by form, `grant_type=password` (proxy.go `Login`).
    func grant(_ request: HTTPRequest) -> HTTPResponse {
        guard let header = request.header("authorization"), header.hasPrefix("Basic ") else {
            var challenge = Self.error(401, "Unauthorized")
            challenge.headers["www-authenticate"] = "Basic realm=\"mxproxy client application\""
            return challenge
        }
        guard let decoded = Data(base64Encoded: String(header.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
            let colon = decoded.firstIndex(of: ":")
        else {
            return Self.error(403, "Forbidden")
        }
        guard apps[String(decoded[..<colon])] == SHA256.hex(String(decoded[decoded.index(after: colon)...])) else {
            return Self.error(403, "bad client-id or app secret")
        }
        var form: [String: String] = [:]
        for pair in String(decoding: request.body ?? Data(), as: UTF8.self).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            if kv.count == 2 { form[kv[0]] = kv[1] }
        }
        guard form["grant_type"] == "password" else { return Self.error(403, "bad grant_type") }
        guard let name = form["username"], let user = users[name], user.digest == SHA256.hex(form["password"] ?? "") else {
            return Self.error(403, "login or password incorrect")
        }
        issued += 1
        connected.insert(user.jid)
        let token = "mx-" + String(SHA256.hex("\(name)-\(issued)-\(nextID)").prefix(32))
        tokens[token] = (user.jid, 0)
        return .json(200, .object([("token_type", .string("Bearer")), ("access_token", .string(token)), ("expires_in", .int(3600))]))
    }

    static let conferenceKeys = [
        "ownerId", "name", "accessId", "description", "type", "startDate", "duration", "waitForOwner", "delOnOwnerLeave", "ws", "wsType",
    ]

    /// A conference body as the proxy binds it into its Go struct: a field of the wrong JSON
    /// type fails the binding (500); `ownerId` 0 is the caller; what is left out is the zero
    /// value, and `description` is kept only when given (`omitempty`).
    func conference(_ body: JSONNode?, owner caller: String) -> Bound {
        guard let body, body.pairs != nil else { return .refused(Self.error(500, "json: cannot unmarshal into Go value of type main.Conference")) }
        let numbers: Set<String> = ["ownerId", "accessId", "startDate", "duration"]
        let flags: Set<String> = ["waitForOwner", "delOnOwnerLeave"]
        var pairs: [(String, JSONNode)] = []
        for key in Self.conferenceKeys {
            let value = body[key] ?? .null
            let typed: Bool
            switch value {
            case .null: typed = true
            case .int: typed = numbers.contains(key)
            case .bool: typed = flags.contains(key)
            case .string: typed = !numbers.contains(key) && !flags.contains(key)
            default: typed = false
            }
            guard typed else { return .refused(Self.error(500, "json: cannot unmarshal \(value.compact) into Go struct field Conference.\(key)")) }
            if key == "description" {
                if let text = value.string, !text.isEmpty { pairs.append((key, value)) }
                continue
            }
            pairs.append((key, value.isNull ? (numbers.contains(key) ? .int(0) : flags.contains(key) ? .bool(false) : .string("")) : value))
        }
        var made = JSONNode.object(pairs)
        if made["ownerId"]?.int == 0 { made = made.setting("ownerId", .int(Int64(caller) ?? 0)) }
        let owner = WireJID.text(made["ownerId"]) ?? ""
        guard users.values.contains(where: { $0.jid == owner }) || contacts.contains(where: { WireJID.text($0["jid"]) == owner }) else {
            return .refused(Self.error(400, "ownerId \(owner) is not a known jid"))
        }
        return .made(made)
    }
}

/// A body bound into a conference, or the proxy's refusal.
enum Bound {
    case made(JSONNode)
    case refused(HTTPResponse)
}

/// A jid as text, whether JSON gives it as a number or a string.
enum WireJID {
    static func text(_ node: JSONNode?) -> String? {
        node?.string ?? node?.int.map(String.init)
    }
}

extension MXProxyFake {
    /// The simulator as the catalog lists it.
    static let descriptor = SimulatorDescriptor(
        type: "mxproxy", make: { try MXProxyFake(state: $0) },
        credentials: ["client_id": defaultClient.0, "client_secret": defaultClient.1, "username": defaultUser.0, "password": defaultUser.1], sealed: [],
        starterSeed: """
            {
              "platform": "mxproxy",
              "apps": [{"client_id": "sim-client", "secret": "sim-client-secret"}],
              "users": [{"username": "sim@example.com", "password": "sim-mx-password", "jid": "43884851428118509"}],
              "contacts": [{"jid": "43884851428118509", "firstName": "Sim", "lastName": "User", "ext": "3044"}],
              "conferences": [],
              "next_id": 1
            }
            """)
}
