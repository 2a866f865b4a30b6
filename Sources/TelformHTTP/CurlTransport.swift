import CCurl
import Foundation
import TelformCore

/// The one HTTP transport, on libcurl's easy interface, for `http://` and `https://` alike.
///
/// What a hostile or broken server cannot do to telform through it:
/// - **redirect its credentials**: no redirect is followed (one would carry the
///   `Authorization` or token header to wherever `Location` points); a 3xx fails the call,
///   naming the `Location`;
/// - **hang it with a challenge**: libcurl answers no challenge unless told to, so a 401
///   with `WWW-Authenticate` is the answer at once;
/// - **hold it forever**: `timeout` bounds the whole call (`CURLOPT_TIMEOUT_MS`), first byte to
///   last, not only the idle time between bytes;
/// - **exhaust its memory**: a body past `maxResponseBytes` fails the call, announced
///   (`Content-Length`) or as it streams, counted after decompression (a gzip bomb counts what
///   it inflates to);
/// - **make it send a write twice**: libcurl sends a request again on a new connection when
///   the kept connection it rode closed before any answer. For a write (any method but GET
///   and HEAD) a pre-request callback refuses that second sending (`CURLOPT_PREREQFUNCTION`):
///   the call ends with no response, and only telform's retry policy repeats a write, knowing
///   that it does. Reads and writes alike ride kept-alive connections, so a run opens about
///   as many connections (and TLS handshakes) as calls go at once.
///
/// Proxies come from the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`), as libcurl
/// reads them. Each call blocks a thread of `BlockingThreads`, never the caller's task; a
/// cancelled call (Ctrl-C, a sibling read failed) answers at once and its transfer is aborted
/// by the progress callback.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    public let baseURL: String
    public let timeout: TimeInterval
    public let trace: HTTPTrace?
    public let maxResponseBytes: Int
    /// Calls at once toward the server (the provider's parallelism): as many easy handles.
    public let connections: Int
    public let tls: TLSSettings

    /// The largest response body telform accepts by default: 64 MiB.
    public static let defaultMaxResponseBytes = 64 << 20

    /// Easy handles not in use. A handle keeps its connections and its CA store between calls
    /// (`curl_easy_reset` keeps them): the store is read once per handle, not once per connection.
    private let lock = NSLock()
    private var idle: [OpaquePointer] = []
    /// What the handles share: TLS sessions (a new connection resumes one another handle's
    /// connection began, skipping the certificate's checks) and resolved names.
    private let share: CurlShare

    public init(baseURL: String, timeout: TimeInterval = 30, trace: HTTPTrace? = nil,
                maxResponseBytes: Int = CurlTransport.defaultMaxResponseBytes, connections: Int = 4, tls: TLSSettings = TLSSettings()) {
        CurlTransport.initializeOnce
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = timeout
        self.trace = trace
        self.maxResponseBytes = maxResponseBytes
        self.connections = max(1, connections)
        self.tls = tls
        self.share = CurlShare()
    }

    deinit {
        for handle in idle { curl_easy_cleanup(UnsafeMutableRawPointer(handle)) }
    }

    /// `curl_global_init` before any thread uses libcurl.
    private static let initializeOnce: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    public var concurrency: Int { connections }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let text = baseURL + request.path
        for (name, value) in request.headers where HTTPTrace.sensitiveHeaders.contains(name.lowercased()) {
            SecretScrubber.shared.registerAuthorization(value)
        }
        let started = Date()
        let number = trace?.request(request, url: URLText.redacted(text))
        let call = CurlCall(url: text, request: request, timeout: timeout, limit: maxResponseBytes, tls: tls, share: share.handle)
        do {
            var result = try await run(call)
            result.call = "\(request.method) \(URLText.redacted(text))"
            trace?.response(result, after: Date().timeIntervalSince(started), number: number)
            if [301, 302, 303, 307, 308].contains(result.status) {
                throw Self.redirectRefusal(request.method, text, result)
            }
            return result
        } catch let error as TransportError {
            trace?.failure(error, number: number)
            throw error
        }
    }

    /// The call on a thread of its own; cancelling the caller answers it at once.
    private func run(_ call: CurlCall) async throws -> HTTPResponse {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, Error>) in
                guard call.start(continuation) else { return }
                BlockingThreads.shared.run { [self] in
                    let handle = take()
                    let result = Result { try call.perform(on: handle) }
                    give(handle)
                    call.finish(result)
                }
            }
        } onCancel: {
            call.cancel()
        }
    }

    private func take() -> OpaquePointer {
        if let handle = lock.withLock({ idle.popLast() }) { return handle }
        return OpaquePointer(curl_easy_init())
    }

    private func give(_ handle: OpaquePointer) {
        let kept = lock.withLock { () -> Bool in
            guard idle.count < connections else { return false }
            idle.append(handle)
            return true
        }
        if !kept { curl_easy_cleanup(UnsafeMutableRawPointer(handle)) }
    }

    static func redirectRefusal(_ method: String, _ url: String, _ result: HTTPResponse) -> TransportError {
        let location = result.headers["location"].map(URLText.redacted) ?? "(no Location)"
        if let target = result.headers["location"], differsOnlyBySlash(url, target) {
            return .refused("\(method) \(URLText.redacted(url)) answered \(result.status) redirecting to \(location), which differs only by a trailing slash: the server routes the path with and without it apart; telform follows no redirect (it would carry the credentials there): check whether the provider's url has a slash too many or too few at its end")
        }
        return .refused("\(method) \(URLText.redacted(url)) answered \(result.status) redirecting to \(location); telform follows no redirect (it would carry the credentials there): if that is the API's address, set the provider's url to it")
    }

    /// True when `location` (absolute, or a path) names the same URL as `request` but for a
    /// trailing slash on the path.
    static func differsOnlyBySlash(_ request: String, _ location: String) -> Bool {
        guard let asked = URLComponents(string: request), let base = URL(string: request),
              let target = URL(string: location, relativeTo: base).flatMap({ URLComponents(url: $0.absoluteURL, resolvingAgainstBaseURL: true) }) else { return false }
        func trimmed(_ path: String) -> String { path.hasSuffix("/") ? String(path.dropLast()) : path }
        return asked.host == target.host && asked.port == target.port && asked.scheme == target.scheme && asked.query == target.query
            && asked.path != target.path && trimmed(asked.path) == trimmed(target.path)
    }

    static func tooLarge(_ limit: Int, announced: Int64?) -> TransportError {
        .refused("the response body is larger than \(limit >> 20) MiB\(announced.map { " (\($0) bytes announced)" } ?? ""), telform's limit for one call; nothing of it was used")
    }
}

/// A libcurl share handle with its locks: libcurl calls `lock` and `unlock` around each use of
/// a shared part, from whichever thread performs a transfer.
final class CurlShare: @unchecked Sendable {
    let handle: OpaquePointer?
    private let locks = (0..<Int(CURL_LOCK_DATA_LAST.rawValue)).map { _ in NSLock() }

    init() {
        guard let share = curl_share_init() else {
            handle = nil
            return
        }
        handle = OpaquePointer(share)
        let context = Unmanaged.passUnretained(self).toOpaque()
        telform_share_locks(share, { _, data, _, context in
            guard let context else { return }
            Unmanaged<CurlShare>.fromOpaque(context).takeUnretainedValue().locks[Int(data.rawValue)].lock()
        }, { _, data, context in
            guard let context else { return }
            Unmanaged<CurlShare>.fromOpaque(context).takeUnretainedValue().locks[Int(data.rawValue)].unlock()
        }, context)
        telform_share_data(share, CURL_LOCK_DATA_SSL_SESSION)
        telform_share_data(share, CURL_LOCK_DATA_DNS)
    }

    deinit {
        if let handle { curl_share_cleanup(UnsafeMutableRawPointer(handle)) }
    }
}
