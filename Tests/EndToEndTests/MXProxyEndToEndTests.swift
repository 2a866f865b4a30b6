import Foundation
import XCTest

/// The mxproxy platform end to end: the built binary against `telform sim serve` over HTTP.
final class MXProxyEndToEndTests: XCTestCase {
    let environment = ["MX_SECRET": "sim-client-secret", "MX_PASSWORD": "sim-mx-password"]

    func seed(tokenUses: Int? = nil) -> String {
        """
        {"apps": [{"client_id": "sim-client", "secret": "sim-client-secret"}],
         "users": [{"username": "sim@example.com", "password": "sim-mx-password", "jid": "43884851428118509"}],
         "contacts": [{"jid": "43892779647572507", "ext": "1001"}, {"jid": "43884851428118509", "ext": "3044"}],
         "conferences": [{"Id": "7", "ownerId": 43884851428118509, "name": "Old", "accessId": 1, "type": "Once", "startDate": 1700000000,
                          "duration": 15, "waitForOwner": false, "delOnOwnerLeave": false, "ws": "None", "wsType": "Undefined"}]
         \(tokenUses.map { ", \"token_uses\": \($0)" } ?? "")}
        """
    }

    func config(_ server: SimServer, _ conferences: String) -> String {
        """
        version: 1
        providers:
          mx:
            type: mxproxy
            url: http://127.0.0.1:\(server.port)/mxproxy
            client_id: sim-client
            client_secret: ${env:MX_SECRET}
            username: sim@example.com
            password: ${env:MX_PASSWORD}
            conferences:
        \(conferences)
            call_mode: {remote: true, device: "79031744445"}
        """
    }

    func apply(_ dir: URL, _ text: String) throws -> TelformProcess.Outcome {
        try text.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        return try TelformProcess.run(["apply", "--auto-approve"], environment: environment, directory: dir)
    }

    func testConferencesConvergeTheCallModeIsSentButNeverCountedAndOwnerIDsStayExact() throws {
        let server = try SimServer(states: ["mxproxy": seed()])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        let first = try apply(dir, config(server, """
              - {name: Weekly sync, owner: "1001", access_id: 47281964, type: Once, start: "2026-12-01T10:00:00+03:00", duration: 30, wait_for_owner: true}
        """))
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("~ call_mode/self                           set on apply (not readable)"), first.stdout)
        XCTAssertEqual(first.stderrLines.last, "Apply: 3 succeeded, 0 failed, 0 skipped.")
        let plan = try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir)
        XCTAssertEqual(plan.status, 0, "the call mode cannot be read, so it is never a change")
        XCTAssertTrue(plan.stdout.hasSuffix("No changes. The live state matches the configuration. 1 unreadable setting will be sent again.\n"))
        let drift = try TelformProcess.run(["drift"], environment: environment, directory: dir)
        XCTAssertEqual(drift.status, 0, drift.stdout)

        let state = try String(contentsOf: server.stateDirectory.appendingPathComponent("mxproxy.json"), encoding: .utf8)
        XCTAssertTrue(state.contains("\"ownerId\": 43892779647572507"), "an id past 2^53 stays exact")
        XCTAssertTrue(state.contains("\"startDate\": 1796108400"), "2026-12-01T10:00:00+03:00 in epoch seconds")
        XCTAssertTrue(state.contains("\"device\": \"79031744445\""), "PATCH /calls was sent, the device under the name the parameter list gives (deviceName)")

        let second = try apply(dir, config(server, """
              - {name: Weekly sync, owner: "3044", access_id: 47281964, type: Once, start: "2026-12-01T10:00:00+03:00", duration: 45}
        """))
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("        owner:    \"43892779647572507\" -> \"43884851428118509\""), second.stdout)
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir).status, 0)
        XCTAssertEqual(try apply(dir, config(server, "      []")).status, 0)
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir).status, 0)
        // One token per run: each command authorized once.
        let grants = try server.requests().filter { $0.hasPrefix("POST /mxproxy/auth ") }.count
        XCTAssertEqual(grants, 7, "seven commands ran, each asked for one token")
    }

    func testARefusedTokenIsRenewedOnce() throws {
        // Each token works for three calls: the read uses two, the first apply call is refused.
        let server = try SimServer(states: ["mxproxy": seed(tokenUses: 3)])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        try config(server, "      []").write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let outcome = try TelformProcess.run(["apply", "--auto-approve", "--parallelism", "1"], environment: environment, directory: dir)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let calls = try server.requests().map { $0.split(separator: " ").joined(separator: " ") }
        XCTAssertEqual(calls, [
            "POST /mxproxy/auth 200", "GET /mxproxy/contacts 200", "GET /mxproxy/conferences 200",
            "DELETE /mxproxy/conferences/7 204", "PATCH /mxproxy/calls 401", "POST /mxproxy/auth 200", "PATCH /mxproxy/calls 200",
        ])
    }

    func testWrongCredentialsAreAClearError() throws {
        let server = try SimServer(states: ["mxproxy": seed()])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        try config(server, "      []").write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let plan = try TelformProcess.run(["plan"], environment: ["MX_SECRET": "sim-client-secret", "MX_PASSWORD": "not-the-password"], directory: dir)
        XCTAssertEqual(plan.status, 1)
        XCTAssertEqual(plan.stderrLines, ["telform: error: mx/conferences: authorization failed: wrong username or password (HTTP 400)",
                                          "  call: POST http://127.0.0.1:\(server.port)/mxproxy/auth -> HTTP 400",
                                          "  the server refused the credentials; check telform.yaml:6:16: providers.mx.client_id (sim-client), telform.yaml:7:20: providers.mx.client_secret (${env:MX_SECRET}), telform.yaml:8:15: providers.mx.username (sim@example.com), telform.yaml:9:15: providers.mx.password (${env:MX_PASSWORD})"])
    }
}

/// MX Proxy as its document reads: the call mode's reply checked, an unknown owner a plan error.
final class MXProxyFidelityTests: XCTestCase {
    func testAnOwnerTheDirectoryDoesNotKnowIsAPlanError() throws {
        let server = try SimServer(states: ["mxproxy": SimConfigs.mxproxySeed(contacts: #"[{"jid": "43884851428118509", "ext": "3044"}]"#)])
        defer { server.stop() }
        let dir = try SimConfigs.folder(SimConfigs.mxproxy(port: server.port, """
                conferences:
                  - {name: Standup, owner: "3999", access_id: 1234, type: Once, start: "2026-12-01T10:00:00Z", duration: 15}
            """))
        let plan = try TelformProcess.run(["plan"], environment: SimConfigs.environment, directory: dir)
        XCTAssertEqual(plan.status, 1)
        XCTAssertEqual(plan.stderrLines.filter { $0.hasPrefix("telform: error:") },
                       ["telform: error: mx/conferences/Standup: owner 3999 is neither an extension GET /contacts lists nor a jid"])
    }
}
