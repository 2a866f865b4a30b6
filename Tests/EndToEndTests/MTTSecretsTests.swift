import Foundation
import XCTest

/// The MTT secrets — the Basic password and a call-control URL carrying a key — in no output.
final class MTTSecretsTests: XCTestCase {
    func testTheCallControlKeyAndThePasswordNeverPrint() throws {
        let seed =
            #"{"users": [{"username": "sim", "password": "sim-mtt-password", "customer": "88314050000000"}], "accounts": {"74951345899": {"customer": "88314050000000"}}}"#
        let server = try SimServer(states: ["mtt": seed])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        let key = "Rout1ngK3ySecret"
        let calls = [
            "    call_control:",
            "      - {sip_id: \"74951345899\", url: \"https://routing.example/mtt?key=${env:ROUTING_KEY}\", reserve_number: \"79161234567\"}",
        ].joined(separator: "\n")
        let config = [
            "version: 1", "providers:", "  mtt:", "    type: mtt",
            "    url: http://127.0.0.1:\(server.port)/mtt/index.php", "    premedia_url: http://127.0.0.1:\(server.port)/mtt/v1/api",
            "    customer: \"88314050000000\"", "    username: sim", "    password: ${env:MTT_PASSWORD}", calls,
        ].joined(separator: "\n")
        try config.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let env = ["MTT_PASSWORD": "sim-mtt-password", "ROUTING_KEY": key]
        var everything = ""
        for arguments in [
            ["plan", "-v", "-o", "plan.json"], ["apply", "--auto-approve", "-v"], ["drift", "--format", "json", "-v"],
            ["export", "--provider", "mtt", "-v"],
        ] {
            let outcome = try TelformProcess.run(arguments, environment: env, directory: dir)
            XCTAssertEqual(outcome.status, 0, "\(arguments): \(outcome.stderr)")
            everything += outcome.stdout + outcome.stderr
        }
        everything += try String(contentsOf: dir.appendingPathComponent("plan.json"), encoding: .utf8)
        XCTAssertTrue(everything.contains("updateCallControlURL"), "the -v trace ran")
        XCTAssertTrue(everything.contains("key=(sensitive)"))
        XCTAssertFalse(everything.contains(key), "the routing key leaked")
        XCTAssertFalse(everything.contains("sim-mtt-password"), "the password leaked")
        // The simulator returns the URL as the API does, yet its state file holds it sealed.
        let state = try server.stateText()
        XCTAssertTrue(state.contains(#""GN_IP_IPCR": {"#) && state.contains(#""sealed": ""#), state)
        XCTAssertFalse(state.contains(key), "the routing key is in the state file")
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: env, directory: dir).status, 0, "read back through the seal")
    }
}
