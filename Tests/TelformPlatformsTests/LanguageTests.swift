import TelformCore
import TelformSimulator
import XCTest

@testable import TelformPlatforms

/// Anchors, unknown keys, variables, providers and cross-references (SPEC §2).
final class LanguageTests: XCTestCase {
    let pw = ["PW": "abcdefghij0123456789"]

    func testAnchorsAndMergeKeysShareSettings() throws {
        let (config, diagnostics) = try ConfigFixture.load(
            endpointsConfig(
                """
                      - &desk
                        name: desk-1
                        extension: "101"
                        password: "${env:PW}"
                        allow: &codecs [ulaw, alaw]
                        language: en
                      - <<: *desk
                        name: desk-2
                        extension: "102"
                        language: ru
                      - {<<: *desk, name: desk-3, extension: "103", disallow: *codecs}
                """), environment: pw)
        XCTAssertEqual(diagnostics, [])
        let two = try XCTUnwrap(config.fields("office/endpoints/desk-2"))
        XCTAssertEqual(two["language"], .string("ru"))
        XCTAssertEqual(two["allow"], .list([.string("ulaw"), .string("alaw")]))
        XCTAssertEqual(two["extension"], .string("102"))
        XCTAssertEqual(config.fields("office/endpoints/desk-3")?["disallow"], .list([.string("ulaw"), .string("alaw")]))
        XCTAssertEqual(config.fields("office/endpoints/desk-3")?["language"], .string("en"))
        XCTAssertEqual(
            config.provider("office")?.resources.map(\.address.description),
            ["office/endpoints/desk-1", "office/endpoints/desk-2", "office/endpoints/desk-3"])
    }

    func testDuplicateKeyInAResource() throws {
        let (_, diagnostics) = try ConfigFixture.load(
            endpointsConfig(
                """
                      - name: a
                        extension: "101"
                        password: "${env:PW}"
                        extension: "102"
                """), environment: pw)
        XCTAssertEqual(diagnostics, ["telform.yaml:11:9: error: yaml: duplicate key \"extension\" (first at line 9, column 9)"])
    }

