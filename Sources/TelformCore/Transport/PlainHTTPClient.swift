import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// HTTP/1.1 over a plain TCP socket, for `http://` URLs.
///
/// Why not URLSession there: on Linux its libcurl glue keeps a socket's write-readiness
/// source for as long as the connection lives once libcurl has asked for it (to connect, or
/// to send a body), and a connected socket is always writable, so the session's queue spins
/// for the whole time an answer is awaited — a core of CPU per session during every call
/// (strace: ~40 `poll` calls per 20 ms answer; an apply of 1,000 creates at 20 ms latency
/// burnt 20 s of CPU in 24 s). This client waits in `poll` for the one event it needs.
///
/// Its guarantees are the transport's (see `URLSessionTransport`): no redirect followed (a
/// 3xx is handed back as it is), a challenge's 401 handed back at once, the whole call bounded
/// by one deadline, a body past the limit refused (announced or as it comes), and a write
/// never sent twice: writes go on a connection of their own, closed after the answer; only
/// reads ride a kept-alive connection, and a read whose kept-alive connection turns out to be
/// closed before any byte of an answer is sent once more on a new one (reads change nothing).
/// It asks for no compression (`Accept-Encoding: identity`) and refuses a body encoded anyway.
final class PlainHTTPClient: @unchecked Sendable {
    let host: String
    let port: Int
    /// The `Host` header: the host, and the port when it is not 80.
    let hostHeader: String
    private let maxIdle: Int
    private let lock = NSLock()
    private var idle: [Int32] = []
    /// The host's addresses, resolved once for the client's life (a run), as libcurl caches
    /// them: not a lookup per write.
    private var resolved: [Address]?

    struct Address {
        var family: Int32
        var bytes: [UInt8]
    }

