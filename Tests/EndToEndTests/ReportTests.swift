import Foundation
import XCTest

/// `telform report`: the JSON plans and drift reports of many jobs in one summary.
final class ReportTests: XCTestCase {
    func testPlansAndDriftReportsAreGatheredIntoOneSummary() throws {
        let dir = try TelformProcess.scratch()
        let examples = TelformProcess.packageRoot.appendingPathComponent("examples")
        for item in ["vpbx.yaml", "endpoints.yaml", "xivo.yaml", "seeds", "secrets"] {
            try FileManager.default.copyItem(at: examples.appendingPathComponent(item), to: dir.appendingPathComponent(item))
        }
        for (arguments, file) in [
            (["plan", "-c", "vpbx.yaml"], "p1.json"), (["plan", "-c", "endpoints.yaml"], "p2.json"), (["drift", "-c", "xivo.yaml"], "d1.json"),
        ] {
            let outcome = try TelformProcess.run(arguments + ["--format", "json"], directory: dir)
            try outcome.stdout.write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        let report = try TelformProcess.run(["report", "p1.json", "p2.json", "d1.json"], directory: dir)
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertEqual(
            report.stdout,
            """
            ## telform report

            **2 planned providers: 2 with changes, 0 with errors or refusals; 1 checked for drift: 1 drifted.**

            ### Plans

            | source | provider | create | update | delete | replace | reported only | errors |
            |---|---|---:|---:|---:|---:|---:|---:|
            | p1.json | mts | 3 | 2 | 2 | 0 | 0 | 0 |
            | p2.json | office | 1 | 1 | 1 | 0 | 0 | 0 |
            | **total** | | **4** | **3** | **3** | **0** | **0** | **0** |

            ### Drift

            | source | provider | changed | missing | unmanaged | duplicate | reported only |
            |---|---|---:|---:|---:|---:|---:|
            | d1.json | xivo | 2 | 4 | 1 | 0 | 1 |
            | **total** | | **2** | **4** | **1** | **0** | **1** |

            """)
        let json = try TelformProcess.run(["report", "--format", "json", "d1.json"], directory: dir)
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((parsed["drift"] as? [[String: Any]])?.first?["reported_only"] as? Int, 1)
        try "{}".write(to: dir.appendingPathComponent("other.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(
            try TelformProcess.run(["report", "other.json"], directory: dir).stderrLines,
            ["telform: error: report: other.json: neither a JSON plan (changes) nor a JSON drift report (drift)"])
    }
}
