import Foundation
import TelformCore

/// MX Proxy's OAuth2 password grant: one token per run, a new one shortly before it expires
/// and once after a 401.
actor MXProxyAuth {
    let http: ResilientClient
    let clientID: String, clientSecret: String, username: String, password: String
    private var token: String?
    private var expiry = Date.distantPast
    private var pending: Task<(String, Date), Error>?

    init(http: ResilientClient, clientID: String, clientSecret: String, username: String, password: String) {
        self.http = http
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.username = username
        self.password = password
    }

    func current(renewing stale: String? = nil) async throws -> String {
        if let token, token != stale, Date() < expiry.addingTimeInterval(-60) { return token }
        if let pending { return try await pending.value.0 }
        let task = Task { try await self.grant() }
        pending = task
        defer { pending = nil }
        let (fresh, until) = try await task.value
        token = fresh
        expiry = until
        return fresh
    }

    private func grant() async throws -> (String, Date) {
        func encode(_ s: String) -> String {
            s.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
        }
        let form = "username=\(encode(username))&password=\(encode(password))&grant_type=password"
        let basic = Data("\(clientID):\(clientSecret)".utf8).base64EncodedString()
        let request = HTTPRequest(
            method: "POST", path: "/auth",
            headers: [("Authorization", "Basic \(basic)"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Data(form.utf8))
        let response = try await http.send(request)
        guard response.isSuccess, let body = try? response.json(), let token = body["access_token"]?.string else {
            throw MXProxyAPIError(response: response, during: "authorization")
        }
        return (token, Date().addingTimeInterval(TimeInterval(body["expires_in"]?.int ?? 3600)))
    }
}

/// Wire calls of MX Proxy (api-docs/000), Bearer-authorized.
struct MXProxyClient: Sendable {
    let http: ResilientClient
    let auth: MXProxyAuth

    func call(_ method: String, _ path: String, _ body: JSONNode? = nil, _ idempotency: Idempotency = .idempotent) async throws -> JSONNode {
        var token = try await auth.current()
        for attempt in 0..<2 {
            var request = HTTPRequest.json(method, path, body)
            request.headers.append(("Authorization", "Bearer \(token)"))
            let response: HTTPResponse
            switch try await http.send(request, idempotency) {
            case .response(let answer): response = answer
            case .readBack(.found(let object)): return object
            case .readBack(.confirmed): return .null
            }
            if response.status == 401 && attempt == 0 {
                token = try await auth.current(renewing: token)
                continue
            }
            guard response.isSuccess else { throw MXProxyAPIError(response: response, during: nil) }
            if response.body.isEmpty { return .null }
            guard let json = try? response.json() else { throw WireShape.Unexpected(call: "\(method) \(path)", got: "a body that is not JSON") }
            return json
        }
        throw MXProxyAPIError(status: 401, message: "the access token was refused twice")
    }

    func contacts() async throws -> [JSONNode] { try WireShape.list(try await call("GET", "/contacts")["contacts"], "GET /contacts") }

    /// **Reading:** the server's code answers an empty list as `"conferences": null` (Go's nil
    /// slice, mdigger/mxproxy): read as no conference. A missing key is not the shape.
    func conferences() async throws -> [JSONNode] {
        let list = try await call("GET", "/conferences")["conferences"]
        if list == .null { return [] }
        return try WireShape.list(list, "GET /conferences")
    }

    /// The logged-in user (`GET /auth`: `ext`, `jid`).
    func me() async throws -> (ext: String?, jid: String) {
        let info = try WireShape.object(try await call("GET", "/auth"), "GET /auth")
        guard let jid = WireValue.text(info["jid"]).string else { throw WireShape.Unexpected(call: "GET /auth", got: "no jid") }
        return (WireValue.text(info["ext"]).string, jid)
    }
}

struct MXProxyAPIError: CallFailure, CustomStringConvertible {
    let status: Int
    let message: String
    var call: String?
    var authorizing = false

    var refusesCredentials: Bool { status == 401 || status == 403 || (authorizing && status == 400) }

    init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    init(response: HTTPResponse, during: String?) {
        status = response.status
        call = response.call
        authorizing = during != nil
        let json = try? response.json()
        let text =
            json?["error_description"]?.string ?? json?["error"]?.string
            ?? (response.text.isEmpty ? "HTTP \(response.status)" : ServerText.excerpt(response.text))
        message = during.map { "\($0) failed: \(text)" } ?? text
    }

    var description: String { "\(message) (HTTP \(status))" }
}

/// Extensions and their jids, from GET /contacts: what a conference's owner is sent as.
struct MXProxyContacts: Sendable {
    private var jids: [String: String] = [:]
    /// The logged-in user, whose conferences GET /conferences lists.
    var me: (ext: String?, jid: String)?

    init(_ contacts: [JSONNode] = []) {
        for contact in contacts {
            if let ext = WireValue.text(contact["ext"]).string, let jid = WireValue.text(contact["jid"]).string { jids[ext] = jid }
        }
    }

    func jid(_ owner: String) -> String {
        jids[owner] ?? owner
    }

    /// Whether `owner` can be sent: an extension /contacts knows, or a jid itself (jids are
    /// 64-bit numbers of 15 digits and more; extensions are short).
    func knows(_ owner: String) -> Bool {
        jids[owner] != nil || (owner.count >= 15 && ServerID.digits.problem(owner) == nil)
    }
}
