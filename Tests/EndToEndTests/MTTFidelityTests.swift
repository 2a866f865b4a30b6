import Foundation
import XCTest

/// MTT read as the document answers: both getGBLRules shapes, an account without Premedia
/// as "nothing configured", and the call-control port warning.
final class MTTFidelityTests: XCTestCase {
    func testBothBlacklistShapesAndAnAccountWithoutPremediaConverge() throws {
        let server = try SimServer(states: [
            "mtt": """
            {"users": [{"username": "sim", "password": "sim-mtt-password", "customer": "88314050000000"}],
             "customers": {"88314050000000": {"prompts": [], "gbl": ["74950000001", "74950000002"], "gbl_shape": "object"}},
             "accounts": {"74951345801": {"customer": "88314050000000", "premedia": false, "GN_IP_IPCR": "https://route.example/x?key=k3y"}}}
            """
        ])
        defer { server.stop() }
        let dir = try SimConfigs.folder(
            SimConfigs.mtt(
                port: server.port,
                """
                    premedia:
                      - {sip_id: "74951345801", scenario: both, answer: true}
                    blacklist: ["74950000001", "74950000003"]
                """))
        let env = SimConfigs.environment
        let plan = try TelformProcess.run(["plan"], environment: env, directory: dir)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let changes = plan.stdout.components(separatedBy: "\nRouting changes")[0]
        let lines = changes.split(separator: "\n").map(String.init).filter { $0.hasPrefix("  ") && !$0.hasPrefix("    ") }
        XCTAssertEqual(
            lines,
            [
                "  + premedia/74951345801                     create",
                "  + blacklist/74950000003                    create, after blacklist/74950000002",
                "  - blacklist/74950000002                    delete",
            ], plan.stdout)
        XCTAssertEqual(try TelformProcess.run(["apply", "--auto-approve"], environment: env, directory: dir).status, 0)
        // JSON-RPC reads are POSTs: the state file is rewritten only when something changed.
        let stateFile = server.stateDirectory.appendingPathComponent("mtt.json")
        let before = try Data(contentsOf: stateFile)
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: env, directory: dir).status, 0, "converged")
        XCTAssertEqual(try Data(contentsOf: stateFile), before, "a plan wrote nothing (a rewrite would seal the secrets with a fresh nonce)")
    }

    func testACallControlURLOnAnotherPortIsAWarning() throws {
        let outcome = try TelformProcess.run(
            ["validate", "-c", "-"],
            stdin: """
                version: 1
                providers:
                  mtt:
                    type: mtt
                    url: sim://mtt
                    customer: "88314050000000"
                    call_control:
                      - {sip_id: "74951345801", url: "https://routing.example:8443/route"}
                """)
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(
            outcome.stderrLines,
            [
                "<stdin>:8:38: warning: providers.mtt.call_control[0].url: port 8443: the platform opens only ports 80 and 443 toward a customer's API by default (api-docs/004); ask MTT to open it, or use 80 or 443",
                "<stdin>: valid: 1 provider, 1 resource, 1 warning",
            ])
    }
}
