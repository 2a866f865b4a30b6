import XCTest

@testable import TelformCore

/// One presentation of what a change does, shared by text, Markdown and JSON.
final class ChangeEffectTests: XCTestCase {
    func testEachEffectHasOneSymbolLabelAndCount() {
        let shown = ChangeEffect.allCases.map { "\($0.rawValue) \($0.symbol) \($0.label) \($0.counts) \($0.executes) \($0.action.rawValue)" }
        XCTAssertEqual(
            shown,
            [
                "create + create true true create",
                "update ~ update true true update",
                "delete - delete true true delete",
                "replace -/+ replace true true replace",
                "replace-create-first -/+ replace true true replace",
                "cleanup - delete of the previous version true true delete",
                "send-blind ~ set on apply false true update",
                "report-only ! differs false false update",
            ])
    }

    func testTheThreeRenderingsCountAlike() {
        let kind = KindSchema(name: "things", doc: "", shape: .objects(ObjectSchema([FieldSchema.string("name", "key")])), keyFields: ["name"])
        let changes = ChangeEffect.allCases.enumerated().map { index, effect -> Change in
            let thing = Resource(address: Address(provider: "p", kind: "things", key: ["t\(index)"]), fields: ["name": .string("t\(index)")])
            var change = Change(
                address: thing.address, action: effect.action, desired: effect.action == .delete ? nil : thing,
                live: effect.action == .create ? nil : thing, fields: [])
            change.effect = effect
            return change
        }
        let plan = Plan(providers: [Plan.ProviderPlan(name: "p", type: "test", url: "sim://p", liveCount: 8, fingerprint: "f", changes: changes, kinds: [kind])]
        )
        XCTAssertEqual(
            plan.tally,
            {
                var t = Plan.Tally([])
                t.create = 1
                t.update = 1
                t.delete = 1
                t.replace = 2
                t.reportOnly = 1
                t.sentBlind = 1
                return t
            }())
        XCTAssertEqual(
            plan.summaryLine,
            "Plan: 2 to replace, 1 to create, 1 to update, 1 to delete. 1 unreadable setting will be sent again. 1 difference can only be reported.")
        XCTAssertTrue(PlanMarkdown().render(plan).contains("| p | test | sim://p |  | 1 | 1 | 1 | 2 | 1 | 1 |\n"))
        let json = PlanJSON(configDigest: "sha256:x").render(plan).compact
        XCTAssertTrue(json.contains(#""summary":{"create":1,"update":1,"delete":1,"replace":2,"report_only":1,"sent_again":1}"#), json)
        XCTAssertTrue(json.contains(#""action":"update","effect":"report-only""#), json)
        let text = PlanText(color: false).render(plan)
        for change in changes where change.effect != .cleanup {
            XCTAssertTrue(text.contains("  \(change.symbol) things/\(change.address.key[0])"), "\(change.effect): \(text)")
        }
    }
}
