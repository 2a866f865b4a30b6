import Foundation
import XCTest

/// `--rotate` re-sends write-only secrets: kinds without any are skipped, and the plan says so.
final class RotateTests: XCTestCase {
    func testRotateSkipsKindsWithNothingWriteOnlyAndSendsNothingThere() throws {
        let server = try SimServer(states: [
            "xivo": """
            {"credentials": [{"username": "ws", "password": "ws-secret"}], "groups": [], "queues": [], "users": [], "context": []}
            """
        ])
        defer { server.stop() }
        let dir = try SimConfigs.folder(
            SimConfigs.xivo(
                port: server.port,
                """
                    queue_skills:
                      - {name: english, printscreen: Eng, category: languages}
                    parking_lots:
                      - {name: lot1, context: default, extension: "700", positions: 10}
                """))
        let env = SimConfigs.environment
        XCTAssertEqual(try TelformProcess.run(["apply", "--auto-approve"], environment: env, directory: dir).status, 0)
        let before = try server.requests().count
        let rotate = try TelformProcess.run(["apply", "--auto-approve", "--rotate", "*"], environment: env, directory: dir)
        XCTAssertEqual(rotate.status, 0, rotate.stderr)
        XCTAssertEqual(
            rotate.stdout.split(separator: "\n").filter { $0.hasPrefix("Warning: --rotate") },
            [
                "Warning: --rotate skipped xivo/queue_skills (1 matched): it has no write-only field to re-send",
                "Warning: --rotate skipped xivo/parking_lots (1 matched): it has no write-only field to re-send",
            ])
        XCTAssertTrue(rotate.stdout.hasSuffix("No changes. The live state matches the configuration.\n"), rotate.stdout)
        XCTAssertEqual(
            try server.requests().dropFirst(before).filter { !$0.contains("act=list") && !$0.contains("act=view") }, [],
            "only reads: no edit was sent to a kind that has none")
    }
}
