import Foundation
import TelformCore
import XCTest

@testable import TelformSimulator

#if canImport(Glibc)
    import Glibc
#endif

/// Answers every request with its method, path and body, counting them.
final class EchoHandler: SimulatorHandler, @unchecked Sendable {
    private let lock = NSCondition()
    private(set) var count = 0
    private(set) var inside = 0
    private(set) var peak = 0

    func handle(_ request: HTTPRequest) -> SimulatorOutcome {
        lock.withLock { count += 1 }
        if request.path == "/together" {
            // Wait (at most 2 s) until four requests are in here at once: only concurrent
            // connections can get there.
            lock.lock()
            inside += 1
            peak = max(peak, inside)
            lock.broadcast()
            let deadline = Date().addingTimeInterval(2)
            while peak < 4, lock.wait(until: deadline) {}
            inside -= 1
            lock.unlock()
        }
        let body = String(decoding: request.body ?? Data(), as: UTF8.self)
        return .respond(.json(200, .object([("method", .string(request.method)), ("path", .string(request.path)), ("body", .string(body))])))
    }
}

/// A raw HTTP/1.1 client over one socket, to see exactly what crosses the wire.
struct RawConnection {
    let fd: Int32

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw NSError(domain: "connect", code: Int(errno)) }
    }

    func send(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(fd, $0.baseAddress, $0.count - 1, 0) }
    }

    /// Reads one response: head, then a Content-Length body.
    func response() -> (head: String, body: String)? {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let end = find(data, [13, 10, 13, 10]) {
                let head = String(decoding: data[..<end], as: UTF8.self)
                let length =
                    head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                while data.count < end + 4 + length {
                    let n = recv(fd, &buffer, 4096, 0)
                    if n <= 0 { return nil }
                    data += buffer[0..<n]
                }
                return (head, String(decoding: data[(end + 4)..<(end + 4 + length)], as: UTF8.self))
            }
            let n = recv(fd, &buffer, 4096, 0)
            if n <= 0 { return nil }
            data += buffer[0..<n]
        }
    }

    func close() { Glibc.close(fd) }

    func find(_ data: [UInt8], _ needle: [UInt8]) -> Int? {
        guard data.count >= needle.count else { return nil }
        return (0...(data.count - needle.count)).first { Array(data[$0..<($0 + needle.count)]) == needle }
    }
}