    /// A client for `url` when it is a plain `http://` URL; nil for anything else.
    init?(url: String, connections: Int) {
        guard url.lowercased().hasPrefix("http://") else { return nil }
        var rest = Substring(url.dropFirst("http://".count))
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<slash] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }     // user:password@ is not sent
        var host = String(rest), port = 80
        if rest.hasPrefix("[") {                                  // [IPv6]:port
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { guard let p = Int(after.dropFirst()) else { return nil }; port = p }
        } else if let colon = rest.lastIndex(of: ":") {
            guard let p = Int(rest[rest.index(after: colon)...]) else { return nil }
            host = String(rest[..<colon])
            port = p
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        self.host = host
        self.port = port
        let bracketed = host.contains(":") ? "[\(host)]" : host
        hostHeader = port == 80 ? bracketed : "\(bracketed):\(port)"
        maxIdle = max(1, connections)
    }

    deinit {
        for fd in idle { close(fd) }
    }

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: Data
    }

    /// One exchange: `target` is the path and query. Runs on a thread of its own (the socket
    /// calls block; `BlockingThreads`), so the caller's task only waits.
    func exchange(method: String, target: String, headers: [(String, String)], body: Data?, deadline seconds: TimeInterval, limit: Int) async throws -> Answer {
        let outcome = Outcome()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Answer, Error>) in
                // Cancelled before it started: answered at once, and nothing is sent.
                guard outcome.set(continuation) else { return }
                BlockingThreads.shared.run { [self] in
                    let result = Result { try perform(method: method, target: target, headers: headers, body: body, seconds: seconds, limit: limit) }
                    outcome.finish(result)
                }
            }
        } onCancel: {
            // The caller gave up (a sibling read failed): it gets its answer at once; the
            // exchange ends on its own, within its deadline.
            outcome.finish(.failure(TransportError.interrupted("cancelled")))
        }
    }

    /// The continuation, resumed once: by the exchange or by cancellation, whichever is first.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Answer, Error>?
        private var early: Result<Answer, Error>?

        /// False when the outcome came first (cancellation): `continuation` is resumed with it.
        func set(_ continuation: CheckedContinuation<Answer, Error>) -> Bool {
            lock.lock()
            if let early {
                lock.unlock()
                continuation.resume(with: early)
                return false
            }
            self.continuation = continuation
            lock.unlock()
            return true
        }

        func finish(_ result: Result<Answer, Error>) {
            lock.lock()
            guard let continuation else {
                if early == nil { early = result }
                lock.unlock()
                return
            }
            self.continuation = nil
            early = result
            lock.unlock()
            continuation.resume(with: result)
        }
    }

    // MARK: the exchange, blocking

    private func perform(method: String, target: String, headers: [(String, String)], body: Data?, seconds: TimeInterval, limit: Int) throws -> Answer {
        let clock = Deadline(seconds: seconds)
        let isRead = method == "GET" || method == "HEAD"
        let request = Self.request(method: method, target: target, host: hostHeader, headers: headers, body: body, close: !isRead)
        if isRead, let reused = takeIdle() {
            do {
                return try exchange(on: reused, request: request, method: method, clock: clock, limit: limit, keepAlive: true)
            } catch Broken.beforeAnswer {
                // The kept-alive connection was closed by the server while idle: the request did
                // not reach it. A read is sent once more, on a new connection.
            }
        }
        let fd = try connect(clock: clock)
        do {
            return try exchange(on: fd, request: request, method: method, clock: clock, limit: limit, keepAlive: isRead)
        } catch Broken.beforeAnswer {
            throw TransportError.interrupted("the server closed the connection without an answer")
        }
    }

    /// The connection closed before any byte of the answer arrived: on a kept-alive one, the
    /// request did not reach the server.
    private enum Broken: Error { case beforeAnswer }

    private func exchange(on fd: Int32, request: [UInt8], method: String, clock: Deadline, limit: Int, keepAlive: Bool) throws -> Answer {
        var reusable = false
        defer { if reusable { putIdle(fd) } else { close(fd) } }
        var reader = Reader(fd: fd, clock: clock)
        do {
            try Self.send(fd, request, clock: clock)
        } catch let error as Failure {
            if case .closed = error { throw Broken.beforeAnswer }
            throw error.transport(clock)
        }
        do {
            var head = try reader.head()
            while (100..<200).contains(head.status) && head.status != 101 { head = try reader.head() }    // 100 Continue and the like
            if let encoding = head.headers["content-encoding"], !encoding.isEmpty, encoding.lowercased() != "identity" {
                throw TransportError.refused("the server answered with Content-Encoding \(encoding), which telform did not ask for (it asks for none); nothing of it was used")
            }
            var body = Data()
            var delimited = true
            if method == "HEAD" || head.status == 204 || head.status == 304 {
                // No body, whatever the headers say.
            } else if head.headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
                body = try reader.chunked(limit: limit)
            } else if let text = head.headers["content-length"] {
                guard let length = Int64(HTTPText.trimmed(Substring(text))), length >= 0 else {
                    throw TransportError.interrupted("the answer's Content-Length is not a number: \(text.prefix(40))")
                }
                if length > Int64(limit) { throw TransportCalls.tooLarge(limit, announced: length) }
                body = try reader.exactly(Int(length))
            } else {
                body = try reader.toEnd(limit: limit)
                delimited = false
            }
            let closing = head.headers["connection"]?.lowercased().contains("close") == true || head.version == "HTTP/1.0"
            reusable = keepAlive && delimited && !closing && reader.drained
            return Answer(status: head.status, headers: head.headers, body: body)
        } catch let error as Failure {
            if case .closed = error, reader.received == 0 { throw Broken.beforeAnswer }
            throw error.transport(clock)
        }
    }

    // MARK: connections

    private func takeIdle() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        return idle.popLast()
    }

    private func putIdle(_ fd: Int32) {
        lock.lock()
        if idle.count < maxIdle {
            idle.append(fd)
            lock.unlock()
        } else {
            lock.unlock()
            close(fd)
        }
    }

    private func addresses() throws -> [Address] {
        if let known = lock.withLock({ resolved }) { return known }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw TransportError.unreachable("cannot resolve host \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var found: [Address] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            guard let address = info.pointee.ai_addr else { continue }
            let bytes = UnsafeRawBufferPointer(start: address, count: Int(info.pointee.ai_addrlen))
            found.append(Address(family: info.pointee.ai_family, bytes: Array(bytes)))
        }
        lock.withLock { resolved = found }
        return found
    }

    private func connect(clock: Deadline) throws -> Int32 {
        var why = "no address"
        for address in try addresses() {
            let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { why = String(cString: strerror(errno)); continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let connected = address.bytes.withUnsafeBytes { raw in
                Glibc.connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
            }
            if connected == 0 { return fd }
            guard errno == EINPROGRESS else { why = String(cString: strerror(errno)); close(fd); continue }
            switch Self.wait(fd, for: Int16(POLLOUT), clock: clock) {
            case .ready:
                var error: Int32 = 0
                var size = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
                if error == 0 { return fd }
                why = String(cString: strerror(error))
            case .timedOut:
                close(fd)
                throw TransportError.interrupted("timed out after \(clock.whole) (the whole call) connecting to \(hostHeader)")
            case .failed(let text):
                why = text
            }
            close(fd)
        }
        throw TransportError.unreachable("could not connect to \(hostHeader) (\(why))")
    }
}
