import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// HTTP over URLSession against `baseURL`, with a timeout and an optional redacted trace.
public struct URLSessionTransport: HTTPTransport {
    public let baseURL: String
    public let timeout: TimeInterval
    public let trace: HTTPTrace?
    private let session: URLSession

    public init(baseURL: String, timeout: TimeInterval = 30, trace: HTTPTrace? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = timeout
        self.trace = trace
        session = URLSession(configuration: Self.configuration(timeout: timeout))
    }

    static func configuration(timeout: TimeInterval) -> URLSessionConfiguration {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpMaximumConnectionsPerHost = 4
        return configuration
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard let url = URL(string: baseURL + request.path) else {
            throw TransportError.unreachable("bad URL \(URLText.redacted(baseURL + request.path))")
        }
        var urlRequest = URLRequest(url: url, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        let started = Date()
        trace?.request(request, url: URLText.redacted(baseURL + request.path))
        // A request with a body goes on a connection of its own. On Linux, URLSession (libcurl)
        // silently re-sends a request whose reused keep-alive connection closes without an
        // answer, and with a body it then spins until the timeout (seen with POST and PUT);
        // besides, a create must never be repeated behind telform's back.
        let oneShot = request.body != nil ? URLSession(configuration: Self.configuration(timeout: timeout)) : nil
        defer { oneShot?.finishTasksAndInvalidate() }
        do {
            let (data, response) = try await (oneShot ?? session).data(for: urlRequest)
            guard let http = response as? HTTPURLResponse else { throw TransportError.interrupted("not an HTTP response") }
            var headers: [String: String] = [:]
            for (key, value) in http.allHeaderFields {
                if let k = key as? String, let v = value as? String { headers[k] = v }
            }
            let result = HTTPResponse(status: http.statusCode, headers: headers, body: data)
            trace?.response(result, after: Date().timeIntervalSince(started))
            return result
        } catch let error as TransportError {
            throw error
        } catch let error as URLError {
            let failure: TransportError
            switch error.code {
            case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
                failure = .unreachable(error.localizedDescription)
            default:
                failure = .interrupted(error.code == .timedOut ? "timed out after \(Int(timeout))s" : error.localizedDescription)
            }
            trace?.failure(failure)
            throw failure
        }
    }
}

/// The `-v` trace: requests and responses with secrets redacted.
public struct HTTPTrace: Sendable {
    public let sink: @Sendable (String) -> Void
    public let sensitiveFields: Set<String>

    public static let sensitiveHeaders: Set<String> = ["authorization", "x-auth-token", "cookie", "set-cookie"]

    public init(sensitiveFields: Set<String>, sink: @escaping @Sendable (String) -> Void) {
        self.sensitiveFields = sensitiveFields
        self.sink = sink
    }

    public func request(_ request: HTTPRequest, url: String) {
        var line = "-> \(request.method) \(url)"
        for (name, value) in request.headers {
            line += "\n   \(name): \(Self.sensitiveHeaders.contains(name.lowercased()) ? "(sensitive)" : value)"
        }
        if let body = request.body, !body.isEmpty { line += "\n   " + redactedBody(body) }
        sink(line)
    }

    public func response(_ response: HTTPResponse, after seconds: TimeInterval) {
        var line = "<- \(response.status) (\(Int(seconds * 1000)) ms)"
        if !response.body.isEmpty { line += "\n   " + redactedBody(response.body) }
        sink(line)
    }

    public func failure(_ error: TransportError) {
        sink("<- \(error)")
    }

    /// JSON bodies with sensitive fields masked; form bodies likewise; anything else by size only.
    public func redactedBody(_ body: Data) -> String {
        if let json = try? JSONParser.parse(Array(body)) { return redact(json).compact }
        let text = String(decoding: body, as: UTF8.self)
        if text.contains("="), !text.contains(" ") {
            return text.split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1)
                return sensitiveFields.contains(String(parts[0])) ? "\(parts[0])=(sensitive)" : String(pair)
            }.joined(separator: "&")
        }
        return "(\(body.count) bytes)"
    }

    func redact(_ node: JSONNode) -> JSONNode {
        switch node {
        case .object(let pairs):
            return .object(pairs.map { key, value in
                (key, sensitiveFields.contains(key) && !value.isNull ? .string("(sensitive)") : redact(value))
            })
        case .array(let items):
            return .array(items.map(redact))
        case .string(let text) where URLText.hasCredentials(text):
            // A URL carrying credentials is masked under any key (MTT's updateCallControlURL sends `url`).
            return .string(URLText.redacted(text))
        default:
            return node
        }
    }
}
