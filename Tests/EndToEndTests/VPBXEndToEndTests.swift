import Foundation
import XCTest

/// The vpbx platform end to end: the built binary against `telform sim serve` over HTTP.
final class VPBXEndToEndTests: XCTestCase {
    let environment = ["MTS_TOKEN": "sim-vpbx-token"]

    /// Abonents 201 (group Support) and 203 (Support, never declared), a preset schedule, 203's own rule.
    let seed = """
        {"tokens": ["sim-vpbx-token"],
         "groups": [{"id": 10, "name": "Support", "parentId": null}],
         "abonents": [{"userId": 1735, "extension": "201", "groupId": 10}, {"userId": 1737, "extension": "203", "groupId": 10}],
         "schedules": [
           {"recordId": 1348, "name": "preset", "notBeRemoved": true, "type": "abonent", "ownerId": 1735, "workDaysRules": [], "holidaysRules": [], "excludedDaysRules": []},
           {"recordId": 1349, "name": "vera", "notBeRemoved": false, "type": "abonent", "ownerId": 1737, "workDaysRules": [], "holidaysRules": [], "excludedDaysRules": []}],
         "findMe": {"1737": {"parallelRules": [], "sequentialRules": [], "redirectRules": [
           {"id": 1300, "ruleName": "mine", "calledNumber": null, "alwaysRedirect": "650", "ifBusyRedirect": "", "ifNoAnswerRedirect": "",
            "ifNoAnswerTimeout": "", "ifNoAccessRedirect": "", "conditional": "", "scheduleId": null}]}}}
        """

    func config(_ url: String, schedules: String, rules: String) -> String {
        """
        version: 1
        providers:
          mts:
            type: vpbx
            url: \(url)
            token: ${env:MTS_TOKEN}
            schedules:
        \(schedules)
            find_me:
              - user: "201"
                rules:
        \(rules)
        """
    }

    func run(_ dir: URL, _ arguments: [String]) throws -> TelformProcess.Outcome {
        try TelformProcess.run(arguments, environment: environment, directory: dir)
    }

    func write(_ text: String, to dir: URL) throws {
        try text.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
    }

    /// The mutating calls received since `from`, without statuses.
    func writes(_ server: SimServer, from: Int) throws -> [String] {
        try server.requests().dropFirst(from).filter { !$0.hasPrefix("GET") }.map { String($0.split(separator: " ").dropLast().joined(separator: " ")) }
    }

