import XCTest

@testable import TelformCore

final class SmallPartsTests: XCTestCase {
    func testSuggestionFindsTheClosestKey() {
        XCTAssertEqual(Suggestion.closest(to: "extention", in: ["name", "extension", "password"]), "extension")
        XCTAssertEqual(Suggestion.closest(to: "pasword", in: ["name", "extension", "password"]), "password")
        XCTAssertNil(Suggestion.closest(to: "zzz", in: ["name", "extension"]))
        XCTAssertEqual(Suggestion.distance("ab", "ba"), 1)
    }

    func testAddressPatternGlobs() {
        XCTAssertTrue(AddressPattern("endpoints/test-*").matches("endpoints/test-1"))
        XCTAssertFalse(AddressPattern("endpoints/test-*").matches("endpoints/prod"))
        XCTAssertTrue(AddressPattern("find_me/*/redirect/*").matches("find_me/201/redirect/After hours"))
        XCTAssertTrue(AddressPattern("schedules/20?/x").matches("schedules/201/x"))
    }

    func testWeekDaysParse() {
        XCTAssertEqual(WeekDays.parse("mon-fri"), Set(0...4))
        XCTAssertEqual(WeekDays.parse("fri-mon"), [4, 5, 6, 0])
        XCTAssertEqual(WeekDays.parse("mon,wed"), [0, 2])
        XCTAssertEqual(WeekDays.parse("all"), Set(0...6))
        XCTAssertNil(WeekDays.parse("monday"))
    }

    func testClockTimesAndDates() {
        XCTAssertEqual(ClockTime.minutes("09:30"), 570)
        XCTAssertEqual(ClockTime.minutes("24:00"), 1440)
        XCTAssertNil(ClockTime.minutes("24:01"))
        XCTAssertNil(ClockTime.minutes("9:30"))
        XCTAssertNotNil(CalendarDate("2024-02-29"))
        XCTAssertNil(CalendarDate("2026-02-29"))
        XCTAssertNil(CalendarDate("2026-13-01"))
    }

    func testURLCredentialsAreDetectedAndRedacted() {
        XCTAssertTrue(URLText.hasCredentials("https://user:pw@host/x"))
        XCTAssertFalse(URLText.hasCredentials("https://host/x?a=b@c"))
        XCTAssertEqual(URLText.redacted("https://user:pw@host/x"), "https://(sensitive)@host/x")
    }

    func testJSONNodeRendersDeterministically() {
        let node = JSONNode.object([("b", .int(1)), ("a", .array([.string("x\"y"), .bool(true)]))])
        XCTAssertEqual(node.rendered(), "{\n  \"b\": 1,\n  \"a\": [\"x\\\"y\", true]\n}")
    }

    func testEveryBooleanSpellingReadsWhateverItsCase() {
        for text in ["yes", "YES", "Yes", "y", "Y", "true", "TRUE", "True", "on", "ON", "1"] {
            XCTAssertEqual(WireCodec.bool(.string(text)), true, text)
        }
        for text in ["no", "NO", "n", "N", "false", "FALSE", "off", "Off", "0"] {
            XCTAssertEqual(WireCodec.bool(.string(text)), false, text)
        }
        for text in ["", "yess", " yes", "tru", "falsey", "2", "nö", "oui"] {
            XCTAssertNil(WireCodec.bool(.string(text)), text)
        }
        XCTAssertEqual(WireCodec.bool(.bool(true)), true)
        XCTAssertEqual(WireCodec.bool(.int(0)), false)
        XCTAssertNil(WireCodec.bool(.null))
    }

