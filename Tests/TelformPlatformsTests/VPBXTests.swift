import Foundation
import TelformCore
import XCTest

@testable import TelformPlatforms
@testable import TelformSimulator

/// The vpbx fake's own limits and errors, and the platform's normal forms.
final class VPBXTests: XCTestCase {
    let seed: JSONNode = try! JSONParser.parse(
        """
        {"tokens": ["t"], "groups": [{"id": 10, "name": "Support", "parentId": null}],
         "abonents": [{"userId": 1735, "extension": "201", "groupId": 10}, {"userId": 1736, "extension": "202", "groupId": 10}],
         "schedules": [{"recordId": 5, "name": "preset", "notBeRemoved": true, "type": "abonent", "ownerId": 1735,
                        "workDaysRules": [], "holidaysRules": [], "excludedDaysRules": []},
                       {"recordId": 6, "name": "team", "notBeRemoved": false, "type": "group", "ownerId": 10,
                        "workDaysRules": [], "holidaysRules": [], "excludedDaysRules": []}]}
        """)

    func send(_ fake: VPBXFake, _ method: String, _ path: String, _ body: String? = nil, token: String = "t") -> (Int, JSONNode) {
        var request = HTTPRequest(method: method, path: path, headers: [("X-AUTH-TOKEN", token)], body: body.map { Data($0.utf8) })
        if body == nil { request.body = nil } else { request.headers.append(("Content-Type", "application/json")) }
        guard case .respond(let response) = fake.handle(request) else { return (0, .null) }
        return (response.status, (try? response.json()) ?? .null)
    }

