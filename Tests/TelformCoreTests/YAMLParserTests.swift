import XCTest

@testable import TelformCore

final class YAMLParserTests: XCTestCase {
    func parse(_ text: String) -> (YAMLNode?, [String]) {
        let (root, diagnostics) = YAMLParser(file: "t.yaml").parse(text)
        return (root, diagnostics.map(\.description))
    }

    func testEveryNodeKeepsItsLineAndColumn() throws {
        let (root, diagnostics) = parse("a: 1\nb:\n  - x\n  - {c: d}\n")
        XCTAssertEqual(diagnostics, [])
        let b = try XCTUnwrap(root?["b"])
        XCTAssertEqual(b.mark, Mark(file: "t.yaml", line: 3, column: 3))
        XCTAssertEqual(b.items?[0].mark, Mark(file: "t.yaml", line: 3, column: 5))
        XCTAssertEqual(b.items?[1]["c"]?.mark, Mark(file: "t.yaml", line: 4, column: 9))
        XCTAssertEqual(root?.pairs?[1].keyMark, Mark(file: "t.yaml", line: 2, column: 1))
    }

    func testColumnsCountCharactersNotBytes() {
        let (root, _) = parse("имя: значение\n")
        XCTAssertEqual(root?["имя"]?.mark.column, 6)
    }

    func testScalarsKeepTheirLiteralTextAndStyle() {
        let (root, _) = parse("a: 007\nb: \"007\"\nc: ~\nd: \"\"\ne:\nf: |\n  text\n")
        XCTAssertEqual(root?["a"]?.scalar, "007")
        XCTAssertTrue(root?["a"]?.isPlainScalar ?? false)
        XCTAssertEqual(root?["b"]?.scalar, "007")
        XCTAssertFalse(root?["b"]?.isPlainScalar ?? true)
        XCTAssertTrue(root?["c"]?.isNull ?? false)
        XCTAssertFalse(root?["d"]?.isNull ?? true)
        XCTAssertTrue(root?["e"]?.isNull ?? false)
        XCTAssertEqual(root?["f"]?.scalar, "text\n")
    }

    func testAliasRepeatsTheAnchoredNode() {
        let (root, diagnostics) = parse("base: &b {x: 1}\ncopy: *b\n")
        XCTAssertEqual(diagnostics, [])
        XCTAssertEqual(root?["copy"]?["x"]?.scalar, "1")
        XCTAssertEqual(root?["copy"]?["x"]?.mark, Mark(file: "t.yaml", line: 1, column: 14))
    }

    func testMergeKeyAddsMissingKeysAndExplicitKeysWin() {
        let (root, diagnostics) = parse("d: &d {a: 1, b: 2}\nm:\n  <<: *d\n  b: 3\n")
        XCTAssertEqual(diagnostics, [])
        XCTAssertEqual(root?["m"]?.pairs?.map(\.key), ["b", "a"])
        XCTAssertEqual(root?["m"]?["a"]?.scalar, "1")
        XCTAssertEqual(root?["m"]?["b"]?.scalar, "3")
    }

    func testMergeOfAListTakesEarlierMapsFirst() {
        let (root, _) = parse("x: &x {a: 1}\ny: &y {a: 2, b: 2}\nm:\n  <<: [*x, *y]\n")
        XCTAssertEqual(root?["m"]?["a"]?.scalar, "1")
        XCTAssertEqual(root?["m"]?["b"]?.scalar, "2")
    }

    func testMergeOfAScalarIsAnError() {
        let (_, diagnostics) = parse("m:\n  <<: 5\n")
        XCTAssertEqual(diagnostics, ["t.yaml:2:7: error: yaml: << merges a mapping or a list of mappings, not a scalar"])
    }

    func testDuplicateKeyIsReportedAtTheSecondWithTheFirst() {
        let (_, diagnostics) = parse("a: 1\nb: 2\na: 3\n")
        XCTAssertEqual(diagnostics, ["t.yaml:3:1: error: yaml: duplicate key \"a\" (first at line 1, column 1)"])
    }