final class HTTPServerTests: XCTestCase {
    func testKeepAliveServesSeveralRequestsOnOneConnection() throws {
        let server = try HTTPServer(port: 0, handler: EchoHandler())
        server.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        defer { connection.close() }
        connection.send("GET /a?x=1 HTTP/1.1\r\nHost: t\r\n\r\n")
        let first = try XCTUnwrap(connection.response())
        XCTAssertTrue(first.head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        XCTAssertTrue(first.head.contains("connection: keep-alive"))
        XCTAssertEqual(first.body, #"{"method":"GET","path":"/a?x=1","body":""}"#)
        connection.send("POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
        XCTAssertEqual(connection.response()?.body, #"{"method":"POST","path":"/b","body":"hello"}"#)
    }

    func testChunkedBodiesAreReassembled() throws {
        let server = try HTTPServer(port: 0, handler: EchoHandler())
        server.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        defer { connection.close() }
        connection.send("PUT /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n")
        XCTAssertEqual(connection.response()?.body, #"{"method":"PUT","path":"/c","body":"Wikipedia"}"#)
        connection.send("GET /after HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        let last = try XCTUnwrap(connection.response())
        XCTAssertTrue(last.head.contains("connection: close"))
        XCTAssertNil(connection.response(), "the server closes after Connection: close")
    }

    /// A chunked body whose size line is empty or not hex ends that connection without an
    /// answer; the server goes on serving others.
    func testABrokenChunkSizeLineClosesOnlyThatConnection() throws {
        let server = try HTTPServer(port: 0, handler: EchoHandler())
        server.start()
        defer { server.stop() }
        for broken in ["\r\n", "zz\r\n", ";ext\r\n"] {
            let connection = try RawConnection(port: server.port)
            connection.send("PUT /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + broken + "Wiki\r\n0\r\n\r\n")
            XCTAssertNil(connection.response(), broken.debugDescription)
            connection.close()
        }
        let connection = try RawConnection(port: server.port)
        defer { connection.close() }
        connection.send("GET /after HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(connection.response()?.body, #"{"method":"GET","path":"/after","body":""}"#)
    }

    func testConnectionsAreServedConcurrently() throws {
        let handler = EchoHandler()
        let server = try HTTPServer(port: 0, handler: handler)
        server.start()
        defer { server.stop() }
        let connections = try (0..<4).map { _ in try RawConnection(port: server.port) }
        for connection in connections { connection.send("GET /together HTTP/1.1\r\nHost: t\r\n\r\n") }
        for connection in connections {
            XCTAssertNotNil(connection.response())
            connection.close()
        }
        XCTAssertEqual(handler.count, 4)
        XCTAssertEqual(handler.peak, 4, "all four requests were being served at once")
    }

    func testADroppedRequestClosesTheConnectionWithoutAnAnswer() throws {
        var plan = FaultPlan()
        plan.pdrop = 1
        let server = try HTTPServer(port: 0, handler: FaultInjector(EchoHandler(), plan: plan))
        server.start()
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        defer { connection.close() }
        connection.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertNil(connection.response())
    }
}

final class FaultPlanTests: XCTestCase {
    func testSpecParsesAndRejectsUnknownKeys() throws {
        let plan = try FaultPlan(spec: "seed=9,p503=0.25,p429=0.1,pdrop=0.05,method=post,path=/endpoints,after=2,retry_after=3")
        XCTAssertEqual(plan.seed, 9)
        XCTAssertEqual(plan.p503, 0.25)
        XCTAssertEqual(plan.method, "POST")
        XCTAssertEqual(plan.after, 2)
        XCTAssertThrowsError(try FaultPlan(spec: "p503=2")) {
            XCTAssertEqual(
                "\($0)", "bad fault \"p503=2\"; use seed=N, p500/p503/p429/pdrop/pdropafter=0..1, method=M, path=S, body=S, after=N, times=N, retry_after=S")
        }
        XCTAssertThrowsError(try FaultPlan(spec: "chaos=1"))
    }

    func testTheSameSeedGivesTheSameFaults() throws {
        func statuses(_ seed: UInt64) throws -> [Int] {
            var plan = try FaultPlan(spec: "p503=0.3,p429=0.2")
            plan.seed = seed
            let injector = FaultInjector(EchoHandler(), plan: plan)
            return (0..<20).map { _ in
                if case .respond(let r) = injector.handle(HTTPRequest(method: "GET", path: "/")) { return r.status }
                return 0
            }
        }
        XCTAssertEqual(try statuses(42), try statuses(42))
        XCTAssertNotEqual(try statuses(42), try statuses(43))
        let faults = try statuses(42).filter { $0 != 200 }
        XCTAssertTrue(faults.allSatisfy { $0 == 503 || $0 == 429 })
        XCTAssertFalse(faults.isEmpty)
    }

    func testThrottlingCarriesRetryAfter() throws {
        let injector = FaultInjector(EchoHandler(), plan: try FaultPlan(spec: "p429=1,retry_after=7"))
        guard case .respond(let response) = injector.handle(HTTPRequest(method: "GET", path: "/")) else { return XCTFail("no response") }
        XCTAssertEqual(response.status, 429)
        XCTAssertEqual(response.headers["retry-after"], "7")
    }

    func testAfterLetsTheFirstRequestsThrough() throws {
        let injector = FaultInjector(EchoHandler(), plan: try FaultPlan(spec: "p500=1,method=POST,after=1"))
        func status(_ method: String) -> Int {
            if case .respond(let r) = injector.handle(HTTPRequest(method: method, path: "/")) { return r.status }
            return 0
        }
        XCTAssertEqual([status("POST"), status("GET"), status("POST"), status("POST")], [200, 200, 500, 500])
    }

    /// A request's arrival is when its first bytes were read, and the latency counts from it:
    /// one that arrived a latency ago is answered without waiting again.
    func testLatencyCountsFromTheRequestsArrival() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        let before = DispatchTime.now().uptimeNanoseconds
        let text = Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        XCTAssertEqual(text.withUnsafeBytes { send(fds[1], $0.baseAddress, $0.count, 0) }, text.count)
        var reader = SocketReader(connection: try XCTUnwrap(ServerConnection(fd: fds[0], tls: nil)))
        let first = try XCTUnwrap(reader.readRequest()).request
        let read = DispatchTime.now().uptimeNanoseconds
        let second = try XCTUnwrap(reader.readRequest()).request  // already read with the first
        XCTAssertEqual([first.path, second.path], ["/a", "/b"])
        let arrivals = try [XCTUnwrap(first.arrived), XCTUnwrap(second.arrived)]
        XCTAssertTrue(arrivals.allSatisfy { $0 >= before && $0 <= read }, "\(arrivals) not within \(before)...\(read)")

        let latency = 0.3
        let injector = FaultInjector(EchoHandler(), plan: try FaultPlan(spec: ""), latency: latency)
        let started = DispatchTime.now().uptimeNanoseconds
        _ = injector.handle(HTTPRequest(method: "GET", path: "/", arrived: started - UInt64(latency * 1e9)))
        let waited = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        XCTAssertLessThan(waited, latency / 2, "a request that arrived a latency ago is answered at once")
        _ = injector.handle(HTTPRequest(method: "GET", path: "/"))
        XCTAssertGreaterThanOrEqual(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9, latency, "one that arrives now waits the latency")
    }
}
