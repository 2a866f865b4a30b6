import Foundation
import XCTest

/// A field the API never returns cannot be compared: plans say so once per provider, and the
/// flag they name pushes the change.
final class WriteOnlyTests: XCTestCase {
    func testAChangedExtensionIsNamedInTheNoteAndPushedByReplace() throws {
        let server = try SimServer()
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        func write(_ extensionNumber: String) throws {
            try SimConfigs.endpoints(server.endpointsURL, "    endpoints:\n      - {name: desk, extension: \"\(extensionNumber)\", password: \"${env:PW}\"}")
                .write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        }
        let env = SimConfigs.sipPassword
        try write("100")
        XCTAssertEqual(try TelformProcess.run(["apply", "--auto-approve"], environment: env, directory: dir).status, 0)
        try write("200")
        let plan = try TelformProcess.run(["plan", "--detailed-exitcode"], environment: env, directory: dir)
        XCTAssertEqual(plan.status, 0, "the API does not return the extension: no plan can see the change")
        XCTAssertTrue(
            plan.stdout.contains(
                "\nNote: office: endpoints.extension, endpoints.password are never read back, so no plan sees a change to them; push a change of endpoints.extension with --replace ADDR (a new object), of endpoints.password with --rotate ADDR\n"
            ), plan.stdout)
        let replace = try TelformProcess.run(["apply", "--auto-approve", "--replace", "office/endpoints/desk"], environment: env, directory: dir)
        XCTAssertEqual(replace.status, 0, replace.stderr)
        XCTAssertTrue(replace.stdout.contains("  -/+ endpoints/desk                         replace (forced by --replace)"), replace.stdout)
        let state = try XCTUnwrap(server.state("endpoints") as? [String: Any])
        let tenants = try XCTUnwrap(state["tenants"] as? [String: Any])
        let endpoints = try XCTUnwrap((tenants["acme"] as? [String: Any])?["endpoints"] as? [[String: Any]])
        XCTAssertEqual(endpoints.map { $0["extension"] as? String }, ["200"])
    }

    /// Providers alike share one note, naming them (five, then a count).
    func testProvidersAlikeShareOneNote() throws {
        let dir = try TelformProcess.scratch()
        var text = "version: 1\nproviders:\n"
        for n in 1...7 {
            text += """
                  site\(n):
                    type: endpoints
                    url: sim://site\(n)
                    tenant: acme
                    endpoints:
                      - {name: desk, extension: "100", password: "${env:PW}"}

                """
        }
        try text.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let plan = try TelformProcess.run(["plan", "--format", "json"], environment: SimConfigs.sipPassword, directory: dir)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(
            document["notes"] as? [String],
            [
                "site1, site2, site3, site4, site5 and 2 more providers: endpoints.extension, endpoints.password are never read back, so no plan sees a change to them; push a change of endpoints.extension with --replace ADDR (a new object), of endpoints.password with --rotate ADDR"
            ])
    }
}
