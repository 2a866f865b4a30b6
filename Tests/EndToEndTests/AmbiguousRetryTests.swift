import Foundation
import XCTest

/// A call whose connection drops after the server carried it out is not a failure: a DELETE
/// repeated into a 404 is done, and a non-idempotent MTT call is read back, not re-sent.
final class AmbiguousRetryTests: XCTestCase {
    func apply(_ server: SimServer, _ config: String, environment: [String: String] = [:]) throws -> (TelformProcess.Outcome, URL) {
        let dir = try TelformProcess.scratch()
        try config.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        return (try TelformProcess.run(["apply", "--auto-approve", "--allow-deletes"], environment: environment, directory: dir), dir)
    }

    func testADeleteRepeatedIntoA404IsDoneOnEveryRESTPlatform() throws {
        // endpoints: the undeclared endpoint is pruned; the first DELETE is carried out, then dropped.
        let endpoints = try SimServer(
            faults: "method=DELETE,pdropafter=1,times=1",
            states: [
                "endpoints": """
                {"platform": "endpoints", "tokens": ["sim-endpoints-token"], "tenants": {"acme": {"next_id": 20, "endpoints": [
                 {"id": 11, "name": "old-fax", "extension": "190", "password": "OldFax00000000000000"}]}}}
                """
            ])
        defer { endpoints.stop() }
        let (ep, epDir) = try apply(
            endpoints,
            """
            version: 1
            providers:
              office: {type: endpoints, url: "\(endpoints.endpointsURL)", tenant: acme, token: sim-endpoints-token, endpoints: []}
            """)
        XCTAssertEqual(ep.status, 0, ep.stderr)
        XCTAssertEqual(ep.stderrLines.last, "Apply: 1 succeeded, 0 failed, 0 skipped.")
        XCTAssertEqual(
            try endpoints.requests().filter { $0.hasPrefix("DELETE") },
            ["DELETE /endpoints/api/organizations/acme/endpoints/11 dropped-after", "DELETE /endpoints/api/organizations/acme/endpoints/11 404"])
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], directory: epDir).status, 0)

        // vpbx schedules and mxproxy conferences alike, each on a server of its own.
        let vpbxServer = try SimServer(
            faults: "method=DELETE,pdropafter=1,times=1",
            states: [
                "vpbx": """
                {"platform": "vpbx", "tokens": ["sim-vpbx-token"], "groups": [],
                 "abonents": [{"userId": 1735, "extension": "201", "firstName": "Anna", "lastname": "Orlova", "groupId": null}],
                 "schedules": [{"recordId": 1351, "name": "lunch", "notBeRemoved": false, "type": "abonent", "ownerId": 1735, "workDaysRules": [], "holidaysRules": [], "excludedDaysRules": []}],
                 "findMe": {}}
                """
            ])
        defer { vpbxServer.stop() }
        let (vpbx, _) = try apply(
            vpbxServer,
            """
            version: 1
            providers:
              mts: {type: vpbx, url: "\(vpbxServer.vpbxURL)", token: sim-vpbx-token, schedules: [{abonent: "201", name: office-hours}]}
            """)
        XCTAssertEqual(vpbx.status, 0, vpbx.stderr)
        XCTAssertEqual(vpbx.stderrLines.last, "Apply: 2 succeeded, 0 failed, 0 skipped.")
        XCTAssertEqual(
            try vpbxServer.requests().filter { $0.hasPrefix("DELETE") },
            ["DELETE /vpbx/api/schedules/abonent/1735?recordId=1351 dropped-after", "DELETE /vpbx/api/schedules/abonent/1735?recordId=1351 404"])
        let mxServer = try SimServer(
            faults: "method=DELETE,pdropafter=1,times=1",
            states: [
                "mxproxy": """
                {"apps": [{"client_id": "sim-client", "secret": "sim-client-secret"}],
                 "users": [{"username": "sim@example.com", "password": "sim-mx-password", "jid": "43884851428118509"}],
                 "contacts": [], "conferences": [{"Id": "7", "ownerId": 43884851428118509, "name": "Old", "accessId": 1, "type": "Once", "startDate": 1700000000, "duration": 15, "waitForOwner": false, "delOnOwnerLeave": false, "ws": "None", "wsType": "Undefined"}]}
                """
            ])
        defer { mxServer.stop() }
        let (mx, _) = try apply(
            mxServer,
            """
            version: 1
            providers:
              mx: {type: mxproxy, url: "http://127.0.0.1:\(mxServer.port)/mxproxy", client_id: sim-client, client_secret: sim-client-secret,
                   username: sim@example.com, password: sim-mx-password, conferences: []}
            """)
        let mxLog = try mxServer.requests().joined(separator: "\n")
        XCTAssertEqual(mx.status, 0, mx.stderr + mxLog)
        XCTAssertEqual(mx.stderrLines.last, "Apply: 1 succeeded, 0 failed, 0 skipped.")
        XCTAssertEqual(
            try mxServer.requests().filter { $0.hasPrefix("DELETE") },
            ["DELETE /mxproxy/conferences/7 dropped-after", "DELETE /mxproxy/conferences/7 404"])
    }

    func testAnMTTCallBackSetWhoseAnswerIsLostIsReadBackNotRepeated() throws {
        let server = try SimServer(
            faults: "body=setCallBackFollowme,pdropafter=1,times=1",
            states: [
                "mtt": """
                {"users": [{"username": "sim", "password": "sim-mtt-password", "customer": "88314050000000"}],
                 "customers": {"88314050000000": {"prompts": [], "gbl": []}}, "accounts": {}}
                """
            ])
        defer { server.stop() }
        let (apply, dir) = try apply(
            server,
            SimConfigs.mtt(
                port: server.port,
                """
                    callback_follow_me:
                      chain: [{number: "79684881033", name: sales, timeout: 25}]
                """), environment: SimConfigs.environment)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        XCTAssertEqual(apply.stderrLines.last, "Apply: 1 succeeded, 0 failed, 0 skipped.")
        let calls = try server.requests().compactMap { line -> String? in
            let parts = line.split(separator: " ")
            return parts.count == 4 && parts[2].contains("CallBack") ? "\(parts[2]) \(parts[3])" : nil
        }
        XCTAssertEqual(
            calls, ["getCallBackFollowme 200", "setCallBackFollowme dropped-after", "getCallBackFollowme 200"],
            "read back once after the lost answer, never sent twice (the platform would refuse a second set)")
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: SimConfigs.environment, directory: dir).status, 0)
    }
}
