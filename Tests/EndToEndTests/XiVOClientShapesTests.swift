import Foundation
import XCTest

/// XiVO as its own client (xivo-ws) writes and reads it: destinations by id, numbers sent
/// as JSON numbers, `entity_id` on schedules, and one spelling for a call that ends. Each
/// test runs the built binary against `telform sim serve` holding objects in the shapes
/// xivo-ws's tests show.
final class XiVOClientShapesTests: XCTestCase {
    let env = ["XIVO_PASSWORD": "ws-secret"]

    func seed(_ objects: String) -> String {
        """
        {"credentials": [{"username": "ws", "password": "ws-secret"}], "groups": [{"id": 4, "name": "sales"}], "queues": [],
        \(objects)}
        """
    }

    func run(_ server: SimServer, _ dir: URL, _ body: String, _ args: [String]) throws -> TelformProcess.Outcome {
        try SimConfigs.xivo(port: server.port, body).write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        return try TelformProcess.run(args, environment: env, directory: dir)
    }

    func records(_ server: SimServer, _ object: String) throws -> [[String: Any]] {
        server.flush()
        return (try server.state("xivo") as? [String: Any])?[object] as? [[String: Any]] ?? []
    }

    static let boxes = """
        "users": [{"userfeatures": {"id": 1, "entityid": 1, "firstname": "Alice", "language": "fr_FR", "voicemailid": "36"},
                   "linefeatures": [{"id": 11, "protocol": "sip", "context": "default", "number": "1001", "iduserfeatures": 1}],
                   "voicemail": {"uniqueid": 36, "fullname": "Alice", "mailbox": "1001", "context": "default"}, "groupmember": false, "queuemember": false},
                  {"userfeatures": {"id": 2, "entityid": 1, "firstname": "Bob", "language": "fr_FR", "voicemailid": "37"},
                   "linefeatures": [{"id": 12, "protocol": "sip", "context": "default", "number": "1062", "iduserfeatures": 2}],
                   "voicemail": {"uniqueid": 37, "fullname": "Bob", "mailbox": "1062", "context": "default"}, "groupmember": false, "queuemember": false}]
        """

    static let users = """
            users:
              - {firstname: Alice, language: fr_FR, line: {protocol: sip, number: "1001"}, voicemail: {mailbox: "1001"}}
              - {firstname: Bob, language: fr_FR, line: {protocol: sip, number: "1062"}, voicemail: {mailbox: "1062"}}

        """

