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
        let first = try apply(
            dir,
            config(
                server,
                """
                      - {name: Weekly sync, owner: "3044", access_id: 47281964, type: Once, start: "2026-12-01T10:00:00+03:00", duration: 30, wait_for_owner: true, description: Team}
                """))
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("~ call_mode/self                           set on apply (not readable)"), first.stdout)
        XCTAssertEqual(first.stderrLines.last, "Apply: 3 succeeded, 0 failed, 0 skipped.")
        let plan = try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir)
        XCTAssertEqual(plan.status, 0, "the call mode cannot be read, so it is never a change")
        XCTAssertTrue(plan.stdout.hasSuffix("No changes. The live state matches the configuration. 1 unreadable setting will be sent again.\n"))
        let drift = try TelformProcess.run(["drift"], environment: environment, directory: dir)
        XCTAssertEqual(drift.status, 0, drift.stdout)

        server.flush()
        var state = try String(contentsOf: server.stateDirectory.appendingPathComponent("mxproxy.json"), encoding: .utf8)
        XCTAssertTrue(state.contains("\"ownerId\": 43884851428118509"), "an id past 2^53 stays exact")
        XCTAssertTrue(state.contains("\"startDate\": 1796108400"), "2026-12-01T10:00:00+03:00 in epoch seconds")
        XCTAssertTrue(state.contains("\"device\": \"79031744445\""), "PATCH /calls was sent with the device under the name the server reads (device)")

        // PUT replaces the whole conference: a description the file leaves out is carried over.
        let second = try apply(
            dir,
            config(
                server,
                """
                      - {name: Weekly sync, owner: "3044", access_id: 47281964, type: Once, start: "2026-12-01T10:00:00+03:00", duration: 45}
                """))
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("        duration: 30 -> 45"), second.stdout)
        server.flush()
        state = try String(contentsOf: server.stateDirectory.appendingPathComponent("mxproxy.json"), encoding: .utf8)
        XCTAssertTrue(state.contains("\"description\": \"Team\""), state)
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir).status, 0)
        XCTAssertEqual(try apply(dir, config(server, "      []")).status, 0)
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir).status, 0)
        // One token per run: each command authorized once.
        let grants = try server.requests().filter { $0.hasPrefix("POST /mxproxy/auth ") }.count
        XCTAssertEqual(grants, 7, "seven commands ran, each asked for one token")
    }

    func testARefusedTokenIsRenewedOnce() throws {
        // Each token works for three calls: the read uses them, the first apply call is refused.
        let server = try SimServer(states: ["mxproxy": seed(tokenUses: 3)])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        try config(server, "      []").write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let outcome = try TelformProcess.run(["apply", "--auto-approve", "--parallelism", "1"], environment: environment, directory: dir)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let calls = try server.requests().map { $0.split(separator: " ").joined(separator: " ") }
        XCTAssertEqual(
            calls,
            [
                "POST /mxproxy/auth 200", "GET /mxproxy/contacts 200", "GET /mxproxy/auth 200", "GET /mxproxy/conferences 200",
                "DELETE /mxproxy/conferences/7 401", "POST /mxproxy/auth 200", "DELETE /mxproxy/conferences/7 204", "PATCH /mxproxy/calls 200",
            ])
    }

    func testWrongCredentialsAreAClearError() throws {
        let server = try SimServer(states: ["mxproxy": seed()])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        try config(server, "      []").write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let plan = try TelformProcess.run(["plan"], environment: ["MX_SECRET": "sim-client-secret", "MX_PASSWORD": "not-the-password"], directory: dir)
        XCTAssertEqual(plan.status, 1)
        XCTAssertEqual(
            plan.stderrLines,
            [
                "telform: error: mx/conferences: authorization failed: login or password incorrect (HTTP 403)",
                "  call: POST http://127.0.0.1:\(server.port)/mxproxy/auth -> HTTP 403",
                "  the server refused the credentials; check telform.yaml:6:16: providers.mx.client_id (sim-client), telform.yaml:7:20: providers.mx.client_secret (${env:MX_SECRET}), telform.yaml:8:15: providers.mx.username (sim@example.com), telform.yaml:9:15: providers.mx.password (${env:MX_PASSWORD})",
            ])
    }
}

