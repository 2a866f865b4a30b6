import Foundation
import XCTest

/// docs/plan-json.md names every key a JSON plan of the shipped examples holds: at the top,
/// in `providers[]`, in `changes[]`, in `summary`, in `findings[]` and in `routing[]`.
final class PlanJSONDocTests: XCTestCase {
    func testEveryKeyOfEveryExamplesJSONPlanIsDocumented() throws {
        let doc = try String(contentsOf: TelformProcess.packageRoot.appendingPathComponent("docs/plan-json.md"), encoding: .utf8)
        let examples = TelformProcess.packageRoot.appendingPathComponent("examples")
        let dir = try TelformProcess.scratch()
        for item in try FileManager.default.contentsOfDirectory(atPath: examples.path) where item != ".telform" {
            try FileManager.default.copyItem(at: examples.appendingPathComponent(item), to: dir.appendingPathComponent(item))
        }
        var keys: Set<String> = []
        for example in ["endpoints", "vpbx", "mtt", "xivo", "mxproxy", "telform"] {
            let run = try TelformProcess.run(
                ["plan", "-c", "\(example).yaml", "--format", "json"], environment: ["RECEPTION_SIP_PASSWORD": "Reception0000000000B"], directory: dir)
            XCTAssertEqual(run.status, 0, "\(example): \(run.stderr)")
            let plan = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], example)
            keys.formUnion(plan.keys)
            for list in ["providers", "changes", "findings", "routing"] {
                for item in plan[list] as? [[String: Any]] ?? [] { keys.formUnion(item.keys) }
            }
            keys.formUnion((plan["summary"] as? [String: Any])?.keys ?? [String: Any]().keys)
        }
        XCTAssertTrue(keys.contains("notes"), "the examples' plans hold notes")
        XCTAssertEqual(keys.filter { !doc.contains("`\($0)`") && !doc.contains("`\($0)[]`") }.sorted(), [], "keys docs/plan-json.md does not name")
    }
}
