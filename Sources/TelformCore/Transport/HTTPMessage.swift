import Foundation

/// One HTTP request, with a path relative to the provider's base URL (query included).
public struct HTTPRequest: Sendable {
    public var method: String
    public var path: String
    public var headers: [(String, String)]
    public var body: Data?
    /// When a server received the request's first bytes (`DispatchTime`'s uptime nanoseconds);
    /// nil where no socket brought it.
    public var arrived: UInt64?

    public init(method: String, path: String, headers: [(String, String)] = [], body: Data? = nil, arrived: UInt64? = nil) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.arrived = arrived
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// Whether the request declares a JSON body (`Content-Type: application/json…`).
    public var declaresJSON: Bool {
        header("content-type")?.lowercased().hasPrefix("application/json") == true
    }

    /// A JSON request.
    public static func json(_ method: String, _ path: String, _ body: JSONNode? = nil) -> HTTPRequest {
        HTTPRequest(
            method: method, path: path,
            headers: body == nil ? [("Accept", "application/json")] : [("Accept", "application/json"), ("Content-Type", "application/json")],
            body: body.map { Data($0.compactBytes) })
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: Data
    /// The call that got this answer, `METHOD URL` with any user:password taken out: error
    /// messages show it.
    public var call: String?

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, b in b })
        self.body = body
    }

    public static func json(_ status: Int, _ body: JSONNode, headers: [String: String] = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers.merging(["content-type": "application/json"]) { a, _ in a }, body: Data(body.compactBytes))
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    public func json() throws -> JSONNode {
        try JSONParser.parse(Array(body))
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Why a request got no HTTP response.
public enum TransportError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Connecting failed: the request was certainly not processed.
    case unreachable(String)
    /// The connection broke or timed out after the request was sent: it may have been processed.
    case interrupted(String)
    /// An answer telform will not use (a redirect, a body past the size limit): repeating the
    /// call would get the same, so it is never retried.
    case refused(String)

    public var description: String {
        switch self {
        case .unreachable(let why): return Self.unreachablePrefix + why
        case .interrupted(let why): return "no response: \(why)"
        case .refused(let why): return why
        }
    }

    /// The words every refusal of an untrusted server certificate carries, for the lead
    /// that points at the provider's `url` and `tls` settings.
    public static let untrustedCertificate = "the server's TLS certificate is not trusted"
    /// How an unreachable server's message starts (the command line adds the url setting).
    public static let unreachablePrefix = "cannot connect: "

    /// Whether sending the request again may give another outcome.
    public var isRetryable: Bool {
        if case .refused = self { return false }
        return true
    }
}

/// Sends requests somewhere: a real server over HTTP, or the embedded simulator in-process.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
    /// Calls this transport carries at once (the provider's parallelism): a paged read asks
    /// for up to this many pages ahead.
    var concurrency: Int { get }
}

extension HTTPTransport {
    public var concurrency: Int { 1 }
}

/// Text of HTTP messages, as both telform's client and the simulator's server read it.
public enum HTTPText {
    /// Without the spaces and tabs around it (HTTP's optional whitespace), and nothing else.
    public static func trimmed(_ text: Substring) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return String(text[first...last])
    }
}
