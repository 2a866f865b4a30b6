import Foundation
import XCTest

/// Bad bytes in the config are errors at their place, never repaired and planned.
final class InputBytesTests: XCTestCase {
    func validate(_ files: [String: [UInt8]], _ arguments: [String] = ["validate"], stdin: String? = nil) throws -> TelformProcess.Outcome {
        let dir = try TelformProcess.scratch()
        for (name, bytes) in files {
            try Data(bytes).write(to: dir.appendingPathComponent(name))
        }
        return try TelformProcess.run(arguments, stdin: stdin, directory: dir)
    }

    let head = Array("version: 1\nproviders:\n  office:\n    type: endpoints\n    url: sim://office\n".utf8)

    func testInvalidUTF8AndControlCharactersArePlacedAtTheirByte() throws {
        let invalid = try validate(["telform.yaml": head + Array("    tenant: \"ac".utf8) + [0xFF] + Array("me\"\n".utf8)])
        XCTAssertEqual(invalid.status, 1)
        XCTAssertEqual(
            invalid.stderrLines,
            [
                "telform.yaml:6:16: error: (document): invalid UTF-8 (byte 0xFF); save the file as UTF-8",
                "telform.yaml: 1 error, 0 warnings",
            ])
        // Column counts characters: "é" is two bytes, one column.
        let control = try validate(["telform.yaml": head + Array("    tenant: \"é".utf8) + [0x01] + Array("\"\n".utf8)])
        XCTAssertEqual(control.stderrLines, ["telform.yaml:6:15: error: yaml: control characters are not allowed", "telform.yaml: 1 error, 0 warnings"])
        let overlong = try validate(["telform.yaml": head + Array("    tenant: \"a".utf8) + [0xC0, 0xAF] + Array("\"\n".utf8)])
        XCTAssertEqual(overlong.stderrLines.first, "telform.yaml:6:15: error: (document): invalid UTF-8 (byte 0xC0); save the file as UTF-8")
    }

    func testFileInterpolationKeepsTheLastCharacterAndRefusesWhatIsNotAFile() throws {
        let config =
            head
            + Array(
                """
                    tenant: acme
                    token: ${file:token.txt}
                    endpoints:
                      - {name: desk, extension: "100", password: "${file:password.txt}", language: "${file:.}"}

                """.utf8)
        let outcome = try validate(["telform.yaml": config, "token.txt": Array("tok-en\r\n".utf8), "password.txt": Array("Abcdefghij0123456789\r\n".utf8)])
        XCTAssertEqual(outcome.status, 1)
        // The CRLF-ended password keeps its 20 characters (it would be 19, and refused, otherwise).
        XCTAssertEqual(
            outcome.stderrLines,
            [
                "telform.yaml:9:84: error: providers.office.endpoints[0].language: ${file:.} names a directory, not a file",
                "telform.yaml: 1 error, 0 warnings",
            ])
    }

    func testNumbersPastTheRangeSelfIncludesAndOversizedInput() throws {
        let range = try validate(["telform.yaml": Array("version: 1\npolicy: {parallelism: 9223372036854775808}\nproviders: {}\n".utf8)])
        XCTAssertTrue(
            range.stderrLines.contains("telform.yaml:2:23: error: policy.parallelism: 9223372036854775808 is out of range; allowed: 1..64"), range.stderr)
        for spelling in ["telform.yaml", "./telform.yaml", "../$DIR/telform.yaml"] {
            let dir = try TelformProcess.scratch()
            let include = spelling.replacingOccurrences(of: "$DIR", with: dir.lastPathComponent)
            try "version: 1\ninclude: [\"\(include)\"]\nproviders: {}\n".write(
                to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
            let outcome = try TelformProcess.run(["validate"], directory: dir)
            XCTAssertEqual(outcome.status, 1)
            XCTAssertTrue(outcome.stderrLines.contains("telform.yaml:2:11: error: include: \"\(include)\" includes the root file itself"), outcome.stderr)
        }
        let big = try validate([:], ["validate", "-c", "-"], stdin: String(repeating: "# padding\n", count: (16 << 20) / 10 + 10))
        XCTAssertEqual(
            big.stderrLines, ["<stdin>:1:1: error: (document): standard input holds more than 16 MiB, the most -c - reads", "<stdin>: 1 error, 0 warnings"])
    }
}