    /// A find-me rule is sent whole and compared whole, from one function: every field of the
    /// table that applies to its type is in the body under its wire name (null where the file
    /// has none), nested numbers field by field (`rings` only in a sequential rule), and a
    /// number kept from the live rule keeps its ruleId. So a field the file leaves out is
    /// cleared only where the plan shows it, and a new field of a number reaches the wire.
    func testAFindMeRuleIsSentAsWholeAsItIsCompared() async throws {
        let client = VPBXClient(
            http: ResilientClient(transport: SimulatorTransport(handler: try VPBXFake(state: seed)), policy: RetryPolicy(attempts: 1)), token: "t")
        func body(_ fields: [String: Value], live: [JSONNode] = []) async throws -> String {
            let rule = Resource(address: Address(provider: "p", kind: "find_me", key: ["201", fields["type"]?.string ?? "", "r"]), fields: fields)
            return try await FindMeRuleKind.body(rule, client: client, userID: "1735", id: nil, liveNumbers: live).compact
        }
        let numbers: Value = .list([.object(["number": .string("650")]), .object(["number": .string("651"), "rings": .int(3)])])
        let parallel = try await body(["name": .string("r"), "type": .string("parallel"), "numbers": .list([.object(["number": .string("650")])])])
        XCTAssertEqual(parallel, #"{"ruleName":"r","calledNumber":null,"ruleNumbers":[{"number":"650","name":null,"status":true}]}"#)
        let sequential = try await body(
            ["name": .string("r"), "type": .string("sequential"), "numbers": numbers],
            live: [.object([("ruleId", .int(44)), ("number", .string("651"))])])
        XCTAssertEqual(
            sequential,
            #"{"ruleName":"r","calledNumber":null,"ruleNumbers":[{"number":"650","name":null,"status":true,"timeout":null},{"ruleId":44,"number":"651","name":null,"status":true,"timeout":3}],"continueSearchIfBusy":false}"#
        )
        let redirect = try await body(["name": .string("r"), "type": .string("redirect"), "always": .string("650")])
        XCTAssertEqual(
            redirect,
            #"{"ruleName":"r","calledNumber":null,"alwaysRedirect":"650","ifBusyRedirect":null,"ifNoAnswerRedirect":null,"ifNoAccessRedirect":null,"ifNoAnswerTimeout":null,"conditional":null,"scheduleId":null,"schedudyId":null}"#
        )
        // What is compared: the same fields, the absent ones null (shown when live has them).
        let compared = FindMeRuleKind.whole(["name": .string("r"), "type": .string("redirect"), "always": .string("650")])
        XCTAssertEqual(
            compared.keys.sorted(),
            ["always", "called_number", "conditional", "if_busy", "if_no_answer", "if_unreachable", "name", "no_answer_rings", "schedule", "type"])
        XCTAssertEqual(compared["if_busy"], .null)
    }

    func message(_ result: (Int, JSONNode)) -> String {
        "\(result.0) \(result.1["message"]?.string ?? "")"
    }

    func testTheFakeEnforcesTheDocumentsLimitsWithItsOwnErrors() throws {
        let fake = try VPBXFake(state: seed)
        let long = String(repeating: "Я", count: 31)
        XCTAssertEqual(
            message(send(fake, "POST", "/api/findMe/1735/redirect", #"{"ruleName": "\#(long)", "alwaysRedirect": "650"}"#)),
            "400 ruleName: length must be at most 30 characters (31)")
        let eleven = (1...11).map { #"{"number": "5\#($0)", "status": true}"# }.joined(separator: ",")
        XCTAssertEqual(
            message(send(fake, "POST", "/api/findMe/1735/parallel", #"{"ruleName": "p", "ruleNumbers": [\#(eleven)]}"#)),
            "400 ruleNumbers: at most 10 numbers per rule (11)")
        XCTAssertEqual(message(send(fake, "GET", "/api/findMe/9999")), "404 Abonent 9999 not found")
        XCTAssertEqual(
            message(send(fake, "POST", "/api/findMe/1735/redirect", #"{"ruleName": "r", "schedudyId": 77}"#)),
            "400 scheduleId: schedule 77 is not available to abonent 201")
        XCTAssertEqual(
            message(send(fake, "POST", "/api/schedules/abonent/1735", #"{"name": "s", "workDaysRules": [{"startTime": "9am", "monday": true}]}"#)),
            "400 workDaysRules[0].startTime: expected HH-MM")
        // Every write example spells times HH-MM: a server built to the document takes no other.
        XCTAssertEqual(
            message(
                send(
                    fake, "POST", "/api/schedules/abonent/1735",
                    #"{"name": "s", "workDaysRules": [{"startTime": "09:00", "endTime": "18:00", "monday": true}]}"#)),
            "400 workDaysRules[0].startTime: expected HH-MM")
        XCTAssertEqual(
            send(fake, "POST", "/api/schedules/abonent/1735", #"{"name": "s", "workDaysRules": [{"startTime": "09-00", "endTime": "18-00", "monday": true}]}"#)
                .0, 200)
        // A body that is not declared JSON is refused, as Spring refuses it.
        var plain = HTTPRequest(
            method: "POST", path: "/api/schedules/abonent/1735", headers: [("X-AUTH-TOKEN", "t"), ("Content-Type", "text/plain")],
            body: Data(#"{"name": "x"}"#.utf8))
        plain.body = Data(#"{"name": "x"}"#.utf8)
        guard case .respond(let refused) = fake.handle(plain) else { return XCTFail("dropped") }
        XCTAssertEqual(refused.status, 415)
        XCTAssertEqual(
            message(send(fake, "POST", "/api/schedules/abonent/1735", #"{"name": "s", "holidaysRules": [{"startDate": "2026-01-01"}]}"#)),
            "400 holidaysRules[0].startDate: expected DD-MM-YYYY")
        XCTAssertEqual(
            message(send(fake, "DELETE", "/api/schedules/abonent/1735", #"{"recordId": 5}"#)),
            "400 Schedule \"preset\" is preset (notBeRemoved) and cannot be removed")
        XCTAssertEqual(message(send(fake, "GET", "/api/abonents", nil, token: "wrong")), "401 Invalid or missing X-AUTH-TOKEN")
    }

    func testGroupSchedulesAreVisibleToTheGroupsAbonentsAndOneScheduleIsAnObject() throws {
        let fake = try VPBXFake(state: seed)
        let (status, body) = send(fake, "GET", "/api/schedules/abonent/1736")
        XCTAssertEqual(status, 200)
        XCTAssertEqual(body["name"], .string("team"), "one schedule comes as an object, as the document shows")
        XCTAssertEqual(body["type"], .string("group"))
        let both = send(fake, "GET", "/api/schedules/abonent/1735").1
        XCTAssertEqual(both.array?.compactMap { $0["name"]?.string }, ["preset", "team"])
    }

    func testAScheduleInUseCannotBeDeleted() throws {
        let fake = try VPBXFake(state: seed)
        let created = send(fake, "POST", "/api/findMe/1735/redirect", #"{"ruleName": "r", "alwaysRedirect": "650", "schedudyId": 6}"#)
        XCTAssertEqual(created.0, 200)
        XCTAssertEqual(created.1["scheduleId"], .int(6), "the create example's schedudyId spelling is taken")
        let ignored = send(fake, "POST", "/api/findMe/1735/redirect", #"{"ruleName": "q", "alwaysRedirect": "650", "scheduleId": 6}"#)
        XCTAssertEqual(ignored.1["scheduleId"], .null, "on create, a server built to the document reads schedudyId only")
        XCTAssertEqual(
            message(send(fake, "DELETE", "/api/schedules/group/10?recordId=6")),
            "400 Schedule \"team\" is used by find-me rule \"r\" of abonent 1735", "the record named in the query")
    }

    func testWorkDaysCompareAsASetAcrossTimeFormats() {
        let declared = VPBXCanonical.workDays(
            declared: .list([
                .object(["days": .string("mon-fri"), "from": .string("09:00"), "to": .string("18:00")]),
                .object(["days": .list([.string("sat")]), "all_day": .bool(true)]),
            ]))
        let wire: [JSONNode] = [
            .object([
                ("startTime", .string("09-00")), ("endTime", .string("18-00")), ("allDayEvent", .bool(false)),
                ("monday", .bool(true)), ("wednesday", .bool(true)), ("friday", .bool(true)),
            ]),
            .object([("startTime", .null), ("endTime", .null), ("allDayEvent", .bool(true)), ("saturday", .bool(true))]),
            .object([
                ("startTime", .string("09:00")), ("endTime", .string("18:00")), ("allDayEvent", .bool(false)),
                ("tuesday", .bool(true)), ("thursday", .bool(true)),
            ]),
        ]
        XCTAssertEqual(
            declared,
            .list([
                .object(["days": .string("mon-fri"), "from": .string("09:00"), "to": .string("18:00")]),
                .object(["days": .string("sat"), "all_day": .bool(true)]),
            ]))
        XCTAssertEqual(VPBXCanonical.workDays(wire: wire), declared)
        XCTAssertEqual(VPBXCanonical.dayText([0, 2, 3, 4]), "mon,wed-fri")
    }

    func testDatesEmptyStringsAndRings() {
        XCTAssertEqual(VPBXCanonical.yamlDate("08-03-2020"), "2020-03-08")
        XCTAssertEqual(VPBXCanonical.wireDate("2020-03-08"), "08-03-2020")
        XCTAssertEqual(VPBXCanonical.text(.string("")), .null)
        XCTAssertEqual(VPBXCanonical.text(.null), .null)
        XCTAssertEqual(VPBXCanonical.text(nil), .null)
        XCTAssertEqual(VPBXCanonical.rings(.string("")), .null)
        XCTAssertEqual(VPBXCanonical.rings(.string("4")), .int(4))
        XCTAssertEqual(VPBXCanonical.rings(.int(4)), .int(4))
    }

    func testDirectoryIsReadOncePerPlanAndNumbersCompareInOrder() async throws {
        let log = RequestLog(try VPBXFake(state: seed))
        var provider = ProviderConfig(
            name: "mts", type: "vpbx", settings: ["token": .string("t")], declaredKinds: ["schedules", "find_me"],
            mark: Mark(file: "t", line: 1, column: 1))
        func rule(_ name: String, _ numbers: [String]) -> Resource {
            Resource(
                address: Address(provider: "mts", kind: "find_me", key: ["201", "parallel", name]),
                fields: [
                    "user": .string("201"), "type": .string("parallel"), "name": .string(name),
                    "numbers": .list(numbers.map { .object(["number": .string($0)]) }),
                ])
        }
        let schedule = Resource(
            address: Address(provider: "mts", kind: "schedules", key: ["group:Support", "x"]),
            fields: ["name": .string("x"), "group": .string("Support")])
        provider.resources = [rule("a", ["003", "500"]), rule("b", ["1"]), rule("c", ["2"]), schedule]
        let driver = VPBXPlatform(provider: provider, transport: SimulatorTransport(handler: log))
        let desired = provider.resources.map(driver.canonical)
        let live = try await driver.read(kinds: ["schedules", "find_me"], desired: desired)
        XCTAssertEqual(log.lines.filter { $0 == "GET /api/abonents" }.count, 1)
        XCTAssertEqual(log.lines.filter { $0 == "GET /api/groups" }.count, 1)
        let plan = Planner(policy: Policy()).plan([Planner.Input(provider: provider, platform: driver.schema, desired: desired, live: live)])
        _ = await Executor(parallelism: 4).run(plan, drivers: ["mts": driver], live: ["mts": live]) { _ in }
        var reordered = provider
        reordered.resources = [rule("a", ["500", "003"]), rule("b", ["1"]), rule("c", ["2"]), schedule]
        let again = try await driver.read(kinds: ["schedules", "find_me"], desired: reordered.resources.map(driver.canonical))
        let second = Planner(policy: Policy()).plan([
            Planner.Input(
                provider: reordered, platform: driver.schema,
                desired: reordered.resources.map(driver.canonical), live: again)
        ])
        XCTAssertEqual(
            second.changes.map { "\($0.action.rawValue) \($0.address.local) \($0.changedPaths)" },
            ["update find_me/201/parallel/a [\"numbers\"]"], "the order of numbers is significant")
    }
}
