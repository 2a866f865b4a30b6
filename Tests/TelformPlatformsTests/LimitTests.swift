import TelformCore
import XCTest

@testable import TelformPlatforms

/// Every limit PLATFORMS.md names, with its exact message and position.
final class LimitTests: XCTestCase {
    let password = "\"${env:PW}\""

    func testNoAnswerTimeoutIsFiveTo120Seconds() throws {
        let (_, diagnostics) = try ConfigFixture.load(
            endpointsConfig(
                """
                      - {name: a, extension: "101", password: \(password), forward: {no_answer: {to: "500", timeout: 4}}}
                      - {name: b, extension: "102", password: \(password), forward: {no_answer: {to: "500", timeout: 121}}}
                      - {name: c, extension: "103", password: \(password), forward: {no_answer: {to: "500", timeout: 5}}}
                      - {name: d, extension: "104", password: \(password), forward: {no_answer: {to: "500", timeout: 120}}}
                """), environment: ["PW": "abcdefghij0123456789"])
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:8:102: error: providers.office.endpoints[0].forward.no_answer.timeout: 4 is out of range; the endpoint API allows 5..120",
                "telform.yaml:9:102: error: providers.office.endpoints[1].forward.no_answer.timeout: 121 is out of range; the endpoint API allows 5..120",
            ])
    }

    func testRuleNameIsAtMost30CharactersCountedAsCharacters() throws {
        let thirty = String(repeating: "Я", count: 30)
        let thirtyOne = String(repeating: "Я", count: 31)
        let (_, diagnostics) = try ConfigFixture.load(
            """
            version: 1
            providers:
              mts:
                type: vpbx
                url: sim://mts
                find_me:
                  - user: "201"
                    rules:
                      - {name: \(thirty), type: redirect, always: "650"}
                      - {name: \(thirtyOne), type: redirect, always: "651"}
            """)
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:10:20: error: providers.mts.find_me[0].rules[1].name: 31 characters; VPBX allows 30"
            ])
    }

    func testFindMeRuleHoldsAtMostTenNumbers() throws {
        func numbers(_ n: Int) -> String { (1...n).map { "{number: \"5\($0)\"}" }.joined(separator: ", ") }
        let (_, diagnostics) = try ConfigFixture.load(
            """
            version: 1
            providers:
              mts:
                type: vpbx
                url: sim://mts
                find_me:
                  - user: "201"
                    rules:
                      - {name: ten, type: parallel, numbers: [\(numbers(10))]}
                      - {name: eleven, type: sequential, numbers: [\(numbers(11))]}
            """)
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:10:55: error: providers.mts.find_me[0].rules[1].numbers: 11 numbers; VPBX allows at most 10"
            ])
    }

    func testPromptHasExactlyOneOfFileAndText() throws {
        let fixture = try ConfigFixture(files: [
            "welcome.mp3": "ID3",
            "telform.yaml": """
            version: 1
            providers:
              mtt:
                type: mtt
                url: sim://mtt
                customer: "88314050000000"
                prompts:
                  - {name: both, file: welcome.mp3, text: Hello}
                  - {name: neither}
                  - {name: fine, file: welcome.mp3}
                  - {name: missing, file: gone.mp3}
            """,
        ])
        let (_, diagnostics) = fixture.load()
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:8:47: error: providers.mtt.prompts[0].text: give exactly one of file, text, live, not file, text",
                "telform.yaml:9:9: error: providers.mtt.prompts[1]: needs exactly one of file, text, live",
                "telform.yaml:11:31: error: providers.mtt.prompts[3].file: file gone.mp3 not found (paths are relative to the file that names them)",
            ])
    }

    func testMTTCallerIDIsSevenAndTenDigits() throws {
        let (_, diagnostics) = try ConfigFixture.load(
            """
            version: 1
            providers:
              mtt:
                type: mtt
                url: sim://mtt
                customer: "88314050000000"
                prompts: [{name: p, text: Hi}]
                premedia:
                  - {sip_id: "74951345898", scenario: a, prompt_a: p, forward: {sequence: order, caller_id: "84951001010", chain: [{number: "79684881033"}]}}
                  - {sip_id: "74951345899", scenario: a, prompt_a: p, forward: {sequence: order, caller_id: "7495100101", chain: [{number: "79684881033"}]}}
                  - {sip_id: "74951345890", scenario: a, prompt_a: p, forward: {sequence: order, caller_id: 74951001010, chain: [{number: "79684881033"}]}}
            """)
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:9:97: error: providers.mtt.premedia[0].forward.caller_id: \"84951001010\" must be 7 followed by 10 digits (e.g. 74951001010)",
                "telform.yaml:10:97: error: providers.mtt.premedia[1].forward.caller_id: \"7495100101\" must be 7 followed by 10 digits (e.g. 74951001010)",
            ])
    }

    func testEndpointPasswordIsExactly20LettersAndDigitsAndIsNeverEchoed() throws {
        let (_, diagnostics) = try ConfigFixture.load(
            endpointsConfig(
                """
                      - {name: a, extension: "101", password: "${env:SHORT}"}
                      - {name: b, extension: "102", password: "${env:LONG}"}
                      - {name: c, extension: "103", password: "${env:SYMBOL}"}
                      - {name: d, extension: "104", password: "${env:GOOD}"}
                """),
            environment: [
                "SHORT": "abcdefghij012345678", "LONG": "abcdefghij0123456789X",
                "SYMBOL": "abcdefghij012345678!", "GOOD": "abcdefghij0123456789",
            ])
        let message = "the value must be exactly 20 characters of A-Z, a-z and 0-9"
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:8:47: error: providers.office.endpoints[0].password: \(message)",
                "telform.yaml:9:47: error: providers.office.endpoints[1].password: \(message)",
                "telform.yaml:10:47: error: providers.office.endpoints[2].password: \(message)",
            ])
        for secret in ["abcdefghij012345678", "0123456789X", "678!"] {
            XCTAssertFalse(diagnostics.joined().contains(secret), secret)
        }
    }

    func testLiteralPasswordIsAWarningAndStillChecked() throws {
        let (_, diagnostics) = try ConfigFixture.load(
            endpointsConfig(
                """
                      - {name: a, extension: "101", password: abcdefghij0123456789}
                      - {name: b, extension: "1010", password: short}
                """))
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:8:47: warning: providers.office.endpoints[0].password: a literal secret in the config; use ${env:NAME} or ${file:PATH}",
                "telform.yaml:9:30: error: providers.office.endpoints[1].extension: \"1010\" must be exactly 3 digits (000-999)",
                "telform.yaml:9:48: warning: providers.office.endpoints[1].password: a literal secret in the config; use ${env:NAME} or ${file:PATH}",
                "telform.yaml:9:48: error: providers.office.endpoints[1].password: the value must be exactly 20 characters of A-Z, a-z and 0-9",
            ])
        XCTAssertFalse(diagnostics.joined().contains("short"))
    }

    func testQueueSkillPrintscreenIsUnderFiveCharacters() throws {
        let (_, diagnostics) = try ConfigFixture.load(
            """
            version: 1
            providers:
              xivo:
                type: xivo
                url: sim://xivo
                queue_skills:
                  - {name: english, printscreen: Engl, category: languages}
                  - {name: french, printscreen: Frenc, category: languages}
            """)
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:8:37: error: providers.xivo.queue_skills[1].printscreen: 5 characters; XiVO allows 4"
            ])
    }

    func testRuleTypeDecidesWhichFieldsApply() throws {
        let (_, diagnostics) = try ConfigFixture.load(
            """
            version: 1
            providers:
              mts:
                type: vpbx
                url: sim://mts
                find_me:
                  - user: "201"
                    rules:
                      - {name: a, type: parallel, continue_if_busy: true, numbers: [{number: "003", rings: 2}]}
                      - {name: b, type: redirect, numbers: [{number: "003"}]}
                      - {name: c, type: sequential}
            """)
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:9:57: error: providers.mts.find_me[0].rules[0].continue_if_busy: applies only when type is sequential, not parallel",
                "telform.yaml:9:72: error: providers.mts.find_me[0].rules[0].numbers: rings applies only to sequential rules",
                "telform.yaml:10:48: error: providers.mts.find_me[0].rules[1].numbers: applies only when type is parallel or sequential, not redirect",
                "telform.yaml:11:13: error: providers.mts.find_me[0].rules[2].numbers: is required when type is sequential",
            ])
    }

    func testScheduleWindowsAreRealTimesInOrder() throws {
        let (_, diagnostics) = try ConfigFixture.load(
            """
            version: 1
            providers:
              mts:
                type: vpbx
                url: sim://mts
                schedules:
                  - name: s
                    abonent: "201"
                    work_days:
                      - {days: mon-fry, from: "09:00", to: "18:00"}
                      - {days: sat, from: "18:00", to: "09:00"}
                      - {days: sun, from: "9:00", to: "25:00"}
                      - {days: [mon], all_day: true, from: "09:00"}
            """)
        XCTAssertEqual(
            diagnostics,
            [
                "telform.yaml:10:20: error: providers.mts.schedules[0].work_days[0].days: \"mon-fry\" is not a set of days; write mon-fri, sat, mon,wed,fri or all (days: mon tue wed thu fri sat sun)",
                "telform.yaml:11:44: error: providers.mts.schedules[0].work_days[1].to: ends at 09:00 before it starts at 18:00; VPBX windows stay within one day",
                "telform.yaml:12:31: error: providers.mts.schedules[0].work_days[2].from: \"9:00\" is not a time; write HH:MM, 00:00 to 24:00",
                "telform.yaml:12:43: error: providers.mts.schedules[0].work_days[2].to: \"25:00\" is not a time; write HH:MM, 00:00 to 24:00",
                "telform.yaml:13:48: error: providers.mts.schedules[0].work_days[3].from: all_day: true takes no from",
            ])
    }
}
