import Foundation
import XCTest

/// A failing read among many concurrent reads ends the run cleanly, every time: exit 1 with
/// the failure listed, never a hang or a crash. (Before: 10 hangs in 40 runs over HTTP.)
final class ConcurrentReadFailureTests: XCTestCase {
    func testAFailingScopeAmongManyEndsEveryRunWithItsError() throws {
        let accounts = (1...8).map { "7495134580\($0)" }
        let seed = """
            {"users": [{"username": "sim", "password": "sim-mtt-password", "customer": "88314050000000"}],
             "customers": {"88314050000000": {"prompts": [], "gbl": []}, "88314059999999": {"prompts": [], "gbl": []}},
             "accounts": {\(accounts.map { "\"\($0)\": {\"customer\": \"88314050000000\"}" }.joined(separator: ", ")), "74951345899": {"customer": "88314059999999"}}}
            """
        let server = try SimServer(states: ["mtt": seed])
        defer { server.stop() }
        // The fourth premedia scope is another customer's account: its read is refused
        // while the others (and the follow-me reads) are in flight.
        let premedia = (Array(accounts.prefix(3)) + ["74951345899"] + Array(accounts.dropFirst(3)))
            .map { "      - {sip_id: \"\($0)\", scenario: a}" }.joined(separator: "\n")
        let followMe = accounts.map { "      - {sip_id: \"\($0)\", chain: [{number: \"79161234567\", timeout: 20}]}" }.joined(separator: "\n")
        let dir = try SimConfigs.folder(SimConfigs.mtt(port: server.port, "    follow_me:\n\(followMe)\n    premedia:\n\(premedia)"))
        var outcomes: [String: Int] = [:]
        for _ in 0..<100 {
            for command in ["plan", "apply"] {
                let run = try TelformProcess.run(
                    command == "plan" ? ["plan"] : ["apply", "--auto-approve"], environment: SimConfigs.environment,
                    directory: dir, timeout: 20)
                let errors = run.stderrLines.filter { $0.hasPrefix("telform: error:") || $0.contains("Fatal") || $0.contains("crashed") }
                outcomes["\(command) exit \(run.status): \(errors.joined(separator: " | "))", default: 0] += 1
            }
        }
        let error = #"telform: error: mtt/premedia: You don't have access to this common\models\premedia\api\Account «». (getPremediaAccountSettings: -32002)"#
        XCTAssertEqual(outcomes, ["plan exit 1: \(error)": 100, "apply exit 1: \(error)": 100])
    }
}
