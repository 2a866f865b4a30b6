import Foundation
import XCTest

/// The concurrency in effect is a policy, honoured as given and printed by apply.
final class ParallelismTests: XCTestCase {
    func testApplyPrintsTheLimitsInEffect() throws {
        let server = try SimServer()
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        func run(_ policy: String, _ arguments: [String]) throws -> TelformProcess.Outcome {
            try """
            version: 1
            policy: \(policy)
            providers:
              office:
                type: endpoints
                url: \(server.endpointsURL)
                tenant: acme
                token: sim-endpoints-token
                endpoints:
            \((1...3).map { "      - {name: d\($0), extension: \"10\($0)\", password: \"${env:PW}\"}" }.joined(separator: "\n"))
            """.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
            return try TelformProcess.run(["apply", "--auto-approve"] + arguments, environment: ["PW": "Sip0Password0Twenty1"], directory: dir)
        }
        let first = try run("{provider_parallelism: 16}", ["--parallelism", "32"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderrLines.contains("Applying 3 changes: at most 16 calls at once (parallelism 32, 16 per provider: policy.provider_parallelism)"), first.stderr)
    }
}
