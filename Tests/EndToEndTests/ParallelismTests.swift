import Foundation
import XCTest

/// The concurrency in effect is a policy, honoured as given and printed by apply.
final class ParallelismTests: XCTestCase {
    func testApplyPrintsTheLimitsInEffect() throws {
        let server = try SimServer()
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        func run(_ policy: String, _ arguments: [String]) throws -> TelformProcess.Outcome {
            try SimConfigs.endpoints(server.endpointsURL, policy: policy, SimConfigs.declaredEndpoints(3, prefix: "d"))
                .write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
            return try TelformProcess.run(["apply", "--auto-approve"] + arguments, environment: SimConfigs.sipPassword, directory: dir)
        }
        let first = try run("{provider_parallelism: 16}", ["--parallelism", "32"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(
            first.stderrLines.contains("Applying 3 changes: at most 16 calls at once (parallelism 32, 16 per provider: policy.provider_parallelism)"),
            first.stderr)
    }
}
