import Foundation
import XCTest

@testable import TelformCore

final class InterpolatorTests: XCTestCase {
    func testEnvironmentReferencesExpand() {
        let i = Interpolator(baseDirectory: ".", environment: ["A": "1", "B": "two"])
        XCTAssertEqual(i.expand("x${env:A}y${env:B}").text, "x1ytwo")
        XCTAssertTrue(i.expand("${env:A}").interpolated)
        XCTAssertFalse(i.expand("plain").interpolated)
    }

    func testUnsetVariablesAreListedAllAtOnce() {
        let outcome = Interpolator(baseDirectory: ".", environment: [:]).expand("${env:X}-${env:Y}")
        XCTAssertNil(outcome.text)
        XCTAssertEqual(outcome.unresolved, ["env:X", "env:Y"])
    }

    func testDoubleDollarIsALiteral() {
        XCTAssertEqual(Interpolator(baseDirectory: ".", environment: [:]).expand("cost $${env:X}").text, "cost ${env:X}")
    }

    func testMalformedReferencesAreErrors() {
        let i = Interpolator(baseDirectory: ".", environment: [:])
        XCTAssertEqual(i.expand("${vault:x}").errors, ["unknown source \"vault\" in \"${vault:x}\"; write ${env:NAME} or ${file:PATH}"])
        XCTAssertEqual(i.expand("${env:}").errors, ["\"${env:}\" is missing its name"])
        XCTAssertEqual(i.expand("${env:A").errors, ["unclosed \"${\"; write ${env:NAME} or ${file:PATH} (or $${ for a literal)"])
    }

    func testFileReferenceIsRelativeToTheWritingFileAndDropsOneNewline() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("interp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "s3cret\n\n".write(to: dir.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
        let i = Interpolator(baseDirectory: "/nonexistent", environment: [:])
        XCTAssertEqual(i.expand("${file:pw}", directory: dir.path).text, "s3cret\n")
        XCTAssertEqual(i.expand("${file:missing}", directory: dir.path).unresolved, ["file:missing"])
    }
}
