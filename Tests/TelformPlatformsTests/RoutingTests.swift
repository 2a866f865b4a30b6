import TelformCore
import XCTest

@testable import TelformPlatforms

/// Each platform's routing model, built from its document's semantics, over resources as a
/// file declares them (and, where the shapes differ, as the platform reads them back).
final class RoutingTests: XCTestCase {
    /// The provider block `body` (indented under the provider) of a `type` provider, loaded as
    /// `telform validate` loads it; fails on any error.
    func model(_ type: String, _ body: String, settings: String = "") throws -> any RoutingModel {
        let text = "version: 1\nproviders:\n  p:\n    type: \(type)\n    url: sim://p\n" + settings + body
        let (config, diagnostics) = try ConfigFixture.load(text)
        XCTAssertEqual(diagnostics.filter { $0.contains("error") }, [])
        let provider = try XCTUnwrap(config.provider("p"))
        return try XCTUnwrap(PlatformCatalog.routing(provider, resources: provider.resources))
    }

    func at(_ model: any RoutingModel, _ number: String, _ when: String, caller: String? = nil) throws -> String {
        let moment = try XCTUnwrap(Moment.parse(when), when)
        return try XCTUnwrap(model.route(number, at: moment, caller: caller)).route.text
    }

    func week(_ model: any RoutingModel, _ number: String) -> [String] {
        WeekTable(model, number: number).rows.map { "\($0.windows): \($0.outcome.route.text)" }
    }

    // MARK: moments and weeks

    func testMomentsParseWeekDaysAndDates() throws {
        XCTAssertEqual(Moment.parse("sat 10:00"), Moment(minute: 5 * 1440 + 600))
        XCTAssertEqual(Moment.parse("Monday 09:30"), Moment(minute: 570))
        // 2026-01-01 is a Thursday.
        XCTAssertEqual(Moment.parse("2026-01-01 10:00")?.day, 3)
        XCTAssertEqual(Moment.parse("2026-01-01 10:00")?.text, "2026-01-01 (thu) 10:00")
        XCTAssertEqual(CalendarDate("2024-02-29")?.weekday, 3)
        XCTAssertEqual(CalendarDate("2000-01-03")?.weekday, 0)
        XCTAssertNil(Moment.parse("sat"))
        XCTAssertNil(Moment.parse("caturday 10:00"))
        XCTAssertNil(Moment.parse("sat 24:00"))
    }

    func testWindowsCrossingMidnightBelongToBothDays() {
        var week = WeekSet()
        week.add(days: [4], from: 22 * 60, to: 2 * 60)
        XCTAssertTrue(week.contains(4 * 1440 + 23 * 60))
        XCTAssertTrue(week.contains(5 * 1440 + 60))
        XCTAssertFalse(week.contains(5 * 1440 + 2 * 60))
        XCTAssertEqual(week.windows, "fri 22:00-24:00, sat 00:00-02:00")
        XCTAssertEqual(week.changePoints, [4 * 1440 + 22 * 60, 5 * 1440 + 120])
    }

    // MARK: vpbx

    let vpbxSchedules = """
            schedules:
              - name: office-hours
                abonent: "201"
                work_days:
                  - {days: mon-fri, from: "09:00", to: "18:00"}
                holidays: ["2026-01-07"]
                extra_workdays: [{date: "2026-01-10", from: "10:00", to: "16:00"}]

        """

    func testVPBXRedirectRuleAppliesWhileItsScheduleFires() throws {
        let vpbx = try model(
            "vpbx",
            vpbxSchedules + """
                    find_me:
                      - user: "201"
                        rules:
                          - {name: Office, type: redirect, always: "650", schedule: office-hours}

                """)
        XCTAssertEqual(try at(vpbx, "201", "mon 09:00"), "650 (forwarded always)")
        XCTAssertEqual(try at(vpbx, "201", "mon 17:59"), "650 (forwarded always)")
        XCTAssertEqual(
            try at(vpbx, "201", "mon 18:00"), "ring 201, then not documented (what follows when user 201 does not answer and no find-me rule applies)")
        // A holiday: the schedule does not fire; an extra work day (a Saturday): it fires in its window.
        XCTAssertEqual(
            try at(vpbx, "201", "2026-01-07 10:00"), "ring 201, then not documented (what follows when user 201 does not answer and no find-me rule applies)")
        XCTAssertEqual(try at(vpbx, "201", "2026-01-10 10:00"), "650 (forwarded always)")
        XCTAssertEqual(
            try at(vpbx, "201", "2026-01-10 16:00"), "ring 201, then not documented (what follows when user 201 does not answer and no find-me rule applies)")
        XCTAssertEqual(
            week(vpbx, "201"),
            [
                "mon-fri 00:00-09:00 18:00-24:00, sat-sun all day: ring 201, then not documented (what follows when user 201 does not answer and no find-me rule applies)",
                "mon-fri 09:00-18:00: 650 (forwarded always)",
            ])
        XCTAssertEqual(
            vpbx.notes("201"),
            [
                "schedule office-hours does not fire on its holidays: 2026-01-07 (ask with --at DATE TIME)",
                "schedule office-hours also fires on its extra work days: 2026-01-10 10:00-16:00",
                "schedule times are the platform's clock: the document names no time zone",
            ])
    }

