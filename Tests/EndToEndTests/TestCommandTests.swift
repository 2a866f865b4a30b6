import Foundation
import XCTest

/// `telform test`: the shipped examples' routing tests pass against their files (and, after
/// apply, against the simulator's live state); a broken expectation fails with its position
/// and the actual route; a broken tests file is refused with positions.
final class TestCommandTests: XCTestCase {

    func testEveryExampleHasRoutingTestsThatPass() throws {
        let examples = try TelformProcess.freshExamples()
        let counts = ["vpbx": 4, "mtt": 5, "xivo": 2, "endpoints": 2, "mxproxy": 1, "telform": 3, "tour/telform": 2]
        for (config, count) in counts.sorted(by: { $0.key < $1.key }) {
            let outcome = try TelformProcess.run(["test", "-c", config + ".yaml"], directory: examples)
            XCTAssertEqual(outcome.status, 0, "\(config): \(outcome.stdout)\(outcome.stderr)")
            XCTAssertEqual(outcome.stdout.split(separator: "\n").filter { $0.hasPrefix("ok   ") }.count, count, config)
            XCTAssertTrue(outcome.stdout.hasSuffix("Tests: \(count) passed, 0 failed (the file's resources).\n"), outcome.stdout)
        }
        // Every example config has its tests file beside it.
        let configs = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".yaml") && !$0.hasSuffix(".tests.yaml") }
        XCTAssertEqual(Set(configs.map { String($0.dropLast(5)) }), Set(counts.keys.filter { !$0.contains("/") }))
    }

    func testABrokenExpectationFailsWithItsPositionAndTheRoute() throws {
        let examples = try TelformProcess.freshExamples()
        try """
        version: 1
        tests:
          - name: after hours reception rings, then voicemail
            call: "101"
            at: "sat 10:00"
            expect: [ring: "101", then: voicemail]
          - call: "102"
            at: "sat 10:00"
            expect: [then: "79161234568"]

        """.write(to: examples.appendingPathComponent("broken.tests.yaml"), atomically: true, encoding: .utf8)
        let outcome = try TelformProcess.run(["test", "-c", "endpoints.yaml", "--tests", "broken.tests.yaml"], directory: examples)
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(
            outcome.stdout,
            """
            FAIL broken.tests.yaml:3:5: 101 at sat 10:00 (after hours reception rings, then voicemail): expected ring 101, then voicemail: the route ends 79161234567
                   route: ring 101 (reception) for 20 s, then 79161234567; if busy: 102
            ok   broken.tests.yaml:7:5: 102 at sat 10:00
            Tests: 1 passed, 1 failed (the file's resources).

            """)
    }

    func testABrokenTestsFileIsRefusedWithPositions() throws {
        let examples = try TelformProcess.freshExamples()
        try "version: 1\ntests:\n  - {call: \"101\", at: \"noon\", expect: [rnig: \"101\"]}\n"
            .write(to: examples.appendingPathComponent("bad.tests.yaml"), atomically: true, encoding: .utf8)
        let outcome = try TelformProcess.run(["test", "-c", "endpoints.yaml", "--tests", "bad.tests.yaml"], directory: examples)
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.stdout, "")
        XCTAssertEqual(
            outcome.stderr,
            """
            bad.tests.yaml:3:23: error: tests[0].at: "noon" is not a moment: a week day or a date, then a time ('sat 10:00', '2026-01-01 10:00')
            bad.tests.yaml:3:40: error: tests[0].expect[0].rnig: unknown key; did you mean ring? (known: ring, seconds, play, then, busy, unreachable, one_of)
            telform: error: test: the tests file has errors; nothing was checked

            """)
        let missing = try TelformProcess.run(["test", "-c", "nothing.yaml"], directory: examples)
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(
            missing.stderr,
            "telform: error: test: cannot read the tests file nothing.tests.yaml (the default beside nothing.yaml; name another with --tests FILE)\n")
    }

    func testLiveStatePassesAfterApplyAndFailsBefore() throws {
        let examples = try TelformProcess.freshExamples()
        let before = try TelformProcess.run(["test", "-c", "xivo.yaml", "--live"], directory: examples)
        XCTAssertEqual(before.status, 1, before.stdout)
        XCTAssertTrue(
            before.stdout.contains(
                "FAIL xivo.tests.yaml:4:5: 0140000000 at mon 10:00 (the main number rings Alice, then Bob): no provider routes 0140000000\n"), before.stdout)
        XCTAssertEqual(try TelformProcess.run(["apply", "-c", "xivo.yaml", "--auto-approve", "-q"], directory: examples).status, 0)
        let after = try TelformProcess.run(["test", "-c", "xivo.yaml", "--live"], directory: examples)
        XCTAssertEqual(after.status, 0, after.stdout)
        XCTAssertTrue(after.stdout.hasSuffix("Tests: 2 passed, 0 failed (the live state).\n"), after.stdout)
    }

    func testWithProviderTheOtherProvidersTestsAreSkipped() throws {
        let examples = try TelformProcess.freshExamples()
        let outcome = try TelformProcess.run(["test", "-c", "telform.yaml", "--provider", "office"], directory: examples)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(
            outcome.stdout,
            """
            ok   telform.tests.yaml:4:5: 101 at mon 10:00 (reception rings 20 s, then the mobile)
            skip telform.tests.yaml:8:5: 201 at mon 10:00 (during office hours 201 is forwarded to 650): provider mts is not selected
            skip telform.tests.yaml:13:5: 201 at mon 19:00 (after hours 201 rings itself): no selected provider routes 201
            Tests: 1 passed, 0 failed, 2 skipped (the file's resources).

            """)
    }
}
