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
    /// calls block), so the caller's task only waits.
    func exchange(method: String, target: String, headers: [(String, String)], body: Data?, deadline seconds: TimeInterval, limit: Int) async throws -> Answer {
        let outcome = Outcome()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Answer, Error>) in
                // Cancelled before it started: answered at once, and nothing is sent.
                guard outcome.set(continuation) else { return }
                let thread = Thread { [self] in
                    let result = Result { try perform(method: method, target: target, headers: headers, body: body, seconds: seconds, limit: limit) }
                    outcome.finish(result)
                }
                thread.stackSize = 1 << 20
                thread.start()
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

    /// A kept-alive connection closed before any byte of the answer arrived.
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
            } else if head.headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
                body = try reader.chunked(limit: limit)
            } else if let text = head.headers["content-length"] {
                guard let length = Int64(text.trimmingCharacters(in: .whitespaces)), length >= 0 else {
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
            if case .closed = error, reader.received == 0 {
                throw keepAlive ? Broken.beforeAnswer : TransportError.interrupted("the server closed the connection without an answer")
            }
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

    // MARK: bytes

    static func request(method: String, target: String, host: String, headers: [(String, String)], body: Data?, close: Bool) -> [UInt8] {
        var text = "\(method) \(target.isEmpty ? "/" : target) HTTP/1.1\r\nHost: \(host)\r\n"
        var named = Set<String>()
        for (name, value) in headers {
            let lower = name.lowercased()
            // What the exchange itself decides is not taken from the caller.
            if ["host", "content-length", "connection", "transfer-encoding", "accept-encoding"].contains(lower) { continue }
            named.insert(lower)
            text += "\(name): \(value)\r\n"
        }
        if !named.contains("accept") { text += "Accept: */*\r\n" }
        text += "Accept-Encoding: identity\r\n"
        if close { text += "Connection: close\r\n" }
        if let body { text += "Content-Length: \(body.count)\r\n" } else if !(method == "GET" || method == "HEAD") { text += "Content-Length: 0\r\n" }
        text += "\r\n"
        var bytes = Array(text.utf8)
        if let body { bytes.append(contentsOf: body) }
        return bytes
    }

    enum Failure: Error {
        case closed
        case timedOut
        case io(String)

        func transport(_ clock: Deadline) -> TransportError {
            switch self {
            case .closed: return .interrupted("the server closed the connection before the whole answer")
            case .timedOut: return .interrupted("timed out after \(clock.whole) (the whole call)")
            case .io(let why): return .interrupted(why)
            }
        }
    }

    enum Readiness { case ready, timedOut, failed(String) }

    static func wait(_ fd: Int32, for events: Int16, clock: Deadline) -> Readiness {
        while true {
            let left = clock.milliseconds
            if left <= 0 { return .timedOut }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let count = poll(&entry, 1, Int32(min(left, Int(Int32.max))))
            if count > 0 { return .ready }
            if count == 0 { continue }          // the deadline is checked again
            if errno == EINTR { continue }
            return .failed(String(cString: strerror(errno)))
        }
    }

    static func send(_ fd: Int32, _ bytes: [UInt8], clock: Deadline) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in Glibc.send(fd, raw.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent > 0 { offset += sent; continue }
            if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                switch wait(fd, for: Int16(POLLOUT), clock: clock) {
                case .ready: continue
                case .timedOut: throw Failure.timedOut
                case .failed(let why): throw Failure.io(why)
                }
            }
            if sent < 0 && (errno == EPIPE || errno == ECONNRESET) { throw Failure.closed }
            throw Failure.io(String(cString: strerror(errno)))
        }
    }

    /// The answer's bytes as they come, within the deadline.
    struct Reader {
        let fd: Int32
        let clock: Deadline
        var buffer: [UInt8] = []
        var start = 0
        var received = 0
        var ended = false

        init(fd: Int32, clock: Deadline) {
            self.fd = fd
            self.clock = clock
        }

        /// Nothing left over past the answer (a kept-alive connection carries only answers asked for).
        var drained: Bool { start == buffer.count && !ended }

        /// Reads more bytes; false at the end of the stream.
        mutating func fill() throws -> Bool {
            if ended { return false }
            if start > 0 && start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    buffer.append(contentsOf: chunk[0..<count])
                    received += count
                    return true
                }
                if count == 0 { ended = true; return false }
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                    switch PlainHTTPClient.wait(fd, for: Int16(POLLIN), clock: clock) {
                    case .ready: continue
                    case .timedOut: throw Failure.timedOut
                    case .failed(let why): throw Failure.io(why)
                    }
                }
                if errno == ECONNRESET { throw Failure.closed }
                throw Failure.io(String(cString: strerror(errno)))
            }
        }

        struct Head {
            var version: String
            var status: Int
            var headers: [String: String]
        }

        /// The status line and headers.
        mutating func head() throws -> Head {
            let maximum = 64 << 10
            var searched = start
            while true {
                if let end = Self.find(buffer, from: max(start, searched - 3)) {
                    let text = String(decoding: buffer[start..<end], as: UTF8.self)
                    start = end + 4
                    return try Self.parse(text)
                }
                searched = buffer.count
                if buffer.count - start > maximum { throw TransportError.refused("the answer's headers are larger than 64 KiB; nothing of it was used") }
                guard try fill() else { throw Failure.closed }
            }
        }

        static func find(_ bytes: [UInt8], from: Int) -> Int? {
            var index = max(0, from)
            while index + 3 < bytes.count {
                if bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 { return index }
                index += 1
            }
            return nil
        }

        static func parse(_ text: String) throws -> Head {
            var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
            guard !lines.isEmpty else { throw TransportError.interrupted("not an HTTP response") }
            let status = lines.removeFirst().split(separator: " ", maxSplits: 2)
            guard status.count >= 2, status[0].hasPrefix("HTTP/1."), let code = Int(status[1]), (100...999).contains(code) else {
                throw TransportError.interrupted("not an HTTP response")
            }
            var headers: [String: String] = [:]
            for line in lines where !line.isEmpty {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if let earlier = headers[name] { headers[name] = earlier + ", " + value } else { headers[name] = value }
            }
            return Head(version: String(status[0]), status: code, headers: headers)
        }

        mutating func exactly(_ count: Int) throws -> Data {
            while buffer.count - start < count {
                guard try fill() else { throw Failure.closed }
            }
            defer { start += count }
            return Data(buffer[start..<(start + count)])
        }

        mutating func toEnd(limit: Int) throws -> Data {
            repeat {
                if buffer.count - start > limit { throw TransportCalls.tooLarge(limit, announced: nil) }
            } while try fill()
            defer { start = buffer.count }
            return Data(buffer[start...])
        }

        mutating func line() throws -> String {
            while true {
                if let newline = buffer[start...].firstIndex(of: 10) {
                    let text = String(decoding: buffer[start..<newline], as: UTF8.self)
                    start = newline + 1
                    return text.hasSuffix("\r") ? String(text.dropLast()) : text
                }
                if buffer.count - start > 4096 { throw TransportError.interrupted("a chunk size line longer than 4 KiB") }
                guard try fill() else { throw Failure.closed }
            }
        }

        mutating func chunked(limit: Int) throws -> Data {
            var body = Data()
            while true {
                let sizeText = try line().split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                guard let size = Int(sizeText, radix: 16), size >= 0 else { throw TransportError.interrupted("a chunk size that is not a number: \(sizeText.prefix(20))") }
                if size == 0 {
                    while try !line().isEmpty {}        // trailers, up to the empty line
                    return body
                }
                if body.count + size > limit { throw TransportCalls.tooLarge(limit, announced: nil) }
                body.append(try exactly(size))
                _ = try line()
            }
        }
    }

    /// The whole call's deadline.
    struct Deadline {
        let end: UInt64
        let whole: String

        init(seconds: TimeInterval) {
            end = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, seconds) * 1_000_000_000)
            whole = "\(Int(seconds))s"
        }

        var milliseconds: Int {
            let now = DispatchTime.now().uptimeNanoseconds
            return now >= end ? 0 : Int((end - now + 999_999) / 1_000_000)
        }
    }
}
