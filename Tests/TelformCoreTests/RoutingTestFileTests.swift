import XCTest

@testable import TelformCore

/// The routing tests file: its checks (each problem at its position) and how an expectation
/// meets a route.
final class RoutingTestFileTests: XCTestCase {
    func file(_ text: String) -> RoutingTestFile {
        RoutingTestFile(text: text, file: "t.yaml")
    }

    func testEveryProblemIsADiagnosticAtItsPosition() {
        let parsed = file(
            """
            version: 1
            tests:
              - call: "201"
                at: "caturday 10:00"
                expect: [ring: "003"]
              - call: "201"
                at: "mon 10:00"
                expct: [then: voicemail]
              - call: "201"
                at: "mon 10:00"
                expect: [then: voicemail, ring: "003"]
              - call: "201"
                at: "mon 10:00"
                expect: [busy: "500", seconds: 5]
              - call: "201"
                at: "mon 10:00"
                expect: [{ring: "003", play: welcome}]
              - at: "mon 10:00"
                expect: "ring 201"

            """)
        XCTAssertEqual(
            parsed.diagnostics.map(\.description),
            [
                "t.yaml:4:9: error: tests[0].at: \"caturday 10:00\" is not a moment: a week day or a date, then a time ('sat 10:00', '2026-01-01 10:00')",
                "t.yaml:8:5: error: tests[1].expct: unknown key; did you mean expect? (known: name, call, provider, at, from, expect)",
                "t.yaml:6:5: error: tests[1].expect: expect: is required (steps such as [ring: \"003\", then: voicemail], or the route's text)",
                "t.yaml:11:14: error: tests[2].expect[0]: then: ends the route: it is the last step",
                "t.yaml:14:14: error: tests[3].expect[0]: busy: follows the ring step it belongs to",
                "t.yaml:14:27: error: tests[3].expect[1]: seconds: follows the ring step it belongs to",
                "t.yaml:17:14: error: tests[4].expect[0]: one step per item: ring and play are two",
                "t.yaml:18:5: error: tests[5].call: call: is required (the number called)",
            ])
        XCTAssertEqual(parsed.cases.count, 0)
        XCTAssertEqual(file("tests: []\n").diagnostics.map(\.description), ["t.yaml:1:1: error: version: version: 1 is required"])
    }

    func testStepsMeetRoutes() throws {
        let parsed = file(
            """
            version: 1
            tests:
              - {call: "1", at: "mon 10:00", expect: [ring: ["b", "a"], seconds: 20, busy: "x", then: voicemail]}
              - {call: "1", at: "mon 10:00", expect: [ring: ["a", "b"], then: voicemail 7]}
              - {call: "1", at: "mon 10:00", expect: [one_of: [[then: "650"], [ring: "c", then: undocumented]]]}
              - {call: "1", at: "mon 10:00", expect: "650 (forwarded always)"}
              - {call: "1", at: "mon 10:00", from: "9", name: blocked, expect: [then: reject]}

            """)
        XCTAssertEqual(parsed.diagnostics.map(\.description), [])
        let cases = parsed.cases
        XCTAssertEqual(cases.map(\.title), ["1 at mon 10:00", "1 at mon 10:00", "1 at mon 10:00", "1 at mon 10:00", "1 at mon 10:00 from 9 (blocked)"])
        let together = Route.ring(Ring([.init("a"), .init("b")], order: .together, seconds: 20), then: .voicemail("7"), busy: .dial("x"))
        XCTAssertNil(cases[0].failure(together))
        XCTAssertNil(cases[1].failure(together))
        // In turn, order matters.
        let inTurn = Route.ring(Ring([.init("a", seconds: 20), .init("b", seconds: 20)], order: .inTurn), then: .voicemail("7"))
        XCTAssertEqual(
            cases[0].failure(inTurn),
            "expected ring b, a for 20 s, if busy: x, then voicemail: step ring b, a for 20 s: the route has ring a for 20 s → b for 20 s")
        XCTAssertEqual(
            cases[1].failure(.ring(Ring([.init("a"), .init("b")], order: .together), then: .dial("5"))),
            "expected ring a, b, then voicemail 7: the route ends 5")
        XCTAssertEqual(
            cases[0].failure(.ring(Ring([.init("a"), .init("b")], order: .together, seconds: 20), then: .voicemail("7"))),
            "expected ring b, a for 20 s, if busy: x, then voicemail: if busy: x: busy is not forwarded")
        let choice = Route.oneOf([.dial("650", label: "forwarded always"), .ring(Ring([.init("c")]), then: .undocumented("open"))], why: "why")
        XCTAssertNil(cases[2].failure(choice))
        XCTAssertEqual(
            cases[2].failure(.dial("650", label: "forwarded always")),
            "expected one of: [then 650] or [ring c, then undocumented]: the route is 650 (forwarded always)")
        XCTAssertNil(cases[3].failure(.dial("650", label: "forwarded always")))
        XCTAssertEqual(cases[3].failure(.dial("651", label: "forwarded always")), "expected 650 (forwarded always)")
        XCTAssertNil(cases[4].failure(.reject("listed")))
        // Steps left out at the end are a failure: the route goes on.
        let short = file("version: 1\ntests: [{call: \"1\", at: \"mon 10:00\", expect: [play: welcome]}]\n").cases[0]
        XCTAssertEqual(short.failure(.play(Prompt(name: "welcome-57577419.mp3", hearer: "caller", declaredName: "welcome"), then: .undocumented("x"))), nil)
        XCTAssertEqual(
            short.failure(.play(Prompt(name: "welcome", hearer: "caller"), then: .ring(Ring([.init("a")]), then: .undocumented("x")))),
            "expected play welcome: the route goes on: ring a, then not documented (x)")
    }
}
