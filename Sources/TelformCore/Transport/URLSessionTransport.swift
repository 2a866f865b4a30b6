import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// HTTP over URLSession against `baseURL`, with a timeout and an optional redacted trace.
///
/// What a hostile or broken server cannot do to telform through it:
/// - **redirect its credentials**: no redirect is followed (one would carry the
///   `Authorization` or token header to wherever `Location` points, and turn a POST into a
///   GET); a 3xx fails the call, naming the `Location`;
/// - **hang it with a challenge**: a 401 with `WWW-Authenticate` is refused at once, so the
///   401 itself reaches the platform's error handling (Linux URLSession otherwise waits on it);
/// - **hold it forever**: `timeout` bounds the whole call, first byte to last, not only the
///   idle time between bytes (a server trickling one byte a second never ends otherwise);
/// - **exhaust its memory**: a body past `maxResponseBytes` (after decompression, so a gzip
///   bomb counts what it inflates to) fails the call.
public struct URLSessionTransport: HTTPTransport {
    public let baseURL: String
    public let timeout: TimeInterval
    public let trace: HTTPTrace?
    public let maxResponseBytes: Int
    /// Connections at once toward the host: the provider's parallelism, so no call queues
    /// inside URLSession behind a lower limit than the one the executor honours.
    public let connections: Int
    private let session: URLSession?
    /// Writes only, each on a connection closed after its answer.
    private let writeSession: URLSession?
    private let calls: TransportCalls
    /// Plain `http://` without a proxy: telform's own client (`PlainHTTPClient`: URLSession
    /// spins a core while it waits on Linux). `TELFORM_HTTP_CLIENT=urlsession` keeps URLSession.
    private let plain: PlainHTTPClient?
    /// Why URLSession cannot be used here: libcurl could not be opened.
    private let noLibcurl: String?

    /// The largest response body telform accepts by default: 64 MiB.
    public static let defaultMaxResponseBytes = 64 << 20

