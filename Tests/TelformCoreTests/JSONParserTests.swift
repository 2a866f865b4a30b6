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

    func testObjectsSharingKeysAndIntegersSummedFromDigits() throws {
        // Keys repeated at their places (handed out once), a key spelled with an escape, keys
        // in another order, and integers at the edge of 18 digits and past it.
        let node = try JSONParser.parse(
            #"[{"id": 1, "name": "a", "k\u0065y": -0}, {"id": -999999999999999999, "name": "b", "key": 1000000000000000000}, {"name": "c", "id": 12, "x": -9223372036854775808}]"#
        )
        XCTAssertEqual(
            node.compact,
            #"[{"id":1,"name":"a","key":0},{"id":-999999999999999999,"name":"b","key":1000000000000000000},{"name":"c","id":12,"x":-9223372036854775808}]"#)
        XCTAssertEqual(node.array?[1]["key"], .int(1_000_000_000_000_000_000))
        XCTAssertEqual(node.array?[2]["x"], .int(Int64.min))
        XCTAssertEqual(try JSONParser.parse("9223372036854775808"), .double(9_223_372_036_854_775_808))
        XCTAssertThrowsError(try JSONParser.parse("[1, -]")) { error in
            XCTAssertEqual("\(error)", "invalid JSON at byte 5: unexpected character")
        }
    }

    func testNodesAreEqualWhenTheyRenderAlike() {
        XCTAssertEqual(JSONNode.null, .null)
        XCTAssertNotEqual(JSONNode.string("null"), .null)
        XCTAssertNotEqual(JSONNode.int(0), .bool(false))
        XCTAssertEqual(JSONNode.double(.infinity), .null)
        XCTAssertEqual(JSONNode.object([("a", .int(1))]), .object([("a", .int(1))]))
        XCTAssertNotEqual(JSONNode.string("a"), .string("b"))
    }

    /// Arrays and objects are compared item by item, with the outcome rendering would give.
    func testContainersAreComparedItemByItemAsTheirRenderingWould() throws {
        let state = try JSONParser.parse(
            #"{"tokens": ["t"], "tenants": {"acme": {"next_id": 3, "endpoints": [{"id": 1, "name": "a", "tags": []}, {"id": 2, "name": "b", "x": 1.5}]}}}"#)
        let cases: [(JSONNode, JSONNode)] = [
            (
                state,
                try JSONParser.parse(
                    #"{"tokens": ["t"], "tenants": {"acme": {"next_id": 3, "endpoints": [{"id": 1, "name": "a", "tags": []}, {"id": 2, "name": "b", "x": 1.5}]}}}"#
                )
            ),
            (
                state,
                try JSONParser.parse(
                    #"{"tokens": ["t"], "tenants": {"acme": {"next_id": 3, "endpoints": [{"id": 1, "name": "a", "tags": []}, {"id": 2, "name": "c", "x": 1.5}]}}}"#
                )
            ),
            (state, try JSONParser.parse(#"{"tokens": ["t"], "tenants": {"acme": {"next_id": 3, "endpoints": [{"id": 1, "name": "a", "tags": []}]}}}"#)),
            (
                state,
                try JSONParser.parse(
                    #"{"tenants": {"acme": {"next_id": 3, "endpoints": [{"id": 1, "name": "a", "tags": []}, {"id": 2, "name": "b", "x": 1.5}]}}, "tokens": ["t"]}"#
                )
            ),
            (
                state,
                try JSONParser.parse(
                    #"{"tokens": ["t"], "tenants": {"acme": {"next_id": 3, "endpoints": [{"id": 1, "name": "a", "tags": {}}, {"id": 2, "name": "b", "x": 1.5}]}}}"#
                )
            ),
            (.array([.double(.nan), .int(1)]), .array([.null, .int(1)])),
            (.array([.double(-0.0)]), .array([.double(0.0)])),
            (.object([("a", .array([]))]), .object([("a", .object([]))])),
            (.array([.string("[]")]), .array([.array([])])),
            (.object([]), .null),
        ]
        for (a, b) in cases {
            XCTAssertEqual(a == b, a.rendered() == b.rendered(), "\(a.compact) vs \(b.compact)")
        }
        XCTAssertEqual(cases.map { $0.0 == $0.1 }, [true, false, false, false, false, true, false, false, false, false])
    }

    func testMalformedJSONSaysWhere() {
        XCTAssertThrowsError(try JSONParser.parse(#"{"a": 1,}"#)) { error in
            XCTAssertEqual("\(error)", "invalid JSON at byte 8: expected a key")
        }
        XCTAssertThrowsError(try JSONParser.parse("[1, 2] x")) { error in
            XCTAssertEqual("\(error)", "invalid JSON at byte 7: unexpected text after the value")
        }
    }

    func testHMACSHA256KnownVectors() {
        // RFC 4231, test cases 1 and 6 (a key longer than a block is hashed first).
        XCTAssertEqual(
            SHA256.hex(digest: SHA256.hmac(key: [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        XCTAssertEqual(
            SHA256.hex(digest: SHA256.hmac(key: [UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    func testSHA256KnownVectors() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 1000)), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        // Fed in pieces of every size from 1 to 130 bytes: the same digest as in one piece.
        let message = Array((0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        for piece in 1...130 {
            var hasher = SHA256.Hasher()
            for start in stride(from: 0, to: message.count, by: piece) { hasher.update(Array(message[start..<min(start + piece, message.count)])) }
            XCTAssertEqual(hasher.finalize(), SHA256.digest(message), "pieces of \(piece)")
        }
        var lines = SHA256.Hasher()
        for (index, part) in ["a", "bc", "", "d"].enumerated() {
            if index > 0 { lines.update("\n") }
            lines.update(part)
        }
        XCTAssertEqual(SHA256.hex(digest: lines.finalize()), SHA256.hex("a\nbc\n\nd"))
        // Every padding edge: a message that leaves room for the length in its last block, or not.
        let edges = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            63: "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
            65: "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0",
            119: "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb",
        ]
        for (count, digest) in edges {
            XCTAssertEqual(SHA256.hex(String(repeating: "a", count: count)), digest, "\(count) bytes")
        }
    }

    func testCompactRenderingEscapesAsJSONAndParsesBack() throws {
        let node = JSONNode.object([
            ("name", .string("a\"b\\c\nd\re\tf\u{1}g")), ("ü ☎", .array([.string("plain"), .string(""), .null, .bool(true)])), ("n", .int(42)),
        ])
        let expected = #"{"name":"a\"b\\c\nd\re\tf\u0001g","ü ☎":["plain","",null,true],"n":42}"#
        XCTAssertEqual(node.compact, expected)
        XCTAssertEqual(node.compactBytes, Array(expected.utf8))
        XCTAssertEqual(JSONText.quote("x\u{1f}\"y"), #""x\u001f\"y""#)
        XCTAssertEqual(try JSONParser.parse(node.compactBytes).compact, expected)
    }
}