    func testVPBXSequentialAndParallelRulesAndTheirOpenEnds() throws {
        let sequential = try model(
            "vpbx",
            """
                find_me:
                  - user: "201"
                    rules:
                      - name: Hunt
                        type: sequential
                        continue_if_busy: true
                        numbers: [{number: "003", rings: 3}, {number: "777", active: false}, {number: "500", rings: 5}]

            """)
        XCTAssertEqual(
            try at(sequential, "201", "wed 12:00"),
            "ring 003 for 3 rings → 500 for 5 rings (goes on past a busy number), then not documented (what follows the last number of a sequential rule)")
        let parallel = try model(
            "vpbx",
            """
                find_me:
                  - user: "201"
                    rules:
                      - {name: Both, type: parallel, numbers: [{number: "003", name: Desk}, {number: "79161234567"}]}

            """)
        XCTAssertEqual(
            try at(parallel, "201", "wed 12:00"), "ring 003 (Desk) ‖ 79161234567, then not documented (how long a parallel rule rings, and what follows)")
        XCTAssertEqual(week(parallel, "201").count, 1)
        XCTAssertTrue(week(parallel, "201")[0].hasPrefix("always: "))
    }

    func testVPBXConditionalRedirectAndSeveralRules() throws {
        let vpbx = try model(
            "vpbx",
            """
                find_me:
                  - user: "202"
                    rules:
                      - {name: Cover, type: redirect, if_busy: "79161234567", if_no_answer: "500", no_answer_rings: 4, if_unreachable: "600"}
                  - user: "203"
                    rules:
                      - {name: A, type: redirect, always: "650"}
                      - {name: B, type: parallel, numbers: [{number: "003"}]}
                  - user: "204"
                    rules:
                      - {name: FMC, type: redirect, always: "700", called_number: "74950000001"}

            """)
        XCTAssertEqual(try at(vpbx, "202", "sun 03:00"), "ring 202 for 4 rings, then 500; if busy: 79161234567; if unreachable: 600")
        XCTAssertEqual(
            try at(vpbx, "203", "sun 03:00"),
            "one of: [650 (forwarded always)] or [ring 003, then not documented (how long a parallel rule rings, and what follows)] (the document does not say which of several find-me rules runs)"
        )
        // A rule with a called number applies to calls to that number, not to the user's own.
        XCTAssertEqual(try at(vpbx, "74950000001", "sun 03:00"), "700 (forwarded always)")
        XCTAssertEqual(
            try at(vpbx, "204", "sun 03:00"), "ring 204, then not documented (what follows when user 204 does not answer and no find-me rule applies)")
        XCTAssertEqual(vpbx.numbers.map(\.number), ["202", "203", "204", "74950000001"])
        XCTAssertNil(vpbx.route("999", at: Moment(minute: 0), caller: nil))
    }

    // MARK: mtt

    let mttAccount = "    customer: \"88314050000000\"\n"

