import TelformCore
import XCTest

@testable import TelformPlatforms

/// `include:` merges files; what two files both declare is an error at both places.
final class IncludeTests: XCTestCase {
    func fixture() throws -> ConfigFixture {
        try ConfigFixture(files: [
            "telform.yaml": """
            version: 1
            include: [teams/*.yaml, missing/*.yaml]
            providers:
              office:
                type: endpoints
                url: sim://office
                tenant: acme
                endpoints:
                  - {name: reception, extension: "101", password: "${env:PW}"}
            """,
            "teams/a.yaml": """
            providers:
              office:
                endpoints:
                  - {name: sales, extension: "102", password: "${env:PW}"}
                  - {name: reception, extension: "103", password: "${env:PW}"}
            """,
            "teams/b.yaml": """
            version: 1
            policy: {parallelism: 2}
            providers:
              office:
                url: sim://other
                endpoints:
                  - {name: support, extension: "104", password: "${file:../pw.txt}"}
              mts:
                type: vpbx
                url: sim://mts
                schedules: [{name: day, abonent: "201"}]
            """,
            "pw.txt": "zyxwvutsrq9876543210\n",
        ])
    }

    func testIncludedFilesMergeAndDuplicatesAreReportedAtBothPlaces() throws {
        let fixture = try fixture()
        let (config, diagnostics) = fixture.load(environment: ["PW": "abcdefghij0123456789"])
        XCTAssertEqual(
            diagnostics,
            [
                "teams/a.yaml:5:9: error: providers.office.endpoints[1]: office/endpoints/reception is declared twice (also at telform.yaml:9:9)",
                "teams/b.yaml:2:1: error: policy: policy: is allowed in the root file only",
                "teams/b.yaml:5:5: error: providers.office.url: is set in two files (also at telform.yaml:6:5)",
                "telform.yaml:2:25: warning: include: \"missing/*.yaml\" matches no file",
                "telform.yaml:6:5: error: providers.office.url: is set in two files (also at teams/b.yaml:5:5)",
                "telform.yaml:9:9: error: providers.office.endpoints[0]: office/endpoints/reception is declared twice (also at teams/a.yaml:5:9)",
            ])
        XCTAssertEqual(config.providers.map(\.name), ["office", "mts"])
        XCTAssertEqual(config.provider("office")?.resources.map(\.address.key[0]), ["reception", "sales", "reception", "support"])
        XCTAssertEqual(
            config.fields("office/endpoints/support")?["password"], .string("zyxwvutsrq9876543210"),
            "${file:} is relative to the file that holds it")
        XCTAssertEqual(config.provider("mts")?.type, "vpbx")
        XCTAssertEqual(
            config.files.map { $0.replacingOccurrences(of: fixture.directory + "/", with: "") },
            ["telform.yaml", "teams/a.yaml", "teams/b.yaml"])
    }

    func testIncludeWithoutDuplicatesIsClean() throws {
        let fixture = try ConfigFixture(files: [
            "telform.yaml": "version: 1\ninclude: team.yaml\nproviders:\n  mts: {type: vpbx, url: sim://mts}\n",
            "team.yaml": "providers:\n  mts:\n    find_me: [{user: \"201\", rules: [{name: r, type: redirect, always: \"650\"}]}]\n",
        ])
        let (config, diagnostics) = fixture.load()
        XCTAssertEqual(diagnostics, [])
        XCTAssertEqual(config.provider("mts")?.resources.map(\.address.description), ["mts/find_me/201/redirect/r"])
        XCTAssertEqual(config.provider("mts")?.declaredKinds, ["find_me"])
    }
}
