import Foundation
import XCTest

/// Within a kind, deletes run before creates: what a delete frees (an MX `accessId`, an
/// extension, a parking-lot range) may be what a create takes.
final class DeleteBeforeCreateTests: XCTestCase {
    func testAConferenceTakingAFreedAccessIDIsCreatedAfterTheDelete() throws {
        let server = try SimServer(
            states: ["mxproxy": SimConfigs.mxproxySeed(conferences: "[\(SimConfigs.liveConference(id: "7", name: "Old", accessID: 4000))]")],
            latencyMilliseconds: 50)
        defer { server.stop() }
        let dir = try SimConfigs.folder(SimConfigs.mxproxy(port: server.port, "    conferences:\n" + SimConfigs.conference("New", accessID: 4000)))
        let env = SimConfigs.environment
        let plan = try TelformProcess.run(["plan"], environment: env, directory: dir)
        XCTAssertTrue(plan.stdout.contains("  + conferences/New                          create, after conferences/Old\n"), plan.stdout)
        let apply = try TelformProcess.run(["apply", "--auto-approve", "--parallelism", "8"], environment: env, directory: dir)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        XCTAssertEqual(
            try server.requests().filter { $0.hasPrefix("DELETE") || $0.hasPrefix("POST /mxproxy/conf") },
            ["DELETE /mxproxy/conferences/7 204", "POST /mxproxy/conferences 200"])
    }
}
