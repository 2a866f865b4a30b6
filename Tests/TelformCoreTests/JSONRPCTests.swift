import Foundation
import XCTest

@testable import TelformCore

/// Every failure shape api-docs/004 shows becomes an error with the most specific message.
final class JSONRPCTests: XCTestCase {
    func outcome(_ body: String, status: Int = 200) -> String {
        do {
            let result = try JSONRPCClient.result(of: HTTPResponse(status: status, body: Data(body.utf8)), method: "m")
            return "ok \(result.compact)"
        } catch {
            return "\(error)"
        }
    }

    func testErrorWithStringData() {
        XCTAssertEqual(
            outcome(#"{"jsonrpc":"2.0","id":"1","error":{"code":-32001,"message":"Data not found","data":"No followMe on this account"}}"#),
            "No followMe on this account (m: -32001)")
    }

    func testErrorWithAListOfRecords() {
        XCTAssertEqual(
            outcome(
                #"{"jsonrpc":"2.0","id":"1","error":{"code":-32602,"message":"Invalid params","data":[{"code":"V_REGEX_DO_NOT_MATCH","attribute":"caller_id","message":"The caller_id property must match regular expression /^7\\d{10}$/."}]}}"#
            ),
            #"The caller_id property must match regular expression /^7\d{10}$/. (m: -32602)"#)
    }

    func testErrorWithoutData() {
        XCTAssertEqual(outcome(#"{"jsonrpc":"2.0","id":"1","error":{"code":-32601,"message":"Method not found"}}"#), "Method not found (m: -32601)")
        XCTAssertEqual(outcome(#"{"jsonrpc":"2.0","id":"1","error":{"code":-32002,"message":"Permission denied","data":[]}}"#), "Permission denied (m: -32002)")
    }

    func testResultsThatReportFailure() {
        XCTAssertEqual(
            outcome(#"{"jsonrpc":"2.0","id":"101","result":{"error":1,"error_description":"Side A not clear. Delete before insert"}}"#),
            "Side A not clear. Delete before insert (m)")
        XCTAssertEqual(outcome(#"{"jsonrpc":"2.0","id":"1","result":{"error":1,"message":"Bad number"}}"#), "Bad number (m)")
        XCTAssertEqual(outcome(#"{"jsonrpc":"2.0","id":"1","result":{"success":0,"error":"Rate not created"}}"#), "Rate not created (m)")
        XCTAssertEqual(outcome(#"{"jsonrpc":"2.0","id":"1","result":{"success":false}}"#), "the platform answered success: 0 (m)")
    }

    func testSuccessAndTransportLevelFailures() {
        XCTAssertEqual(outcome(#"{"jsonrpc":"2.0","id":"1","result":{"success":1}}"#), #"ok {"success":1}"#)
        XCTAssertEqual(outcome(#"{"jsonrpc":"2.0","id":"1","result":[79663089363,79266966166]}"#), "ok [79663089363,79266966166]")
        XCTAssertEqual(outcome("<html>Bad Gateway</html>", status: 502), "HTTP 502 (m)")
        XCTAssertEqual(
            outcome(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32002,"message":"Permission denied","data":"Authentication failed"}}"#, status: 401),
            "Authentication failed (m: -32002)")
    }

    func testRequestsCarryBasicAuthAndIncreasingIDs() throws {
        let client = JSONRPCClient(http: ResilientClient(transport: ScriptedTransport([])), path: "/v1/api", username: "u", password: "p")
        let first = client.request("getGBLRules", .object([]))
        let second = client.request("getGBLRules", .object([]))
        XCTAssertEqual(first.header("authorization"), "Basic dTpw")
        XCTAssertEqual(first.method, "POST")
        XCTAssertEqual(first.path, "/v1/api")
        XCTAssertEqual(String(decoding: first.body ?? Data(), as: UTF8.self), #"{"jsonrpc":"2.0","id":"1","method":"getGBLRules","params":{}}"#)
        XCTAssertEqual(try JSONParser.parse(Array(second.body ?? Data()))["id"], .string("2"))
    }
}
