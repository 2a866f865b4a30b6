import Foundation
import XCTest

@testable import TelformCore

/// A transport that answers from a script and records what it was sent.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    enum Step {
        case respond(Int, [String: String])
        case unreachable
        case interrupted
    }

    private let lock = NSLock()
    private var steps: [Step]
    private(set) var sent: [String] = []

    init(_ steps: [Step]) {
        self.steps = steps
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let step: Step = lock.withLock {
            sent.append("\(request.method) \(request.path)")
            return steps.isEmpty ? .respond(200, [:]) : steps.removeFirst()
        }
        switch step {
        case .respond(let status, let headers): return HTTPResponse(status: status, headers: headers, body: Data("{}".utf8))
        case .unreachable: throw TransportError.unreachable("refused")
        case .interrupted: throw TransportError.interrupted("reset")
        }
    }
}

final class RetryTests: XCTestCase {
    let fast = RetryPolicy(attempts: 5, baseDelay: 0.001, maxDelay: 0.004)

    func testRetriesThrottlingAndGatewayErrorsThenSucceeds() async throws {
        let transport = ScriptedTransport([.respond(429, ["Retry-After": "0"]), .respond(503, [:]), .unreachable, .respond(200, [:])])
        let response = try await ResilientClient(transport: transport, policy: fast).send(.json("GET", "/x"))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(transport.sent, ["GET /x", "GET /x", "GET /x", "GET /x"])
    }

    func testGivesUpAfterFiveAttempts() async throws {
        let transport = ScriptedTransport(Array(repeating: .respond(503, [:]), count: 9))
        let response = try await ResilientClient(transport: transport, policy: fast).send(.json("PUT", "/x"))
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(transport.sent.count, 5)
    }

    func testServerErrorsOtherThanGatewaysAreNotRetried() async throws {
        let transport = ScriptedTransport([.respond(500, [:]), .respond(200, [:])])
        let response = try await ResilientClient(transport: transport, policy: fast).send(.json("GET", "/x"))
        XCTAssertEqual(response.status, 500)
        XCTAssertEqual(transport.sent.count, 1)
    }

    func testRetryAfterIsHonoured() {
        XCTAssertEqual(fast.delay(after: 1, retryAfter: "3"), 3)
        XCTAssertEqual(fast.delay(after: 1, retryAfter: "120"), 60, "capped")
        let backoff = RetryPolicy(baseDelay: 1, maxDelay: 8)
        for attempt in 1...6 {
            let step = min(8, pow(2, Double(attempt - 1)))
            let delay = backoff.delay(after: attempt, retryAfter: nil)
            XCTAssertTrue(delay >= step / 2 && delay <= step, "attempt \(attempt): \(delay)")
        }
    }

    /// A create whose outcome is unknown ends with what its read-back found, said as such (not
    /// as a made-up answer): the object, or a confirmation without one.
    func testAnAmbiguousCreateIsReadBackInsteadOfRepeated() async throws {
        let transport = ScriptedTransport([.interrupted])
        let answer = try await ResilientClient(transport: transport, policy: fast).send(
            .json("POST", "/things"), .create(readBack: { .found(.object([("id", .int(7))])) }))
        guard case .readBack(.found(let object)) = answer else { return XCTFail("\(answer)") }
        XCTAssertEqual(object["id"], .int(7))
        XCTAssertEqual(answer.json { _ in .null }, .object([("id", .int(7))]))
        XCTAssertEqual(transport.sent, ["POST /things"], "the create was not sent twice")

        let gateway = ScriptedTransport([.respond(502, [:])])
        let confirmed = try await ResilientClient(transport: gateway, policy: fast).send(.json("POST", "/things"), .create(readBack: { .confirmed }))
        guard case .readBack(.confirmed) = confirmed else { return XCTFail("\(confirmed)") }
        XCTAssertEqual(confirmed.json { _ in .string("an answer") }, .null)
        XCTAssertEqual(gateway.sent, ["POST /things"])
    }

    func testAnAmbiguousCreateThatDidNotHappenIsSentAgain() async throws {
        let transport = ScriptedTransport([.interrupted, .respond(201, [:])])
        let answer = try await ResilientClient(transport: transport, policy: fast).send(.json("POST", "/things"), .create(readBack: { nil }))
        guard case .response(let response) = answer else { return XCTFail("\(answer)") }
        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(transport.sent, ["POST /things", "POST /things"])
    }

    func testAThrottledCreateIsRetriedWithoutReadBack() async throws {
        let transport = ScriptedTransport([.respond(429, ["Retry-After": "0"]), .respond(201, [:])])
        let answer = try await ResilientClient(transport: transport, policy: fast).send(
            .json("POST", "/things"),
            .create(readBack: {
                XCTFail("a 429 means the server did nothing: no read-back")
                return nil
            }))
        guard case .response(let response) = answer else { return XCTFail("\(answer)") }
        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(transport.sent.count, 2)
    }

    func testTraceRedactsSecrets() {
        final class Lines: @unchecked Sendable { var items: [String] = [] }
        let lines = Lines()
        let trace = HTTPTrace(sensitiveFields: ["password"]) { lines.items.append($0) }
        trace.request(
            HTTPRequest(
                method: "POST", path: "/x", headers: [("Authorization", "Bearer abc"), ("X-AUTH-TOKEN", "t")],
                body: Data(#"{"name":"a","password":"s3cret","nested":{"password":"p"}}"#.utf8)), url: "https://h/x")
        trace.request(HTTPRequest(method: "POST", path: "/auth", body: Data("username=u&password=pw&grant_type=password".utf8)), url: "https://h/auth")
        trace.request(HTTPRequest(method: "POST", path: "/rpc", body: Data(#"{"params":{"url":"https://u:pw@h/x?token=t0k&a=1"}}"#.utf8)), url: "https://h/rpc")
        XCTAssertEqual(lines.items.last, "-> POST https://h/rpc\n   {\"params\":{\"url\":\"https://(sensitive)@h/x?token=(sensitive)&a=1\"}}")
        lines.items.removeLast()
        XCTAssertEqual(
            lines.items,
            [
                "-> POST https://h/x\n   Authorization: (sensitive)\n   X-AUTH-TOKEN: (sensitive)\n   {\"name\":\"a\",\"password\":\"(sensitive)\",\"nested\":{\"password\":\"(sensitive)\"}}",
                "-> POST https://h/auth\n   username=u&password=(sensitive)&grant_type=password",
            ])
    }
}