    public init(baseURL: String, timeout: TimeInterval = 30, trace: HTTPTrace? = nil, maxResponseBytes: Int = URLSessionTransport.defaultMaxResponseBytes,
                connections: Int = 4) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = timeout
        self.trace = trace
        self.maxResponseBytes = maxResponseBytes
        calls = TransportCalls()
        self.connections = max(1, connections)
        plain = Self.usesPlainClient(self.baseURL) ? PlainHTTPClient(url: self.baseURL, connections: connections) : nil
        noLibcurl = plain == nil ? Self.libcurlProblem : nil
        if plain == nil && noLibcurl == nil {
            session = URLSession(configuration: Self.configuration(timeout: timeout, connections: max(1, connections)), delegate: calls, delegateQueue: nil)
            writeSession = URLSession(configuration: Self.configuration(timeout: timeout, connections: max(1, connections)), delegate: calls, delegateQueue: nil)
        } else {
            session = nil
            writeSession = nil
        }
    }

    /// Why libcurl cannot be opened; nil when it can. The static binary opens it on first use
    /// (Sources/CCurlLoader, whose `telform_libcurl_open` is found by name); a build without
    /// that loader links libcurl, so it is there.
    static let libcurlProblem: String? = {
        guard let symbol = dlsym(nil, "telform_libcurl_open") else { return nil }
        typealias Open = @convention(c) (UnsafeMutablePointer<CChar>?, UInt) -> Int32
        var reason = [CChar](repeating: 0, count: 512)
        let opened = reason.withUnsafeMutableBufferPointer { unsafeBitCast(symbol, to: Open.self)($0.baseAddress, UInt($0.count)) }
        return opened == 1 ? nil : "HTTP needs libcurl (libcurl.so.4), which could not be loaded: " + String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// Whether calls to `url` go through `PlainHTTPClient`: an `http://` URL, no proxy variable
    /// that could apply to it (those stay with libcurl, which honours them), and URLSession not
    /// asked for.
    static func usesPlainClient(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard url.lowercased().hasPrefix("http://") else { return false }
        if environment["TELFORM_HTTP_CLIENT"] == "urlsession" { return false }
        return ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"].allSatisfy { (environment[$0] ?? "").isEmpty }
    }

    public var concurrency: Int { connections }

    static func configuration(timeout: TimeInterval, connections: Int) -> URLSessionConfiguration {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpMaximumConnectionsPerHost = connections
        configuration.httpShouldSetCookies = false
        configuration.urlCredentialStorage = nil
        return configuration
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let text = baseURL + request.path
        guard let url = URL(string: text) else {
            throw TransportError.unreachable("bad URL \(URLText.redacted(text))")
        }
        for (name, value) in request.headers where HTTPTrace.sensitiveHeaders.contains(name.lowercased()) {
            SecretScrubber.shared.registerAuthorization(value)
        }
        let started = Date()
        let number = trace?.request(request, url: URLText.redacted(text))
        // A write (any method but GET and HEAD) goes on a connection of its own. On Linux,
        // URLSession (libcurl) silently re-sends a request whose reused keep-alive connection
        // closes without an answer, and with a body it then spins until the timeout (seen with
        // POST and PUT); a DELETE re-sent that way answers 404 as if it were the first try.
        // Only telform may repeat a write, knowing that it does. Writes share one session that
        // carries nothing else, each with `Connection: close`: libcurl closes the connection
        // after the answer, so the pool never holds one a write could reuse (a session per
        // write cost a core of CPU for a whole apply).
        let isWrite = !["GET", "HEAD"].contains(request.method)
        do {
            var result: HTTPResponse
            if let plain {
                let target = String(text.dropFirst("http://".count).drop { $0 != "/" && $0 != "?" })
                let answer = try await plain.exchange(method: request.method, target: target, headers: request.headers,
                                                      body: request.body, deadline: timeout, limit: maxResponseBytes)
                result = HTTPResponse(status: answer.status, headers: answer.headers, body: answer.body)
            } else if let session, let writeSession {
                // (The plain client above builds its own request: no URLRequest for it.)
                var urlRequest = URLRequest(url: url, timeoutInterval: timeout)
                urlRequest.httpMethod = request.method
                for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
                urlRequest.httpBody = request.body
                if isWrite { urlRequest.setValue("close", forHTTPHeaderField: "Connection") }
                let (http, data) = try await calls.run((isWrite ? writeSession : session).dataTask(with: urlRequest), deadline: timeout, limit: maxResponseBytes)
                var headers: [String: String] = [:]
                for (key, value) in http.allHeaderFields {
                    if let k = key as? String, let v = value as? String { headers[k] = v }
                }
                result = HTTPResponse(status: http.statusCode, headers: headers, body: data)
            } else if let noLibcurl {
                // Refused, not retried: the library will not appear on a second try.
                throw TransportError.refused("\(request.method) \(URLText.redacted(text)): \(noLibcurl)")
            } else {
                throw TransportError.unreachable("no HTTP client for \(URLText.redacted(text))")
            }
            result.call = "\(request.method) \(URLText.redacted(text))"
            trace?.response(result, after: Date().timeIntervalSince(started), number: number)
            if [301, 302, 303, 307, 308].contains(result.status) {
                let location = result.headers["location"].map(URLText.redacted) ?? "(no Location)"
                if let target = result.headers["location"], Self.differsOnlyBySlash(text, target) {
                    throw TransportError.refused("\(request.method) \(URLText.redacted(text)) answered \(result.status) redirecting to \(location), which differs only by a trailing slash: the server routes the path with and without it apart; telform follows no redirect (it would carry the credentials there): check whether the provider's url has a slash too many or too few at its end")
                }
                throw TransportError.refused("\(request.method) \(URLText.redacted(text)) answered \(result.status) redirecting to \(location); telform follows no redirect (it would carry the credentials there): if that is the API's address, set the provider's url to it")
            }
            return result
        } catch let error as TransportError {
            trace?.failure(error, number: number)
            throw error
        } catch let error as URLError {
            let failure: TransportError
            let certificateCodes: [URLError.Code] = [.serverCertificateUntrusted, .serverCertificateHasUnknownRoot, .serverCertificateHasBadDate,
                                                     .serverCertificateNotYetValid, .secureConnectionFailed]
            switch error.code {
            case _ where certificateCodes.contains(error.code) || error.localizedDescription.contains("SSL certificate"):
                // Not retried: the same certificate would be refused again. Verification is never
                // turned off; Foundation on Linux (libcurl) reads only the system trust store.
                failure = .refused("\(request.method) \(URLText.redacted(text)): the server's TLS certificate is not trusted (\(error.localizedDescription)); "
                                   + "if a private CA signed it, add that CA to this machine's trust store (Debian/Ubuntu: copy it to /usr/local/share/ca-certificates/NAME.crt, run update-ca-certificates)")
            case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
                failure = .unreachable(error.localizedDescription)
            default:
                failure = .interrupted(error.code == .timedOut ? "timed out after \(Int(timeout))s (the whole call)" : error.localizedDescription)
            }
            trace?.failure(failure, number: number)
            throw failure
        }
    }
}