    /// A list of objects and an object map by the table as flat fields do: each entry read
    /// by its own table's wire names (missing fields null when the object is read whole), and
    /// sent as given (a null as null), with the outer codec's spellings; a hooked one is left
    /// to the kind.
    func testNestedObjectsAndListsOfObjectsTravelByTheirTables() throws {
        let entry = ObjectSchema([.string("number", "", wire: "num"), .bool("active", "", wire: "status"), .integer("rings", nil, "", wire: "timeout")])
        let table = ObjectSchema([
            .string("name", "", wire: "ruleName"), .list("numbers", of: .object(entry), ListRules(), "", wire: "ruleNumbers"),
            .object("main", entry, "", wire: "primary"), .list("other", of: .object(entry), ListRules(), "", wire: "other"),
        ])
        let codec = WireCodec(table, booleans: .yN, hooked: ["other"])
        let wire = try JSONParser.parse(
            #"{"ruleName": "r", "ruleNumbers": [{"num": "1", "status": "Y", "timeout": 3}, {"num": "2"}], "primary": {"num": "9", "status": "N"}, "other": [{"num": "5"}]}"#
        )
        XCTAssertEqual(
            codec.decode(wire, missingIsNull: true),
            [
                "name": .string("r"),
                "numbers": .list([
                    .object(["number": .string("1"), "active": .bool(true), "rings": .int(3)]),
                    .object(["number": .string("2"), "active": .null, "rings": .null]),
                ]),
                "main": .object(["number": .string("9"), "active": .bool(false), "rings": .null]),
            ])
        let sent = codec.encode([
            "name": .string("r"), "numbers": .list([.object(["number": .string("1"), "active": .bool(true), "rings": .null])]),
            "main": .object(["number": .string("9")]), "other": .list([.object(["number": .string("5")])]),
        ])
        XCTAssertEqual(
            JSONNode.object(sent).compact,
            #"{"ruleName":"r","ruleNumbers":[{"num":"1","status":"Y","timeout":null}],"primary":{"num":"9"}}"#)
    }

    /// A Mermaid label shows the config's text as written: entities Mermaid would decode and
    /// HTML it would render are escaped, and so is a line break.
    func testAMermaidLabelShowsItsTextLiterally() {
        XCTAssertEqual(RouteMermaid.escape("a;b#35;c&amp; <b>x</b> \"q\"\nz"), "a;b#35;35;c#38;amp; #60;b#62;x#60;/b#62; #quot;q#quot; z")
        XCTAssertTrue(RouteMermaid.chart(number: "<1>", before: nil, after: nil).contains("([\"call #60;1#62;\"])"))
    }

    /// The codec takes each key by its place in the object before when it is the same key,
    /// and looks it up otherwise: objects whose keys change order, go missing or repeat read
    /// as each says.
    func testObjectsOfChangingLayoutsDecodeAsEachSays() throws {
        let codec = WireCodec(ObjectSchema([.string("name", "", wire: "name"), .integer("size", nil, "", wire: "size"), .bool("on", "", wire: "enabled")]))
        let page = try JSONParser.parse(
            #"""
            [{"id": 1, "name": "a", "size": 2, "enabled": true},
             {"id": 2, "name": "b", "size": 3, "enabled": false},
             {"id": 3, "enabled": true, "name": "c", "size": 4},
             {"id": 4, "name": "d"},
             {"id": 5, "name": "e", "name": "f", "size": 6, "enabled": true, "extra": 1},
             {"id": 6, "name": "g", "size": 7, "enabled": false}]
            """#)
        let decoded = try XCTUnwrap(page.array).map { codec.decode($0) }
        XCTAssertEqual(
            decoded,
            [
                ["name": .string("a"), "size": .int(2), "on": .bool(true)],
                ["name": .string("b"), "size": .int(3), "on": .bool(false)],
                ["name": .string("c"), "size": .int(4), "on": .bool(true)],
                ["name": .string("d")],
                ["name": .string("e"), "size": .int(6), "on": .bool(true)],
                ["name": .string("g"), "size": .int(7), "on": .bool(false)],
            ])
        XCTAssertEqual(
            codec.decode(.object([("name", .string("h")), ("enabled", .string("yes"))]), missingIsNull: true),
            ["name": .string("h"), "size": .null, "on": .bool(true)])
    }

    /// UTF-8 is checked eight ASCII bytes at a time: a bad byte is found wherever it falls
    /// in a word, after multi-byte characters too, and its line and column are the ones shown.
    func testTheFirstByteThatIsNotUTF8IsFoundWhereverItFalls() {
        for offset in 0..<24 {
            var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 24)
            bytes[offset] = 0xFF
            XCTAssertEqual(ConfigBytes.firstInvalidUTF8(bytes), offset)
            let after = Array("é\n".utf8) + bytes
            XCTAssertEqual(ConfigBytes.firstInvalidUTF8(after), offset + 3)
            XCTAssertEqual(ConfigBytes.invalid(after).map { [$0.line, $0.column, Int($0.byte)] }, [2, offset + 1, 0xFF])
        }
        XCTAssertNil(ConfigBytes.firstInvalidUTF8(Array(String(repeating: "ascii and ünïcödé 😀 ", count: 50).utf8)))
        XCTAssertEqual(ConfigBytes.firstInvalidUTF8(Array("abcdefghij".utf8) + [0xE2, 0x82]), 10, "a character cut short at the end")
        XCTAssertEqual(ConfigBytes.firstInvalidUTF8(Array("abcdefgh".utf8) + [0xED, 0xA0, 0x80]), 8, "a surrogate")
    }

    /// A file's bytes as they are: a regular file whole (larger than one read), one whose
    /// size stat does not give (of /proc), nothing for a folder or a missing file.
    func testAFileIsReadWhole() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("telform-bytes-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 * 7 + $0 / 256) }
        let file = folder.appendingPathComponent("big.yaml")
        try Data(bytes).write(to: file)
        XCTAssertEqual(ConfigBytes.contents(file.path), bytes)
        try Data().write(to: folder.appendingPathComponent("empty.yaml"))
        XCTAssertEqual(ConfigBytes.contents(folder.appendingPathComponent("empty.yaml").path), [])
        let status = try XCTUnwrap(ConfigBytes.contents("/proc/self/status"))
        XCTAssertTrue(String(decoding: status, as: UTF8.self).hasPrefix("Name:"))
        XCTAssertNil(ConfigBytes.contents(folder.path))
        XCTAssertNil(ConfigBytes.contents(folder.appendingPathComponent("none.yaml").path))
    }

    func testCommaListsTrimAsFoundationDoes() {
        for text in ["ulaw,alaw", " ulaw , alaw ", "\tulaw,\u{00A0}alaw\u{2003}", "ulaw,,  ,alaw", "", " , ", "g722 , ulaw\n"] {
            let expected = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            XCTAssertEqual(text.split(separator: ",").map(\.trimmingSpaces).filter { !$0.isEmpty }, expected, text.debugDescription)
        }
        XCTAssertEqual(
            WireCodec.value(.string(" ulaw , alaw "), .list(.string(StringRules()), ListRules()), emptyIsAbsent: false),
            .list([.string("ulaw"), .string("alaw")]))
    }
}