    /// xivo-ws builds `VoicemailDestination(voicemail_id)`: the box's id goes in `actionarg1`.
    /// A destination written that way reads back as the mailbox (no change planned), and
    /// telform's own writes carry the id resolved from the mailbox.
    func testVoicemailDestinationsCarryTheBoxIdAndReadBackAsTheMailbox() throws {
        let server = try SimServer(states: [
            "xivo": seed(
                Self.boxes + """
                    ,
                    "schedule": [{"schedule": {"id": "5", "entity_id": 1, "name": "night", "timezone": "Europe/Paris", "description": "",
                                               "fallback_action": "voicemail", "fallback_actionid": "37", "fallback_actionargs": ""},
                                  "dialaction": {"schedule_fallback": {"actiontype": null, "action": null}}, "opened": [], "closed": false}],
                    "incall": [{"incall": {"id": 6, "exten": "0140000001", "context": "from-extern"},
                                "dialaction": {"answer": {"actiontype": "voicemail", "actionarg1": "37", "actionarg2": ""}}}]
                    """)
        ])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        let config =
            Self.users + """
                    schedules:
                      - {name: night, timezone: Europe/Paris, fallback: {type: voicemail, target: "1062"}}
                      - {name: office, timezone: Europe/Paris, fallback: {type: voicemail, target: "1001"}}
                    incalls:
                      - {exten: "0140000001", context: from-extern, destination: {type: voicemail, target: "1062"}}
                      - {exten: "0140000002", context: from-extern, destination: {type: voicemail, target: "1001"}}
                """
        let plan = try run(server, dir, config, ["plan", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 2, plan.stderr)
        XCTAssertEqual(plan.stdout.split(separator: "\n").last, "Plan: 2 to create, 0 to update, 0 to delete.", plan.stdout)
        XCTAssertTrue(plan.stdout.contains("  + schedules/office"), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("  + incalls/0140000002@from-extern"), plan.stdout)
        let apply = try run(server, dir, config, ["apply", "--auto-approve"])
        XCTAssertEqual(apply.status, 0, apply.stderr)
        let office = try records(server, "schedule").compactMap { $0["schedule"] as? [String: Any] }.first { $0["name"] as? String == "office" }
        XCTAssertEqual(office?["fallback_action"] as? String, "voicemail")
        XCTAssertEqual(office?["fallback_actionid"] as? String, "36", "Alice's box id, not her mailbox 1001")
        let incall = try records(server, "incall").first { ($0["incall"] as? [String: Any])?["exten"] as? String == "0140000002" }
        let answer = (incall?["dialaction"] as? [String: Any])?["answer"] as? [String: Any]
        XCTAssertEqual(answer?["actiontype"] as? String, "voicemail")
        XCTAssertEqual(answer?["actionarg1"] as? String, "36")
        XCTAssertEqual(try run(server, dir, config, ["plan", "--detailed-exitcode"]).status, 0, "converged")
        // A mailbox no box has is named at plan time, with the nearest one.
        let missing = try run(server, dir, config.replacingOccurrences(of: #"target: "1001"}}"#, with: #"target: "1009"}}"#), ["plan"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(
            missing.stderr.contains(#"incalls[1].destination.target: no voicemail "1009" in the file or on the XiVO server; did you mean "1001"?"#),
            missing.stderr)
    }

    /// xivo-ws sends `number: [1061]`; a server may answer numbers, extensions and ids as JSON
    /// numbers. They are read as their digits: the user and the incall are found, and no
    /// second user is made on the line.
    func testNumbersSentAsJSONNumbersAreRead() throws {
        let server = try SimServer(states: [
            "xivo": seed(
                """
                "users": [{"userfeatures": {"id": 5, "entityid": 1, "firstname": "Carol"},
                           "linefeatures": [{"id": 51, "protocol": "sip", "context": "default", "number": 1061, "iduserfeatures": 5}],
                           "voicemail": false, "groupmember": false, "queuemember": false}],
                "incall": [{"incall": {"id": 7, "exten": 1400, "context": "from-extern"},
                            "dialaction": {"answer": {"actiontype": "user", "actionarg1": 5, "actionarg2": ""}}}],
                "parkinglot": [{"id": 8, "name": "lot1", "context": "default", "extension": 700, "positions": "10", "next": 0, "commented": 0}]
                """)
        ])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        let config = """
                users:
                  - {firstname: Carol, line: {protocol: sip, number: "1061"}}
                incalls:
                  - {exten: "1400", context: from-extern, destination: {type: user, target: "1061"}}
                parking_lots:
                  - {name: lot1, context: default, extension: "700", positions: 10}
            """
        let plan = try run(server, dir, config, ["plan", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 0, plan.stdout + plan.stderr)
        let export = try run(server, dir, config, ["export", "--provider", "xivo", "--kind", "users"])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertTrue(export.stdout.contains(#"number: "1061""#), export.stdout)
    }

    /// A live object telform cannot read stops the plan, naming the provider, the kind, the
    /// id and the field; a user without a line is named in a warning, never silently left out.
    func testAnUnreadableObjectIsAnErrorAndAUserWithoutALineAWarning() throws {
        let server = try SimServer(states: [
            "xivo": seed(
                """
                "users": [{"userfeatures": {"id": 5, "entityid": 1, "firstname": "Carol"},
                           "linefeatures": [{"id": 51, "protocol": "sip", "context": "default", "number": "1061", "iduserfeatures": 5}],
                           "voicemail": false, "groupmember": false, "queuemember": false},
                          {"userfeatures": {"id": 6, "entityid": 1, "firstname": "Dan"}, "linefeatures": false,
                           "voicemail": false, "groupmember": false, "queuemember": false}],
                "incall": [{"incall": {"id": 7, "exten": null, "context": "from-extern"},
                            "dialaction": {"answer": {"actiontype": "none"}}}]
                """)
        ])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        let users = """
                users:
                  - {firstname: Carol, line: {protocol: sip, number: "1061"}}
            """
        let plan = try run(server, dir, users, ["plan", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 0, plan.stdout + plan.stderr)
        XCTAssertTrue(
            plan.stdout.contains(
                "Warning: xivo/users: users 6 has no line (its view answers no linefeatures), so it has no number@context key: telform cannot manage it and leaves it alone"
            ), plan.stdout)
        let broken = try run(server, dir, users + "\n    incalls: []\n", ["plan"])
        XCTAssertEqual(broken.status, 1, broken.stdout)
        XCTAssertTrue(
            broken.stderr.contains("xivo/incalls: incall 7 cannot be read: incall.exten is null; telform stops rather than plan without it"), broken.stderr)
    }

    /// xivo-ws sends `entity_id` with every schedule: the file's, or 1.
    func testSchedulesAreAddedWithTheirEntity() throws {
        let server = try SimServer(states: ["xivo": seed("\"users\": []")])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        let config = """
                schedules:
                  - {name: office, timezone: Europe/Paris}
                  - {name: branch, timezone: Europe/Paris, entity_id: 2}
            """
        XCTAssertEqual(try run(server, dir, config, ["apply", "--auto-approve"]).status, 0)
        let entities = try records(server, "schedule").compactMap { $0["schedule"] as? [String: Any] }
            .map { "\($0["name"] as? String ?? "?")=\($0["entity_id"] as? Int ?? -1)" }.sorted()
        XCTAssertEqual(entities, ["branch=2", "office=1"])
        XCTAssertEqual(try run(server, dir, config, ["plan", "--detailed-exitcode"]).status, 0, "converged")
    }

    /// A call that ends is `{type: endcall, action: ...}` wherever a destination can end one,
    /// sent as the document's `actiontype: endcall` with `action`; `target` beside endcall is
    /// a validate error (it was sent as a hang-up whatever it said).
    func testEndcallHasOneSpellingSentWithItsAction() throws {
        let server = try SimServer(states: ["xivo": seed("\"users\": []")])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        let wrong = """
                incalls:
                  - {exten: "0140000003", context: from-extern, destination: {type: endcall, target: congestion}}
            """
        let refused = try run(server, dir, wrong, ["validate"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(
            refused.stderr.contains(
                "telform.yaml:9:90: error: providers.xivo.incalls[0].destination.target: does not go with endcall: say how the call ends with action: hangup, busy or congestion"
            ), refused.stderr)
        let config = """
                schedules:
                  - {name: office, timezone: Europe/Paris, fallback: {type: endcall, action: busy}}
                incalls:
                  - {exten: "0140000003", context: from-extern, destination: {type: endcall, action: congestion}}
                  - {exten: "0140000004", context: from-extern, destination: {type: endcall}}
            """
        let apply = try run(server, dir, config, ["apply", "--auto-approve"])
        XCTAssertEqual(apply.status, 0, apply.stderr)
        let office = try records(server, "schedule").compactMap { $0["schedule"] as? [String: Any] }.first
        XCTAssertEqual(office?["fallback_action"] as? String, "endcall:busy")
        let answers = try records(server, "incall").map { record -> String in
            let answer = (record["dialaction"] as? [String: Any])?["answer"] as? [String: Any] ?? [:]
            return "\(answer["actiontype"] as? String ?? "-"):\(answer["action"] as? String ?? "-")"
        }.sorted()
        XCTAssertEqual(answers, ["endcall:congestion", "endcall:hangup"])
        XCTAssertEqual(try run(server, dir, config, ["plan", "--detailed-exitcode"]).status, 0, "converged")
    }
}
