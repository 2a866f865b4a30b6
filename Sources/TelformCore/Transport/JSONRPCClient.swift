import Foundation

/// JSON-RPC 2.0 over HTTP POST with Basic auth (MTT "Gnezdo"). Every failure shape the
/// document shows becomes a `JSONRPCError` with the most specific message:
/// `error {code, message, data}` with `data` a string or a list of `{code, attribute, message}`,
/// and results that say `error: 1` (`message` or `error_description`) or `success: 0`/`false`.
public struct JSONRPCClient: Sendable {
    public let http: ResilientClient
    public let path: String
    let authorization: String?
    private let counter = Counter()

    public init(http: ResilientClient, path: String, username: String?, password: String?) {
        self.http = http
        self.path = path
        if let username, let password {
            authorization = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        } else {
            authorization = nil
        }
    }

    public func request(_ method: String, _ params: JSONNode) -> HTTPRequest {
        let body = JSONNode.object([
            ("jsonrpc", .string("2.0")), ("id", .string(String(counter.next()))),
            ("method", .string(method)), ("params", params),
        ])
        var request = HTTPRequest.json("POST", path, body)
        if let authorization { request.headers.append(("Authorization", authorization)) }
        return request
    }

    /// Calls `method`; returns `result`, or throws the platform's own message.
    public func call(_ method: String, _ params: JSONNode, _ idempotency: Idempotency = .idempotent) async throws -> JSONNode {
        try await http.send(request(method, params), idempotency).json { try Self.result(of: $0, method: method) }
    }

    public static func result(of response: HTTPResponse, method: String) throws -> JSONNode {
        guard let body = try? response.json() else {
            throw JSONRPCError(
                method: method, code: nil, message: response.isSuccess ? "not a JSON-RPC answer" : "HTTP \(response.status)",
                status: response.status, call: response.call)
        }
        if let error = body["error"], !error.isNull {
            throw JSONRPCError(method: method, code: error["code"]?.int, message: mostSpecific(error), status: response.status, call: response.call)
        }
        guard response.isSuccess else {
            throw JSONRPCError(method: method, code: nil, message: "HTTP \(response.status)", status: response.status, call: response.call)
        }
        let result = body["result"] ?? .null
        if result["error"]?.int == 1 || result["error"]?.bool == true {
            let text = result["error_description"]?.string ?? result["message"]?.string ?? "the platform reported an error"
            throw JSONRPCError(method: method, code: nil, message: text, status: response.status, call: response.call)
        }
        if let success = result["success"], success.int == 0 || success.bool == false {
            let text = result["error"]?.string ?? result["message"]?.string ?? "the platform answered success: 0"
            throw JSONRPCError(method: method, code: nil, message: text, status: response.status, call: response.call)
        }
        return result
    }

    /// `data` as a string, or the messages of a `data` list, or the error's `message`.
    static func mostSpecific(_ error: JSONNode) -> String {
        let message = error["message"]?.string ?? "error"
        if let text = error["data"]?.string, !text.isEmpty { return text }
        if let items = error["data"]?.array {
            let messages = items.compactMap { $0["message"]?.string }.filter { !$0.isEmpty }
            if !messages.isEmpty { return messages.joined(separator: "; ") }
        }
        return message
    }
}

/// A JSON-RPC failure: the method, the code when there is one, the most specific message.
public struct JSONRPCError: CallFailure, Sendable, CustomStringConvertible {
    public var method: String
    public var code: Int64?
    public var message: String
    public var status: Int
    public var call: String?

    public var description: String {
        code.map { "\(message) (\(method): \($0))" } ?? "\(message) (\(method))"
    }
}
