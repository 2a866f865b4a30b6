import XCTest

@testable import TelformCore
@testable import TelformPlatforms

/// Typing follows the schema, never YAML 1.1 guessing (SPEC §2).
final class TypingTests: XCTestCase {
    func testStringFieldsKeepLiteralText() throws {
        let (config, diagnostics) = try ConfigFixture.load(
            endpointsConfig(
                """
                      - name: a
                        extension: 007
                        password: "${env:PW}"
                        outgoing_cli: 79161234567
                        language: no
                        transport: 1e3
                      - name: b
                        extension: "008"
                        password: "${env:PW}"
                        outgoing_cli: 0x1F
                        language: ""
                        transport: ~
                      - name: true
                        extension: 009
                        password: "${env:PW}"
                """), environment: ["PW": "abcdefghij0123456789"])
        XCTAssertEqual(diagnostics, [])
        let a = try XCTUnwrap(config.fields("office/endpoints/a"))
        XCTAssertEqual(a["extension"], .string("007"))
        XCTAssertEqual(a["outgoing_cli"], .string("79161234567"))
        XCTAssertEqual(a["language"], .string("no"))
        XCTAssertEqual(a["transport"], .string("1e3"))
        let b = try XCTUnwrap(config.fields("office/endpoints/b"))
        XCTAssertEqual(b["extension"], .string("008"))
        XCTAssertEqual(b["outgoing_cli"], .string("0x1F"))
        XCTAssertEqual(b["language"], .string(""))
        XCTAssertNil(b["transport"], "~ leaves an optional field unset")
        XCTAssertEqual(config.fields("office/endpoints/true")?["extension"], .string("009"))
    }

    /// A long list: its resources and findings in order (item 300 gives no resource), whether
    /// the provider's `type:` is written above the list or below it.
    func testALongListKeepsItsOrderAndFindings() throws {
        for typeFirst in [true, false] {
            var text =
                "version: 1\nproviders:\n  office:\n" + (typeFirst ? "    type: endpoints\n" : "    # type: below\n")
                + "    url: sim://office\n    tenant: acme\n    endpoints:\n"
            for index in 0..<600 {
                let name = index == 599 ? "ep001" : "ep" + String(repeating: "0", count: 3 - String(index).count) + String(index)
                let ext = index == 400 ? "abc" : String(100 + index)
                // Item 300 has no name, so no resource: the second chunk gives 255.
                text +=
                    "      - {\(index == 300 ? "" : "name: \(name), ")extension: \"\(ext)\", password: \"${env:PW}\"\(index == 10 ? ", colour: red" : "")}\n"
            }
            if !typeFirst { text += "    type: endpoints\n" }
            try checkLongList(text)
        }
    }

