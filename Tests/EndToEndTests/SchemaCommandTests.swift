import Foundation
import XCTest

/// `telform schema` is a valid draft 2020-12 JSON Schema that accepts every example and
/// rejects broken configs, checked with Python's jsonschema the way an editor would read YAML.
final class SchemaCommandTests: XCTestCase {
    func schema() throws -> (URL, [String: Any]) {
        let outcome = try TelformProcess.run(["schema"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.stderr, "")
        let url = try TelformProcess.scratch().appendingPathComponent("schema.json")
        try outcome.stdout.write(to: url, atomically: true, encoding: .utf8)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        return (url, object)
    }

    func check(_ schema: URL, _ files: [String]) throws -> (Int32, [String]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "Tests/EndToEndTests/schema_check.py", schema.path] + files
        process.currentDirectoryURL = TelformProcess.packageRoot
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
    }

    func testSchemaIsDraft202012WithHoverText() throws {
        let (_, object) = try schema()
        XCTAssertEqual(object["$schema"] as? String, "https://json-schema.org/draft/2020-12/schema")
        let defs = try XCTUnwrap(object["$defs"] as? [String: Any])
        XCTAssertEqual(defs.keys.sorted(), ["provider", "provider_endpoints", "provider_mtt", "provider_mxproxy", "provider_vpbx", "provider_xivo"])
        let endpoints = try XCTUnwrap(defs["provider_endpoints"] as? [String: Any])
        let kinds = try XCTUnwrap(endpoints["properties"] as? [String: Any])
        let list = try XCTUnwrap(kinds["endpoints"] as? [String: Any])
        let item = try XCTUnwrap(list["items"] as? [String: Any])
        let fields = try XCTUnwrap(item["properties"] as? [String: Any])
        let password = try XCTUnwrap(fields["password"] as? [String: Any])
        XCTAssertEqual(
            password["description"] as? String,
            "SIP password. Never read back, so plan cannot see a change: push one with `--rotate ADDR`. (wire: password; required; sensitive; write-only)")
        XCTAssertEqual((item["required"] as? [String])?.sorted(), ["extension", "name", "password"])
    }

    func testSchemaAcceptsEveryExampleAndRejectsBrokenConfigs() throws {
        let (schema, _) = try schema()
        let dir = try TelformProcess.scratch()
        let broken = dir.appendingPathComponent("broken.yaml")
        let tooMany = dir.appendingPathComponent("too-many.yaml")
        try """
        version: 1
        providers:
          office:
            type: endpoints
            url: sim://office
            tenant: acme
            endpoints:
              - {name: a, extension: "101", password: "${env:PW}", codec: ulaw}
        """.write(to: broken, atomically: true, encoding: .utf8)
        try """
        version: 1
        providers:
          mts:
            type: vpbx
            url: sim://mts
            find_me:
              - user: "201"
                rules: [{name: r, type: parallel, numbers: [\((1...11).map { "{number: \"5\($0)\"}" }.joined(separator: ", "))]}]
        """.write(to: tooMany, atomically: true, encoding: .utf8)
        let examples = ["endpoints", "vpbx", "mtt", "xivo", "mxproxy", "telform"].map { "examples/\($0).yaml" } + ["examples/teams/sales.yaml"]
        let (status, lines) = try check(schema, examples + [broken.path, tooMany.path])
        XCTAssertEqual(status, 0, "the schema itself is valid draft 2020-12")
        XCTAssertEqual(Array(lines.prefix(examples.count)), examples.map { "ok \($0)" })
        XCTAssertEqual(
            Array(lines.dropFirst(examples.count)),
            [
                "invalid \(broken.path): providers.office.endpoints.0: Additional properties are not allowed ('codec' was unexpected)",
                "invalid \(tooMany.path): providers.mts.find_me.0.rules.0.numbers: [{'number': '51'}, {'number': '52'}, {'number': '53'}, {'number': '54'}, {'number': '55'}, {'number': '56'}, {'number': '57'}, {'number': '58'}, {'number': '59'}, {'number': '510'}, {'number': '511'}] is too long",
            ])
    }

    func testTheRoutingTestsSchemaAcceptsTheExamplesAndRejectsBrokenTests() throws {
        let outcome = try TelformProcess.run(["schema", "--routing-tests"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let dir = try TelformProcess.scratch()
        let schema = dir.appendingPathComponent("tests.schema.json")
        let broken = dir.appendingPathComponent("broken.tests.yaml")
        try outcome.stdout.write(to: schema, atomically: true, encoding: .utf8)
        try "version: 1\ntests:\n  - {call: \"101\", at: \"mon 10:00\", expect: [rnig: \"101\"]}\n".write(to: broken, atomically: true, encoding: .utf8)
        let examples = ["endpoints", "mtt", "mxproxy", "telform", "vpbx", "xivo", "tour/telform"].map { "examples/\($0).tests.yaml" }
        let (status, lines) = try check(schema, examples + [broken.path])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(
            lines, examples.map { "ok \($0)" } + ["invalid \(broken.path): tests.0.expect: [{'rnig': '101'}] is not valid under any of the given schemas"])
    }
}

final class ReferenceDocTests: XCTestCase {
    /// docs/reference.md is generated from the kind tables; a stale copy fails here.
    func testReferenceDocMatchesTheKindTables() throws {
        let outcome = try TelformProcess.run(["schema", "--format", "markdown"])
        XCTAssertEqual(outcome.status, 0)
        let committed = try String(contentsOf: TelformProcess.packageRoot.appendingPathComponent("docs/reference.md"), encoding: .utf8)
        XCTAssertEqual(committed, outcome.stdout, "regenerate with: swift run telform schema --format markdown > docs/reference.md")
    }
}
