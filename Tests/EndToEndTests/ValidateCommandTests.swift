import Foundation
import XCTest

/// `telform validate` run as a binary: exact lines on stderr, exit codes.
final class ValidateCommandTests: XCTestCase {
    /// Every variable the examples reference, so they validate without warnings.
    static let exampleEnvironment = [
        "OFFICE_TOKEN": "office-token", "RECEPTION_SIP_PASSWORD": "Reception00000000000A", "LOBBY_SIP_PASSWORD": "Lobby000000000000000",
        "MTS_TOKEN": "mts-token", "MTT_USER": "mtt", "MTT_PASSWORD": "mtt-password", "ROUTING_KEY": "k",
        "XIVO_USER": "xivo", "XIVO_PASSWORD": "xivo-password", "ALICE_VM_PIN": "1234",
        "MX_CLIENT_ID": "client", "MX_CLIENT_SECRET": "client-secret", "MX_USER": "mx", "MX_PASSWORD": "mx-password",
    ]

    static let examples = ["endpoints", "vpbx", "mtt", "xivo", "mxproxy", "telform"]

    func testEveryExampleValidatesCleanly() throws {
        let counts = [
            "endpoints": "1 provider, 3 resources", "vpbx": "1 provider, 6 resources", "mtt": "1 provider, 8 resources",
            "xivo": "1 provider, 8 resources", "mxproxy": "1 provider, 2 resources", "telform": "2 providers, 4 resources",
        ]
        for name in Self.examples {
            var environment = Self.exampleEnvironment
            environment["RECEPTION_SIP_PASSWORD"] = "Reception0000000000A"
            let outcome = try TelformProcess.run(["validate", "-c", "examples/\(name).yaml"], environment: environment)
            XCTAssertEqual(outcome.status, 0, name)
            XCTAssertEqual(outcome.stdout, "", name)
            XCTAssertEqual(outcome.stderrLines, ["examples/\(name).yaml: valid: \(counts[name] ?? ""), 0 warnings"], name)
        }
    }