    func testDuplicateKeysAndMergesInALargeMapping() {
        // Past 16 keys the seen keys are indexed: the same answers as below it.
        let keys = (1...20).map { "  k\($0): \($0)" }.joined(separator: "\n")
        let (root, diagnostics) = parse("base: &b {k3: 0, extra: 1}\nmap:\n  <<: *b\n" + keys + "\n  k18: again\n")
        XCTAssertEqual(diagnostics, ["t.yaml:24:3: error: yaml: duplicate key \"k18\" (first at line 21, column 3)"])
        let map = root?["map"]
        XCTAssertEqual(map?.pairs?.count, 21, "20 keys and the merged extra; the merged k3 loses to the explicit one")
        XCTAssertEqual(map?["k3"]?.scalar, "3")
        XCTAssertEqual(map?["extra"]?.scalar, "1")
    }

    func testSecondDocumentIsAnError() {
        let (root, diagnostics) = parse("a: 1\n---\nb: 2\n")
        XCTAssertEqual(diagnostics, ["t.yaml:2:1: error: yaml: a second YAML document; telform reads one document per file (split it into an include instead)"])
        XCTAssertEqual(root?["a"]?.scalar, "1")
        XCTAssertNil(root?["b"])
    }

    func testSyntaxErrorCarriesLibyamlsMessageAndPosition() {
        let (_, diagnostics) = parse("a: [1, 2\nb: 3\n")
        XCTAssertEqual(diagnostics.count, 1)
        XCTAssertTrue(diagnostics[0].hasPrefix("t.yaml:2:2: error: yaml: did not find expected ',' or ']'"), diagnostics[0])
    }

    func testUnknownAliasIsAnError() {
        let (_, diagnostics) = parse("a: *nope\n")
        XCTAssertEqual(diagnostics, ["t.yaml:1:4: error: yaml: alias *nope names no anchor defined before it"])
    }

    /// A large file: nodes, marks, anchors, tags and errors as for a small one, far down it.
    func largeDocument(items: Int) -> String {
        var text = "base: &b {x: \"1\"}\ntagged: !!str 5\ncopy: *b\nitems:\n"
        for index in 0..<items { text += "  - {name: n\(index), q: \"é\(index)\"}\n" }
        return text
    }

    func testALargeFileKeepsEveryNodeAndMark() throws {
        let text = largeDocument(items: 5000) + "tail: [1, 2]\n"
        let (root, diagnostics) = parse(text)
        XCTAssertEqual(diagnostics, [])
        XCTAssertEqual(root?["copy"]?["x"]?.scalar, "1")
        XCTAssertEqual(root?["copy"]?["x"]?.mark, Mark(file: "t.yaml", line: 1, column: 14))
        XCTAssertEqual(root?["tagged"]?.scalar, "5")
        XCTAssertNil(root?["tagged"]?.tag)
        let items = try XCTUnwrap(root?["items"]?.items)
        XCTAssertEqual(items.count, 5000)
        XCTAssertEqual(items[4321]["q"]?.scalar, "é4321")
        XCTAssertFalse(items[4321]["q"]?.isPlainScalar ?? true)
        XCTAssertEqual(items[4321]["q"]?.mark, Mark(file: "t.yaml", line: 4326, column: 22))
        XCTAssertEqual(root?["tail"]?.items?.map(\.scalar), ["1", "2"])
        XCTAssertEqual(root?.pairs?.last?.keyMark, Mark(file: "t.yaml", line: 5005, column: 1))
    }

    func testALargeFilesErrorsKeepTheirPlaces() {
        let (_, syntax) = parse(largeDocument(items: 5000) + "bad: [1, 2\nnext: 3\n")
        XCTAssertEqual(syntax.count, 1)
        XCTAssertTrue(syntax[0].hasPrefix("t.yaml:5006:5: error: yaml: did not find expected ',' or ']'"), syntax[0])
        let (_, control) = parse(largeDocument(items: 5000) + "bad: a\u{01}b\n")
        XCTAssertEqual(control, ["t.yaml:5005:7: error: yaml: control characters are not allowed"])
        let (root, alias) = parse(largeDocument(items: 5000) + "more: *nope\n")
        XCTAssertEqual(alias, ["t.yaml:5005:7: error: yaml: alias *nope names no anchor defined before it"])
        XCTAssertEqual(root?["items"]?.items?.count, 5000)
    }

    func testEmptyTextHasNoRoot() {
        let (root, diagnostics) = parse("")
        XCTAssertNil(root)
        XCTAssertEqual(diagnostics, [])
    }
}