    func testMTTFollowMePeriodsAcrossMidnightAndInactiveEntries() throws {
        let mtt = try model(
            "mtt",
            """
                follow_me:
                  - sip_id: "74951345897"
                    chain:
                      - {number: "79684881033", timeout: 20, period: {days: fri, from: "22:00", to: "02:00"}}
                      - {number: "79000000000", active: false}
                      - {number: "79636793312", name: Mobile}

            """, settings: mttAccount)
        XCTAssertEqual(
            try at(mtt, "74951345897", "fri 23:00"),
            "ring 79684881033 for 20 s → 79636793312 (Mobile) for 15 s, then not documented (what follows the last follow-me number)")
        XCTAssertEqual(
            try at(mtt, "74951345897", "sat 01:59"),
            "ring 79684881033 for 20 s → 79636793312 (Mobile) for 15 s, then not documented (what follows the last follow-me number)")
        XCTAssertEqual(
            try at(mtt, "74951345897", "sat 02:00"),
            "ring 79636793312 (Mobile) for 15 s, then not documented (what follows the last follow-me number)")
        XCTAssertEqual(
            week(mtt, "74951345897"),
            [
                "mon-thu and sun all day, fri 00:00-22:00, sat 02:00-24:00: ring 79636793312 (Mobile) for 15 s, then not documented (what follows the last follow-me number)",
                "fri 22:00-24:00, sat 00:00-02:00: ring 79684881033 for 20 s → 79636793312 (Mobile) for 15 s, then not documented (what follows the last follow-me number)",
            ])
    }

    func testMTTPlatformNotationReadsLikeWindows() throws {
        let mtt = try model(
            "mtt",
            """
                follow_me:
                  - sip_id: "74950000001"
                    chain:
                      - {number: "79684881033", period: "hr{9-17}wd{mo-fr}"}

            """, settings: mttAccount)
        XCTAssertEqual(try at(mtt, "74950000001", "tue 17:59"), "ring 79684881033 for 15 s, then not documented (what follows the last follow-me number)")
        XCTAssertEqual(try at(mtt, "74950000001", "tue 18:00"), "not documented (no follow-me number's period holds: what the account does then)")
    }

    func testMTTBlacklistComesBeforeEverything() throws {
        let mtt = try model(
            "mtt",
            """
                follow_me:
                  - sip_id: "74950000001"
                    chain: [{number: "79684881033"}]
                call_control:
                  - {sip_id: "74950000002", url: "https://routing.example/mtt", reserve_number: "79161234567"}
                blacklist: ["79266966166"]

            """, settings: mttAccount)
        XCTAssertEqual(try at(mtt, "74950000001", "mon 10:00", caller: "79266966166"), "reject (caller 79266966166 is on the account's Global Black List)")
        XCTAssertEqual(try at(mtt, "74950000002", "mon 10:00", caller: "79266966166"), "reject (caller 79266966166 is on the account's Global Black List)")
        XCTAssertEqual(
            try at(mtt, "74950000001", "mon 10:00", caller: "79000000001"),
            "ring 79684881033 for 15 s, then not documented (what follows the last follow-me number)")
        // Call control is decided by the customer's URL, which is never shown.
        XCTAssertEqual(
            try at(mtt, "74950000002", "mon 10:00"), "the customer's routing URL decides each call (getControlCallFollowMe); when it fails: 79161234567")
        XCTAssertEqual(
            mtt.notes("74950000002"), ["callers on the account's Global Black List (1 number) are rejected before anything else (ask with --from NUMBER)"])
    }

    func testMTTPremediaScenariosAndForwardSequence() throws {
        let mtt = try model(
            "mtt",
            """
                prompts:
                  - {name: welcome, text: "Hello"}
                  - {name: closed, text: "Closed"}
                premedia:
                  - sip_id: "74950000001"
                    scenario: both
                    answer: true
                    prompt_a: welcome
                    prompt_b: closed
                    forward:
                      sequence: simultaneous
                      chain: [{number: "79684881033", name: Office, timeout: 20}, {number: "79636793312", timeout: 20}]
                  - {sip_id: "74950000002", scenario: b, answer: false, prompt_a: welcome, prompt_b: closed}

            """, settings: mttAccount)
        XCTAssertEqual(
            try at(mtt, "74950000001", "mon 10:00"),
            "play welcome to the caller, then play closed to the called party, then ring 79684881033 (Office) ‖ 79636793312 for 20 s, then not documented (what follows the last number of a premedia forward)"
        )
        XCTAssertEqual(
            try at(mtt, "74950000002", "mon 10:00"),
            "play closed to the called party, then not documented (what follows the premedia prompt without a premedia forward)")
    }

    // MARK: xivo

