import Foundation
import XCTest

/// Two live objects with one declared key are never hidden: where the kind is pruned the
/// extras are deleted (the first read is kept), otherwise the plan is an error naming every
/// id; drift reports them either way.
final class DuplicateTests: XCTestCase {
    func run(_ server: SimServer, _ config: String, _ arguments: [String], environment: [String: String] = [:]) throws -> TelformProcess.Outcome {
        let dir = try TelformProcess.scratch()
        try config.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        return try TelformProcess.run(arguments, environment: environment, directory: dir)
    }

    func testDuplicateEndpointsAreDeletedWhenPrunedAndAnErrorOtherwise() throws {
        let server = try SimServer(states: [
            "endpoints": """
            {"platform": "endpoints", "tokens": ["sim-endpoints-token"], "tenants": {"acme": {"next_id": 20, "endpoints": [
             {"id": 10, "name": "desk", "extension": "101", "password": "Reception0000000000A", "language": "en"},
             {"id": 11, "name": "desk", "extension": "102", "password": "Reception0000000000A", "language": "en"}]}}}
            """
        ])
        defer { server.stop() }
        func config(prune: Bool) -> String {
            SimConfigs.endpoints(
                server.endpointsURL,
                """
                    prune: \(prune)
                    endpoints:
                      - {name: desk, extension: "101", password: "${env:PW}", language: en}
                """)
        }
        let env = ["PW": "Reception0000000000A"]
        let kept = try run(server, config(prune: false), ["plan"], environment: env)
        XCTAssertEqual(kept.status, 1)
        XCTAssertTrue(
            kept.stdout.contains(
                "\nError: office/endpoints/desk exists more than once live (ids 10, 11); telform cannot tell which one the file means: delete the extras, or set prune for endpoints to let telform delete all but the first\n"
            ), kept.stdout)
        XCTAssertEqual(kept.stderrLines.last, "telform: error: the plan has an error; apply would refuse it")
        let refused = try run(server, config(prune: false), ["apply", "--auto-approve"], environment: env)
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderrLines.last, "telform: error: apply refused: the plan has errors; nothing was changed")
        let drift = try run(server, config(prune: false), ["drift"], environment: env)
        XCTAssertEqual(drift.status, 2)
        XCTAssertTrue(drift.stdout.contains("  duplicate endpoints/desk\n        ids: file one object, live 10, 11\n"), drift.stdout)
        XCTAssertTrue(drift.stdout.hasSuffix("Drift: 0 changed, 0 missing, 0 unmanaged, 1 duplicated.\n"), drift.stdout)

