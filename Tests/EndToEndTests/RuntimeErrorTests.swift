import Foundation
import XCTest

/// Runtime failures name the call and the setting to fix: the method and URL (no
/// credentials in it), the status and the platform's message, and the position of the
/// credential or the url in the file.
final class RuntimeErrorTests: XCTestCase {
    func testAWrongTokenPointsAtTheTokenSetting() throws {
        let server = try SimServer()
        defer { server.stop() }
        let dir = try SimConfigs.folder(SimConfigs.endpoints(server.endpointsURL, token: "${env:OFFICE_TOKEN}", "    endpoints: []"))
        let plan = try TelformProcess.run(["plan"], environment: ["OFFICE_TOKEN": "Tok3nThatIsNotKnown"], directory: dir)
        XCTAssertEqual(plan.status, 1)
        XCTAssertEqual(
            plan.stderrLines,
            [
                "telform: error: office/endpoints: reading failed: Invalid token (HTTP 401)",
                "  call: GET \(server.endpointsURL)/api/organizations/acme/endpoints/?skip=0&limit=100 -> HTTP 401",
                "  the server refused the credentials; check telform.yaml:7:12: providers.office.token (${env:OFFICE_TOKEN})",
            ])
        XCTAssertFalse(plan.stdout.contains("Tok3nThatIsNotKnown") || plan.stderr.contains("Tok3nThatIsNotKnown"))
    }

    func testATokenWrittenInTheFileIsNeverShownInTheLead() throws {
        let server = try SimServer()
        defer { server.stop() }
        let dir = try SimConfigs.folder(SimConfigs.endpoints(server.endpointsURL, token: "LiteralTok3nInTheFile", "    endpoints: []"))
        let plan = try TelformProcess.run(["plan"], directory: dir)
        XCTAssertEqual(plan.status, 1)
        XCTAssertEqual(plan.stderrLines.last, "  the server refused the credentials; check telform.yaml:7:12: providers.office.token (written in the file)")
        XCTAssertFalse((plan.stdout + plan.stderr).contains("LiteralTok3nInTheFile"))
    }

    func testA404OnTheFirstReadPointsAtTheURL() throws {
        let server = try SimServer()
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/endpoint"
        let dir = try SimConfigs.folder(SimConfigs.endpoints(url, "    endpoints: []"))
        let plan = try TelformProcess.run(["plan"], directory: dir)
        XCTAssertEqual(plan.status, 1)
        XCTAssertEqual(
            Array(plan.stderrLines.dropFirst()),
            [
                "telform: error: office/endpoints: reading failed: no simulator at /endpoint; serving /endpoints, /mtt, /mxproxy, /vpbx, /xivo (HTTP 404)",
                "  call: GET \(url)/api/organizations/acme/endpoints/?skip=0&limit=100 -> HTTP 404",
                "  a 404 on a read: the url may carry a wrong path; check telform.yaml:5:10: providers.office.url (\(url))",
            ])
    }

    func testAnApplyFailureShowsItsCall() throws {
        let faulty = try SimServer(
            faults: "p500=1,method=POST",
            states: [
                "xivo": """
                {"credentials": [{"username": "ws", "password": "ws-secret"}], "users": [], "groups": [], "queues": []}
                """
            ])
        defer { faulty.stop() }
        let dir = try SimConfigs.folder(
            SimConfigs.xivo(
                port: faulty.port,
                """
                    parking_lots:
                      - {name: lot1, context: default, extension: "700", positions: 10}
                """))
        let apply = try TelformProcess.run(["apply", "--auto-approve"], environment: ["XIVO_PASSWORD": "ws-secret"], directory: dir)
        XCTAssertEqual(apply.status, 1)
        XCTAssertEqual(
            Array(apply.stderrLines.suffix(2)),
            [
                "  xivo/parking_lots/lot1: add parkinglot: internal error: {\"detail\":\"simulated fault: Internal Server Error\"} (HTTP 500)",
                "  call: POST http://127.0.0.1:\(faulty.port)/xivo/service/ipbx/json.php/restricted/pbx_services/parkinglot?act=add -> HTTP 500",
            ])
    }