    let xivoUsers = """
            users:
              - firstname: Alice
                ring_seconds: 25
                forward: {no_answer: {to: "1002"}, busy: {to: "1003"}}
                line: {protocol: sip, number: "1001"}
              - firstname: Bob
                forward: {unconditional: {to: "0612345678"}}
                line: {protocol: sip, number: "1002"}
              - firstname: Carol
                dnd: true
                line: {protocol: sip, number: "1003"}

        """

    func testXiVOIncallDestinations() throws {
        let xivo = try model(
            "xivo",
            xivoUsers + """
                    incalls:
                      - {exten: "0140000000", context: from-extern, destination: {type: user, target: "1001"}}
                      - {exten: "0140000001", context: from-extern, destination: {type: group, target: sales}}
                      - {exten: "0140000002", context: from-extern, destination: {type: voicemail, target: "1001"}}
                      - {exten: "0140000003", context: from-extern, destination: {type: endcall, action: busy}}
                    schedules:
                      - name: office
                        timezone: Europe/Paris
                        opened: [{hours: "08:00-12:00", weekdays: "1-5"}]
                        fallback: {type: voicemail, target: "1001"}

                """)
        XCTAssertEqual(try at(xivo, "0140000000", "mon 10:00"), "ring 1001 (Alice) for 25 s, then 1002 (Bob); if busy: 1003 (Carol)")
        XCTAssertEqual(try at(xivo, "0140000000@from-extern", "mon 10:00"), "ring 1001 (Alice) for 25 s, then 1002 (Bob); if busy: 1003 (Carol)")
        XCTAssertEqual(try at(xivo, "0140000001", "mon 10:00"), "group sales: its members ring by the group's own strategy (not managed by telform)")
        XCTAssertEqual(try at(xivo, "0140000002", "mon 10:00"), "voicemail 1001")
        XCTAssertEqual(try at(xivo, "0140000003", "mon 10:00"), "hang up (busy)")
        XCTAssertEqual(try at(xivo, "1002", "mon 10:00"), "0612345678 (forwarded always)")
        XCTAssertEqual(try at(xivo, "1003", "mon 10:00"), "not documented (what a caller gets from a user with do-not-disturb on)")
        XCTAssertEqual(
            xivo.notes("0140000000"),
            [
                "schedule office (open mon-fri 08:00-12:00 Europe/Paris; closed: voicemail 1001) is attached to nothing the documented formats carry: not applied here"
            ])
    }

    func testXiVOScheduleHoursAndFallbackAreListedNotApplied() throws {
        // Week days count from Monday = 1 (xivo-ws test data: "1-5" is Monday to Friday).
        let xivo = try model(
            "xivo",
            xivoUsers + """
                    schedules:
                      - name: weekend
                        timezone: Europe/Paris
                        opened: [{hours: "10:00-14:00", weekdays: "6-7"}, {hours: "08:00-09:00", weekdays: "1,3"}]
                        fallback: {type: endcall, action: hangup}

                """)
        XCTAssertEqual(
            xivo.notes("1001"),
            [
                "schedule weekend (open mon and wed 08:00-09:00, sat-sun 10:00-14:00 Europe/Paris; closed: endcall hangup) is attached to nothing the documented formats carry: not applied here"
            ])
        // The route is the same inside and outside the open hours: nothing attaches the schedule.
        XCTAssertEqual(try at(xivo, "1001", "sat 11:00"), try at(xivo, "1001", "sat 15:00"))
        XCTAssertEqual(WeekTable(xivo, number: "1001").rows.count, 1)
    }

    // MARK: endpoints, mxproxy

    func testEndpointForwards() throws {
        let endpoints = try model(
            "endpoints",
            """
                endpoints:
                  - name: reception
                    extension: "101"
                    password: abcdefghij0123456789
                    forward: {no_answer: {to: "79161234567", timeout: 20}, busy: {to: "102"}, unavailable: {to: "103"}}
                  - name: sales
                    extension: "102"
                    password: abcdefghij0123456789
                    forward: {always: {to: "79161234568"}, busy: {to: "101"}}

            """, settings: "    tenant: acme\n")
        XCTAssertEqual(try at(endpoints, "101", "mon 10:00"), "ring 101 (reception) for 20 s, then 79161234567; if busy: 102; if unreachable: 103")
        XCTAssertEqual(try at(endpoints, "reception", "mon 10:00"), "ring 101 (reception) for 20 s, then 79161234567; if busy: 102; if unreachable: 103")
        XCTAssertEqual(try at(endpoints, "102", "mon 10:00"), "79161234568 (forwarded always)")
    }

