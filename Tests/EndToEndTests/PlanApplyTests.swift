import Foundation
import XCTest

/// plan and apply run as binaries against `telform sim serve` over real HTTP.
final class PlanApplyTests: XCTestCase {
    static let token = "sim-endpoints-token"
    static let passwords = ["A": "AliceSecretPassw0rd1", "B": "BobSecretPassword002", "C": "CarolSecretPasswd003"]

    func config(_ url: String, names: [String] = ["A", "B", "C"]) -> String {
        """
        version: 1
        providers:
          office:
            type: endpoints
            url: \(url)
            tenant: acme
            token: ${env:OFFICE_TOKEN}
            endpoints:
        \(names.map { "      - {name: desk-\($0.lowercased()), extension: \"1\(names.firstIndex(of: $0) ?? 0)0\", password: \"${env:PW_\($0)}\", language: en}" }.joined(separator: "\n"))
        """
    }

    var environment: [String: String] {
        var env = ["OFFICE_TOKEN": Self.token]
        for (key, value) in Self.passwords { env["PW_\(key)"] = value }
        return env
    }

    func write(_ text: String) throws -> URL {
        let dir = try TelformProcess.scratch()
        try text.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    /// Masks the read time, the one figure that varies between runs.
    func masked(_ text: String) -> String {
        text.replacingOccurrences(of: #"read in [0-9]+\.[0-9]s"#, with: "read in Xs", options: .regularExpression)
    }

    func testPlanApplyPlanConvergesOverHTTP() throws {
        let server = try SimServer()
        defer { server.stop() }
        let dir = try write(config(server.endpointsURL))
        let first = try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir)
        XCTAssertEqual(first.status, 2)
        XCTAssertEqual(
            masked(first.stdout),
            """
            telform plan: 1 provider, 0 live objects read in Xs

            Note: office: endpoints.extension, endpoints.password are never read back, so no plan sees a change to them; push a change of endpoints.extension with --replace ADDR (a new object), of endpoints.password with --rotate ADDR

            office (endpoints, \(server.endpointsURL))
              + endpoints/desk-a                         create
                    name:      "desk-a"
                    extension: "100"
                    password:  (write-only)
                    language:  "en"
              + endpoints/desk-b                         create
                    name:      "desk-b"
                    extension: "110"
                    password:  (write-only)
                    language:  "en"
              + endpoints/desk-c                         create
                    name:      "desk-c"
                    extension: "120"
                    password:  (write-only)
                    language:  "en"

            Routing changes (what happens to calls; telform explain NUMBER shows a whole route):
              office 100 (endpoint desk-a)
                always
                  before: (not routed)
                  after:  ring 100 (desk-a), then not documented (without a no-answer forward the PBX's dialplan decides)
              office 110 (endpoint desk-b)
                always
                  before: (not routed)
                  after:  ring 110 (desk-b), then not documented (without a no-answer forward the PBX's dialplan decides)
              office 120 (endpoint desk-c)
                always
                  before: (not routed)
                  after:  ring 120 (desk-c), then not documented (without a no-answer forward the PBX's dialplan decides)

            Plan: 3 to create, 0 to update, 0 to delete.

            """)
        let apply = try TelformProcess.run(["apply", "--auto-approve"], environment: environment, directory: dir)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        XCTAssertEqual(apply.stderrLines.last, "Apply: 3 succeeded, 0 failed, 0 skipped.")
        XCTAssertEqual(apply.stderrLines.filter { $0.contains(": create done (") }.count, 3)
        let second = try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir)
        XCTAssertEqual(second.status, 0)
        XCTAssertEqual(
            masked(second.stdout),
            "telform plan: 1 provider, 3 live objects read in Xs\n\nNote: office: endpoints.extension, endpoints.password are never read back, so no plan sees a change to them; push a change of endpoints.extension with --replace ADDR (a new object), of endpoints.password with --rotate ADDR\n\nNo changes. The live state matches the configuration.\n"
        )

        // An update and a delete, then convergence again.
        try config(server.endpointsURL, names: ["A", "B"]).replacingOccurrences(
            of: "name: desk-b, extension: \"110\", password: \"${env:PW_B}\", language: en",
            with: "name: desk-b, extension: \"110\", password: \"${env:PW_B}\", language: ru"
        )
        .write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let third = try TelformProcess.run(["plan", "--format", "json"], environment: environment, directory: dir)
        XCTAssertEqual(third.status, 0)
        XCTAssertTrue(third.stdout.contains(#""summary": {"#))
        XCTAssertTrue(third.stdout.contains(#""address": "office/endpoints/desk-b""#))
        XCTAssertTrue(third.stdout.contains(#""changed": ["language"]"#))
        XCTAssertTrue(third.stdout.contains(#""action": "delete""#))
        XCTAssertEqual(try TelformProcess.run(["apply", "--auto-approve"], environment: environment, directory: dir).status, 0)
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir).status, 0)
    }

    func testAFailureMidApplyLeavesExactlyTheRestForTheNextPlan() throws {
        // The first create goes through; every later create gets a 500 (not retried).
        let server = try SimServer(faults: "p500=1,method=POST,after=1")
        defer { server.stop() }
        let dir = try write(config(server.endpointsURL))
        let apply = try TelformProcess.run(["apply", "--auto-approve", "--parallelism", "1"], environment: environment, directory: dir)
        XCTAssertEqual(apply.status, 1)
        let call = "  call: POST \(server.endpointsURL)/api/organizations/acme/endpoints/ -> HTTP 500"
        XCTAssertEqual(
            Array(apply.stderrLines.suffix(6)),
            [
                "Apply: 1 succeeded, 2 failed, 0 skipped.",
                "Failed:",
                "  office/endpoints/desk-b: simulated fault: Internal Server Error (HTTP 500)", call,
                "  office/endpoints/desk-c: simulated fault: Internal Server Error (HTTP 500)", call,
            ])
        let next = try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir)
        XCTAssertEqual(next.status, 2)
        XCTAssertTrue(next.stdout.contains("+ endpoints/desk-b"))
        XCTAssertTrue(next.stdout.contains("+ endpoints/desk-c"))
        XCTAssertFalse(next.stdout.contains("desk-a"))
        XCTAssertTrue(next.stdout.hasSuffix("Plan: 2 to create, 0 to update, 0 to delete.\n"))
    }

    func testDroppedConnectionsAndThrottlingStillConvergeWithoutDuplicates() throws {
        let server = try SimServer(faults: "seed=3,pdrop=0.1,pdropafter=0.1,p503=0.1,p429=0.05,retry_after=0")
        defer { server.stop() }
        let dir = try write(config(server.endpointsURL))
        let apply = try TelformProcess.run(["apply", "--auto-approve", "--parallelism", "1"], environment: environment, directory: dir)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        XCTAssertEqual(apply.stderrLines.last, "Apply: 3 succeeded, 0 failed, 0 skipped.")
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir).status, 0)
        let state = try server.stateText()
        for name in ["desk-a", "desk-b", "desk-c"] {
            XCTAssertEqual(state.components(separatedBy: "\"name\": \"\(name)\"").count - 1, 1, "\(name) was created exactly once")
        }
    }

    func testNoSecretAppearsInAnyOutputOrFile() throws {
        let server = try SimServer()
        defer { server.stop() }
        let dir = try write(config(server.endpointsURL))
        var outputs: [String] = []
        for arguments in [
            ["plan", "-v"], ["plan", "--format", "json", "-v"], ["apply", "--auto-approve", "-v"], ["plan", "-v"],
            ["apply", "--auto-approve", "--rotate", "office/endpoints/desk-a", "-v"],
        ] {
            let outcome = try TelformProcess.run(arguments, environment: environment, directory: dir)
            XCTAssertEqual(outcome.status, 0, "\(arguments): \(outcome.stderr)")
            outputs += [outcome.stdout, outcome.stderr]
        }
        let everything = outputs.joined(separator: "\n") + (try server.stateText())
        XCTAssertTrue(everything.contains("Authorization: (sensitive)"), "the -v trace ran")
        XCTAssertNotNil(
            everything.range(
                of: #"-> \[office #[0-9]+\] PUT http://127\.0\.0\.1:[0-9]+/endpoints/api/organizations/acme/endpoints/[0-9]+/password\n"#,
                options: .regularExpression),
            "--rotate sent the password again")
        for secret in Self.passwords.values + [Self.token] {
            XCTAssertFalse(everything.contains(secret), "a secret leaked")
        }
    }

    func testTheShippedExamplePlansCreatesUpdatesAndDeletesAgainstTheEmbeddedSimulator() throws {
        let dir = try TelformProcess.scratch()
        let examples = TelformProcess.packageRoot.appendingPathComponent("examples")
        for item in ["endpoints.yaml", "seeds", "secrets"] {
            try FileManager.default.copyItem(at: examples.appendingPathComponent(item), to: dir.appendingPathComponent(item))
        }
        let plan = try TelformProcess.run(["plan", "-c", "endpoints.yaml", "--detailed-exitcode"], directory: dir)
        XCTAssertEqual(plan.status, 2, plan.stderr)
        XCTAssertEqual(
            masked(plan.stdout),
            """
            telform plan: 1 provider, 4 live objects read in Xs

            Note: office: endpoints.extension, endpoints.password are never read back, so no plan sees a change to them; push a change of endpoints.extension with --replace ADDR (a new object), of endpoints.password with --rotate ADDR

            office (endpoints, sim://office)
              ~ endpoints/reception                      update
                    allow: 1 added
                      + "alaw"
                    language:                  "ru" -> "en"
                    forward.no_answer.timeout: 30 -> 20
                    forward.busy.to:           (none) -> "102"
              + endpoints/sales                          create, after endpoints/old-fax
                    name:                   "sales"
                    extension:              "102"
                    password:               (write-only)
                    language:               "ru"
                    forward.always.to:      "79161234568"
                    forward.unavailable.to: "103"
              - endpoints/old-fax                        delete
                    name:                "old-fax"
                    transport:           "transport-udp"
                    allow:               ["alaw"]
                    disallow:            ["all"]
                    direct_media:        false
                    rtp_symmetric:       true
                    force_rport:         true
                    rewrite_contact:     true
                    allow_long_distance: false
                    language:            "en"
                    outgoing_cli:        ""

            Routing changes (what happens to calls; telform explain NUMBER shows a whole route):
              office 101 (endpoint reception)
                always
                  before: ring 101 (reception) for 30 s, then 79161234567
                  after:  ring 101 (reception) for 20 s, then 79161234567; if busy: 102
              office 102 (endpoint sales)
                always
                  before: (not routed)
                  after:  79161234568 (forwarded always)
              office old-fax (endpoint old-fax (extension not readable))
                always
                  before: ring old-fax, then not documented (without a no-answer forward the PBX's dialplan decides)
                  after:  (not routed)

            Plan: 1 to create, 1 to update, 1 to delete.

            """)
        XCTAssertEqual(try TelformProcess.run(["apply", "-c", "endpoints.yaml", "--auto-approve"], directory: dir).status, 0)
        let after = try TelformProcess.run(["plan", "-c", "endpoints.yaml", "--detailed-exitcode"], directory: dir)
        XCTAssertEqual(after.status, 0)
        let state = try String(contentsOf: dir.appendingPathComponent(".telform/sim/office.json"), encoding: .utf8)
        XCTAssertTrue(state.contains("\"name\": \"sales\""))
        XCTAssertTrue(state.contains("\"name\": \"test-softphone\""), "ignored endpoints are never touched")
        XCTAssertFalse(state.contains("Sales0000Password000"))
    }

    func testApplyOffATerminalNeedsAutoApproveAndChangesNothing() throws {
        let server = try SimServer()
        defer { server.stop() }
        let dir = try write(config(server.endpointsURL))
        let apply = try TelformProcess.run(["apply"], environment: environment, directory: dir)
        XCTAssertEqual(apply.status, 1)
        XCTAssertEqual(apply.stderrLines, ["telform: error: apply needs --auto-approve (or a saved plan) when not run on a terminal; nothing was changed"])
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir).status, 2)
    }

    func testOnATerminalApplyAsksAndOnlyYesApplies() throws {
        let server = try SimServer()
        defer { server.stop() }
        let dir = try write(config(server.endpointsURL, names: ["A"]))
        let binary = TelformProcess.binary.path
        // `script` gives telform a pseudo-terminal, as a person at a shell has.
        let no = try TelformProcess.run(
            ["-qec", "\(binary) apply --no-color", "/dev/null"], stdin: "no\n", environment: environment,
            directory: dir, executable: URL(fileURLWithPath: "/usr/bin/script"))
        XCTAssertEqual(no.status, 1)
        XCTAssertTrue(no.stdout.contains("Apply these changes? Only 'yes' is accepted: "), no.stdout)
        XCTAssertTrue(no.stdout.contains("Apply cancelled; nothing was changed."))
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir).status, 2)
        let yes = try TelformProcess.run(
            ["-qec", "\(binary) apply --no-color", "/dev/null"], stdin: "yes\n", environment: environment,
            directory: dir, executable: URL(fileURLWithPath: "/usr/bin/script"))
        XCTAssertEqual(yes.status, 0)
        XCTAssertTrue(yes.stdout.contains("Apply: 1 succeeded, 0 failed, 0 skipped."))
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir).status, 0)
    }

    func testSafetyThresholdRefusesApplyUnlessAllowed() throws {
        let server = try SimServer()
        defer { server.stop() }
        let dir = try write(config(server.endpointsURL))
        XCTAssertEqual(try TelformProcess.run(["apply", "--auto-approve"], environment: environment, directory: dir).status, 0)
        let strict = config(server.endpointsURL, names: ["A"]).replacingOccurrences(
            of: "version: 1\n", with: "version: 1\npolicy: {min_existing: 3, max_delete_percent: 50}\n")
        try strict.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let plan = try TelformProcess.run(["plan"], environment: environment, directory: dir)
        XCTAssertTrue(
            plan.stdout.contains("Refused: office/endpoints: 2 of 3 live objects would be deleted (66%; max_delete_percent is 50); apply needs --allow-deletes")
        )
        let refused = try TelformProcess.run(["apply", "--auto-approve"], environment: environment, directory: dir)
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(
            refused.stderrLines,
            [
                "telform: error: apply refused; nothing was changed:",
                "  office/endpoints: 2 of 3 live objects would be deleted (66%; max_delete_percent is 50); apply needs --allow-deletes",
            ])
        // Each threshold has its own flag: --allow-updates does not lift a delete refusal.
        let other = try TelformProcess.run(["apply", "--auto-approve", "--allow-updates"], environment: environment, directory: dir)
        XCTAssertEqual(other.status, 1)
        XCTAssertEqual(other.stderrLines, refused.stderrLines)
        let allowed = try TelformProcess.run(["apply", "--auto-approve", "--allow-deletes"], environment: environment, directory: dir)
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        XCTAssertEqual(allowed.stderrLines.last, "Apply: 2 succeeded, 0 failed, 0 skipped.")
    }

    func testTargetAndProviderLimitThePlan() throws {
        let server = try SimServer()
        defer { server.stop() }
        let dir = try write(config(server.endpointsURL))
        let targeted = try TelformProcess.run(["apply", "--auto-approve", "--target", "office/endpoints/desk-b"], environment: environment, directory: dir)
        XCTAssertEqual(targeted.status, 0)
        XCTAssertEqual(
            targeted.stderrLines.filter { $0.contains(" done (") }.map { $0.components(separatedBy: " done")[0] },
            ["[1/1] office/endpoints/desk-b: create"])
        let rest = try TelformProcess.run(["plan", "--provider", "office"], environment: environment, directory: dir)
        XCTAssertTrue(rest.stdout.hasSuffix("Plan: 2 to create, 0 to update, 0 to delete.\n"))
        // A target names a provider and a kind that exist; a target selecting nothing is said.
        let misspelled = try TelformProcess.run(["plan", "--target", "office/endpoint/desk-c"], environment: environment, directory: dir)
        XCTAssertEqual(misspelled.status, 1)
        XCTAssertEqual(
            misspelled.stderrLines,
            [#"telform: error: --target office/endpoint/desk-c: no kind matches "endpoint" (kinds: endpoints); did you mean "endpoints"?"#])
        let nothing = try TelformProcess.run(["plan", "--target", "office/endpoints/desk-b"], environment: environment, directory: dir)
        XCTAssertEqual(nothing.status, 0)
        XCTAssertTrue(
            masked(nothing.stdout).hasPrefix(
                "telform plan: 1 provider, 1 live object read in Xs; targeted: office/endpoints/desk-b (only what they match, and what that needs)\n\n"),
            nothing.stdout)
        XCTAssertTrue(nothing.stdout.contains("Warning: --target office/endpoints/desk-b matches no change in this plan"), nothing.stdout)
        let unknown = try TelformProcess.run(["plan", "--provider", "nope"], environment: environment, directory: dir)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertEqual(unknown.stderrLines, ["telform: error: no provider named nope in the configuration (providers: office)"])
        let near = try TelformProcess.run(["plan", "--provider", "ofice"], environment: environment, directory: dir)
        XCTAssertEqual(near.stderrLines, [#"telform: error: no provider named ofice in the configuration (providers: office); did you mean "office"?"#])
        XCTAssertEqual(try TelformProcess.run(["version"]).stdout, "telform 0.1.0\n")
    }

    func testUnsetVariablesAndUnreachableAPIsAreErrors() throws {
        let dir = try write(config("http://127.0.0.1:9/endpoints"))
        let unset = try TelformProcess.run(["plan"], directory: dir)
        XCTAssertEqual(unset.status, 1)
        XCTAssertEqual(unset.stderrLines.filter { $0.contains("unset variable") }.count, 4, "every unset variable is listed at once")
        let unreachable = try TelformProcess.run(["plan"], environment: environment, directory: dir)
        XCTAssertEqual(unreachable.status, 1)
        XCTAssertEqual(unreachable.stderrLines.count, 2)
        XCTAssertTrue(unreachable.stderrLines[0].hasPrefix("telform: error: office/endpoints: reading failed: cannot connect"), unreachable.stderr)
        XCTAssertEqual(
            unreachable.stderrLines.last,
            "  for telform.yaml:5:10: providers.office.url (http://127.0.0.1:9/endpoints); check that the server is up and reachable from here")
    }
}

final class TimeoutTests: XCTestCase {
    func testASlowPlatformTimesOutWithAClearErrorAfterTheRetries() throws {
        let server = try SimServer(latencyMilliseconds: 1500)
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        try """
        version: 1
        policy: {http_timeout: 1}
        providers:
          office:
            type: endpoints
            url: \(server.endpointsURL)
            tenant: acme
            token: sim-endpoints-token
            endpoints: []
        """.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let plan = try TelformProcess.run(["plan"], directory: dir)
        XCTAssertEqual(plan.status, 1)
        XCTAssertEqual(
            plan.stderrLines.filter { $0.hasPrefix("telform: error:") },
            ["telform: error: office/endpoints: reading failed: no response: timed out after 1s (the whole call)"])
    }
}