    func testUnknownKeysSuggestTheClosest() throws {
        let (_, diagnostics) = try ConfigFixture.load(
            """
            version: 1
            polcy: {}
            providers:
              office:
                type: endpoints
                url: sim://office
                tenat: acme
                endpoint: []
                endpoints:
                  - name: a
                    extention: "101"
                    password: "${env:PW}"
                    forward: {noanswer: {to: "500"}}
                    wibble: 1
            """, environment: pw)
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:2:1: error: polcy: unknown key \"polcy\"; did you mean \"policy\"?",
                "telform.yaml:4:3: error: providers.office.tenant: is required for a provider of type endpoints",
                "telform.yaml:7:5: error: providers.office.tenat: unknown key \"tenat\"; did you mean \"tenant\"?",
                "telform.yaml:8:5: error: providers.office.endpoint: unknown key \"endpoint\"; did you mean \"endpoints\"?",
                "telform.yaml:10:9: error: providers.office.endpoints[0].extension: is required",
                "telform.yaml:11:9: error: providers.office.endpoints[0].extention: unknown key \"extention\"; did you mean \"extension\"?",
                "telform.yaml:13:19: error: providers.office.endpoints[0].forward.noanswer: unknown key \"noanswer\"; did you mean \"no_answer\"?",
                "telform.yaml:14:9: error: providers.office.endpoints[0].wibble: unknown key \"wibble\"; expected one of: name, extension, password, transport, allow, disallow, direct_media, rtp_symmetric, force_rport, rewrite_contact, allow_long_distance, language, outgoing_cli, forward, protect",
            ])
    }

    func testUnsetVariablesAreWarningsForValidateAndErrorsForPlan() throws {
        let text = """
            version: 1
            providers:
              mts:
                type: vpbx
                url: https://vpbx.example
                token: ${env:MTS_TOKEN}
                schedules:
                  - {name: "${env:SCHEDULE_NAME}", abonent: "201"}
                  - {name: "x-${file:missing.txt}", abonent: "201"}
            """
        let (_, warnings) = try ConfigFixture.load(text)
        XCTAssertEqual(
            warnings,
            [
                "telform.yaml:6:12: warning: providers.mts.token: unset variable ${env:MTS_TOKEN}; plan and apply will need it",
                "telform.yaml:8:16: warning: providers.mts.schedules[0].name: unset variable ${env:SCHEDULE_NAME}; plan and apply will need it",
                "telform.yaml:9:16: warning: providers.mts.schedules[1].name: missing file ${file:missing.txt}; plan and apply will need it",
            ])
        let (_, errors) = try ConfigFixture.load(text, mode: .strict)
        XCTAssertEqual(
            errors,
            [
                "telform.yaml:6:12: error: providers.mts.token: unset variable ${env:MTS_TOKEN}",
                "telform.yaml:8:16: error: providers.mts.schedules[0].name: unset variable ${env:SCHEDULE_NAME}",
                "telform.yaml:9:16: error: providers.mts.schedules[1].name: missing file ${file:missing.txt}",
            ])
        let (config, none) = try ConfigFixture.load(text, environment: ["MTS_TOKEN": "t", "SCHEDULE_NAME": "office"], mode: .validate)
        XCTAssertEqual(
            none,
            [
                "telform.yaml:9:16: warning: providers.mts.schedules[1].name: missing file ${file:missing.txt}; plan and apply will need it"
            ])
        XCTAssertEqual(config.provider("mts")?.settings["token"], .string("t"))
        XCTAssertNotNil(config.fields("mts/schedules/201/office"))
    }

    func testProviderTypeAndSettings() throws {
        let (_, diagnostics) = try ConfigFixture.load(
            """
            version: 2
            providers:
              a:
                url: sim://a
              b:
                type: vpx
              c:
                type: vpbx
                url: https://vpbx.example
              d:
                type: vpbx
                url: sim://d
              e/f:
                type: vpbx
            """)
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:1:10: error: version: version 2 is not supported; this telform reads version: 1",
                "telform.yaml:3:3: error: providers.a.type: is required: one of endpoints, vpbx, mtt, xivo, mxproxy",
                "telform.yaml:6:11: error: providers.b.type: \"vpx\" is not one of endpoints, vpbx, mtt, xivo, mxproxy; did you mean \"vpbx\"?",
                "telform.yaml:7:3: error: providers.c.token: is required for a provider of type vpbx",
                "telform.yaml:13:3: error: providers.e/f: a provider name uses letters, digits, - and _ only (it starts every address)",
            ])
    }

    func testMissingVersionAndEmptyKind() throws {
        let (_, diagnostics) = try ConfigFixture.load(
            """
            providers:
              office:
                type: endpoints
                url: sim://office
                tenant: acme
                endpoints:
            """)
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:1:1: error: version: is required; write version: 1",
                "telform.yaml:6:15: error: providers.office.endpoints: is empty; write [] to declare none (every live one in the scope would be deleted)",
            ])
    }

    func testCrossReferencesAreCheckedBeforeAnyCall() throws {
        let (_, diagnostics) = try ConfigFixture.load(
            """
            version: 1
            providers:
              mtt:
                type: mtt
                url: sim://mtt
                customer: "88314050000000"
                prompts: [{name: welcome, text: Hello}]
                follow_me:
                  - sip_id: "74951345898"
                    chain: [{number: "79684881033"}]
                premedia:
                  - sip_id: "74951345898"
                    scenario: both
                    prompt_a: welcome
                    prompt_b: welcom
                    forward: {sequence: order, chain: [{number: "79684881033"}]}
              mts:
                type: vpbx
                url: sim://mts
                ignore: [find_me/201/*]
                schedules:
                  - {name: day, group: Sales}
                find_me:
                  - user: "201"
                    rules:
                      - {name: a, type: redirect, always: "650", schedule: day}
                  - user: "202"
                    rules:
                      - {name: b, type: redirect, always: "650", schedule: night}
            """)
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:9:17: error: providers.mtt.follow_me[0].sip_id: sip_id 74951345898 also has a premedia forward (at telform.yaml:16:18); one account has one follow-me",
                "telform.yaml:15:19: error: providers.mtt.premedia[0].prompt_b: names prompts \"welcom\", which providers.mtt.prompts does not declare",
                "telform.yaml:16:18: error: providers.mtt.premedia[0].forward: sip_id 74951345898 also has a follow_me chain (at telform.yaml:9:17); one account has one follow-me",
                "telform.yaml:26:13: error: providers.mts.find_me[0].rules[0]: mts/find_me/201/redirect/a is declared and also matched by ignore pattern \"find_me/201/*\"; a resource is either managed or ignored",
                "telform.yaml:29:64: warning: providers.mts.find_me[1].rules[0].schedule: schedule \"night\" is not declared for abonent 202 or a group (plan will look for it live, a preset schedule, and fail if it exists nowhere)",
            ])
    }

    func testResourceAddressesFollowTheKindKeys() throws {
        let (config, diagnostics) = try ConfigFixture.load(
            """
            version: 1
            providers:
              mts:
                type: vpbx
                url: sim://mts
                schedules:
                  - {name: office-hours, abonent: "201"}
                  - {name: shift, group: Sales}
                find_me:
                  - user: "201"
                    rules: [{name: After hours, type: redirect, always: "650", schedule: office-hours}]
              x:
                type: xivo
                url: sim://x
                users: [{firstname: A, line: {protocol: sip, number: "1001"}}]
                incalls: [{exten: "0140000000", context: from-extern, destination: {type: endcall}}]
              m:
                type: mtt
                url: sim://m
                customer: "88314050000000"
                blacklist: ["79266966166", 79663089363]
                callback_follow_me: {chain: [{number: "79684881033"}]}
              mx:
                type: mxproxy
                url: sim://mx
                call_mode: {remote: false}
            """)
        XCTAssertEqual(diagnostics, [])
        XCTAssertEqual(
            config.providers.flatMap(\.resources).map(\.address.description),
            [
                "mts/schedules/201/office-hours", "mts/schedules/group:Sales/shift", "mts/find_me/201/redirect/After hours",
                "x/users/1001@default", "x/incalls/0140000000@from-extern",
                "m/blacklist/79266966166", "m/blacklist/79663089363", "m/callback_follow_me/88314050000000",
                "mx/call_mode/self",
            ])
        XCTAssertEqual(config.fields("mts/find_me/201/redirect/After hours")?["user"], .string("201"))
    }

    func testStandardInputIsNamedInDiagnostics() {
        let loader = ConfigLoader(platforms: PlatformCatalog.all, environment: [:], mode: .validate, simulated: SimulatorCatalog.serves)
        let result = loader.load(text: "version: 1\nproviders: []\n", file: "<stdin>", baseDirectory: ".")
        XCTAssertEqual(
            result.diagnostics.map(\.description),
            [
                "<stdin>:2:12: error: providers: expected a mapping of provider names to blocks, got a list"
            ])
    }
}
