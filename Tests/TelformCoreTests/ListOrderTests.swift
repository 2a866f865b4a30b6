import XCTest

@testable import TelformCore

/// Lists compare by what their table declares their order means.
final class ListOrderTests: XCTestCase {
    let kind = KindSchema(
        name: "things", doc: "",
        shape: .objects(
            ObjectSchema([
                FieldSchema.string("name", "key"),
                FieldSchema.list("ring", of: .string, ListRules(), "ordered"),
                FieldSchema.list("days", of: .string, ListRules(order: .set), "a set"),
                FieldSchema.list(
                    "messages", of: .object(ObjectSchema([FieldSchema.string("side", ""), FieldSchema.string("text", "")])),
                    ListRules(order: .keyed("side")), "keyed by side"),
            ])), keyFields: ["name"])

    func thing(_ fields: [String: Value]) -> Resource {
        Resource(address: Address(provider: "p", kind: "things", key: ["a"]), fields: fields.merging(["name": .string("a")]) { a, _ in a })
    }

    func strings(_ items: String...) -> Value { .list(items.map(Value.string)) }

    func testAReorderChangesAnOrderedListOnly() {
        let live = thing(["ring": strings("1", "2"), "days": strings("mon", "tue")])
        XCTAssertEqual(Diff.fields(desired: thing(["ring": strings("2", "1")]), live: live, kind: kind).map(\.path), ["ring"])
        XCTAssertEqual(
            Diff.fields(desired: thing(["days": strings("tue", "mon", "tue")]), live: live, kind: kind).map(\.path), [],
            "a set's order and repeats are not changes")
        XCTAssertEqual(Diff.fields(desired: thing(["days": strings("tue", "wed")]), live: live, kind: kind).map(\.path), ["days"])
    }

    func testAKeyedListComparesEntryByKey() {
        func message(_ side: String, _ text: String) -> Value { .object(["side": .string(side), "text": .string(text)]) }
        let live = thing(["messages": .list([message("A", "hello"), message("B", "wait")])])
        XCTAssertEqual(Diff.fields(desired: thing(["messages": .list([message("B", "wait"), message("A", "hello")])]), live: live, kind: kind).map(\.path), [])
        XCTAssertEqual(
            Diff.fields(desired: thing(["messages": .list([message("B", "bye"), message("A", "hello")])]), live: live, kind: kind).map(\.path), ["messages"])
    }

    func testASetIsNeverShownReordered() {
        let text = PlanText.listChange(
            [.string("mon"), .string("tue"), .string("fri")], [.string("tue"), .string("sat"), .string("mon")], path: "days", kind: kind)
        XCTAssertEqual(text, " 1 added, 1 removed\n          - \"fri\"\n          + \"sat\"\n")
        let ordered = PlanText.listChange([.string("1"), .string("2"), .string("3")], [.string("2"), .string("4"), .string("1")], path: "ring", kind: kind)
        XCTAssertEqual(ordered, " 1 added, 1 removed\n          - \"3\"\n          + \"4\"\n          (the remaining entries are reordered)\n")
    }
}
