import Foundation
import XCTest

/// `plan --on-simulators`: what a pull request from a fork can be shown without a secret.
final class OnSimulatorsTests: XCTestCase {
    let config = """
        version: 1
        providers:
          office:
            type: endpoints
            url: https://pbx.example.invalid/api
            sim_seed: seed.json
            tenant: acme
            token: ${env:OFFICE_TOKEN}
            endpoints:
              - {name: desk-a, extension: "100", password: "${env:PW_A}", language: en}
              - {name: desk-b, extension: "101", password: "${file:secrets/b.password}"}
        """
    let seed = #"""
        {"platform": "endpoints", "tokens": ["sim-endpoints-token"], "tenants": {"acme": {"next_id": 8, "endpoints": [
          {"id": 7, "name": "desk-a", "extension": "100", "password": "SeedPassword00000007", "language": "ru"}]}}}
        """#

    func testEveryProviderIsPlannedOnItsSimulatorWithoutASecretAndNothingIsKept() throws {
        let dir = try TelformProcess.scratch()
        try config.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        try seed.write(to: dir.appendingPathComponent("seed.json"), atomically: true, encoding: .utf8)
        // No variable set, no secrets/ folder: a plain plan cannot even load.
        let plain = try TelformProcess.run(["plan"], environment: [:], directory: dir)
        XCTAssertEqual(plain.status, 1)
        XCTAssertTrue(plain.stderr.contains("${env:OFFICE_TOKEN}"), plain.stderr)

        let planned = try TelformProcess.run(["plan", "--on-simulators", "--detailed-exitcode"], environment: [:], directory: dir)
        XCTAssertEqual(planned.status, 2, planned.stderr)
        XCTAssertEqual(
            planned.stderrLines.first, "Planning on the embedded simulators (--on-simulators): no provider's url is called, no secret is read.")
        let lines = planned.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(lines.contains("office (endpoints, sim://office)"), planned.stdout)
        XCTAssertTrue(lines.contains(#"language: "ru" -> "en""#), planned.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("+ endpoints/desk-b ") && $0.hasSuffix(" create") }, planned.stdout)
        XCTAssertTrue(lines.contains("password:  (write-only)"), planned.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(".telform").path), "no state kept beside the config")

        let saved = try TelformProcess.run(["plan", "--on-simulators", "-o", "plan.json"], environment: [:], directory: dir)
        XCTAssertEqual(saved.status, 1)
        XCTAssertEqual(saved.stderrLines, ["telform: error: plan: a plan --on-simulators is for reading, not for apply: -o cannot save it"])

        // A seed of another platform is refused, not read as an empty simulator.
        try #"{"platform": "vpbx", "accounts": {}}"#.write(to: dir.appendingPathComponent("seed.json"), atomically: true, encoding: .utf8)
        let wrong = try TelformProcess.run(["plan", "--on-simulators", "-q"], environment: [:], directory: dir)
        XCTAssertEqual(wrong.status, 1)
        XCTAssertEqual(
            wrong.stderrLines,
            [
                #"telform: error: office: the seed ./seed.json is a vpbx state; this provider is endpoints: its seed starts {"platform": "endpoints", …} (docs/simulator.md shows each platform's)"#
            ])
    }

    /// Every example, its urls made real and its secrets/ folder gone (a fork's checkout has
    /// none): each plans on the simulators with no variable set — a key in a URL
    /// (`${file:secrets/routing.key}`) is not needed either.
    func testEveryExamplePlansOnTheSimulatorsWithoutItsSecrets() throws {
        let examples = try TelformProcess.freshExamples()
        try FileManager.default.removeItem(at: examples.appendingPathComponent("secrets"))
        for name in ["endpoints", "vpbx", "mtt", "xivo", "mxproxy", "telform"] {
            let file = examples.appendingPathComponent("\(name).yaml")
            let text = try String(contentsOf: file, encoding: .utf8)
            let real = text.replacingOccurrences(of: #"url: sim://([a-z]+)"#, with: "url: https://$1.example.invalid/api", options: .regularExpression)
            XCTAssertNotEqual(real, text, name)
            try real.write(to: file, atomically: true, encoding: .utf8)
            let plain = try TelformProcess.run(["plan", "-c", "\(name).yaml", "-q"], environment: [:], directory: examples)
            XCTAssertEqual(plain.status, 1, "\(name): without --on-simulators it needs its secrets")
            let planned = try TelformProcess.run(["plan", "-c", "\(name).yaml", "--on-simulators", "-q"], environment: [:], directory: examples)
            XCTAssertEqual(planned.status, 0, "\(name): \(planned.stderr)")
            XCTAssertEqual(planned.stderrLines.filter { $0.contains("error") }, [], name)
        }
    }
}
