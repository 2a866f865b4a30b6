import Foundation
import XCTest

/// Within a kind, deletes run before creates: what a delete frees (an MX `accessId`, an
/// extension, a parking-lot range) may be what a create takes.
final class DeleteBeforeCreateTests: XCTestCase {
    func testAConferenceTakingAFreedAccessIDIsCreatedAfterTheDelete() throws {
        let server = try SimServer(states: ["mxproxy": """
            {"apps": [{"client_id": "sim-client", "secret": "sim-client-secret"}],
             "users": [{"username": "sim@example.com", "password": "sim-mx-password", "jid": "43884851428118509"}],
             "contacts": [], "conferences": [{"Id": "7", "ownerId": 43884851428118509, "name": "Old", "accessId": 4000, "type": "Once", "startDate": 1700000000, "duration": 15, "waitForOwner": false, "delOnOwnerLeave": false, "ws": "None", "wsType": "Undefined"}]}
            """], latencyMilliseconds: 50)
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        try """
        version: 1
        providers:
          mx:
            type: mxproxy
            url: http://127.0.0.1:\(server.port)/mxproxy
            client_id: sim-client
            client_secret: ${env:S}
            username: sim@example.com
            password: ${env:P}
            conferences:
              - {name: New, owner: "43884851428118509", access_id: 4000, type: Once, start: "2023-11-14T22:13:20Z", duration: 15}
        """.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let env = ["S": "sim-client-secret", "P": "sim-mx-password"]
        let plan = try TelformProcess.run(["plan"], environment: env, directory: dir)
        XCTAssertTrue(plan.stdout.contains("  + conferences/New                          create, after conferences/Old\n"), plan.stdout)
        let apply = try TelformProcess.run(["apply", "--auto-approve", "--parallelism", "8"], environment: env, directory: dir)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        XCTAssertEqual(try server.requests().filter { $0.hasPrefix("DELETE") || $0.hasPrefix("POST /mxproxy/conf") },
                       ["DELETE /mxproxy/conferences/7 204", "POST /mxproxy/conferences 200"])
    }
}
