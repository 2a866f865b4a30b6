import TelformCore
import XCTest

@testable import TelformPlatforms

/// The MTT period compiler and parser.
final class PeriodSetTests: XCTestCase {
    func window(_ days: String, _ from: String, _ to: String) -> Value {
        .object(["days": .string(days), "from": .string(from), "to": .string(to)])
    }

    func testWindowsCompileToThePlatformsNotation() {
        XCTAssertEqual(PeriodSet.canonical(window("mon-fri", "09:00", "18:00")), "hr{9-17}wd{mo-fr}")
        XCTAssertEqual(PeriodSet.canonical(window("mon-fri", "09:30", "18:00")), "hr{9}min{30-59}wd{mo-fr},hr{10-17}wd{mo-fr}")
        XCTAssertEqual(PeriodSet.canonical(window("sat", "10:15", "10:45")), "hr{10}min{15-44}wd{sa}")
        XCTAssertEqual(PeriodSet.canonical(window("mon", "09:00", "10:59")), "hr{9}wd{mo},hr{10}min{0-58}wd{mo}")
        XCTAssertEqual(PeriodSet.canonical(window("all", "00:00", "24:00")), "always")
        XCTAssertEqual(PeriodSet.canonical(window("all", "08:00", "20:00")), "hr{8-19}")
        XCTAssertEqual(
            PeriodSet.canonical(.list([window("mon", "09:00", "12:00"), window("wed", "09:00", "12:00"), window("sat", "09:00", "12:00")])),
            "hr{9-11}wd{mo we sa}")
        XCTAssertEqual(PeriodSet.canonical(.string("always")), "always")
        XCTAssertEqual(PeriodSet.canonical(nil), "always")
    }

    func testNotationIsDescribedAsWindows() {
        XCTAssertEqual(PeriodSet.parse("hr{9-17}wd{mo-fr},hr{10-13}wd{sa-su}")?.windows, "mon-fri 09:00-18:00, sat-sun 10:00-14:00")
        XCTAssertEqual(PeriodSet.parse("hr{9}min{30-59}wd{mo}")?.windows, "mon 09:30-10:00")
        XCTAssertEqual(PeriodSet.parse("always")?.windows, "always")
        XCTAssertEqual(PeriodSet.parse("hr{8-11}")?.windows, "every day 08:00-12:00")
    }

    func testAWindowAcrossMidnightIsSplitOntoTheNextDay() {
        XCTAssertEqual(PeriodSet.canonical(window("fri", "22:00", "02:00")), "hr{22-23}wd{fr},hr{0-1}wd{sa}")
        XCTAssertEqual(PeriodSet.canonical(window("sun", "23:30", "00:30")), "hr{0}min{0-29}wd{mo},hr{23}min{30-59}wd{su}")
    }

    func testEquivalentSpellingsHaveOneMeaning() throws {
        let documented = try XCTUnwrap(PeriodSet.parse("hr{13}min{0-59}wd{mo-fr},hr{14-17}wd{mo-fr},hr{18}min{0-58}wd{mo-fr}"))
        var built = PeriodSet()
        built.add(days: Set(0...4), from: 13 * 60, to: 18 * 60 + 59)
        XCTAssertEqual(documented, built)
        XCTAssertEqual(PeriodSet.parse("wd{mo-fr} hr{9-17}"), PeriodSet.parse("hr{9-17}wd{mo tu we th fr}"))
        XCTAssertEqual(PeriodSet.parse("hr{9-17}wd{2-6}"), PeriodSet.parse("hr{9-17}wd{mo-fr}"), "1 = Sunday")
        XCTAssertEqual(PeriodSet.parse("wd{fr-mo}"), PeriodSet.parse("wd{fr sa su mo}"), "ranges wrap")
        XCTAssertEqual(
            PeriodSet.canonical(.string("hr{9}min{0-59}wd{mo-fr},hr{10}min{0-59}wd{mo-fr}")), PeriodSet.canonical(window("mon-fri", "09:00", "11:00")))
    }

    func testRoundTripsThroughTheNotation() throws {
        let cases: [Value] = [
            window("mon-fri", "09:30", "18:15"), window("tue", "00:00", "00:01"), window("sun", "23:59", "24:00"),
            .list([window("mon-fri", "09:00", "13:00"), window("mon-fri", "14:00", "18:00"), window("sat", "10:00", "14:00")]),
            window("wed", "20:00", "04:30"),
        ]
        for value in cases {
            let notation = PeriodSet.canonical(value)
            let parsed = try XCTUnwrap(PeriodSet.parse(notation), notation)
            XCTAssertEqual(parsed.notation, notation)
            XCTAssertEqual(parsed, PeriodSet.fromWindows(value.list ?? [value]))
        }
    }

    func testNonWeeklyOrMalformedNotationIsKeptAsText() {
        XCTAssertNil(PeriodSet.parse("mo{jan}hr{9-17}"))
        XCTAssertNil(PeriodSet.parse("hr{25}"))
        XCTAssertNil(PeriodSet.parse("hours 9 to 5"))
        XCTAssertEqual(PeriodSet.canonical(.string("md{1-15} hr{9-17}")), "md{1-15}hr{9-17}")
    }
}