    private func checkLongList(_ text: String) throws {
        let (config, diagnostics) = try ConfigFixture.load(text, environment: ["PW": "abcdefghij0123456789"])
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:9:9: error: providers.office.endpoints[1]: office/endpoints/ep001 is declared twice (also at telform.yaml:607:9)",
                "telform.yaml:18:64: error: providers.office.endpoints[10].colour: unknown key \"colour\"; expected one of: name, extension, password, transport, allow, disallow, direct_media, rtp_symmetric, force_rport, rewrite_contact, allow_long_distance, language, outgoing_cli, forward, protect",
                "telform.yaml:308:9: error: providers.office.endpoints[300].name: is required",
                "telform.yaml:408:34: error: providers.office.endpoints[400].extension: \"abc\" must be exactly 3 digits (000-999)",
                "telform.yaml:607:9: error: providers.office.endpoints[599]: office/endpoints/ep001 is declared twice (also at telform.yaml:9:9)",
            ])
        let resources = try XCTUnwrap(config.provider("office")?.resources)
        XCTAssertEqual(resources.count, 599)
        XCTAssertEqual(resources.map(\.path), (0..<600).filter { $0 != 300 }.map { "providers.office.endpoints[\($0)]" })
        XCTAssertEqual(resources[399].fields["extension"], .string("abc"))
        XCTAssertEqual(resources[598].address.description, "office/endpoints/ep001")
    }

    /// A list one provider's block shares with another through an alias is typed for each
    /// provider by its own name; a file that breaks off inside a long list reports the break
    /// and nothing its items were typed to.
    func testAListSharedByAliasBelongsToEachProvider() throws {
        let text = """
            version: 1
            providers:
              office: &block
                type: endpoints
                url: sim://office
                tenant: acme
                endpoints:
                  - {name: a, extension: "101", password: "${env:PW}"}
              branch: *block
            """
        let (config, diagnostics) = try ConfigFixture.load(text, environment: ["PW": "abcdefghij0123456789"])
        XCTAssertEqual(diagnostics, [])
        XCTAssertEqual(config.provider("office")?.resources.map(\.address.description), ["office/endpoints/a"])
        XCTAssertEqual(config.provider("branch")?.resources.map(\.address.description), ["branch/endpoints/a"])

        var broken = "version: 1\nproviders:\n  office:\n    type: endpoints\n    url: sim://office\n    tenant: acme\n    endpoints:\n"
        for index in 0..<3000 { broken += "      - {name: ep\(index), extension: \"abc\", password: \"${env:PW}\"}\n" }
        broken += "      - {name: [\n"
        let (_, found) = try ConfigFixture.load(broken, environment: ["PW": "abcdefghij0123456789"])
        XCTAssertEqual(found, ["telform.yaml:3009:1: error: yaml: did not find expected node content (while parsing a flow node at line 3009, column 1)"])
    }

    func testBooleansAreTrueOrFalseOnly() throws {
        let (config, diagnostics) = try ConfigFixture.load(
            endpointsConfig(
                """
                      - name: a
                        extension: "101"
                        password: "${env:PW}"
                        direct_media: no
                        rtp_symmetric: On
                        force_rport: "true"
                        rewrite_contact: 1
                        allow_long_distance: true
                        forward: {}
                      - name: b
                        extension: "102"
                        password: "${env:PW}"
                        direct_media: false
                """), environment: ["PW": "abcdefghij0123456789"])
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:11:23: error: providers.office.endpoints[0].direct_media: \"no\" is not a boolean here; write false (YAML 1.1 words such as yes/no/on/off are not booleans in telform)",
                "telform.yaml:12:24: error: providers.office.endpoints[0].rtp_symmetric: \"On\" is not a boolean here; write true (YAML 1.1 words such as yes/no/on/off are not booleans in telform)",
                "telform.yaml:13:22: error: providers.office.endpoints[0].force_rport: expected true or false, got a quoted string; write true or false without quotes",
                "telform.yaml:14:26: error: providers.office.endpoints[0].rewrite_contact: expected true or false, got \"1\"",
            ])
        XCTAssertEqual(config.fields("office/endpoints/a")?["allow_long_distance"], .bool(true))
        XCTAssertEqual(config.fields("office/endpoints/b")?["direct_media"], .bool(false))
    }

    func testIntegersAreDigitsOnly() throws {
        let (config, diagnostics) = try ConfigFixture.load(
            """
            version: 1
            providers:
              mts:
                type: vpbx
                url: sim://mts
                find_me:
                  - user: "201"
                    rules:
                      - {name: a, type: redirect, always: "650", no_answer_rings: 1e3}
                      - {name: b, type: redirect, always: "650", no_answer_rings: 0x1F}
                      - {name: c, type: redirect, always: "650", no_answer_rings: "20"}
                      - {name: d, type: redirect, always: "650", no_answer_rings: -3}
                      - {name: e, type: redirect, always: "650", no_answer_rings: 4.0}
                      - {name: f, type: redirect, always: "650", no_answer_rings: 007}
                      - {name: g, type: redirect, always: "650", no_answer_rings: ~}
            """)
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:9:71: error: providers.mts.find_me[0].rules[0].no_answer_rings: \"1e3\" is not an integer; write digits only",
                "telform.yaml:10:71: error: providers.mts.find_me[0].rules[1].no_answer_rings: \"0x1F\" is not an integer; write digits only",
                "telform.yaml:11:71: error: providers.mts.find_me[0].rules[2].no_answer_rings: \"20\" is quoted; write the integer without quotes",
                "telform.yaml:12:71: error: providers.mts.find_me[0].rules[3].no_answer_rings: \"-3\" is not an integer; write digits only",
                "telform.yaml:13:71: error: providers.mts.find_me[0].rules[4].no_answer_rings: \"4.0\" is not an integer; write digits only",
            ])
        XCTAssertEqual(config.fields("mts/find_me/201/redirect/f")?["no_answer_rings"], .int(7))
        XCTAssertNil(config.fields("mts/find_me/201/redirect/g")?["no_answer_rings"])
    }

    func testNullInARequiredFieldAndEmptyStrings() throws {
        let (_, diagnostics) = try ConfigFixture.load(
            endpointsConfig(
                """
                      - name: ~
                        extension: "101"
                        password: "${env:PW}"
                      - name: ""
                        extension: "102"
                        password: "${env:PW}"
                """), environment: ["PW": "abcdefghij0123456789"])
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:8:15: error: providers.office.endpoints[0].name: is required and may not be empty",
                "telform.yaml:11:15: error: providers.office.endpoints[1].name: may not be empty",
            ])
    }

    func testTagsAreRefused() throws {
        let (_, diagnostics) = try ConfigFixture.load(
            endpointsConfig(
                """
                      - name: a
                        extension: !!int 101
                        password: !!str "${env:PW}"
                """), environment: ["PW": "abcdefghij0123456789"])
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:9:20: error: providers.office.endpoints[0].extension: YAML tag tag:yaml.org,2002:int is not used by telform; the field's type decides how the value is read"
            ])
    }

    func testDefaultsFillUnsetFields() throws {
        let (config, diagnostics) = try ConfigFixture.load(
            """
            version: 1
            providers:
              mtt:
                type: mtt
                url: sim://mtt
                customer: "88314050000000"
                follow_me:
                  - sip_id: "74951345897"
                    chain: [{number: "79684881033"}]
            """)
        XCTAssertEqual(diagnostics, [])
        XCTAssertEqual(
            config.fields("mtt/follow_me/74951345897")?["chain"],
            .list([.object(["number": .string("79684881033"), "timeout": .int(15), "active": .bool(true), "period": .string("always")])]))
        XCTAssertEqual(config.provider("mtt")?.settings["premedia_url"], .string("https://gapi.mtt.ru:6443/v1/api"))
    }
}