        let pruned = try run(server, config(prune: true), ["plan"], environment: env)
        XCTAssertEqual(pruned.status, 0)
        XCTAssertTrue(
            pruned.stdout.contains("  - endpoints/desk [id 11]                   delete (a second live object with the key of endpoints/desk)\n"), pruned.stdout
        )
        let apply = try run(server, config(prune: true), ["apply", "--auto-approve"], environment: env)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        XCTAssertEqual(try server.requests().filter { !$0.hasPrefix("GET") }, ["DELETE /endpoints/api/organizations/acme/endpoints/11 204"])
        XCTAssertEqual(try run(server, config(prune: true), ["plan", "--detailed-exitcode"], environment: env).status, 0)
    }

    func testDuplicateConferencesAndSchedulesAreShownOnMXProxyAndVPBX() throws {
        let conference = { (id: String) in
            #"{"Id": "\#(id)", "ownerId": 43884851428118509, "name": "Weekly sync", "accessId": \#(id), "type": "Once", "startDate": 1700000000, "duration": 15, "waitForOwner": false, "delOnOwnerLeave": false, "ws": "None", "wsType": "Undefined"}"#
        }
        let schedule = { (id: Int) in
            #"{"recordId": \#(id), "name": "office-hours", "notBeRemoved": false, "type": "abonent", "ownerId": 1735, "workDaysRules": [{"startTime": "09:00", "endTime": "18:00", "allDayEvent": false, "monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": false, "sunday": false}], "holidaysRules": [], "excludedDaysRules": []}"#
        }
        let server = try SimServer(states: [
            "mxproxy": """
            {"apps": [{"client_id": "sim-client", "secret": "sim-client-secret"}],
             "users": [{"username": "sim@example.com", "password": "sim-mx-password", "jid": "43884851428118509"}],
             "contacts": [{"jid": "43884851428118509", "ext": "3044"}],
             "conferences": [\(conference("7")), \(conference("9"))]}
            """,
            "vpbx": """
            {"platform": "vpbx", "tokens": ["sim-vpbx-token"], "groups": [],
             "abonents": [{"userId": 1735, "extension": "201", "firstName": "Anna", "lastname": "Orlova", "groupId": null}],
             "schedules": [\(schedule(1350)), \(schedule(1351))], "findMe": {}}
            """,
        ])
        defer { server.stop() }
        let mx = """
            version: 1
            providers:
              mx:
                type: mxproxy
                url: http://127.0.0.1:\(server.port)/mxproxy
                client_id: sim-client
                client_secret: sim-client-secret
                username: sim@example.com
                password: sim-mx-password
                conferences:
                  - {name: Weekly sync, owner: "3044", access_id: 7, type: Once, start: "2023-11-14T22:13:20Z", duration: 15}
            """
        let mxPlan = try run(server, mx, ["plan"])
        // Conference names are not unique on the platform: which one people dial is not
        // telform's to guess, whatever prune says.
        XCTAssertEqual(mxPlan.status, 1)
        XCTAssertTrue(
            mxPlan.stdout.contains(
                "Error: mx/conferences/Weekly sync exists more than once live (ids 7, 9); the platform does not keep conferences keys unique, so telform will not choose which to delete: remove one on the platform, or rename one\n"
            ), mxPlan.stdout + mxPlan.stderr)
        XCTAssertFalse(mxPlan.stdout.contains("  - conferences/"), mxPlan.stdout)
        let mxDrift = try run(server, mx, ["drift"])
        XCTAssertTrue(mxDrift.stdout.contains("  duplicate conferences/Weekly sync\n        ids: file one object, live 7, 9\n"), mxDrift.stdout)
        let vpbx = """
            version: 1
            providers:
              mts:
                type: vpbx
                url: \(server.vpbxURL)
                token: sim-vpbx-token
                prune: {schedules: false}
                schedules:
                  - {abonent: "201", name: office-hours, work_days: [{days: mon-fri, from: "09:00", to: "18:00"}]}
            """
        let vpbxPlan = try run(server, vpbx, ["plan"])
        XCTAssertEqual(vpbxPlan.status, 1)
        XCTAssertTrue(
            vpbxPlan.stdout.contains("\nError: mts/schedules/201/office-hours exists more than once live (ids abonent/1735/1350, abonent/1735/1351); "),
            vpbxPlan.stdout + vpbxPlan.stderr)
        let vpbxDrift = try run(server, vpbx, ["drift", "--format", "json"])
        XCTAssertTrue(vpbxDrift.stdout.contains(#""category": "duplicate""#), vpbxDrift.stdout)
    }

    func testDuplicateSchedulesAreShownOnXiVO() throws {
        let schedule = { (id: Int) in
            #"{"schedule": {"id": "\#(id)", "name": "office", "timezone": "Europe/Paris", "fallback_action": "", "fallback_actionid": null, "fallback_actionargs": "", "description": "", "commented": 0}, "dialaction": {"schedule_fallback": {"actiontype": null, "action": null}}, "opened": [], "closed": false}"#
        }
        let server = try SimServer(states: [
            "xivo": #"{"credentials": [{"username": "ws", "password": "ws-secret"}], "schedule": [\#(schedule(5)), \#(schedule(6))]}"#
        ])
        defer { server.stop() }
        let dir = try SimConfigs.folder(SimConfigs.xivo(port: server.port, "    schedules:\n      - {name: office, timezone: Europe/Paris}"))
        let plan = try TelformProcess.run(["plan"], environment: SimConfigs.environment, directory: dir)
        XCTAssertTrue(
            plan.stdout.contains("  - schedules/office [id 6]                  delete (a second live object with the key of schedules/office)\n"),
            plan.stdout + plan.stderr)
        let drift = try TelformProcess.run(["drift"], environment: SimConfigs.environment, directory: dir)
        XCTAssertEqual(drift.status, 2)
        XCTAssertTrue(drift.stdout.contains("  duplicate schedules/office\n        ids: file one object, live 5, 6\n"), drift.stdout)
    }
}