/// The URLSession delegate of a transport: every task's response and body as they arrive,
/// with the whole-call deadline, the body limit, and no redirect or challenge followed.
final class TransportCalls: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    /// One task in flight. Guarded by `lock`.
    private final class Call {
        let continuation: CheckedContinuation<(HTTPURLResponse, Data), Error>
        let limit: Int
        var response: HTTPURLResponse?
        var data = Data()
        /// The server answered with an authentication challenge, refused: `response` is its 401.
        var challenged = false

        init(_ continuation: CheckedContinuation<(HTTPURLResponse, Data), Error>, limit: Int) {
            self.continuation = continuation
            self.limit = limit
        }
    }

    private let lock = NSLock()
    private var calls: [ObjectIdentifier: Call] = [:]

    /// Runs `task` to its end: the response and the whole body, or the error that ended it.
    func run(_ task: URLSessionDataTask, deadline: TimeInterval, limit: Int) async throws -> (HTTPURLResponse, Data) {
        // A watch every 50 ms: the whole-call deadline, and the bytes libcurl has received.
        // URLSession queues each received chunk for the delegate without back-pressure, so a
        // fast endless body is far ahead of `didReceive data`; the task's progress is not.
        let started = DispatchTime.now()
        let watch = DispatchSource.makeTimerSource(queue: .global())
        watch.schedule(deadline: .now() + .milliseconds(50), repeating: .milliseconds(50))
        watch.setEventHandler { [weak self, weak task] in
            guard let self, let task else { return }
            if DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds > UInt64(deadline * 1_000_000_000) {
                self.end(task, .interrupted("timed out after \(Int(deadline))s (the whole call)"))
            } else if task.progress.completedUnitCount > Int64(limit) || task.countOfBytesReceived > Int64(limit) {
                self.end(task, Self.tooLarge(limit, announced: nil))
            }
        }
        defer { watch.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                lock.lock()
                calls[ObjectIdentifier(task)] = Call(continuation, limit: limit)
                lock.unlock()
                watch.resume()
                task.resume()
            }
        } onCancel: { [weak self, weak task] in
            // The caller gave up (a sibling read failed): it gets its answer at once, and the
            // request is left to finish on its own. Cancelling a running URLSession task races
            // with libcurl's delivery of its data inside FoundationNetworking ("Trying to
            // access a behaviour for a task that is not in the registry", a crash seen once in
            // 200 runs), so only a hostile server's call (deadline, size) is ever cancelled.
            guard let self, let task else { return }
            self.end(task, .interrupted("cancelled"), cancelling: false)
        }
    }

    /// Ends `task` early with `failure`: the call fails at once (chunks still queued for the
    /// delegate are dropped as they come) and the task is cancelled.
    private func end(_ task: URLSessionTask, _ failure: TransportError, cancelling: Bool = true) {
        lock.lock()
        let call = calls.removeValue(forKey: ObjectIdentifier(task))
        lock.unlock()
        guard let call else { return }
        call.continuation.resume(throwing: failure)
        // Cancelling waits for URLSession's work queue, which a fast body keeps busy: never
        // on the caller's (the delegate's) thread.
        if cancelling { DispatchQueue.global().async { task.cancel() } }
    }

    private func call(_ task: URLSessionTask) -> Call? {
        lock.lock()
        defer { lock.unlock() }
        return calls[ObjectIdentifier(task)]
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        // The redirect response itself completes the task; `send` refuses it.
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
                    completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void) {
        // telform sends its credentials itself; a challenge gets none, and its 401 is the answer.
        // Linux URLSession waits forever on a challenge it gets no credential for, and
        // rejecting the protection space ends the task as "cancelled": cancel it, and
        // answer the call with the 401 the challenge came in (its body is not delivered).
        if let call = call(task), let response = challenge.failureResponse as? HTTPURLResponse {
            lock.lock()
            call.response = response
            call.challenged = true
            lock.unlock()
        }
        completionHandler(.cancelAuthenticationChallenge, nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        guard let call = call(dataTask) else { return completionHandler(.cancel) }
        lock.lock()
        call.response = response as? HTTPURLResponse
        let limit = call.limit
        lock.unlock()
        if response.expectedContentLength > Int64(limit) {
            end(dataTask, Self.tooLarge(limit, announced: response.expectedContentLength))
            return completionHandler(.cancel)
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let call = call(dataTask) else { return }
        lock.lock()
        let over = call.data.count + data.count > call.limit
        if !over { call.data.append(data) }
        let limit = call.limit
        lock.unlock()
        if over { end(dataTask, Self.tooLarge(limit, announced: nil)) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        let call = calls.removeValue(forKey: ObjectIdentifier(task))
        lock.unlock()
        guard let call else { return }
        if call.challenged, let response = call.response {
            call.continuation.resume(returning: (response, call.data))
        } else if let error {
            call.continuation.resume(throwing: error)
        } else if let response = call.response ?? task.response as? HTTPURLResponse {
            call.continuation.resume(returning: (response, call.data))
        } else {
            call.continuation.resume(throwing: TransportError.interrupted("not an HTTP response"))
        }
    }

    static func tooLarge(_ limit: Int, announced: Int64?) -> TransportError {
        .refused("the response body is larger than \(limit >> 20) MiB\(announced.map { " (\($0) bytes announced)" } ?? ""), telform's limit for one call; nothing of it was used")
    }
}

/// The `-v` trace: requests and responses with secrets redacted.
public struct HTTPTrace: Sendable {
    public let sink: @Sendable (String) -> Void
    public let sensitiveFields: Set<String>
    /// The provider the calls are made for: `[office #3]` on each line, so calls in flight
    /// at once can be told apart (the number is unique in the run).
    public var label: String?
    private static let numbers = Counter()

    public static let sensitiveHeaders: Set<String> = ["authorization", "x-auth-token", "cookie", "set-cookie"]

    public init(sensitiveFields: Set<String>, sink: @escaping @Sendable (String) -> Void) {
        self.sensitiveFields = sensitiveFields
        self.sink = sink
    }

    /// The trace for one provider's calls.
    public func labelled(_ label: String) -> HTTPTrace {
        var copy = self
        copy.label = label
        return copy
    }

    /// Traces the request; returns its number, for its answer's line.
    @discardableResult
    public func request(_ request: HTTPRequest, url: String) -> Int {
        let number = Self.numbers.next()
        var line = "-> \(tag(number))\(request.method) \(url)"
        for (name, value) in request.headers {
            line += "\n   \(name): \(Self.sensitiveHeaders.contains(name.lowercased()) ? "(sensitive)" : value)"
        }
        if let body = request.body, !body.isEmpty { line += "\n   " + redactedBody(body) }
        sink(line)
        return number
    }

    func tag(_ number: Int?) -> String {
        guard let label else { return "" }
        return "[\(label)" + (number.map { " #\($0)" } ?? "") + "] "
    }

    public func response(_ response: HTTPResponse, after seconds: TimeInterval, number: Int? = nil) {
        var line = "<- \(tag(number))\(response.status) (\(Int(seconds * 1000)) ms)"
        if !response.body.isEmpty { line += "\n   " + redactedBody(response.body) }
        sink(line)
    }

    public func failure(_ error: TransportError, number: Int? = nil) {
        sink("<- \(tag(number))\(error)")
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

extension URLSessionTransport {
    /// True when `location` (absolute, or a path) names the same URL as `request` but for a
    /// trailing slash on the path.
    static func differsOnlyBySlash(_ request: String, _ location: String) -> Bool {
        guard let asked = URLComponents(string: request), let base = URL(string: request),
              let target = URL(string: location, relativeTo: base).flatMap({ URLComponents(url: $0.absoluteURL, resolvingAgainstBaseURL: true) }) else { return false }
        func trimmed(_ path: String) -> String { path.hasSuffix("/") ? String(path.dropLast()) : path }
        return asked.host == target.host && asked.port == target.port && asked.scheme == target.scheme && asked.query == target.query
            && asked.path != target.path && trimmed(asked.path) == trimmed(target.path)
    }
}