/// Two declarations of one address, within one provider: the same key in another kind is
/// not one, kinds may interleave, and a key of several parts is compared whole.
final class DuplicateAddressTests: XCTestCase {
    func testDuplicatesAcrossKindsAndKeysOfSeveralParts() {
        let loader = ConfigLoader(platforms: [], environment: [:], mode: .validate, simulated: { _ in false })
        var session = LoadSession(loader: loader, baseDirectory: ".")
        var provider = ProviderConfig(name: "p", type: "t", mark: Mark(file: "f", line: 1, column: 1))
        func resource(_ kind: String, _ key: [String], _ line: Int) -> Resource {
            Resource(
                address: Address(provider: "p", kind: kind, key: key), fields: [:],
                node: YAMLNode(.scalar("", .plain), mark: Mark(file: "f", line: line, column: 1)), path: "\(kind)[\(line)]")
        }
        provider.resources = [
            resource("a", ["x"], 1), resource("b", ["x"], 2), resource("a", ["y"], 3), resource("a", ["x"], 4),
            resource("b", ["x"], 5), resource("c", ["g", "x"], 6), resource("c", ["g", "x"], 7), resource("c", ["x", "g"], 8),
            resource("a", ["x"], 9),
        ]
        session.checkDuplicateResources(provider)
        XCTAssertEqual(
            session.diagnostics.items.map(\.description),
            [
                "f:4:1: error: a[4]: p/a/x is declared twice (also at f:1:1)",
                "f:1:1: error: a[1]: p/a/x is declared twice (also at f:4:1)",
                "f:5:1: error: b[5]: p/b/x is declared twice (also at f:2:1)",
                "f:2:1: error: b[2]: p/b/x is declared twice (also at f:5:1)",
                "f:7:1: error: c[7]: p/c/g/x is declared twice (also at f:6:1)",
                "f:6:1: error: c[6]: p/c/g/x is declared twice (also at f:7:1)",
                "f:9:1: error: a[9]: p/a/x is declared twice (also at f:1:1)",
                "f:1:1: error: a[1]: p/a/x is declared twice (also at f:9:1)",
            ])
    }
}