/// MX Proxy as its document reads: the call mode's reply checked, an unknown owner a plan error.
final class MXProxyFidelityTests: XCTestCase {
    func testAnOwnerTheDirectoryDoesNotKnowIsAPlanError() throws {
        let server = try SimServer(states: ["mxproxy": SimConfigs.mxproxySeed(contacts: #"[{"jid": "43884851428118509", "ext": "3044"}]"#)])
        defer { server.stop() }
        let dir = try SimConfigs.folder(
            SimConfigs.mxproxy(
                port: server.port,
                """
                    conferences:
                      - {name: Standup, owner: "3999", access_id: 1234, type: Once, start: "2026-12-01T10:00:00Z", duration: 15}
                """))
        let plan = try TelformProcess.run(["plan"], environment: SimConfigs.environment, directory: dir)
        XCTAssertEqual(plan.status, 1)
        XCTAssertEqual(
            plan.stderrLines.filter { $0.hasPrefix("telform: error:") },
            ["telform: error: mx/conferences/Standup: owner 3999 is neither an extension GET /contacts lists nor a jid"])
    }
}

/// MX Proxy as its own server code behaves (mdigger/mxproxy at 09fe3cf): the simulator
/// answers so, and telform's driver is checked against it.
final class MXProxyServerCodeTests: XCTestCase {
    func seed(_ extra: String = "", conferences: String = "[]") -> String {
        """
        {"apps": [{"client_id": "sim-client", "secret": "sim-client-secret"}],
         "users": [{"username": "sim@example.com", "password": "sim-mx-password", "jid": "43884851428118509"}],
         "contacts": [{"jid": "43892779647572507", "ext": "1001"}, {"jid": "43884851428118509", "ext": "3044"}],
         "conferences": \(conferences)\(extra)}
        """
    }

    static let peters =
        #"{"Id": "c0001", "ownerId": 43892779647572507, "name": "Peter's", "accessId": 5, "type": "Once", "startDate": 1700000000, "duration": 15, "waitForOwner": false, "delOnOwnerLeave": false, "ws": "None", "wsType": "Undefined"}"#

    func run(_ server: SimServer, _ conferences: String, _ args: [String]) throws -> TelformProcess.Outcome {
        let dir = try SimConfigs.folder(SimConfigs.mxproxy(port: server.port, "    conferences:\n" + conferences))
        return try TelformProcess.run(args, environment: SimConfigs.environment, directory: dir)
    }

    /// No conference of the logged-in user: `"conferences": null`, read as none. Another
    /// user's conferences are not listed, so one declared with another owner is a plan error
    /// naming both; the conference made gets an opaque `Id`, used as text.
    func testAnEmptyListIsNullAndAnotherOwnersConferenceIsAPlanError() throws {
        let server = try SimServer(states: ["mxproxy": seed(conferences: "[\(Self.peters)]")])
        defer { server.stop() }
        let mine = "      - {name: Standup, owner: \"3044\", access_id: 1234, type: Once, start: \"2026-12-01T10:00:00Z\", duration: 15}"
        let plan = try run(server, mine, ["plan", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 2, plan.stdout + plan.stderr)
        XCTAssertTrue(plan.stdout.contains("Plan: 1 to create, 0 to update, 0 to delete."), plan.stdout)
        XCTAssertTrue(try server.requests().contains("GET /mxproxy/conferences 200"))
        let apply = try run(server, mine, ["apply", "--auto-approve"])
        XCTAssertEqual(apply.status, 0, apply.stderr)
        XCTAssertEqual(try run(server, mine, ["plan", "--detailed-exitcode"]).status, 0)
        let theirs = mine + "\n      - {name: Peter's, owner: \"1001\", access_id: 5, type: Once, start: \"2023-11-14T22:13:20Z\", duration: 15}"
        let refused = try run(server, theirs, ["plan"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(
            refused.stderr.contains(
                "telform: error: mx/conferences/Peter's: owner 1001 is not the logged-in user (extension 3044, jid 43884851428118509): MX Proxy lists only the logged-in user's conferences, so telform could never read this one back"
            ), refused.stderr)
        // Deleting the last one of the user's: the list is null again, and the plan empty.
        XCTAssertEqual(try run(server, "      []", ["apply", "--auto-approve", "--allow-deletes"]).status, 0)
        XCTAssertEqual(try run(server, "      []", ["plan", "--detailed-exitcode"]).status, 0)
        let deletes = try server.requests().filter { $0.hasPrefix("DELETE") }
        XCTAssertEqual(deletes.count, 1)
        XCTAssertTrue(deletes[0].hasPrefix("DELETE /mxproxy/conferences/c") && deletes[0].hasSuffix(" 204"), deletes[0])
    }

    /// MX not confirming within 7 s gives 408 though the conference was made: the create is
    /// looked up before anything is sent again, and no second conference is made.
    func testA408IsAnUnknownOutcomeReadBackBeforeAnyResend() throws {
        let server = try SimServer(states: ["mxproxy": seed(#", "slow_writes": 1"#)])
        defer { server.stop() }
        let standup = "      - {name: Standup, owner: \"3044\", access_id: 1234, type: Once, start: \"2026-12-01T10:00:00Z\", duration: 15}"
        let apply = try run(server, standup, ["apply", "--auto-approve"])
        XCTAssertEqual(apply.status, 0, apply.stderr)
        XCTAssertEqual(try server.requests().filter { $0.hasPrefix("POST /mxproxy/conferences") }, ["POST /mxproxy/conferences 408"], "sent once")
        server.flush()
        let state = try XCTUnwrap(server.state("mxproxy") as? [String: Any])
        XCTAssertEqual((state["conferences"] as? [[String: Any]])?.count, 1, "one conference, not two")
        XCTAssertEqual(try run(server, standup, ["plan", "--detailed-exitcode"]).status, 0)
    }

    /// While MX is down the proxy answers 401 "active mx connection unavailable": telform logs
    /// in again once and goes on.
    func testAnMXConnectionLostIsALoginAgain() throws {
        let server = try SimServer(states: ["mxproxy": seed(#", "mx_drops_after": 2"#)])
        defer { server.stop() }
        let plan = try run(server, "      []", ["plan", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        XCTAssertEqual(
            try server.requests(),
            [
                "POST /mxproxy/auth 200", "GET /mxproxy/contacts 200", "GET /mxproxy/auth 200",
                "GET /mxproxy/conferences 401", "POST /mxproxy/auth 200", "GET /mxproxy/conferences 200",
            ])
    }

    /// A delay of 0 never reaches MX (the proxy drops it), though the reply would say 0: refused
    /// at validate, where 1 is the documented default.
    func testAZeroDelayIsRefusedAtValidate() throws {
        let dir = try SimConfigs.folder(SimConfigs.mxproxy(port: 1, "    call_mode: {remote: true, device: \"79031744445\", ring_delay: 0}"))
        let validate = try TelformProcess.run(["validate"], environment: SimConfigs.environment, directory: dir)
        XCTAssertEqual(validate.status, 1)
        XCTAssertTrue(
            validate.stderr.contains(
                "telform.yaml:10:66: error: providers.mx.call_mode.ring_delay: 0 never reaches MX (the proxy leaves it out), so the PBX would keep its own default while the reply says 0: give 1 or more (the default is 1)"
            ), validate.stderr)
    }
}
