import Foundation
import XCTest

/// The xivo platform end to end: the built binary against `telform sim serve` over HTTP.
final class XiVOEndToEndTests: XCTestCase {
    let seed = """
        {"credentials": [{"username": "ws", "password": "ws-secret"}],
         "groups": [{"id": 1, "name": "sales"}], "queues": [{"id": 1, "name": "support"}],
         "users": [{"userfeatures": {"id": 1, "firstname": "Alice", "ringseconds": "20"},
                    "linefeatures": [{"id": 11, "protocol": "sip", "context": "default", "number": "1001"}],
                    "voicemail": null, "groupmember": true, "queuemember": false}],
         "context": [{"context": {"name": "default", "displayname": "Interne", "entity": "acme", "contexttype": "internal"}, "contextinclude": [], "contextnumbers": {}}]}
        """

    func config(_ server: SimServer, _ body: String) -> String {
        """
        version: 1
        providers:
          xivo:
            type: xivo
            url: http://127.0.0.1:\(server.port)/xivo
            username: ws
            password: ${env:XIVO_PASSWORD}
        \(body)
        """
    }

    func apply(_ dir: URL, _ text: String) throws -> TelformProcess.Outcome {
        try text.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        return try TelformProcess.run(["apply", "--auto-approve"], environment: ["XIVO_PASSWORD": "ws-secret"], directory: dir)
    }

    func plan(_ dir: URL) throws -> TelformProcess.Outcome {
        try TelformProcess.run(["plan", "--detailed-exitcode"], environment: ["XIVO_PASSWORD": "ws-secret"], directory: dir)
    }

