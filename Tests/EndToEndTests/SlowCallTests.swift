import Foundation
import XCTest

/// A read or a call slower than 10 s says it is still waiting, so a slow server is not taken
/// for a hang (and -q keeps quiet).
final class SlowCallTests: XCTestCase {
    func testASlowReadAndASlowCallEachSayTheyAreStillWaiting() throws {
        let server = try SimServer(latencyMilliseconds: 10_600)
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        try """
        version: 1
        providers:
          office:
            type: endpoints
            url: \(server.endpointsURL)
            tenant: acme
            token: sim-endpoints-token
            endpoints:
              - {name: desk-a, extension: "100", password: "${env:PW}"}
        """.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let applied = try TelformProcess.run(["apply", "--auto-approve"], environment: ["PW": "Abcdefghij0123456789"], directory: dir, timeout: 60)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        let waiting = applied.stderrLines.filter { $0.contains("still waiting") }
        XCTAssertEqual(
            waiting, ["      still waiting on office: reading endpoints (10 s)", "      still waiting on office/endpoints/desk-a: create (10 s)"],
            applied.stderr)
    }
}
