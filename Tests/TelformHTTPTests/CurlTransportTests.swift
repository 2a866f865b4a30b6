import Foundation
import TelformCore
import XCTest

@testable import TelformHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// The libcurl transport against a loopback server that writes exactly the bytes each case
/// needs and records every connection and request.
final class CurlTransportTests: XCTestCase {
    /// One loopback listener; `script` runs once per accepted connection with the requests read
    /// from it one by one (`next()` returns nil once the client closed the connection).
    final class ScriptedServer: @unchecked Sendable {
        final class Connection {
            let fd: Int32
            let server: ScriptedServer
            var buffer: [UInt8] = []
            init(fd: Int32, server: ScriptedServer) {
                self.fd = fd
                self.server = server
            }

            /// The next request's head and body as text; nil when the client has gone.
            func next() -> String? {
                while true {
                    if let end = Self.headEnd(buffer) {
                        let head = String(decoding: buffer[..<end], as: UTF8.self)
                        let length =
                            head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                        while buffer.count < end + 4 + length { guard fill() else { return nil } }
                        let text = String(decoding: buffer[..<(end + 4 + length)], as: UTF8.self)
                        buffer.removeFirst(end + 4 + length)
                        server.record(text)
                        return text
                    }
                    guard fill() else { return nil }
                }
            }

            /// Where the request's head ends (the index of its blank line's CR).
            static func headEnd(_ bytes: [UInt8]) -> Int? {
                guard bytes.count >= 4 else { return nil }
                for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
                    return index
                }
                return nil
            }

            private func fill() -> Bool {
                var chunk = [UInt8](repeating: 0, count: 4096)
                let count = recv(fd, &chunk, chunk.count, 0)
                guard count > 0 else { return false }
                buffer += chunk[0..<count]
                return true
            }

            func send(_ text: String) {
                let bytes = Array(text.utf8)
                _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
        }

        let port: Int
        private let listener: Int32
        private let lock = NSCondition()
        private var requests: [String] = []
        private var connections = 0
        private var closed = 0
        private let script: @Sendable (Connection) -> Void