    func testEndpointReadBackWithoutExtensionIsKnownByName() throws {
        // The API never returns the extension: a live endpoint has flat fields and no extension.
        let live = Resource(
            address: Address(provider: "p", kind: "endpoints", key: ["reception"]),
            fields: ["name": .string("reception"), "forward.always": .null, "forward.no_answer.to": .string("500"), "forward.no_answer.timeout": .int(30)])
        let provider = ProviderConfig(name: "p", type: "endpoints", settings: [:], mark: Mark(file: "live", line: 1, column: 1))
        let model = try XCTUnwrap(PlatformCatalog.routing(provider, resources: [live]))
        XCTAssertEqual(model.numbers, [RoutedNumber("reception", "endpoint reception (extension not readable)")])
        XCTAssertEqual(try at(model, "reception", "mon 10:00"), "ring reception for 30 s, then 500")
    }

    func testMXProxyCallModeDefaults() throws {
        let mx = try model(
            "mxproxy",
            """
                call_mode: {remote: true, device: "79031744445"}

            """)
        XCTAssertEqual(try at(mx, "self", "mon 10:00"), "ring 79031744445 (remote device) for 30 s (after 1 s), then voicemail")
    }

    // MARK: routing changes

    func testRoutingChangesFollowThePlansEffects() throws {
        let office = ProviderConfig(name: "office", type: "endpoints", mark: Mark(file: "t", line: 1, column: 1))
        func endpoint(_ name: String, _ fields: [String: Value]) -> Resource {
            Resource(address: Address(provider: "office", kind: "endpoints", key: [name]), fields: ["name": .string(name)].merging(fields) { a, _ in a })
        }
        // Live: no extension (never read back). Declared: the extension, and a new no-answer forward.
        let liveDesk = endpoint("desk", ["forward.no_answer.to": .string("500"), "forward.no_answer.timeout": .int(20)])
        let desiredDesk = endpoint("desk", ["extension": .string("101"), "forward.no_answer.to": .string("600"), "forward.no_answer.timeout": .int(20)])
        let liveFax = endpoint("fax", [:])
        let newLobby = endpoint("lobby", ["extension": .string("102"), "forward.always.to": .string("700")])
        let kinds = try XCTUnwrap(PlatformCatalog.schema("endpoints")).kinds
        let changes = [
            Change(address: desiredDesk.address, action: .update, desired: desiredDesk, live: liveDesk, fields: []),
            Change(address: liveFax.address, action: .delete, desired: nil, live: liveFax, fields: []),
            Change(address: newLobby.address, action: .create, desired: newLobby, live: nil, fields: []),
        ]
        let routing = try XCTUnwrap(PlatformCatalog.routingBuilder("endpoints"))
        let found = RoutingChange.of(provider: office, live: [liveDesk, liveFax], changes: changes, kinds: kinds, routing: routing)
        XCTAssertEqual(found.map(\.number.number), ["101", "102", "fax"])
        XCTAssertEqual(
            found.map { $0.windows.map { "\($0.when.windows): \($0.before?.route.text ?? "-") => \($0.after?.route.text ?? "-")" } },
            [
                ["always: ring 101 (desk) for 20 s, then 500 => ring 101 (desk) for 20 s, then 600"],
                ["always: - => 700 (forwarded always)"],
                ["always: ring fax, then not documented (without a no-answer forward the PBX's dialplan decides) => -"],
            ])
        // A blind re-send (a kind that cannot be read) is already in place; a report-only one is never made.
        let mx = ProviderConfig(name: "mx", type: "mxproxy", mark: Mark(file: "t", line: 1, column: 1))
        let mode = Resource(address: Address(provider: "mx", kind: "call_mode", key: ["self"]), fields: ["remote": .bool(true), "device": .string("7903")])
        var blind = Change(address: mode.address, action: .update, desired: mode, live: nil, fields: [])
        blind.effect = .sendBlind
        XCTAssertEqual(
            RoutingChange.of(provider: mx, live: [], changes: [blind], kinds: [], routing: try XCTUnwrap(PlatformCatalog.routingBuilder("mxproxy"))).count, 0)
        var reported = changes[0]
        reported.effect = .reportOnly
        XCTAssertEqual(RoutingChange.of(provider: office, live: [liveDesk, liveFax], changes: [reported], kinds: kinds, routing: routing).count, 0)
    }
}
