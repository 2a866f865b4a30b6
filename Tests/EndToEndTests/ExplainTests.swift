import Foundation
import XCTest

/// `telform explain` on the shipped examples: from the file (no network, no secret), at a
/// moment and over the week, and from the live state of the simulator.
final class ExplainTests: XCTestCase {

    func testEveryExampleExplainsItsNumbers() throws {
        let examples = try TelformProcess.freshExamples()
        let expected: [(String, String, String)] = [
            (
                "xivo.yaml", "0140000000",
                """
                0140000000: incall 0140000000@from-extern — xivo (xivo), as the file declares it
                  always: ring 1001 (Alice Martin) for 30 s, then 1002 (Bob)
                  note: schedule office (open mon-fri 08:00-12:00 14:00-18:00 Europe/Paris; closed: voicemail 1001) is attached to nothing the documented formats carry: not applied here

                """
            ),
            (
                "mtt.yaml", "74951345897",
                """
                74951345897: SIP account 74951345897 — mtt (mtt), as the file declares it
                  mon-fri 00:00-09:00 18:00-24:00, sat-sun all day: ring 79636793312 (Mobile) for 15 s, then not documented (what follows the last follow-me number)
                  mon-fri 09:00-18:00: ring 79684881033 for 15 s → 79636793312 (Mobile) for 15 s → 79161234568 for 15 s, then not documented (what follows the last follow-me number)
                  note: callers on the account's Global Black List (2 numbers) are rejected before anything else (ask with --from NUMBER)
                  note: follow-me periods are the platform's clock: the document names no time zone

                """
            ),
            (
                "endpoints.yaml", "101",
                """
                101: endpoint reception — office (endpoints), as the file declares it
                  always: ring 101 (reception) for 20 s, then 79161234567; if busy: 102

                """
            ),
            (
                "mxproxy.yaml", "self",
                """
                self: the logged-in user (call_mode) — mx (mxproxy), as the file declares it
                  always: ring 79031744445 (remote device) for 30 s (after 1 s), then voicemail

                """
            ),
            (
                "vpbx.yaml", "202",
                """
                202: user 202 — mts (vpbx), as the file declares it
                  always: ring 202 for 4 rings, then 500; if busy: 79161234567; if unreachable: 79161234567

                """
            ),
        ]
        for (file, number, text) in expected {
            let outcome = try TelformProcess.run(["explain", number, "-c", file], directory: examples)
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            XCTAssertEqual(outcome.stdout, text, file)
            XCTAssertEqual(outcome.stderr, "", file)
        }
        // Nothing was read: no simulator state appeared.
        XCTAssertFalse(FileManager.default.fileExists(atPath: examples.appendingPathComponent(".telform").path))
    }

