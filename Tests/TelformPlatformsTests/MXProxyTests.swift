import Foundation
import TelformCore
import XCTest

@testable import TelformPlatforms
@testable import TelformSimulator

/// MX Proxy's call mode: the reply (`callMode`, every parameter used) must say what was sent.
final class MXProxyTests: XCTestCase {
    func testTheCallModeReplyMustSayWhatWasSent() throws {
        let sent: [String: Value] = ["remote": .bool(true), "device": .string("79031744445")]
        XCTAssertNoThrow(
            try CallModeKind.check(try JSONParser.parse(#"{"callMode": {"remote": true, "device": "79031744445", "ringDelay": 1, "vmDelay": 30}}"#), sent: sent)
        )
        XCTAssertThrowsError(
            try CallModeKind.check(try JSONParser.parse(#"{"callMode": {"remote": true, "device": "", "ringDelay": 1, "vmDelay": 30}}"#), sent: sent)
        ) { error in
            XCTAssertEqual("\(error)", #"call_mode: the platform set another call mode than was sent: device """#)
        }
    }
}

/// The MX Proxy fake, call by call, as the server's code answers (mdigger/mxproxy 09fe3cf).
final class MXProxyFakeTests: XCTestCase {
    func send(_ fake: MXProxyFake, _ method: String, _ path: String, _ body: String? = nil, headers: [(String, String)] = []) -> HTTPResponse {
        var all = headers
        if body != nil { all.append(("Content-Type", "application/json")) }
        guard case .respond(let response) = fake.handle(HTTPRequest(method: method, path: path, headers: all, body: body.map { Data($0.utf8) })) else {
            return HTTPResponse(status: 0)
        }
        return response
    }

    func testTheFakeAnswersAsTheServerCodeDoes() throws {
        let fake = try MXProxyFake(state: JSONParser.parse(#"{"users": [{"username": "u", "password": "p", "jid": "43884851428118509"}], "contacts": []}"#))
        func login(_ basic: String) -> HTTPResponse {
            var request = HTTPRequest(
                method: "POST", path: "/auth", headers: [("Authorization", "Basic " + basic), ("Content-Type", "application/x-www-form-urlencoded")])
            request.body = Data("username=u&password=p&grant_type=password".utf8)
            guard case .respond(let response) = fake.handle(request) else { return HTTPResponse(status: 0) }
            return response
        }
        XCTAssertEqual(login("!!not base64").status, 403, "a malformed Basic header")
        let wrong = login(Data("sim-client:nope".utf8).base64EncodedString())
        XCTAssertEqual("\(wrong.status) \(wrong.text)", #"403 {"error":"bad client-id or app secret"}"#)
        let token = try XCTUnwrap(try login(Data("sim-client:sim-client-secret".utf8).base64EncodedString()).json()["access_token"]?.string)
        let bearer = [("Authorization", "Bearer " + token)]
        XCTAssertEqual(try send(fake, "GET", "/conferences", headers: bearer).json()["conferences"], .null, "an empty list is Go's nil slice")
        let made = send(fake, "POST", "/conferences", #"{"name": "A", "ownerId": 0, "accessId": 1, "description": "kept"}"#, headers: bearer)
        let conference = try XCTUnwrap(try made.json()["conference"], "the reply is wrapped")
        XCTAssertEqual(conference["ownerId"], .int(43_884_851_428_118_509), "ownerId 0 is the caller")
        let id = try XCTUnwrap(conference["Id"]?.string)
        XCTAssertNil(Int64(id), "an opaque id: \(id)")
        // PUT replaces the whole conference: a description left out is gone.
        let put = try send(fake, "PUT", "/conferences/" + id, #"{"name": "A", "ownerId": 0, "accessId": 2}"#, headers: bearer).json()["conference"]
        XCTAssertNil(put?["description"])
        XCTAssertEqual(send(fake, "PUT", "/conferences/nope", #"{"name": "A"}"#, headers: bearer).status, 500, "an unknown id")
        XCTAssertEqual(send(fake, "POST", "/conferences", #"{"name": "B", "accessId": "12"}"#, headers: bearer).status, 500, "a wrong JSON type")
        XCTAssertEqual(send(fake, "DELETE", "/conferences/nope", headers: bearer).status, 404)
        // PATCH /calls reads `device`, not `deviceName`, and echoes a 0 it never passes on.
        let mode = try send(fake, "PATCH", "/calls", #"{"remote": true, "deviceName": "111", "device": "222", "ringDelay": 0}"#, headers: bearer).json()[
            "callMode"]
        XCTAssertEqual(mode?["device"], .string("222"))
        XCTAssertEqual(mode?["ringDelay"], .int(0))
        let stored = fake.snapshot()["call_modes"]?["43884851428118509"]
        XCTAssertEqual(stored?["ringDelay"], .int(1), "the PBX keeps its default")
    }
}