    func testCreateUpdateDeleteAndConvergenceOfEveryKindWithOrderingBothWays() throws {
        let server = try SimServer(states: ["vpbx": seed])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        let schedules = """
                  - {name: office-hours, abonent: "201", work_days: [{days: mon-fri, from: "09:00", to: "18:00"}], holidays: ["2026-01-01"]}
                  - {name: shift, group: Support, work_days: [{days: [sat, sun], all_day: true}], extra_workdays: [{date: "2026-01-10", from: "10:00", to: "16:00"}]}
            """
        let rules = """
                      - {name: Desk, type: parallel, numbers: [{number: "003", name: Desk}, {number: "79161234567", active: false}]}
                      - {name: Hunt, type: sequential, continue_if_busy: true, numbers: [{number: "003", rings: 3}, {number: "500", rings: 5}]}
                      - {name: After hours, type: redirect, always: "650", no_answer_rings: 4, schedule: office-hours}
            """
        try write(config(server.vpbxURL, schedules: schedules, rules: rules), to: dir)
        var mark = try server.requests().count
        let first = try run(dir, ["apply", "--auto-approve"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stderrLines.last, "Apply: 5 succeeded, 0 failed, 0 skipped.")
        let created = try writes(server, from: mark)
        XCTAssertEqual(
            Set(created),
            [
                "POST /vpbx/api/schedules/abonent/1735", "POST /vpbx/api/schedules/group/10",
                "POST /vpbx/api/findMe/1735/parallel", "POST /vpbx/api/findMe/1735/sequential",
                "POST /vpbx/api/findMe/1735/redirect",
            ])
        // The schedule a redirect rule names is created before the rule.
        XCTAssertLessThan(
            try XCTUnwrap(created.firstIndex(of: "POST /vpbx/api/schedules/abonent/1735")),
            try XCTUnwrap(created.firstIndex(of: "POST /vpbx/api/findMe/1735/redirect")))
        XCTAssertEqual(try run(dir, ["plan", "--detailed-exitcode"]).status, 0, "converged")

        // Updates of every kind: new hours, a number added, the redirect moved to a new schedule
        // while the old one is deleted — so the rule must move off it first.
        let schedules2 = """
                  - {name: late-hours, abonent: "201", work_days: [{days: mon-fri, from: "12:00", to: "21:00"}]}
                  - {name: shift, group: Support, work_days: [{days: [sat], all_day: true}]}
            """
        let rules2 = """
                      - {name: Desk, type: parallel, numbers: [{number: "003", name: Desk}, {number: "79161234567"}, {number: "500"}]}
                      - {name: Hunt, type: sequential, numbers: [{number: "003", rings: 3}, {number: "500", rings: 5}]}
                      - {name: After hours, type: redirect, always: "651", schedule: late-hours}
            """
        try write(config(server.vpbxURL, schedules: schedules2, rules: rules2), to: dir)
        let plan = try run(dir, ["plan"])
        XCTAssertTrue(plan.stdout.contains("~ find_me/201/redirect/After hours         update, after schedules/201/late-hours"), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("- schedules/201/office-hours               delete, after find_me/201/redirect/After hours"), plan.stdout)
        mark = try server.requests().count
        let second = try run(dir, ["apply", "--auto-approve"])
        XCTAssertEqual(second.status, 0, second.stderr)
        let changed = try writes(server, from: mark)
        let createLate = try XCTUnwrap(changed.firstIndex(of: "POST /vpbx/api/schedules/abonent/1735"))
        let moveRule = try XCTUnwrap(changed.firstIndex { $0.hasPrefix("PUT /vpbx/api/findMe/1735/redirect/") })
        // The record is named in the query too (the document shows no body for a delete).
        let deleteOld = try XCTUnwrap(changed.firstIndex { $0.hasPrefix("DELETE /vpbx/api/schedules/abonent/1735?recordId=") })
        XCTAssertLessThan(createLate, moveRule, "the new schedule exists before the rule names it")
        XCTAssertLessThan(moveRule, deleteOld, "the rule is moved off the old schedule before it is deleted")
        XCTAssertEqual(try run(dir, ["plan", "--detailed-exitcode"]).status, 0, "converged")

        // Deletes: the rules and 201's schedules go (201 is still named, as a find-me user), the
        // preset stays with the reason in the plan; group Support's schedule is no longer in scope.
        try write(config(server.vpbxURL, schedules: "      []", rules: "          []"), to: dir)
        let last = try run(dir, ["apply", "--auto-approve"])
        XCTAssertEqual(last.status, 0, last.stderr)
        XCTAssertTrue(last.stdout.contains("Warning: mts/schedules/201/preset is not declared but is kept: a preset schedule the platform marks notBeRemoved"))
        XCTAssertEqual(last.stderrLines.last, "Apply: 4 succeeded, 0 failed, 0 skipped.", last.stderr)
        XCTAssertEqual(try run(dir, ["plan", "--detailed-exitcode"]).status, 0)

        // Abonent 203 was never declared: nothing of it was read or written.
        let all = try server.requests()
        XCTAssertFalse(all.contains { $0.contains("/1737") }, all.filter { $0.contains("/1737") }.joined(separator: "\n"))
        let state = try XCTUnwrap(server.state("vpbx") as? [String: Any])
        let names = (state["schedules"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        XCTAssertEqual(names, ["preset", "vera", "shift"])
        let vera = ((state["findMe"] as? [String: Any])?["1737"] as? [String: Any])?["redirectRules"] as? [[String: Any]]
        XCTAssertEqual(vera?.first?["ruleName"] as? String, "mine")
    }

    func testRuleIDsAreKeptOnUpdate() throws {
        let server = try SimServer(states: ["vpbx": seed])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        try write(
            config(server.vpbxURL, schedules: "      []", rules: "          - {name: Desk, type: parallel, numbers: [{number: \"003\"}, {number: \"500\"}]}"),
            to: dir)
        XCTAssertEqual(try run(dir, ["apply", "--auto-approve"]).status, 0)
        func ruleIDs() throws -> [String: Int] {
            let state = try XCTUnwrap(server.state("vpbx") as? [String: Any])
            let rules = ((state["findMe"] as? [String: Any])?["1735"] as? [String: Any])?["parallelRules"] as? [[String: Any]] ?? []
            let numbers = rules.first?["ruleNumbers"] as? [[String: Any]] ?? []
            return Dictionary(uniqueKeysWithValues: numbers.compactMap { n in (n["number"] as? String).map { ($0, n["ruleId"] as? Int ?? 0) } })
        }
        let before = try ruleIDs()
        try write(
            config(
                server.vpbxURL, schedules: "      []",
                rules: "          - {name: Desk, type: parallel, numbers: [{number: \"500\"}, {number: \"003\", active: false}, {number: \"650\"}]}"), to: dir)
        XCTAssertEqual(try run(dir, ["apply", "--auto-approve"]).status, 0)
        let after = try ruleIDs()
        XCTAssertEqual(after["003"], before["003"])
        XCTAssertEqual(after["500"], before["500"])
        XCTAssertNotNil(after["650"])
        XCTAssertEqual(try run(dir, ["plan", "--detailed-exitcode"]).status, 0)
    }

    func testUnknownUsersGroupsAndSchedulesArePlanErrorsNamingThem() throws {
        let server = try SimServer(states: ["vpbx": seed])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        try write(
            config(server.vpbxURL, schedules: "      []", rules: "          []").replacingOccurrences(of: "user: \"201\"", with: "user: \"299\""), to: dir)
        let user = try run(dir, ["plan"])
        XCTAssertEqual(user.status, 1)
        XCTAssertEqual(user.stderrLines, ["telform: error: mts/299: no abonent with extension 299 (GET /api/abonents)"])
        try write(config(server.vpbxURL, schedules: "      - {name: s, group: Nobody}", rules: "          []"), to: dir)
        XCTAssertEqual(try run(dir, ["plan"]).stderrLines, ["telform: error: mts/schedules/group:Nobody/s: no group named Nobody (GET /api/groups)"])
        try write(config(server.vpbxURL, schedules: "      []", rules: "          - {name: r, type: redirect, always: \"650\", schedule: ghost}"), to: dir)
        XCTAssertEqual(
            try run(dir, ["plan"]).stderrLines,
            [
                "telform.yaml:12:64: warning: providers.mts.find_me[0].rules[0].schedule: schedule \"ghost\" is not declared for abonent 201 or a group (plan will look for it live, a preset schedule, and fail if it exists nowhere)",
                "telform: error: mts/find_me/201/redirect/r: telform.yaml:12:64: providers.mts.find_me[0].rules[0].schedule: schedule \"ghost\" exists nowhere: not declared for abonent 201 or a group, and not live",
            ])
        // validate suggests the nearest declared name, as plan does.
        try write(
            config(
                server.vpbxURL, schedules: "      - {name: office-hours, abonent: \"201\", work_days: [{days: mon-fri, from: \"09:00\", to: \"18:00\"}]}",
                rules: "          - {name: r, type: redirect, always: \"650\", schedule: office-hour}"), to: dir)
        XCTAssertEqual(
            try run(dir, ["validate"]).stderrLines,
            [
                "telform.yaml:12:64: warning: providers.mts.find_me[0].rules[0].schedule: schedule \"office-hour\" is not declared for abonent 201 or a group; did you mean \"office-hours\"? (plan will look for it live, a preset schedule, and fail if it exists nowhere)",
                "telform.yaml: valid: 1 provider, 2 resources, 1 warning",
            ])
        // A preset schedule that exists live only may be named.
        try write(config(server.vpbxURL, schedules: "      []", rules: "          - {name: r, type: redirect, always: \"650\", schedule: preset}"), to: dir)
        XCTAssertEqual(try run(dir, ["apply", "--auto-approve"]).status, 0)
        XCTAssertEqual(try run(dir, ["plan", "--detailed-exitcode"]).status, 0)
    }

    func testTheShippedExampleConvergesAgainstTheEmbeddedSimulator() throws {
        let dir = try TelformProcess.scratch()
        let examples = TelformProcess.packageRoot.appendingPathComponent("examples")
        for item in ["vpbx.yaml", "seeds"] {
            try FileManager.default.copyItem(at: examples.appendingPathComponent(item), to: dir.appendingPathComponent(item))
        }
        let plan = try TelformProcess.run(["plan", "-c", "vpbx.yaml", "--detailed-exitcode"], directory: dir)
        XCTAssertEqual(plan.status, 2, plan.stderr)
        XCTAssertTrue(plan.stdout.hasSuffix("Plan: 3 to create, 2 to update, 2 to delete.\n"), plan.stdout)
        XCTAssertEqual(try TelformProcess.run(["apply", "-c", "vpbx.yaml", "--auto-approve"], directory: dir).status, 0)
        XCTAssertEqual(try TelformProcess.run(["plan", "-c", "vpbx.yaml", "--detailed-exitcode"], directory: dir).status, 0)
    }
}

/// What the document allows instead, said where it refuses.
final class VPBXScheduleRuleTests: XCTestCase {
    func testAScheduleOnASequentialRuleSaysWhatTheDocumentAllows() throws {
        let dir = try SimConfigs.folder(
            """
            version: 1
            providers:
              mts:
                type: vpbx
                url: sim://mts
                token: sim-vpbx-token
                find_me:
                  - user: "201"
                    rules:
                      - {name: Day, type: sequential, numbers: [{number: "79161234567"}], schedule: office-hours}
            """)
        let validate = try TelformProcess.run(["validate"], directory: dir)
        XCTAssertEqual(validate.status, 1)
        XCTAssertTrue(
            validate.stderr.contains(
                "telform.yaml:10:89: error: providers.mts.find_me[0].rules[0].schedule: applies only when type is redirect, not sequential: the document gives sequential rules no scheduleId (api-docs/001 4.11); for a ring that depends on the hours, add a redirect rule with this schedule (e.g. always: a number) beside this one"
            ), validate.stderr)
    }
}
