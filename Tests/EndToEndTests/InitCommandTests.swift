import Foundation
import XCTest

/// `telform init` in an empty folder is a working start on every platform: validate, plan,
/// apply, a plan with nothing left, and the routing tests all pass; it writes only new files.
final class InitCommandTests: XCTestCase {
    static let platforms = ["endpoints", "vpbx", "mtt", "xivo", "mxproxy"]

    /// init, then the newcomer's commands, each with its exit code.
    func start(_ arguments: [String], in dir: URL) throws -> [String: Int32] {
        var codes: [String: Int32] = [:]
        let initialized = try TelformProcess.run(["init"] + arguments, directory: dir)
        codes["init"] = initialized.status
        XCTAssertEqual(initialized.stderr, "", arguments.description)
        for (name, command) in [
            ("validate", ["validate"]), ("plan", ["plan", "--detailed-exitcode"]), ("apply", ["apply", "--auto-approve"]),
            ("replan", ["plan", "--detailed-exitcode"]), ("test", ["test"]), ("drift", ["drift"]),
        ] {
            let run = try TelformProcess.run(command, directory: dir)
            codes[name] = run.status
            if ![0, 2].contains(run.status) { XCTFail("\(arguments) \(name): \(run.stderr)") }
        }
        return codes
    }

    func testEachPlatformStartsAndConvergesFromAnEmptyFolder() throws {
        for platform in Self.platforms {
            let dir = try TelformProcess.scratch()
            XCTAssertEqual(
                try start(["--platform", platform], in: dir), ["init": 0, "validate": 0, "plan": 2, "apply": 0, "replan": 0, "test": 0, "drift": 0],
                platform)
        }
    }

    /// Commands that only read (drift, export, test --live, explain --live) need no write-only
    /// secret: a password is never read back. plan and apply still need it.
    func testReadingNeedsNoWriteOnlySecret() throws {
        let dir = try TelformProcess.scratch()
        XCTAssertEqual(try TelformProcess.run(["init", "--platform", "endpoints"], directory: dir).status, 0)
        XCTAssertEqual(try TelformProcess.run(["apply", "--auto-approve", "-q"], directory: dir).status, 0)
        let config = dir.appendingPathComponent("telform.yaml")
        try (try String(contentsOf: config, encoding: .utf8)).replacingOccurrences(of: "${file:secrets/sales.password}", with: "${env:SALES_PASSWORD}")
            .write(to: config, atomically: true, encoding: .utf8)
        for command in [["drift"], ["export", "--provider", "office"], ["test", "--live"], ["explain", "101", "--live"]] {
            let run = try TelformProcess.run(command, directory: dir)
            XCTAssertEqual(run.status, 0, "\(command): \(run.stderr)")
        }
        let plan = try TelformProcess.run(["plan"], directory: dir)
        XCTAssertEqual(plan.status, 1)
        XCTAssertEqual(plan.stderrLines.first, "telform.yaml:27:19: error: providers.office.endpoints[1].password: unset variable ${env:SALES_PASSWORD}")
    }

    /// The example workflow runs on a change to any file the example config reads (secrets/
    /// stays out of git), on pull requests and on merges alike.
    func testTheWorkflowsPathFilterCoversEveryFileTheExampleReads() throws {
        let workflow = try String(contentsOfFile: "examples/ci/telform.yml", encoding: .utf8)
        let filters = workflow.split(separator: "\n").filter { $0.hasPrefix("    paths: ") }.map { line in
            line.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        }
        XCTAssertEqual(filters.count, 2, "pull_request and push")
        let environment = ValidateCommandTests.exampleEnvironment.merging(["RECEPTION_SIP_PASSWORD": "Reception0000000000A"]) { _, b in b }
        let listed = try TelformProcess.run(["validate", "--files", "-q"], environment: environment, directory: URL(fileURLWithPath: "examples"))
        XCTAssertEqual(listed.status, 0, listed.stderr)
        let files = listed.stdout.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("secrets/") }
        XCTAssertEqual(files.count, 3, listed.stdout)
        for patterns in filters {
            for file in files {
                XCTAssertTrue(patterns.contains { fnmatch($0, file, 0) == 0 }, "\(file) is not in \(patterns)")
            }
        }
    }

    func testEveryPlatformAtOnceAndNothingOverwritten() throws {
        let dir = try TelformProcess.scratch()
        try "node_modules/\n".write(to: dir.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try start([], in: dir), ["init": 0, "validate": 0, "plan": 2, "apply": 0, "replan": 0, "test": 0, "drift": 0])
        let written = try TelformProcess.run(["init"], directory: dir)
        XCTAssertEqual(written.status, 1)
        XCTAssertEqual(written.stderrLines, ["telform: error: init: telform.yaml already exists; nothing was written (init writes only new files)"])
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent(".gitignore"), encoding: .utf8), "node_modules/\n.telform/\nsecrets/\n")
        let config = try String(contentsOf: dir.appendingPathComponent("telform.yaml"), encoding: .utf8)
        for provider in ["office", "mts", "mtt", "xivo", "mx"] {
            XCTAssertTrue(config.contains("\n  \(provider):\n"), provider)
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("seeds/\(provider).json").path), provider)
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("secrets/reception.password").path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let password = try String(contentsOf: dir.appendingPathComponent("secrets/reception.password"), encoding: .utf8)
        XCTAssertNotNil(password.range(of: "^[A-Za-z0-9]{20}\n$", options: .regularExpression), password)
        // The workflow is the shipped example's, byte for byte.
        XCTAssertEqual(
            try Data(contentsOf: dir.appendingPathComponent(".github/workflows/telform.yml")),
            try Data(contentsOf: TelformProcess.packageRoot.appendingPathComponent("examples/ci/telform.yml")))
        // The file list and the next commands.
        let other = try TelformProcess.scratch()
        let output = try TelformProcess.run(["init", "--platform", "vpbx"], directory: other).stdout
        XCTAssertEqual(
            output,
            """
            Wrote:
              telform.yaml              1 provider on the embedded simulators: vpbx
              telform.tests.yaml        routing tests that hold for them (telform test)
              seeds/mts.json            where mts's simulator starts
              .gitignore                .telform/ and secrets/ stay out of git
              .github/workflows/telform.yml   plan on pull requests, apply on merge, drift nightly
            Next:
              telform plan    what apply would change
              telform apply   make those changes (asks first)
              telform test    check the routing tests

            """)
        let unknown = try TelformProcess.run(["init", "--platform", "vpx"], directory: try TelformProcess.scratch())
        XCTAssertEqual(unknown.status, 1)
        XCTAssertEqual(
            unknown.stderrLines, ["telform: error: init: no platform \"vpx\"; did you mean \"vpbx\"? (platforms: endpoints, vpbx, mtt, xivo, mxproxy)"])
    }
}
