import XCTest
@testable import TelformCore

final class JSONParserTests: XCTestCase {
    func testIntegersStayExactTo64Bits() throws {
        let node = try JSONParser.parse(#"{"Id": 43892779647572507, "max": 9223372036854775807, "neg": -12, "f": 1.5, "e": 1e3}"#)
        XCTAssertEqual(node["Id"], .int(43_892_779_647_572_507))
        XCTAssertEqual(node["max"], .int(Int64.max))
        XCTAssertEqual(node["neg"], .int(-12))
        XCTAssertEqual(node["f"], .double(1.5))
        XCTAssertEqual(node["e"], .double(1000))
        XCTAssertEqual(JSONNode.int(43_892_779_647_572_507).compact, "43892779647572507")
    }

    func testStringsEscapesAndNesting() throws {
        let node = try JSONParser.parse(#"{"a": ["x\"y", "\u0416\n", true, null, {}], "b": {"c": false}}"#)
        XCTAssertEqual(node.compact, #"{"a":["x\"y","Ж\n",true,null,{}],"b":{"c":false}}"#)
        XCTAssertEqual(try JSONParser.parse(#""\ud83d\ude00""#), .string("😀"))
    }

    func testMalformedJSONSaysWhere() {
        XCTAssertThrowsError(try JSONParser.parse(#"{"a": 1,}"#)) { error in
            XCTAssertEqual("\(error)", "invalid JSON at byte 8: expected a key")
        }
        XCTAssertThrowsError(try JSONParser.parse("[1, 2] x")) { error in
            XCTAssertEqual("\(error)", "invalid JSON at byte 7: unexpected text after the value")
        }
    }

    func testSHA256KnownVectors() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 1000)), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
