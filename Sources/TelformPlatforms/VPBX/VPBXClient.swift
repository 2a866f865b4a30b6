import Foundation
import TelformCore

/// Wire calls of the VPBX API CRM (api-docs/001), paths relative to the provider's url.
struct VPBXClient: Sendable {
    let http: ResilientClient
    let token: String

    func request(_ method: String, _ path: String, _ body: JSONNode? = nil) -> HTTPRequest {
        var request = HTTPRequest.json(method, path, body)
        request.headers.append(("X-AUTH-TOKEN", token))
        return request
    }

    func call(_ method: String, _ path: String, _ body: JSONNode? = nil, _ idempotency: Idempotency = .idempotent) async throws -> JSONNode {
        try await http.send(request(method, path, body), idempotency).json { response in
            guard response.isSuccess else { throw VPBXAPIError(response: response) }
            if response.body.isEmpty { return .null }
            guard let json = try? response.json() else { throw WireShape.Unexpected(call: "\(method) \(path)", got: "a body that is not JSON") }
            return json
        }
    }

    func abonents() async throws -> [JSONNode] { try WireShape.list(try await call("GET", "/api/abonents"), "GET /api/abonents") }
    func groups() async throws -> [JSONNode] { try WireShape.list(try await call("GET", "/api/groups"), "GET /api/groups") }

    /// **Reading:** the document answers one object where it says "list": take either.
    /// Anything else (an empty body, a string) is an error, never "no schedules".
    func schedules(visibleTo userID: String) async throws -> [JSONNode] {
        let path = "/api/schedules/abonent/\(userID)"
        let node = try await call("GET", path)
        if let list = node.array { return list }
        return [try WireShape.object(node, "GET \(path)")]
    }

    func findMe(_ userID: String) async throws -> JSONNode {
        try WireShape.object(try await call("GET", "/api/findMe/\(userID)"), "GET /api/findMe/\(userID)")
    }
}

/// A failed VPBX call: the body's `message` (Spring style), or its text.
struct VPBXAPIError: CallFailure, CustomStringConvertible {
    let status: Int
    let message: String
    let call: String?

    init(response: HTTPResponse) {
        status = response.status
        call = response.call
        let json = try? response.json()
        message =
            json?["message"]?.string ?? json?["error"]?.string
            ?? (response.text.isEmpty ? "HTTP \(response.status)" : ServerText.excerpt(response.text))
    }

    var description: String { "\(message) (HTTP \(status))" }
}
