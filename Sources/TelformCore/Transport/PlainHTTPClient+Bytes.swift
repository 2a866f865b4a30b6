import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The bytes of `PlainHTTPClient`'s exchanges: the request as sent, waiting on a socket
/// within the call's deadline, and the answer read back (head, and a body by length, by
/// chunks or to the end of the connection).
extension PlainHTTPClient {
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
                let name = HTTPText.trimmed(line[..<colon]).lowercased()
                let value = HTTPText.trimmed(line[line.index(after: colon)...])
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
