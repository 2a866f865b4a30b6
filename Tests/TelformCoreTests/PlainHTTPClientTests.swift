import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import TelformCore
import XCTest

/// telform's own HTTP/1.1 client for http:// URLs, against a loopback server that writes
/// exactly the bytes each case needs and records every connection and request.
final class PlainHTTPClientTests: XCTestCase {
    /// One loopback listener; `script` runs once per accepted connection with the requests read
    /// from it one by one (`next()` returns nil once the client closed the connection).
    final class ScriptedServer: @unchecked Sendable {
        final class Connection {
            let fd: Int32
            let server: ScriptedServer
            var buffer: [UInt8] = []
            init(fd: Int32, server: ScriptedServer) { self.fd = fd; self.server = server }

            /// The next request's head and body as text; nil when the client has gone.
            func next() -> String? {
                while true {
                    if let end = PlainHTTPClient.Reader.find(buffer, from: 0) {
                        let head = String(decoding: buffer[..<end], as: UTF8.self)
                        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
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
        private let lock = NSLock()
        private var requests: [String] = []
        private var connections = 0
        private let script: @Sendable (Connection) -> Void

        init(_ script: @escaping @Sendable (Connection) -> Void) throws {
            self.script = script
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
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
                    }.start()
                }
            }.start()
        }

        func record(_ request: String) { lock.withLock { requests.append(request) } }
        var seen: (connections: Int, requests: [String]) { lock.withLock { (connections, requests) } }
        func stop() { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }
        var url: String { "http://127.0.0.1:\(port)" }
    }

    func client(_ server: ScriptedServer) -> PlainHTTPClient { PlainHTTPClient(url: server.url + "/api", connections: 4)! }

    func get(_ client: PlainHTTPClient, _ target: String = "/api/x", limit: Int = 1 << 20, deadline: TimeInterval = 5) async throws -> PlainHTTPClient.Answer {
        try await client.exchange(method: "GET", target: target, headers: [("Authorization", "Bearer t")], body: nil, deadline: deadline, limit: limit)
    }

    func testAChunkedBodyWithExtensionsAndTrailersAndHeadersJoined() async throws {
        let server = try ScriptedServer { connection in
            _ = connection.next()
            connection.send("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-Tag: a\r\nx-tag: b\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                            + "5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: t\r\n\r\n")
        }
        defer { server.stop() }
        let answer = try await get(client(server))
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), "hello, world")
        XCTAssertEqual(answer.headers["x-tag"], "a, b")
        XCTAssertEqual(server.seen.requests, ["GET /api/x HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nAuthorization: Bearer t\r\nAccept: */*\r\nAccept-Encoding: identity\r\n\r\n"])
    }