        init(_ script: @escaping @Sendable (Connection) -> Void) throws {
            self.script = script
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, listen(listener, 16) == 0 else { throw TransportError.unreachable("cannot listen") }
            var size = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &size) } }
            port = Int(UInt16(bigEndian: address.sin_port))
            self.listener = listener
            Thread { [self] in
                while true {
                    let fd = accept(listener, nil, nil)
                    guard fd >= 0 else { return }
                    lock.withLock { connections += 1 }
                    Thread { [self] in
                        script(Connection(fd: fd, server: self))
                        close(fd)
                        lock.withLock {
                            closed += 1
                            lock.broadcast()
                        }
                    }.start()
                }
            }.start()
        }

        func record(_ request: String) {
            lock.withLock {
                requests.append(request)
                lock.broadcast()
            }
        }

        /// Returns once `ready` holds of (requests seen, connections closed), or after 5 s.
        func wait(until ready: @escaping @Sendable (_ requests: Int, _ closed: Int) -> Bool) async {
            await Task.detached { [self] in block(until: ready) }.value
        }

        private func block(until ready: (_ requests: Int, _ closed: Int) -> Bool) {
            lock.lock()
            defer { lock.unlock() }
            let deadline = Date().addingTimeInterval(5)
            while !ready(requests.count, closed), lock.wait(until: deadline) {}
        }
        var seen: (connections: Int, requests: [String]) { lock.withLock { (connections, requests) } }
        func stop() {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
        var url: String { "http://127.0.0.1:\(port)" }
    }

    func transport(_ server: ScriptedServer, timeout: TimeInterval = 5, limit: Int = 1 << 20) -> CurlTransport {
        CurlTransport(baseURL: server.url + "/api", timeout: timeout, maxResponseBytes: limit, connections: 1)
    }

    func get(_ transport: CurlTransport, _ path: String = "/x") async throws -> HTTPResponse {
        try await transport.send(HTTPRequest(method: "GET", path: path, headers: [("Authorization", "Bearer t")], body: nil))
    }

    func testReadsAndWritesRideOneKeptConnection() async throws {
        let server = try ScriptedServer { connection in
            while let request = connection.next() {
                let body = request.hasPrefix("GET") ? "[]" : "{}"
                connection.send("HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\n\r\n\(body)")
            }
        }
        defer { server.stop() }
        let client = transport(server)
        for _ in 0..<3 { _ = try await get(client) }
        for method in ["POST", "PUT"] {
            let answer = try await client.send(.json(method, "/x", .object([("a", .int(1))])))
            XCTAssertEqual(answer.text, "{}")
        }
        _ = try await client.send(HTTPRequest(method: "DELETE", path: "/x/1", headers: [], body: nil))
        _ = try await get(client)
        XCTAssertEqual(server.seen.requests.map { String($0.prefix(4)) }, ["GET ", "GET ", "GET ", "POST", "PUT ", "DELE", "GET "])
        XCTAssertEqual(server.seen.connections, 1, "seven calls, one kept-alive connection")
        let post = server.seen.requests[3]
        XCTAssertTrue(post.hasPrefix("POST /api/x HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\n"), post)
        XCTAssertTrue(post.hasSuffix("Content-Length: 7\r\n\r\n{\"a\":1}"), post)
        XCTAssertFalse(post.contains("Expect:"), "no 100-continue wait")
    }

    func testAWriteOnAKeptConnectionThatClosesWithoutAnAnswerIsNotSentAgain() async throws {
        // The first connection answers a read, then reads the next request and closes without
        // a word. libcurl would send that request again on a new connection (which answers).
        let server = try ScriptedServer { connection in
            guard let first = connection.next() else { return }
            if first.hasPrefix("GET") {
                connection.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]")
                _ = connection.next()
            } else {
                connection.send("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}")
            }
        }
        defer { server.stop() }
        let client = transport(server)
        for method in ["POST", "DELETE"] {
            _ = try await get(client)
            do {
                let request =
                    method == "POST"
                    ? HTTPRequest.json("POST", "/x", .object([("a", .int(1))])) : HTTPRequest(method: "DELETE", path: "/x/1", headers: [], body: nil)
                _ = try await client.send(request)
                XCTFail("no answer came to the \(method)")
            } catch let error as TransportError {
                XCTAssertEqual(
                    error,
                    .interrupted(
                        "the connection closed before an answer came; libcurl would have sent the \(method) again, telform does not (it may have been processed)"
                    ))
            }
        }
        XCTAssertEqual(server.seen.requests.map { String($0.prefix(4)) }, ["GET ", "POST", "GET ", "DELE"], "each write sent once")
        await server.wait { _, closed in closed == 4 }
        XCTAssertEqual(server.seen.connections, 4, "two that each carried a read and a write, two opened for the second sendings, which sent nothing")
        // A read in the same place is sent again by libcurl, as it may be.
        let reads = try ScriptedServer { connection in
            guard connection.next() != nil else { return }
            connection.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]")
            _ = connection.next()
        }
        defer { reads.stop() }
        let reader = transport(reads)
        _ = try await get(reader)
        let again = try await get(reader)
        XCTAssertEqual(again.text, "[]")
        XCTAssertEqual(reads.seen.requests.count, 3)
    }

    func testAWriteWhoseConnectionClosesWithoutAnAnswerIsNeverSentAgain() async throws {
        let server = try ScriptedServer { connection in _ = connection.next() }  // reads it, closes
        defer { server.stop() }
        do {
            _ = try await transport(server).send(HTTPRequest(method: "DELETE", path: "/x/1", headers: [], body: nil))
            XCTFail("no answer came")
        } catch let error as TransportError {
            XCTAssertEqual(error, .interrupted("Empty reply from server"))
        }
        XCTAssertEqual(server.seen.requests.count, 1, "sent once")
    }

    func testAWriteAfterAReadIsNotSentOnTheReadsDeadConnection() async throws {
        // One answer per connection, then the server closes it without saying so: a write
        // that rode that kept connection would be lost and re-sent by libcurl.
        let server = try ScriptedServer { connection in
            guard let request = connection.next() else { return }
            connection.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n" + (request.hasPrefix("GET") ? "[]" : "{}"))
        }
        defer { server.stop() }
        let client = transport(server)
        _ = try await get(client)
        await server.wait { _, closed in closed == 1 }  // the server closed the read's connection
        let answer = try await client.send(.json("PUT", "/x/1", .object([("a", .int(1))])))
        XCTAssertEqual(answer.text, "{}")
        XCTAssertEqual(server.seen.requests.map { String($0.prefix(3)) }, ["GET", "PUT"], "the write went once, on its own connection")
        XCTAssertEqual(server.seen.connections, 2)
    }

    func testNoRedirectNoChallengeFollowed() async throws {
        let server = try ScriptedServer { connection in
            guard let request = connection.next() else { return }
            if request.hasPrefix("GET /api/moved") {
                connection.send("HTTP/1.1 302 Found\r\nLocation: http://elsewhere.invalid/x\r\nContent-Length: 0\r\n\r\n")
            } else {
                connection.send("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\nContent-Length: 4\r\n\r\nnope")
            }
        }
        defer { server.stop() }
        do {
            _ = try await get(transport(server), "/moved")
            XCTFail("a redirect is refused")
        } catch let error as TransportError {
            XCTAssertEqual(
                error,
                .refused(
                    "GET \(server.url)/api/moved answered 302 redirecting to http://elsewhere.invalid/x; telform follows no redirect (it would carry the credentials there): if that is the API's address, set the provider's url to it"
                ))
        }
        let challenged = try await get(transport(server), "/secret")
        XCTAssertEqual(challenged.status, 401)
        XCTAssertEqual(challenged.text, "nope")
        XCTAssertEqual(challenged.headers["www-authenticate"], "Basic realm=\"x\"")
        XCTAssertEqual(server.seen.requests.count, 2, "the challenge was not answered")
    }

    func testBodiesPastTheLimitAnnouncedOrStreamedAndTheDeadline() async throws {
        let server = try ScriptedServer { connection in
            guard let request = connection.next() else { return }
            if request.hasPrefix("GET /api/big") {
                connection.send("HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n[")
            } else if request.hasPrefix("GET /api/close") {
                connection.send("HTTP/1.0 200 OK\r\n\r\n" + String(repeating: "x", count: 3000))
            } else {
                connection.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n[")
                Thread.sleep(forTimeInterval: 2)
            }
        }
        defer { server.stop() }
        do {
            _ = try await get(transport(server), "/big")
            XCTFail("too large")
        } catch let error as TransportError {
            XCTAssertEqual(
                error, .refused("the response body is larger than 1 MiB (5000000 bytes announced), telform's limit for one call; nothing of it was used"))
        }
        let whole = try await get(transport(server), "/close")
        XCTAssertEqual(whole.body.count, 3000, "read to the end of the connection")
        do {
            _ = try await get(transport(server, limit: 2000), "/close")
            XCTFail("too large")
        } catch let error as TransportError {
            XCTAssertEqual(error, .refused("the response body is larger than 0 MiB, telform's limit for one call; nothing of it was used"))
        }
        let started = Date()
        do {
            _ = try await get(transport(server, timeout: 1), "/slow")
            XCTFail("timed out")
        } catch let error as TransportError {
            XCTAssertEqual(error, .interrupted("timed out after 1s (the whole call)"))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.9)
    }

    func testAnUnreachableServerIsUnreachable() async throws {
        let server = try ScriptedServer { _ in }
        let port = server.port
        server.stop()
        do {
            _ = try await CurlTransport(baseURL: "http://127.0.0.1:\(port)").send(HTTPRequest(method: "GET", path: "/", headers: [], body: nil))
            XCTFail("nothing listens")
        } catch let error as TransportError {
            XCTAssertEqual(error, .unreachable("could not connect to 127.0.0.1:\(port) (Connection refused)"))
        }
    }

    func testACancelledCallAnswersAtOnce() async throws {
        let server = try ScriptedServer { connection in
            _ = connection.next()
            Thread.sleep(forTimeInterval: 3)
        }
        defer { server.stop() }
        let client = transport(server, timeout: 10)
        let started = Date()
        let call = Task { try await client.send(HTTPRequest(method: "GET", path: "/slow", headers: [], body: nil)) }
        await server.wait { requests, _ in requests == 1 }  // the server holds the call
        call.cancel()
        do {
            _ = try await call.value
            XCTFail("cancelled")
        } catch let error as TransportError {
            XCTAssertEqual(error, .interrupted("cancelled"))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
    }
}
