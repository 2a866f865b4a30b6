import Foundation
import TelformCore

#if canImport(Glibc)
    import Glibc
#endif

/// What the simulator does with a request: answer it, or drop the connection (a fault).
public enum SimulatorOutcome: Sendable {
    case respond(HTTPResponse)
    /// Close the connection without a response; `processed` says whether the request took effect.
    case drop(processed: Bool)
}

/// Anything that answers simulator requests: the router of all five fakes, or one fake.
public protocol SimulatorHandler: Sendable {
    func handle(_ request: HTTPRequest) -> SimulatorOutcome
}

/// A loopback HTTP/1.1 server for `telform sim serve` and the end-to-end tests: keep-alive,
/// a thread per connection, Content-Length and chunked request bodies; https with `tls`.
public final class HTTPServer: @unchecked Sendable {
    public let port: UInt16
    private let handler: SimulatorHandler
    private let tls: ServerTLS?
    private let listener: Int32
    /// A thread per connection at a time, kept for the next connection when one closes.
    private let connections = BlockingThreads()
    private let lock = NSLock()
    private var stopped = false

    public enum Failure: Error, CustomStringConvertible {
        case socket(String)
        case tls(String)
        public var description: String {
            switch self {
            case .socket(let why), .tls(let why): return why
            }
        }
    }

    /// Binds 127.0.0.1:`port` (0 picks a free port; `port` then tells which); speaks https
    /// when given `tls`.
    public init(port: UInt16, handler: SimulatorHandler, tls: ServerTLS? = nil) throws {
        self.handler = handler
        self.tls = tls
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.socket("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let why = String(cString: strerror(errno))
            close(fd)
            throw Failure.socket("cannot listen on 127.0.0.1:\(port): \(why)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = UInt16(bigEndian: actual.sin_port)
        listener = fd
    }

    /// Accepts connections on a background thread until `stop()`.
    public func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func acceptLoop() {
        while !isStopped {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if isStopped { return }
                continue
            }
            var on: Int32 = 1
            _ = setsockopt(connection, SOL_SOCKET, SO_KEEPALIVE, &on, socklen_t(MemoryLayout<Int32>.size))
            // Each write goes out at once. Over TLS an answer is several writes (the first one
            // after a handshake follows the session tickets); Nagle's algorithm would hold it
            // until the client acknowledged the one before, and clients delay that acknowledgement.
            _ = setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            connections.run { [self] in serve(connection) }
        }
    }

    private func serve(_ fd: Int32) {
        // The TLS handshake, if any, runs here, on the connection's thread.
        guard let connection = ServerConnection(fd: fd, tls: tls) else { return }
        defer { connection.close() }
        var reader = SocketReader(connection: connection)
        while true {
            guard let request = reader.readRequest() else { return }
            switch handler.handle(request.request) {
            case .drop:
                return
            case .respond(let response):
                guard write(connection, response: response, keepAlive: request.keepAlive) else { return }
                if !request.keepAlive { return }
            }
        }
    }

    private func write(_ connection: ServerConnection, response: HTTPResponse, keepAlive: Bool) -> Bool {
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) where name != "content-length" && name != "connection" {
            head += "\(name): \(value)\r\n"
        }
        head += "content-length: \(response.body.count)\r\nconnection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
        return (Data(head.utf8) + response.body).withUnsafeBytes { connection.send($0) }
    }

    static func reason(_ status: Int) -> String {
        [
            200: "OK", 201: "Created", 204: "No Content", 304: "Not Modified", 400: "Bad Request", 401: "Unauthorized",
            403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 422: "Unprocessable Entity",
            429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout",
        ][status] ?? "Status"
    }
}

/// Reads HTTP/1.1 requests from a connection: head, then a Content-Length or chunked body.
struct SocketReader {
    let connection: ServerConnection
    var buffer = [UInt8]()
    /// When the request being read began to arrive (its first bytes).
    private var arrived: UInt64?
    /// When bytes were last read (those still buffered came then or before).
    private var lastRead: UInt64 = 0

    init(connection: ServerConnection) {
        self.connection = connection
    }

    mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let n = chunk.withUnsafeMutableBytes { connection.receive(into: $0) }
        guard n > 0 else { return false }
        lastRead = DispatchTime.now().uptimeNanoseconds
        if arrived == nil { arrived = lastRead }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    mutating func line() -> String? {
        while true {
            if let end = buffer.firstIndex(of: 0x0A) {
                var bytes = Array(buffer[..<end])
                buffer.removeSubrange(...end)
                if bytes.last == 0x0D { bytes.removeLast() }
                return String(decoding: bytes, as: UTF8.self)
            }
            guard buffer.count < 65536, fill() else { return nil }
        }
    }

    mutating func bytes(_ count: Int) -> [UInt8]? {
        while buffer.count < count {
            guard fill() else { return nil }
        }
        let out = Array(buffer[..<count])
        buffer.removeSubrange(..<count)
        return out
    }

    mutating func readRequest() -> (request: HTTPRequest, keepAlive: Bool)? {
        // Bytes already read (a kept-alive client's next request) came in with the last read.
        arrived = buffer.isEmpty ? nil : lastRead
        guard var requestLine = line() else { return nil }
        while requestLine.isEmpty {
            guard let next = line() else { return nil }
            requestLine = next
        }
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3 else { return nil }
        var headers: [(String, String)] = []
        while let header = line(), !header.isEmpty {
            guard let colon = header.firstIndex(of: ":") else { continue }
            headers.append((String(header[..<colon]), HTTPText.trimmed(header[header.index(after: colon)...])))
        }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
        var body = [UInt8]()
        if header("transfer-encoding")?.lowercased().contains("chunked") == true {
            while true {
                guard let sizeLine = line(), let size = Int(HTTPText.trimmed(sizeLine.split(separator: ";", omittingEmptySubsequences: false)[0]), radix: 16)
                else { return nil }
                if size == 0 {
                    while let trailer = line(), !trailer.isEmpty {}
                    break
                }
                guard let chunk = bytes(size), line() != nil else { return nil }
                body += chunk
            }
        } else if let length = header("content-length").flatMap({ Int($0) }), length > 0 {
            guard let content = bytes(length) else { return nil }
            body = content
        }
        let version = String(parts[2])
        let connection = header("connection")?.lowercased()
        let keepAlive = version == "HTTP/1.1" ? connection != "close" : connection == "keep-alive"
        let request = HTTPRequest(method: String(parts[0]), path: String(parts[1]), headers: headers, body: body.isEmpty ? nil : Data(body), arrived: arrived)
        return (request, keepAlive)
    }
}
