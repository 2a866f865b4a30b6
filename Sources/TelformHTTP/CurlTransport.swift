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
/// reads them. The calls of one transport (one provider) run on one libcurl multi handle,
/// driven by a thread of its own (`CurlLoop`); a caller's task only waits for its answer. A
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

    private let loop: CurlLoop

    public init(
        baseURL: String, timeout: TimeInterval = 30, trace: HTTPTrace? = nil,
        maxResponseBytes: Int = CurlTransport.defaultMaxResponseBytes, connections: Int = 4, tls: TLSSettings = TLSSettings()
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = timeout
        self.trace = trace
        self.maxResponseBytes = maxResponseBytes
        self.connections = max(1, connections)
        self.tls = tls
        loop = CurlLoop(connections: self.connections)
    }

    deinit {
        loop.stop()
    }

    public var concurrency: Int { connections }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let text = baseURL + request.path
        for (name, value) in request.headers where HTTPTrace.sensitiveHeaders.contains(name.lowercased()) {
            SecretScrubber.shared.registerAuthorization(value)
        }
        let started = Date()
        let number = trace?.request(request, url: URLText.redacted(text))
        let call = CurlCall(url: text, request: request, timeout: timeout, limit: maxResponseBytes, tls: tls, share: loop.share.handle)
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

    /// The call on the transport's loop; cancelling the caller answers it at once.
    private func run(_ call: CurlCall) async throws -> HTTPResponse {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, Error>) in
                guard call.start(continuation) else { return }
                loop.add(call)
            }
        } onCancel: {
            call.cancel()
            loop.wake()
        }
    }

    static func redirectRefusal(_ method: String, _ url: String, _ result: HTTPResponse) -> TransportError {
        let location = result.headers["location"].map(URLText.redacted) ?? "(no Location)"
        if let target = result.headers["location"], differsOnlyBySlash(url, target) {
            return .refused(
                "\(method) \(URLText.redacted(url)) answered \(result.status) redirecting to \(location), which differs only by a trailing slash: the server routes the path with and without it apart; telform follows no redirect (it would carry the credentials there): check whether the provider's url has a slash too many or too few at its end"
            )
        }
        return .refused(
            "\(method) \(URLText.redacted(url)) answered \(result.status) redirecting to \(location); telform follows no redirect (it would carry the credentials there): if that is the API's address, set the provider's url to it"
        )
    }

    /// True when `location` (absolute, or a path) names the same URL as `request` but for a
    /// trailing slash on the path.
    static func differsOnlyBySlash(_ request: String, _ location: String) -> Bool {
        guard let asked = URLComponents(string: request), let base = URL(string: request),
            let target = URL(string: location, relativeTo: base).flatMap({ URLComponents(url: $0.absoluteURL, resolvingAgainstBaseURL: true) })
        else { return false }
        func trimmed(_ path: String) -> String { path.hasSuffix("/") ? String(path.dropLast()) : path }
        return asked.host == target.host && asked.port == target.port && asked.scheme == target.scheme && asked.query == target.query
            && asked.path != target.path && trimmed(asked.path) == trimmed(target.path)
    }

    static func tooLarge(_ limit: Int, announced: Int64?) -> TransportError {
        .refused(
            "the response body is larger than \(limit >> 20) MiB\(announced.map { " (\($0) bytes announced)" } ?? ""), telform's limit for one call; nothing of it was used"
        )
    }
}

/// One libcurl multi handle and the thread that drives it: every call of a transport is a
/// transfer on it, so its calls share one pool of kept-alive connections and one CA store
/// (libcurl keeps a file's CA store per multi handle: it is read once per provider and run),
/// and one thread waits on all their sockets at once.
final class CurlLoop: @unchecked Sendable {
    let share = CurlShare()
    /// Nil only when libcurl could not allocate one: every call then fails.
    private let multi: UnsafeMutableRawPointer?
    private let lock = NSLock()
    private var pending: [CurlCall] = []
    private var stopped = false
    private var started = false
    // Touched only by the loop's thread.
    private var running: [OpaquePointer: CurlCall] = [:]
    private var idle: [OpaquePointer] = []
    private let keptHandles: Int

    init(connections: Int) {
        CurlLoop.initializeOnce
        multi = curl_multi_init()
        // Connections kept alive between calls: as many as calls go at once.
        if let multi { telform_multi_long(multi, CURLMOPT_MAXCONNECTS, max(1, connections)) }
        keptHandles = max(1, connections)
    }

    /// `curl_global_init` before any thread uses libcurl.
    private static let initializeOnce: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    func add(_ call: CurlCall) {
        guard let multi else {
            call.finish(.failure(TransportError.interrupted("libcurl could not start: out of memory")))
            return
        }
        let start = lock.withLock { () -> Bool in
            pending.append(call)
            defer { started = true }
            return !started
        }
        if start {
            let thread = Thread { [self] in drive() }
            thread.name = "telform-curl"
            thread.start()
        }
        curl_multi_wakeup(multi)
    }

    /// Wakes the loop (a call was cancelled: its transfer is aborted at its next progress callback).
    func wake() {
        if let multi { curl_multi_wakeup(multi) }
    }

    /// Ends the loop once its transfers are done (the transport is gone, so none are left).
    func stop() {
        guard let multi else { return }
        let running = lock.withLock { () -> Bool in
            stopped = true
            return started
        }
        if running { curl_multi_wakeup(multi) } else { curl_multi_cleanup(multi) }
    }

    private func drive() {
        guard let multi else { return }
        var active: Int32 = 0
        while true {
            let (added, stop) = lock.withLock { () -> ([CurlCall], Bool) in
                defer { pending = [] }
                return (pending, stopped)
            }
            for call in added { begin(call, on: multi) }
            if stop && running.isEmpty { break }
            curl_multi_perform(multi, &active)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                finish(OpaquePointer(easy), telform_message_result(message), on: multi)
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        for handle in idle { curl_easy_cleanup(UnsafeMutableRawPointer(handle)) }
        curl_multi_cleanup(multi)
    }

    private func begin(_ call: CurlCall, on multi: UnsafeMutableRawPointer) {
        guard let handle = idle.popLast() ?? curl_easy_init().map(OpaquePointer.init) else {
            call.finish(.failure(TransportError.interrupted("libcurl could not make a handle: out of memory")))
            return
        }
        guard call.prepare(handle) else {
            idle.append(handle)
            return
        }
        running[handle] = call
        curl_multi_add_handle(multi, UnsafeMutableRawPointer(handle))
    }

    private func finish(_ handle: OpaquePointer, _ code: CURLcode, on multi: UnsafeMutableRawPointer) {
        curl_multi_remove_handle(multi, UnsafeMutableRawPointer(handle))
        guard let call = running.removeValue(forKey: handle) else { return }
        call.finish(call.outcome(code, on: handle))
        if idle.count < keptHandles { idle.append(handle) } else { curl_easy_cleanup(UnsafeMutableRawPointer(handle)) }
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
        telform_share_locks(
            share,
            { _, data, _, context in
                guard let context else { return }
                Unmanaged<CurlShare>.fromOpaque(context).takeUnretainedValue().locks[Int(data.rawValue)].lock()
            },
            { _, data, context in
                guard let context else { return }
                Unmanaged<CurlShare>.fromOpaque(context).takeUnretainedValue().locks[Int(data.rawValue)].unlock()
            }, context)
        telform_share_data(share, CURL_LOCK_DATA_SSL_SESSION)
    }

    deinit {
        if let handle { curl_share_cleanup(UnsafeMutableRawPointer(handle)) }
    }
}