    /// A schedule a redirect rule names that neither the file nor the platform has: a plan error
    /// at its position, with the nearest name over declared and live schedules.
    func testAMissingScheduleIsAPositionedPlanErrorWithASuggestion() throws {
        let dir = try TelformProcess.scratch()
        let examples = TelformProcess.packageRoot.appendingPathComponent("examples")
        try FileManager.default.copyItem(at: examples.appendingPathComponent("seeds"), to: dir.appendingPathComponent("seeds"))
        let text = try String(contentsOf: examples.appendingPathComponent("vpbx.yaml"), encoding: .utf8)
        XCTAssertTrue(text.contains("schedule: office-hours   #"))
        try text.replacingOccurrences(of: "schedule: office-hours   #", with: "schedule: ofice-hours   #")
            .write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let plan = try TelformProcess.run(["plan"], directory: dir)
        XCTAssertEqual(plan.status, 1)
        XCTAssertEqual(
            plan.stderrLines.last,
            #"telform: error: mts/find_me/201/redirect/After hours: telform.yaml:43:23: providers.mts.find_me[0].rules[2].schedule: schedule "ofice-hours" exists nowhere: not declared for abonent 201 or a group, and not live; did you mean "office-hours"?"#
        )
    }

    /// VPBX refuses to delete a schedule a rule still uses; when that rule belongs to a user the
    /// file does not declare, telform cannot order it, and says what lifts the refusal.
    func testAScheduleStillUsedByAnUndeclaredUsersRuleSaysHowToFixIt() throws {
        let dir = try TelformProcess.scratch()
        let seedURL = TelformProcess.packageRoot.appendingPathComponent("examples/seeds/mts.json")
        var seed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: seedURL)) as? [String: Any])
        var schedules = seed["schedules"] as? [[String: Any]] ?? []
        schedules.append([
            "recordId": 1400, "name": "weekend", "notBeRemoved": false, "type": "group", "ownerId": 10,
            "workDaysRules": [
                [
                    "startTime": NSNull(), "endTime": NSNull(), "allDayEvent": true, "monday": false, "tuesday": false,
                    "wednesday": false, "thursday": false, "friday": false, "saturday": true, "sunday": true,
                ]
            ],
            "holidaysRules": [], "excludedDaysRules": [],
        ])
        seed["schedules"] = schedules
        var findMe = seed["findMe"] as? [String: [String: [[String: Any]]]] ?? [:]
        findMe["1737"]?["redirectRules"]?[0]["scheduleId"] = 1400  // abonent 203, not in the file
        seed["findMe"] = findMe
        try JSONSerialization.data(withJSONObject: seed).write(to: dir.appendingPathComponent("seed.json"))
        try """
        version: 1
        providers:
          mts:
            type: vpbx
            url: sim://mts
            sim_seed: seed.json
            schedules:
              - {name: support-shift, group: Support, work_days: [{days: all, from: "08:00", to: "20:00"}]}
        """.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let apply = try TelformProcess.run(["apply", "--auto-approve"], directory: dir)
        XCTAssertEqual(apply.status, 1)
        XCTAssertTrue(
            apply.stderrLines.contains(
                #"[1/2] mts/schedules/group:Support/weekend: delete FAILED: Schedule "weekend" is used by find-me rule "Vera's own" of abonent 1737 (HTTP 400); if a find-me rule of a user this file does not declare still uses the schedule, declare that user's find_me (its rules are then planned before the delete) or set prune: {schedules: false} on provider mts"#
            ), apply.stderr)
        XCTAssertEqual(apply.stderrLines.last(where: { $0.hasPrefix("Apply:") }), "Apply: 0 succeeded, 1 failed, 1 skipped.")
    }
}
