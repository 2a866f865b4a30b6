import Foundation
import XCTest

/// A saved plan finds its config relative to the plan file, and the digest covers the files'
/// contents, not the spelling of their paths.
final class SavedPlanPathTests: XCTestCase {
    func testAPlanMadeInOneFolderAppliesFromAnother() throws {
        let root = try TelformProcess.scratch()
        let project = root.appendingPathComponent("project")
        let elsewhere = root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TelformProcess.packageRoot.appendingPathComponent("examples"), to: project)
        try? FileManager.default.removeItem(at: project.appendingPathComponent(".telform"))
        let plan = try TelformProcess.run(["plan", "-c", "endpoints.yaml", "-o", "plan.json"], directory: project)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let saved = try String(contentsOf: project.appendingPathComponent("plan.json"), encoding: .utf8)
        XCTAssertTrue(saved.contains(#""config_path": "endpoints.yaml""#), "relative to the plan file")
        let apply = try TelformProcess.run(["apply", "../project/plan.json"], directory: elsewhere)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        XCTAssertEqual(apply.stderrLines.last, "Apply: 3 succeeded, 0 failed, 0 skipped.")
        XCTAssertEqual(try TelformProcess.run(["plan", "-c", "../project/endpoints.yaml", "--detailed-exitcode"], directory: elsewhere).status, 0)
    }
}
