import Foundation
import XCTest

/// The README's tour is a real file, and it and examples/telform.yaml plan on a fresh copy with
/// nothing run before and any credential values: sim:// providers ignore declared credentials.
final class TourTests: XCTestCase {

    func testTheReadmeTourIsTheShippedFile() throws {
        let readme = try String(contentsOf: TelformProcess.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let tour = try String(contentsOf: TelformProcess.packageRoot.appendingPathComponent("examples/tour/telform.yaml"), encoding: .utf8)
        let start = try XCTUnwrap(readme.range(of: "## A tour of the config language"))
        let block = try XCTUnwrap(readme.range(of: "```yaml\n", range: start.upperBound..<readme.endIndex))
        let end = try XCTUnwrap(readme.range(of: "```", range: block.upperBound..<readme.endIndex))
        XCTAssertEqual(String(readme[block.upperBound..<end.lowerBound]), tour)
    }

    func testTheTourPlansWithAnyTokenOnAFreshCopy() throws {
        let examples = try TelformProcess.freshExamples()
        let plan = try TelformProcess.run(
            ["plan", "-c", "tour/telform.yaml", "--detailed-exitcode"],
            environment: [
                "RECEPTION_SIP_PASSWORD": "Abcdefghij0123456789", "SUPPORT_SIP_PASSWORD": "Zbcdefghij0123456789", "OFFICE_TOKEN": "any-value-at-all",
            ], directory: examples)
        XCTAssertEqual(plan.status, 2, plan.stderr)
        XCTAssertTrue(plan.stdout.contains("Plan: 2 to create, 0 to update, 0 to delete."), plan.stdout)
    }

    func testTheMultiPlatformExamplePlansOnAFreshCopyWithCredentialsUnset() throws {
        let examples = try TelformProcess.freshExamples()
        // OFFICE_TOKEN and MTS_TOKEN unset: sim:// providers need no credentials.
        let plan = try TelformProcess.run(
            ["plan", "-c", "telform.yaml", "--detailed-exitcode"],
            environment: [
                "RECEPTION_SIP_PASSWORD": "Abcdefghij0123456789"
            ], directory: examples)
        XCTAssertEqual(plan.status, 2, plan.stderr)
        XCTAssertTrue(plan.stdout.contains("Plan: 3 to create, 1 to update, 4 to delete."), plan.stdout)
    }
}