    func testEveryKindConvergesWithTheDocumentedQuirks() throws {
        let server = try SimServer(states: ["xivo": seed])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        let first = try apply(
            dir,
            config(
                server,
                """
                    contexts:
                      - {name: default, display_name: Default, entity: acme, type: internal}
                      - {name: from-extern, entity: acme, type: incall, numbers: {incall: [{from: "0140000000"}]}}
                    users:
                      - {firstname: Alice, ring_seconds: 30, line: {protocol: sip, number: "1001"}}
                      - {firstname: Bob, language: en_US, line: {protocol: sip, number: "1002"}, voicemail: {mailbox: "1002", password: "4321"}, forward: {busy: {to: "1001"}}}
                    schedules:
                      - {name: office, timezone: Europe/Paris, opened: [{hours: "08:00-12:00", weekdays: "1-5"}], fallback: {type: voicemail, target: "1002"}}
                    incalls:
                      - {exten: "0140000000", context: from-extern, destination: {type: user, target: "1002"}}
                    pickups:
                      - {name: desk, members: [{user: "1001"}, {group: sales}], pickers: [{queue: support}, {user: "1002"}]}
                    parking_lots:
                      - {name: lot1, context: default, extension: "700", positions: 10}
                    queue_skills:
                      - {name: english, printscreen: Eng, category: languages}
                """))
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("Warning: xivo/users/1001@default: editing this user drops its group and queue memberships (a XiVO limitation)"))
        XCTAssertTrue(
            first.stdout.contains("  ! contexts/default                         differs (the platform cannot edit contexts: reported, never applied)"),
            first.stdout)
        XCTAssertTrue(first.stdout.contains("  + incalls/0140000000@from-extern           create, after users/1002@default"), first.stdout)
        XCTAssertEqual(first.stderrLines.last, "Apply: 8 succeeded, 0 failed, 0 skipped.")
        XCTAssertEqual(try plan(dir).status, 0, "converged; the context difference is reported, not a change")
        // Markdown counts and labels it as the text does: reported, not an update.
        let markdown = try TelformProcess.run(["plan", "--format", "markdown"], environment: ["XIVO_PASSWORD": "ws-secret"], directory: dir)
        XCTAssertTrue(
            markdown.stdout.contains("| xivo | xivo | http://127.0.0.1:\(server.port)/xivo | password: ${env:XIVO_PASSWORD} | 0 | 0 | 0 | 0 | 1 | 0 |\n"),
            markdown.stdout)
        XCTAssertTrue(markdown.stdout.contains("<summary><code>! xivo/contexts/default</code> differs</summary>"), markdown.stdout)
        // The view returns the voicemail PIN, as XiVO's does; the state file holds it sealed only.
        let sealedState = try server.stateText()
        XCTAssertFalse(sealedState.contains(#""password": "4321""#), sealedState)
        XCTAssertTrue(sealedState.contains(#""sha256": "\#(SHA256Hex.of("4321"))""#), sealedState)
        let drift = try TelformProcess.run(["drift"], environment: ["XIVO_PASSWORD": "ws-secret"], directory: dir)
        XCTAssertEqual(drift.status, 0, "a difference the platform can only report is listed, and a nightly job does not fail on it")
        XCTAssertTrue(drift.stdout.contains("        display_name: file \"Default\", live \"Interne\""))
        XCTAssertTrue(drift.stdout.contains("1 can only be reported (the platform cannot change it)."), drift.stdout)
        let strict = try TelformProcess.run(["drift", "--strict"], environment: ["XIVO_PASSWORD": "ws-secret"], directory: dir)
        XCTAssertEqual(strict.status, 2, "--strict counts it")
        let json = try TelformProcess.run(["drift", "--format", "json"], environment: ["XIVO_PASSWORD": "ws-secret"], directory: dir)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let entries = report["drift"] as? [[String: Any]] ?? []
        XCTAssertEqual(entries.map { $0["address"] as? String }, ["xivo/contexts/default"])
        XCTAssertEqual(entries.first?["report_only"] as? Bool, true)

        // Updates: a user's line (sent as an object of arrays), an incall target, the parking
        // lot; replaces: the schedule, the pickup and the skill have no edit call.
        let second = try apply(
            dir,
            config(
                server,
                """
                    users:
                      - {firstname: Alice, ring_seconds: 30, line: {protocol: sip, number: "1001"}}
                      - {firstname: Bob, language: en_US, line: {protocol: sip, number: "1003"}, voicemail: {mailbox: "1002", password: "4321"}}
                    schedules:
                      - {name: office, timezone: Europe/Paris, opened: [{hours: "09:00-12:00", weekdays: "1-5"}]}
                    incalls:
                      - {exten: "0140000000", context: from-extern, destination: {type: user, target: "1001"}}
                    pickups:
                      - {name: desk, members: [{user: "1001"}]}
                    parking_lots:
                      - {name: lot1, context: default, extension: "701", positions: 20}
                    queue_skills:
                      - {name: english, printscreen: En, category: languages}
                """))
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("-/+ schedules/office                       replace (the platform cannot edit schedules)"))
        XCTAssertEqual(try plan(dir).status, 0)
        let state = try String(contentsOf: server.stateDirectory.appendingPathComponent("xivo.json"), encoding: .utf8)
        XCTAssertTrue(state.contains("\"number\": \"1003\""), "the line edit went through")
        XCTAssertTrue(state.contains("\"groupmember\": false"), "editing dropped the membership, as the document warns")

        // Deletes, except contexts: XiVO cannot delete them.
        let third = try apply(
            dir,
            config(
                server,
                """
                    users: []
                    schedules: []
                    incalls: []
                    pickups: []
                    parking_lots: []
                    queue_skills: []
                    contexts: []
                """))
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertEqual(third.stderrLines.last, "Apply: 7 succeeded, 0 failed, 0 skipped.")
        XCTAssertEqual(try plan(dir).status, 0)
        let after = try String(contentsOf: server.stateDirectory.appendingPathComponent("xivo.json"), encoding: .utf8)
        XCTAssertTrue(after.contains("\"name\": \"from-extern\""), "contexts are never deleted")
    }

    func testWrongCredentialsAreRefused() throws {
        let server = try SimServer(states: ["xivo": seed])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        try config(server, "    users: []").write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let plan = try TelformProcess.run(["plan"], environment: ["XIVO_PASSWORD": "wrong"], directory: dir)
        XCTAssertEqual(plan.status, 1)
        XCTAssertEqual(
            plan.stderrLines,
            [
                "telform: error: xivo/users: list lines: authentication refused: Authentication refused (HTTP 403)",
                "  call: GET http://127.0.0.1:\(server.port)/xivo/service/ipbx/json.php/restricted/pbx_settings/lines/?act=list -> HTTP 403",
                "  the server refused the credentials; check telform.yaml:6:15: providers.xivo.username (ws), telform.yaml:7:15: providers.xivo.password (${env:XIVO_PASSWORD})",
            ])
    }
}

/// SHA-256 in hex, for asserting on digests the simulator writes.
enum SHA256Hex {
    static func of(_ text: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try? process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }
}

/// XiVO as its formats are defined (the xivo-ws unit tests): schedule fallbacks read where
/// view answers them and sent in the documented add shape; a replace that cannot be rebuilt
/// never deletes.
final class XiVOFidelityTests: XCTestCase {
    func testIncallsToAGroupOrAQueueSendTheirIdsAndReadBackByName() throws {
        let server = try SimServer(states: [
            "xivo": """
            {"credentials": [{"username": "ws", "password": "ws-secret"}], "users": [],
             "groups": [{"id": 7, "name": "sales"}], "queues": [{"id": 9, "name": "support"}],
             "context": [{"context": {"name": "from-extern", "displayname": "Incalls", "contexttype": "incall"}, "contextinclude": [], "contextnumbers": {}}]}
            """
        ])
        defer { server.stop() }
        let dir = try SimConfigs.folder(
            SimConfigs.xivo(
                port: server.port,
                """
                    incalls:
                      - {exten: "0140000001", context: from-extern, destination: {type: group, target: sales}}
                      - {exten: "0140000002", context: from-extern, destination: {type: queue, target: support}}
                """))
        let env = ["XIVO_PASSWORD": "ws-secret"]
        let apply = try TelformProcess.run(["apply", "--auto-approve"], environment: env, directory: dir)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        let state = try server.stateText()
        XCTAssertTrue(state.contains(#""actionarg1": "7""#) && state.contains(#""actionarg1": "9""#), "ids on the wire, not names: \(state)")
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: env, directory: dir).status, 0, "read back by name")
    }

    func testAReplaceThatCannotBeBuiltLeavesTheOldObject() throws {
        // The lines list answers the plan's read, then fails: the replace cannot resolve user 1001.
        let server = try SimServer(
            faults: "p500=1,path=pbx_settings/lines,after=3",
            states: [
                "xivo": """
                {"credentials": [{"username": "ws", "password": "ws-secret"}], "groups": [], "queues": [],
                 "users": [{"userfeatures": {"id": 1, "entityid": 1, "firstname": "Alice"},
                            "linefeatures": [{"id": 11, "protocol": "sip", "context": "default", "number": "1001"}], "voicemail": false}],
                 "schedule": [{"schedule": {"id": "5", "name": "office", "timezone": "Europe/Paris", "fallback_action": "endcall:busy",
                                            "fallback_actionid": null, "fallback_actionargs": "", "description": "", "commented": 0},
                               "dialaction": {"schedule_fallback": {"actiontype": null, "action": null}},
                               "opened": [{"id": 1, "schedule_id": 5, "mode": "opened", "hours": "08:00-12:00", "weekdays": "1-5", "monthdays": "1-31", "months": "1-12"}],
                               "closed": false}]}
                """
            ])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        func write(_ fallback: String) throws {
            try SimConfigs.xivo(
                port: server.port,
                """
                    schedules:
                      - {name: office, timezone: Europe/Paris, opened: [{hours: "08:00-12:00", weekdays: "1-5"}], fallback: \(fallback)}
                """
            ).write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        }
        let env = ["XIVO_PASSWORD": "ws-secret"]
        // The fallback is read from `schedule.fallback_action`: "endcall:busy" matches as it is.
        try write("{type: endcall, action: busy}")
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: env, directory: dir).status, 0)
        // A fallback to a user that exists nowhere: a plan error at its position, before any call.
        try write(#"{type: user, target: "1011"}"#)
        let plan = try TelformProcess.run(["plan"], environment: env, directory: dir)
        XCTAssertEqual(plan.status, 1)
        XCTAssertEqual(
            plan.stderrLines,
            [
                #"telform: error: xivo: telform.yaml:9:130: providers.xivo.schedules[0].fallback.target: no user "1011" in the file or on the XiVO server; did you mean "1001"?"#
            ])
        // A fallback to user 1001, who cannot be resolved at apply time: the replace fails before its delete.
        try write(#"{type: user, target: "1001"}"#)
        let apply = try TelformProcess.run(["apply", "--auto-approve"], environment: env, directory: dir)
        XCTAssertEqual(apply.status, 1)
        XCTAssertTrue(apply.stderr.contains("xivo/schedules/office: replace FAILED: list lines: internal error"), apply.stderr)
        XCTAssertFalse(try server.requests().contains { $0.contains("act=delete") }, "nothing was deleted")
        let state = try server.stateText()
        XCTAssertTrue(state.contains(#""name": "office""#), "the old schedule is still there")
    }
}
