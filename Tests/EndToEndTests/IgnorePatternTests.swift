import Foundation
import XCTest

/// An ignore pattern cannot silently miss: the provider's own prefix is accepted, an unknown
/// kind is an error with a suggestion, and a pattern that matches nothing live is a warning.
final class IgnorePatternTests: XCTestCase {
    /// The office provider on the embedded simulator seeded from examples/seeds/office.json,
    /// ignoring `pattern`, then `more` (other providers).
    static func config(_ pattern: String, more: String = "") throws -> URL {
        let dir = try TelformProcess.scratch()
        try FileManager.default.copyItem(at: TelformProcess.packageRoot.appendingPathComponent("examples/seeds"), to: dir.appendingPathComponent("seeds"))
        try """
        version: 1
        providers:
          office:
            type: endpoints
            url: sim://office
            sim_seed: seeds/office.json
            tenant: acme
            ignore: ["\(pattern)"]
            endpoints: []
        \(more)
        """.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    func config(_ pattern: String) throws -> URL { try Self.config(pattern) }

    func testThePatternWithItsProviderPrefixProtectsTheObject() throws {
        let plan = try TelformProcess.run(["plan"], directory: try config("office/endpoints/test-*"))
        XCTAssertEqual(plan.status, 0, plan.stderr)
        XCTAssertFalse(plan.stdout.contains("test-softphone"), "the ignored endpoint is never planned: \(plan.stdout)")
        XCTAssertTrue(plan.stdout.hasSuffix("Plan: 0 to create, 0 to update, 3 to delete.\n"), plan.stdout)
    }

    func testAnUnknownKindOrAShapelessPatternIsAnErrorAndAMissIsAWarning() throws {
        let kind = try TelformProcess.run(["plan"], directory: try config("endpoint/test-*"))
        XCTAssertEqual(kind.status, 1)
        XCTAssertEqual(
            kind.stderrLines.first,
            #"telform.yaml:8:14: error: providers.office.ignore[0]: unknown kind "endpoint" in "endpoint/test-*" (kinds: endpoints); did you mean "endpoints"?"#
        )
        let shapeless = try TelformProcess.run(["validate"], directory: try config("foo"))
        XCTAssertEqual(
            shapeless.stderrLines.first,
            #"telform.yaml:8:14: error: providers.office.ignore[0]: "foo" is not an address pattern; write KIND/KEY, e.g. endpoints/test-* (kinds: endpoints)"#)
        let miss = try TelformProcess.run(["plan"], directory: try config("endpoints/nothing-*"))
        XCTAssertTrue(miss.stdout.contains("\nWarning: office: ignore pattern \"endpoints/nothing-*\" matches no live object\n"), miss.stdout)
    }
}

/// `--provider NAME` needs only the named providers' variables.
final class ProviderSelectionTests: XCTestCase {
    func testAnotherProvidersUnsetVariablesAreNotNeeded() throws {
        let dir = try IgnorePatternTests.config(
            "endpoints/test-*",
            more: """
                  mx:
                    type: mxproxy
                    url: https://mx.example/api
                    client_id: app
                    client_secret: ${env:MX_SECRET}
                    username: me@example.com
                    password: ${env:MX_PASSWORD}
                    conferences: []
                """)
        let all = try TelformProcess.run(["plan"], directory: dir)
        XCTAssertEqual(all.status, 1)
        XCTAssertEqual(all.stderrLines.filter { $0.contains("unset variable") }.count, 2)
        let office = try TelformProcess.run(["plan", "--provider", "office"], directory: dir)
        XCTAssertEqual(office.status, 0, office.stderr)
        XCTAssertFalse(office.stderr.contains("MX_"), office.stderr)
        XCTAssertTrue(office.stdout.hasSuffix("Plan: 0 to create, 0 to update, 3 to delete.\n"), office.stdout)
    }
}