    func testAtAMomentWithReasonsAndACaller() throws {
        let examples = try TelformProcess.freshExamples()
        let saturday = try TelformProcess.run(["explain", "74951345897", "-c", "mtt.yaml", "--at", "sat 11:00"], directory: examples)
        XCTAssertEqual(saturday.status, 0, saturday.stderr)
        XCTAssertEqual(
            saturday.stdout,
            """
            74951345897 at sat 11:00: SIP account 74951345897 — mtt (mtt), as the file declares it
              ring 79636793312 (Mobile) for 15 s, then not documented (what follows the last follow-me number)
                because follow-me entry 2 (79636793312) holds: always
              note: callers on the account's Global Black List (2 numbers) are rejected before anything else (ask with --from NUMBER)
              note: follow-me periods are the platform's clock: the document names no time zone

            """)
        let blocked = try TelformProcess.run(
            ["explain", "74951345898", "-c", "mtt.yaml", "--at", "mon 10:00", "--from", "79266966166", "--format", "json"], directory: examples)
        XCTAssertEqual(blocked.status, 0, blocked.stderr)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(blocked.stdout.utf8)) as? [String: Any])
        let explanation = try XCTUnwrap((document["explanations"] as? [[String: Any]])?.first)
        XCTAssertEqual(explanation["route"] as? [String: String], ["reject": "caller 79266966166 is on the account's Global Black List"])
        XCTAssertEqual(explanation["at"] as? String, "mon 10:00")
        XCTAssertEqual(explanation["source"] as? String, "file")
        // A holiday, given as a date, keeps the schedule from firing.
        let holiday = try TelformProcess.run(["explain", "201", "-c", "vpbx.yaml", "--at", "2026-01-01 10:00"], directory: examples)
        XCTAssertEqual(holiday.status, 0, holiday.stderr)
        XCTAssertTrue(
            holiday.stdout.contains("    because rule \"After hours\" waits for schedule office-hours (mon-fri 09:00-18:00, sat all day)\n"), holiday.stdout)
        XCTAssertFalse(holiday.stdout.contains("650"), holiday.stdout)
    }

    func testUnknownNumbersAndMomentsAreErrors() throws {
        let examples = try TelformProcess.freshExamples()
        let unknown = try TelformProcess.run(["explain", "203", "-c", "vpbx.yaml"], directory: examples)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertEqual(unknown.stdout, "")
        XCTAssertEqual(unknown.stderr, "telform: error: explain: no provider routes 203; did you mean 201? (numbers routed: 201, 202)\n")
        let moment = try TelformProcess.run(["explain", "201", "-c", "vpbx.yaml", "--at", "someday"], directory: examples)
        XCTAssertEqual(moment.status, 1)
        XCTAssertEqual(
            moment.stderr,
            "telform: error: explain: --at someday: expected a week day or a date, then a time: 'sat 10:00', 'monday 09:30', '2026-01-01 10:00'\n")
        let missing = try TelformProcess.run(["explain", "-c", "vpbx.yaml"], directory: examples)
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "telform: error: explain: which number? usage: telform explain NUMBER [--at 'sat 10:00'] [--live]\n")
    }

    /// A rule naming a schedule the file does not declare (it may be a live preset): the file
    /// alone cannot say where the call goes, so explain and test say so and exit 1.
    func testAnUndeclaredReferenceIsAnErrorFromTheFile() throws {
        let dir = try TelformProcess.scratch()
        try """
        version: 1
        providers:
          mts:
            type: vpbx
            url: sim://mts
            find_me:
              - user: "201"
                rules:
                  - {name: After hours, type: redirect, always: "650", schedule: after-hourz}
            schedules:
              - {name: after-hours, abonent: "201", work_days: [{days: mon-fri, from: "09:00", to: "18:00"}]}
        """.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        try "version: 1\ntests:\n  - {call: \"201\", at: \"sat 10:00\", expect: [ring: \"650\"]}\n".write(
            to: dir.appendingPathComponent("telform.tests.yaml"), atomically: true, encoding: .utf8)
        let warning =
            #"telform.yaml:9:74: warning: providers.mts.find_me[0].rules[0].schedule: schedule "after-hourz" is not declared for abonent 201 or a group; did you mean "after-hours"? (plan will look for it live, a preset schedule, and fail if it exists nowhere)"#
        for command in ["explain", "test"] {
            let outcome = try TelformProcess.run(command == "explain" ? ["explain", "201"] : ["test"], directory: dir)
            XCTAssertEqual(outcome.status, 1, command)
            XCTAssertEqual(outcome.stdout, "", command)
            XCTAssertEqual(
                outcome.stderrLines,
                [
                    warning,
                    "telform: error: \(command): the file names an object it does not declare (above), so it cannot tell where calls go; declare it, or read the live state: telform \(command) --live",
                ], command)
        }
    }

    func testLiveExplanationMatchesTheFileAfterApply() throws {
        let examples = try TelformProcess.freshExamples()
        // The seed has its own rules for 201: an old forward during lunch.
        let before = try TelformProcess.run(["explain", "201", "-c", "vpbx.yaml", "--live", "--at", "tue 13:30"], directory: examples)
        XCTAssertEqual(before.status, 0, before.stderr)
        XCTAssertTrue(before.stdout.hasPrefix("201 at tue 13:30: user 201 — mts (vpbx), as the platform has it now\n"), before.stdout)
        XCTAssertTrue(before.stdout.contains("or [650 (forwarded always)]"), before.stdout)
        let apply = try TelformProcess.run(["apply", "-c", "vpbx.yaml", "--auto-approve", "-q"], directory: examples)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        let live = try TelformProcess.run(["explain", "201", "-c", "vpbx.yaml", "--live"], directory: examples)
        let file = try TelformProcess.run(["explain", "201", "-c", "vpbx.yaml"], directory: examples)
        XCTAssertEqual(live.status, 0, live.stderr)
        XCTAssertEqual(live.stdout.replacingOccurrences(of: "as the platform has it now", with: "as the file declares it"), file.stdout)
        XCTAssertTrue(file.stdout.contains("  mon-fri 09:00-18:00, sat all day: one of: "), file.stdout)
        // The endpoints API never returns an extension: a declared endpoint keeps the file's,
        // as the plan assumes; premedia prompts show the file's name and the platform's.
        for (config, number) in [("endpoints.yaml", "101"), ("mtt.yaml", "74951345898")] {
            XCTAssertEqual(try TelformProcess.run(["apply", "-c", config, "--auto-approve", "-q"], directory: examples).status, 0)
            let live = try TelformProcess.run(["explain", number, "-c", config, "--live"], directory: examples)
            XCTAssertEqual(live.status, 0, live.stderr)
            XCTAssertEqual(
                live.stdout.split(separator: "\n").dropFirst().first.map(String.init),
                number == "101"
                    ? "  always: ring 101 (reception) for 20 s, then 79161234567; if busy: 102"
                    : "  always: play welcome (welcome-57577419.mp3) to the caller, then play closed (TTS_closed-8a5b73aa.mp3) to the called party, then ring 79684881033 (Office) for 20 s, then not documented (what follows the last number of a premedia forward)"
            )
        }
    }
}
