import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback HTTP server that misbehaves on purpose: redirects, challenges, trickles,
/// endless and huge bodies, echoes of the request. Each connection gets one request; the
/// handler writes whatever bytes it likes and the connection closes. Every request is kept,
/// head and body, so a test can see exactly what reached the server (no credential where it
/// must not go).
final class HostileServer: @unchecked Sendable {
    struct Request {
        var method: String
        var path: String
        var headers: [(String, String)]
        var body: String
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        /// The whole request as text, as a server that echoes it would see it.
        var text: String { "\(method) \(path)\n" + headers.map { "\($0.0): \($0.1)" }.joined(separator: "\n") + "\n\n" + body }
    }

    /// Writes to the client; false once the client has gone.
    struct Connection {
        let fd: Int32
        @discardableResult
        func send(_ text: String) -> Bool { send(Data(text.utf8)) }
        @discardableResult
        func send(_ data: Data) -> Bool {
            data.withUnsafeBytes { raw -> Bool in
                guard let base = raw.baseAddress else { return true }
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    if n <= 0 { return false }
                    offset += n
                }
                return true
            }
        }
        /// A complete response with a Content-Length.
        @discardableResult
        func respond(_ status: Int, headers: [String] = [], body: String = "") -> Bool {
            send(
                "HTTP/1.1 \(status) Status\r\n" + headers.map { $0 + "\r\n" }.joined() + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
                    + body)
        }
    }

    let port: Int
    private let listener: Int32
    private let handler: @Sendable (Request, Connection) -> Void
    private let lock = NSLock()
    private var received: [Request] = []

    init(_ handler: @escaping @Sendable (Request, Connection) -> Void) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { throw NSError(domain: "HostileServer", code: 1) }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: actual.sin_port))
        listener = fd
        Thread { [self] in accept() }.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func accept() {
        while true {
            let connection = Glibc.accept(listener, nil, nil)
            if connection < 0 { return }
            Thread { [self] in serve(connection) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        func fill() -> Bool {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 65536, 0) }
            guard n > 0 else { return false }
            bytes += chunk[0..<n]
            return true
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            guard fill() else { return }
            if bytes.count >= 4 { headEnd = (0...(bytes.count - 4)).first { Array(bytes[$0..<($0 + 4)]) == separator } }
        }
        guard let end = headEnd else { return }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let start = lines[0].split(separator: " ")
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
        while bytes.count < end + 4 + length { guard fill() else { break } }
        let body = String(decoding: bytes[(end + 4)..<min(bytes.count, end + 4 + length)], as: UTF8.self)
        let request = Request(method: start.count > 0 ? String(start[0]) : "", path: start.count > 1 ? String(start[1]) : "", headers: headers, body: body)
        lock.lock()
        received.append(request)
        lock.unlock()
        handler(request, Connection(fd: fd))
    }
}