    /// Header names and values lose the spaces and tabs around them (HTTP's optional
    /// whitespace) and nothing else; a value of only blanks is empty.
    func testHeaderWhitespaceIsSpacesAndTabs() throws {
        let head = try PlainHTTPClient.Reader.parse("HTTP/1.1 200 OK\r\n Content-Length :\t 12 \t\r\nX-A:\u{A0}v\u{A0}\r\nX-B: \t \r\nX-C:a b\r\n")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.headers, ["content-length": "12", "x-a": "\u{A0}v\u{A0}", "x-b": "", "x-c": "a b"])
    }

    /// Jobs run at once, each on a thread of its own (eight that wait for each other all
    /// finish), and a thread whose job ended takes the next job.
    func testBlockingThreadsRunJobsAtOnceAndKeepThreadsForTheNext() {
        let threads = BlockingThreads(stackSize: 1 << 20)
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        for index in 0..<8 {
            threads.run {
                Thread.current.name = "kept \(index)"     // stays with the thread, not the job
                started.signal()
                release.wait()
                done.signal()
            }
        }
        for _ in 0..<8 { XCTAssertEqual(started.wait(timeout: .now() + 10), .success, "all eight ran at once") }
        for _ in 0..<8 { release.signal() }
        for _ in 0..<8 { XCTAssertEqual(done.wait(timeout: .now() + 10), .success) }
        // The eight threads now wait for jobs (once each is back from its job): the next ones
        // run on them.
        let until = Date() + 10
        while threads.waiting < 8 && Date() < until { usleep(1000) }
        XCTAssertEqual(threads.waiting, 8)
        let lock = NSLock()
        nonisolated(unsafe) var names: [String] = []
        for _ in 0..<8 {
            let ran = DispatchSemaphore(value: 0)
            threads.run {
                lock.withLock { names.append(Thread.current.name ?? "") }
                ran.signal()
            }
            XCTAssertEqual(ran.wait(timeout: .now() + 10), .success)
        }
        XCTAssertEqual(lock.withLock { names.allSatisfy { $0.hasPrefix("kept ") } }, true, "\(names)")
    }

    func testReadsShareOneConnectionAndWritesEachGetTheirOwnClosedOne() async throws {
        let server = try ScriptedServer { connection in
            while let request = connection.next() {
                let body = request.hasPrefix("GET") ? "[]" : "{}"
                connection.send("HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\n\r\n\(body)")
                if request.contains("Connection: close") { return }
            }
        }
        defer { server.stop() }
        let client = client(server)
        for _ in 0..<3 { _ = try await get(client) }
        XCTAssertEqual(server.seen.connections, 1, "three reads, one kept-alive connection")
        for _ in 0..<2 {
            let answer = try await client.exchange(method: "POST", target: "/api/x", headers: [("Content-Type", "application/json")], body: Data(#"{"a":1}"#.utf8), deadline: 5, limit: 1 << 20)
            XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), "{}")
        }
        _ = try await get(client)
        XCTAssertEqual(server.seen.connections, 3, "each write on a connection of its own; the read went back to the kept one")
        XCTAssertEqual(server.seen.requests[3], "POST /api/x HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nContent-Type: application/json\r\nAccept: */*\r\nAccept-Encoding: identity\r\nConnection: close\r\nContent-Length: 7\r\n\r\n{\"a\":1}")
    }

    func testAReadWhoseKeptConnectionClosedIsSentOnceMoreOnANewOne() async throws {
        let server = try ScriptedServer { connection in
            // One answer per connection, then the server closes it, announcing nothing.
            guard connection.next() != nil else { return }
            connection.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]")
        }
        defer { server.stop() }
        let client = client(server)
        _ = try await get(client)
        try await Task.sleep(nanoseconds: 50_000_000)
        let second = try await get(client)
        XCTAssertEqual(String(decoding: second.body, as: UTF8.self), "[]")
        XCTAssertEqual(server.seen.connections, 2)
        XCTAssertEqual(server.seen.requests.count, 2, "the closed connection carried nothing")
    }

    func testAWriteWhoseConnectionClosesWithoutAnAnswerIsNeverSentAgain() async throws {
        let server = try ScriptedServer { connection in _ = connection.next() }     // reads it, closes
        defer { server.stop() }
        do {
            _ = try await client(server).exchange(method: "DELETE", target: "/api/x/1", headers: [], body: nil, deadline: 5, limit: 1 << 20)
            XCTFail("no answer came")
        } catch let error as TransportError {
            XCTAssertEqual(error, .interrupted("the server closed the connection without an answer"))
        }
        XCTAssertEqual(server.seen.requests, ["DELETE /api/x/1 HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nAccept: */*\r\nAccept-Encoding: identity\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"])
    }

    func testBodiesPastTheLimitAnnouncedOrUntilCloseAndTheDeadline() async throws {
        let server = try ScriptedServer { connection in
            guard let request = connection.next() else { return }
            if request.hasPrefix("GET /big") {
                connection.send("HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n[")
            } else if request.hasPrefix("GET /close") {
                connection.send("HTTP/1.0 200 OK\r\n\r\n" + String(repeating: "x", count: 3000))
            } else {
                connection.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n[")
                Thread.sleep(forTimeInterval: 2)
            }
        }
        defer { server.stop() }
        let client = client(server)
        do {
            _ = try await get(client, "/big", limit: 1 << 20)
            XCTFail("too large")
        } catch let error as TransportError {
            XCTAssertEqual(error, .refused("the response body is larger than 1 MiB (5000000 bytes announced), telform's limit for one call; nothing of it was used"))
        }
        let whole = try await get(client, "/close")
        XCTAssertEqual(whole.body.count, 3000, "read to the end of the connection")
        do {
            _ = try await get(client, "/close", limit: 2000)
            XCTFail("too large")
        } catch let error as TransportError {
            XCTAssertEqual(error, .refused("the response body is larger than 0 MiB, telform's limit for one call; nothing of it was used"))
        }
        let started = Date()
        do {
            _ = try await get(client, "/slow", deadline: 1)
            XCTFail("timed out")
        } catch let error as TransportError {
            XCTAssertEqual(error, .interrupted("timed out after 1s (the whole call)"))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.9)
    }

    func testAnUnreachableServerAndWhichURLsItServes() async throws {
        let server = try ScriptedServer { _ in }
        let port = server.port
        server.stop()
        do {
            _ = try await get(PlainHTTPClient(url: "http://127.0.0.1:\(port)", connections: 1)!)
            XCTFail("nothing listens")
        } catch let error as TransportError {
            XCTAssertEqual(error, .unreachable("could not connect to 127.0.0.1:\(port) (Connection refused)"))
        }
        let parsed = PlainHTTPClient(url: "http://user:pw@[::1]:8080/x?y", connections: 1)
        XCTAssertEqual(parsed?.host, "::1")
        XCTAssertEqual(parsed?.hostHeader, "[::1]:8080")
        XCTAssertEqual(PlainHTTPClient(url: "http://pbx.example:80", connections: 1)?.hostHeader, "pbx.example")
        XCTAssertNil(PlainHTTPClient(url: "https://pbx.example", connections: 1))
        XCTAssertNil(PlainHTTPClient(url: "http://pbx.example:notaport/", connections: 1))
        XCTAssertTrue(URLSessionTransport.usesPlainClient("http://pbx", environment: ["HTTPS_PROXY": "http://proxy:3128"]))
        XCTAssertFalse(URLSessionTransport.usesPlainClient("http://pbx", environment: ["http_proxy": "http://proxy:3128"]), "a proxy stays with libcurl")
        XCTAssertFalse(URLSessionTransport.usesPlainClient("http://pbx", environment: ["TELFORM_HTTP_CLIENT": "urlsession"]))
        XCTAssertFalse(URLSessionTransport.usesPlainClient("https://pbx", environment: [:]))
    }
}