    /// `--files`: every file the config reads, once, in the order read, relative to the working
    /// folder — includes, `${file:}` files, seeds, prompt files and TLS files.
    func testFilesListsEveryFileTheConfigReads() throws {
        let environment = Self.exampleEnvironment.merging(["RECEPTION_SIP_PASSWORD": "Reception0000000000A"]) { _, b in b }
        let several = try TelformProcess.run(["validate", "-c", "examples/telform.yaml", "--files", "-q"], environment: environment)
        XCTAssertEqual(several.status, 0, several.stderr)
        XCTAssertEqual(
            several.stdout, "examples/telform.yaml\nexamples/teams/sales.yaml\nexamples/secrets/sales.password\nexamples/seeds/mts.json\n")
        let mtt = try TelformProcess.run(["validate", "-c", "examples/mtt.yaml", "--files", "-q"], environment: environment)
        XCTAssertEqual(mtt.stdout, "examples/mtt.yaml\nexamples/secrets/routing.key\nexamples/seeds/mtt.json\nexamples/prompts/welcome.mp3\n")

        let dir = try TelformProcess.scratch()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("certs"), withIntermediateDirectories: true)
        try "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".write(
            to: dir.appendingPathComponent("certs/pbx-ca.pem"), atomically: true, encoding: .utf8)
        try """
        version: 1
        providers:
          office:
            type: endpoints
            url: https://pbx.example.com/api
            tenant: acme
            token: ${env:OFFICE_TOKEN}
            tls: {ca_file: certs/pbx-ca.pem}
        """.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let tls = try TelformProcess.run(["validate", "--files", "-q"], environment: environment, directory: dir)
        XCTAssertEqual(tls.stdout, "telform.yaml\ncerts/pbx-ca.pem\n")
    }

    /// A value is one line of printable text: a name with a line break (written with an escape
    /// in a double-quoted string, or read from a file) would break the plan's lines, tables and
    /// diagrams; the position is given, never the value of a secret.
    func testControlCharactersAreRefusedInValues() throws {
        let dir = try TelformProcess.scratch()
        try "Abcdefghij\u{1B}123456789\n".write(to: dir.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
        try "Abcdefghij0123456789\n".write(to: dir.appendingPathComponent("ok"), atomically: true, encoding: .utf8)
        try #"""
        version: 1
        providers:
          office:
            type: endpoints
            url: sim://office
            tenant: acme
            endpoints:
              - {name: "desk\nx", extension: "100", password: "${file:pw}"}
              - {name: "desk\ty", extension: "101", password: "${file:ok}"}
              - {name: "desk</div>", extension: "102", password: "${file:ok}"}
        """#.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let outcome = try TelformProcess.run(["validate"], directory: dir)
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(
            outcome.stderrLines,
            [
                "telform.yaml:8:16: error: providers.office.endpoints[0].name: holds a control character (U+000A, a line break) at character 5; a value is one line of printable text",
                "telform.yaml:8:55: error: providers.office.endpoints[0].password: holds a control character (U+001B) at character 11; a value is one line of printable text",
                "telform.yaml:9:16: error: providers.office.endpoints[1].name: holds a control character (U+0009, a tab) at character 5; a value is one line of printable text",
                "telform.yaml: 3 errors, 0 warnings",
            ])
    }

    /// A warning repeated on many resources is shown three times, then counted; -v lists all.
    func testRepeatedWarningsAreCountedAfterThree() throws {
        let config = """
            version: 1
            providers:
              office:
                type: endpoints
                url: sim://office
                tenant: acme
                endpoints:
            \((1...5).map { "      - {name: desk-\($0), extension: \"10\($0)\", password: Abcdefghij012345678\($0)}" }.joined(separator: "\n"))

            """
        let grouped = try TelformProcess.run(["validate", "-c", "-"], stdin: config)
        XCTAssertEqual(grouped.status, 0)
        let literal = "a literal secret in the config; use ${env:NAME} or ${file:PATH}"
        XCTAssertEqual(
            grouped.stderrLines,
            [
                "<stdin>:8:52: warning: providers.office.endpoints[0].password: \(literal)",
                "<stdin>:9:52: warning: providers.office.endpoints[1].password: \(literal)",
                "<stdin>:10:52: warning: providers.office.endpoints[2].password: \(literal)",
                "  … and 2 more warnings like it: \(literal) (-v lists every one)",
                "<stdin>: valid: 1 provider, 5 resources, 5 warnings",
            ])
        XCTAssertEqual(try TelformProcess.run(["validate", "-c", "-", "-v"], stdin: config).stderrLines.filter { $0.contains(literal) }.count, 5)
    }

    func testUnsetVariablesAreListedAsWarnings() throws {
        let outcome = try TelformProcess.run(
            ["validate", "-c", "-"],
            stdin: """
                version: 1
                providers:
                  xivo:
                    type: xivo
                    url: https://xivo.example
                    username: ${env:XIVO_USER}
                    password: ${env:XIVO_PASSWORD}
                    users: [{firstname: A, language: en_US, line: {protocol: sip, number: "1001"}, voicemail: {mailbox: "1001", password: "${env:PIN}"}}]
                """)
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(
            outcome.stderrLines,
            [
                "<stdin>:6:15: warning: providers.xivo.username: unset variable ${env:XIVO_USER}; plan and apply will need it",
                "<stdin>:7:15: warning: providers.xivo.password: unset variable ${env:XIVO_PASSWORD}; plan and apply will need it",
                "<stdin>:8:123: warning: providers.xivo.users[0].voicemail.password: unset variable ${env:PIN}; plan and apply will need it",
                "<stdin>: valid: 1 provider, 1 resource, 3 warnings",
            ])
    }

    func testAFileWithTenDifferentErrorsReportsAllTen() throws {
        let dir = try TelformProcess.scratch()
        try """
        version: 1
        providers:
          office:
            type: endpoints
            url: ftp://office
            tenant: acme
            token: "${env:PW}"
            endpoints:
              - name: a
                extension: "1234"
                password: "${env:PW}"
                direct_media: yes
                forward: {no_answer: {to: "500", timeout: 200}}
                codecs: [ulaw]
          mts:
            type: vpbx
            url: sim://mts
            find_me:
              - user: "201"
                rules:
                  - {name: "This rule name is far too long!", type: redirect, always: "650"}
                  - {name: b, type: parallel, numbers: [{number: "1"}, {number: "2"}, {number: "3"}, {number: "4"}, {number: "5"}, {number: "6"}, {number: "7"}, {number: "8"}, {number: "9"}, {number: "10"}, {number: "11"}]}
                  - {name: c, type: forward}
            schedules:
              - {name: s, abonent: "201", group: Sales}
          mtt:
            type: mtt
            url: sim://mtt
            customer: "88314050000000"
            premedia: [{sip_id: "74951345898", scenario: a, prompt_a: ghost}]
        """.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let outcome = try TelformProcess.run(["validate"], environment: ["PW": "abcdefghij0123456789"], directory: dir)
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.stdout, "")
        XCTAssertEqual(
            outcome.stderrLines,
            [
                "telform.yaml:5:10: error: providers.office.url: \"ftp://office\" is not an API URL; write https://host/... or sim://NAME",
                "telform.yaml:10:20: error: providers.office.endpoints[0].extension: \"1234\" must be exactly 3 digits (000-999)",
                "telform.yaml:12:23: error: providers.office.endpoints[0].direct_media: \"yes\" is not a boolean here; write true (YAML 1.1 words such as yes/no/on/off are not booleans in telform)",
                "telform.yaml:13:51: error: providers.office.endpoints[0].forward.no_answer.timeout: 200 is out of range; the endpoint API allows 5..120",
                "telform.yaml:14:9: error: providers.office.endpoints[0].codecs: unknown key \"codecs\"; expected one of: name, extension, password, transport, allow, disallow, direct_media, rtp_symmetric, force_rport, rewrite_contact, allow_long_distance, language, outgoing_cli, forward, protect",
                "telform.yaml:21:20: error: providers.mts.find_me[0].rules[0].name: 31 characters; VPBX allows 30",
                "telform.yaml:22:48: error: providers.mts.find_me[0].rules[1].numbers: 11 numbers; VPBX allows at most 10",
                "telform.yaml:23:29: error: providers.mts.find_me[0].rules[2].type: \"forward\" is not one of parallel, sequential, redirect",
                "telform.yaml:25:42: error: providers.mts.schedules[0].group: give exactly one of abonent, group, not abonent, group",
                "telform.yaml:30:63: error: providers.mtt.premedia[0].prompt_a: names prompts \"ghost\", which providers.mtt.prompts does not declare",
                "telform.yaml: 10 errors, 0 warnings",
            ])
    }

    func testStandardInputIsRead() throws {
        let outcome = try TelformProcess.run(
            ["validate", "-c", "-"], stdin: "version: 1\nproviders:\n  mts: {type: vpbx, url: sim://mts, schedules: [{name: s}]}\n")
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(
            outcome.stderrLines,
            [
                "<stdin>:3:49: error: providers.mts.schedules[0]: needs exactly one of abonent, group",
                "<stdin>: 1 error, 0 warnings",
            ])
    }

    func testYAMLProblemsCarryTheirPositions() throws {
        let syntax = try TelformProcess.run(["validate", "-c", "-"], stdin: "version: 1\nproviders:\n  mts: {type: vpbx\n")
        XCTAssertEqual(syntax.status, 1)
        XCTAssertEqual(
            syntax.stderrLines,
            [
                "<stdin>:4:1: error: yaml: did not find expected ',' or '}' (while parsing a flow mapping at line 3, column 8)",
                "<stdin>: 1 error, 0 warnings",
            ])
        let documents = try TelformProcess.run(["validate", "-c", "-"], stdin: "version: 1\nproviders: {}\n---\nversion: 1\n")
        XCTAssertEqual(
            documents.stderrLines,
            [
                "<stdin>:3:1: error: yaml: a second YAML document; telform reads one document per file (split it into an include instead)",
                "<stdin>: 1 error, 0 warnings",
            ])
    }

    func testMissingConfigFileIsAnError() throws {
        let dir = try TelformProcess.scratch()
        let outcome = try TelformProcess.run(["validate"], directory: dir)
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(
            outcome.stderrLines,
            [
                "telform.yaml:1:1: error: (document): no telform.yaml in \(dir.standardizedFileURL.path); pass -c FILE to name the config",
                "telform.yaml: 1 error, 0 warnings",
            ])
    }

    func testSecretsNeverPrint() throws {
        let secret = "TopSecretValue12345!"
        let outcome = try TelformProcess.run(
            ["validate", "-c", "-"],
            stdin: """
                version: 1
                providers:
                  office:
                    type: endpoints
                    url: https://pbx.example
                    tenant: acme
                    token: ${env:TOKEN}
                    endpoints: [{name: a, extension: "101", password: "${env:SECRET}"}]
                  cc:
                    type: mtt
                    url: sim://cc
                    customer: "1"
                    call_control: [{sip_id: "74951345899", url: "https://user:${env:SECRET}@routing.example/x y"}]
                """, environment: ["SECRET": secret, "TOKEN": secret])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertFalse(outcome.stderr.contains(secret))
        XCTAssertFalse(outcome.stderr.contains("TopSecret"))
        XCTAssertEqual(
            outcome.stderrLines,
            [
                "<stdin>:8:55: error: providers.office.endpoints[0].password: the value must be exactly 20 characters of A-Z, a-z and 0-9",
                "<stdin>:13:49: error: providers.cc.call_control[0].url: \"https://(sensitive)@routing.example/x y\" is not an http:// or https:// URL",
                "<stdin>: 2 errors, 0 warnings",
            ])
    }

    func testUnknownCommandSuggests() throws {
        let outcome = try TelformProcess.run(["valdate"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.stderrLines, ["telform: error: unknown command \"valdate\"; did you mean \"validate\"?"])
    }
}
