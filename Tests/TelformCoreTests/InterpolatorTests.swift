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
        let i = Interpolator(baseDirectory: dir.path, environment: [:])
        XCTAssertEqual(i.expand("${file:pw}", directory: dir.path).text, "s3cret\n")
        XCTAssertEqual(i.expand("${file:missing}", directory: dir.path).unresolved, ["file:missing"])
    }

    /// A file is read only below the root config's folder (symlinks resolved), or a folder
    /// allowed: not by an absolute path, `..` or a link out of it.
    func testFilesAreReadOnlyInsideTheConfigsFolder() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("interp-\(UUID().uuidString)")
        let config = base.appendingPathComponent("config")
        let other = base.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: config.appendingPathComponent("teams"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try "in".write(to: config.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
        try "out".write(to: other.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: config.appendingPathComponent("link").path, withDestinationPath: other.appendingPathComponent("pw").path)
        var i = Interpolator(baseDirectory: config.path, environment: [:])
        let real = Interpolator.resolved(config.path)
        XCTAssertEqual(i.expand("${file:../pw}", directory: config.appendingPathComponent("teams").path).text, "in", "an include's .. that stays inside")
        for reference in ["${file:../other/pw}", "${file:\(other.path)/pw}", "${file:link}", "${file:/etc/hostname}"] {
            XCTAssertEqual(
                i.expand(reference, directory: config.path).errors,
                ["\(reference) is outside the config's folder (\(real)); a config reads files only there, or in a folder policy.file_roots names"],
                reference)
        }
        i.allow("../other")
        XCTAssertEqual(i.expand("${file:../other/pw}", directory: config.path).text, "out")
        XCTAssertEqual(i.expand("${file:link}", directory: config.path).text, "out")
    }
}
