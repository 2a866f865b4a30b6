import XCTest

@testable import TelformCore

/// A small platform for planner tests: `things` and `links` that name a thing.
enum TestPlatform {
    static let thing = ObjectSchema([
        FieldSchema.string("name", "key").required(),
        FieldSchema.string("color", "a plain field"),
        FieldSchema.integer("size", nil, "an integer"),
        FieldSchema.string("serial", "create-only").createOnly,
        FieldSchema.string("secret", "write-only secret").sensitive.writeOnly,
        FieldSchema.list("tags", of: .string(StringRules()), ListRules(itemNoun: "tags"), "an ordered list"),
    ])
    static let link = ObjectSchema([
        FieldSchema.string("name", "key").required(),
        FieldSchema.string("thing", "names a thing").references("things"),
    ])
    static let schema = PlatformSchema(
        type: "test", doc: "", settings: [],
        kinds: [
            KindSchema(name: "things", doc: "", shape: .objects(thing), keyFields: ["name"]),
            KindSchema(name: "links", doc: "", shape: .objects(link), keyFields: ["name"]),
        ])

    static func resource(_ kind: String, _ name: String, _ fields: [String: Value] = [:], provider: String = "p") -> Resource {
        Resource(address: Address(provider: provider, kind: kind, key: [name]), fields: fields.merging(["name": .string(name)]) { a, _ in a })
    }

    static func provider(_ desired: [Resource], kinds: [String] = ["things"], prune: [String: Bool] = [:], ignore: [String] = []) -> ProviderConfig {
        ProviderConfig(
            name: "p", type: "test", settings: ["url": .string("sim://p")], prune: prune, ignore: ignore.map(AddressPattern.init),
            declaredKinds: kinds, resources: desired, mark: Mark(file: "t", line: 1, column: 1))
    }

    static func plan(
        desired: [Resource], live: [Resource], kinds: [String] = ["things"], prune: [String: Bool] = [:], ignore: [String] = [],
        undeletable: [Address: String] = [:], policy: Policy = Policy(), options: Planner.Options = Planner.Options()
    ) -> Plan {
        let input = Planner.Input(
            provider: provider(desired, kinds: kinds, prune: prune, ignore: ignore), platform: schema,
            desired: desired, live: LiveState(resources: live, undeletable: undeletable))
        return Planner(policy: policy, options: options).plan([input])
    }
}

final class PlannerTests: XCTestCase {
    typealias T = TestPlatform

    func summary(_ plan: Plan) -> [String] {
        plan.changes.map { change in
            "\(change.action.symbol) \(change.address.local)"
                + (change.fields.isEmpty || change.action == .create ? "" : " " + change.changedPaths.joined(separator: ","))
                + (change.dependsOn.isEmpty ? "" : " after " + change.dependsOn.map(\.local).joined(separator: ","))
        }
    }

    func testCreatesUpdatesAndDeletesWithinTheOwnedScope() {
        let plan = T.plan(
            desired: [T.resource("things", "a", ["color": .string("red"), "size": .int(2)]), T.resource("things", "b")],
            live: [
                T.resource("things", "a", ["color": .string("blue"), "size": .int(2)]), T.resource("things", "c"),
                T.resource("links", "l"),
            ])
        XCTAssertEqual(
            summary(plan), ["~ things/a color", "+ things/b after things/c", "- things/c"],
            "links are not declared, so their scope is not owned; a create waits for the deletes of its kind")
        XCTAssertEqual(plan.changes[0].fields, [FieldChange(path: "color", before: .string("blue"), after: .string("red"))])
        XCTAssertEqual(plan.summaryLine, "Plan: 1 to create, 1 to update, 1 to delete.")
    }

    func testUndeclaredFieldsAreNotManagedAndWriteOnlyFieldsNeverCompared() {
        let plan = T.plan(
            desired: [T.resource("things", "a", ["secret": .string("new")])],
            live: [T.resource("things", "a", ["color": .string("blue"), "secret": .string("old")])])
        XCTAssertEqual(summary(plan), [])
        XCTAssertEqual(plan.summaryLine, "No changes. The live state matches the configuration.")
    }

    func testPruneFalseMakesAKindAdditive() {
        let plan = T.plan(desired: [T.resource("things", "b")], live: [T.resource("things", "c")], prune: ["things": false])
        XCTAssertEqual(summary(plan), ["+ things/b"])
    }

    func testIgnoredLiveObjectsAreNeverTouched() {
        let plan = T.plan(desired: [], live: [T.resource("things", "test-1"), T.resource("things", "prod")], ignore: ["things/test-*"])
        XCTAssertEqual(summary(plan), ["- things/prod"])
    }

    func testCreateOnlyChangeIsAReplaceAndProtectRefusesIt() {
        let live = [T.resource("things", "a", ["serial": .string("1")])]
        let plan = T.plan(desired: [T.resource("things", "a", ["serial": .string("2")])], live: live)
        XCTAssertEqual(summary(plan), ["-/+ things/a serial"])
        XCTAssertEqual(plan.changes[0].reason, "serial cannot be changed in place")
        XCTAssertEqual(plan.refusals, [])
        let protected = T.plan(desired: [T.resource("things", "a", ["serial": .string("2"), "protect": .bool(true)])], live: live)
        XCTAssertEqual(protected.refusals, ["p/things/a is protected, and a replace would delete it (serial cannot be changed in place)"])
    }

    func testReplaceAndRotateOptions() {
        let live = [T.resource("things", "a"), T.resource("things", "b")]
        let plan = T.plan(desired: live, live: live, options: Planner.Options(replace: [AddressPattern("p/things/a")], rotate: [AddressPattern("p/things/b")]))
        XCTAssertEqual(summary(plan), ["-/+ things/a", "~ things/b"])
        XCTAssertEqual(plan.changes[0].reason, "forced by --replace")
        XCTAssertTrue(plan.changes[1].rotate)
    }

    func testUndeletableObjectsAreKeptWithTheReason() {
        let address = Address(provider: "p", kind: "things", key: ["preset"])
        let plan = T.plan(desired: [], live: [T.resource("things", "preset")], undeletable: [address: "notBeRemoved"])
        XCTAssertEqual(summary(plan), [])
        XCTAssertEqual(plan.warnings, ["p/things/preset is not declared but is kept: notBeRemoved"])
    }

    func testSafetyThresholdsRefuseLargeDeletesAndUpdates() {
        let live = (0..<10).map { T.resource("things", "t\($0)", ["color": .string("blue")]) }
        let keepSeven = Array(live.prefix(7))
        XCTAssertEqual(T.plan(desired: keepSeven, live: live).thresholdRefusals, [], "3 of 10 is 30%, allowed")
        XCTAssertEqual(
            T.plan(desired: Array(live.prefix(6)), live: live).thresholdRefusals,
            ["p/things: 4 of 10 live objects would be deleted (40%; max_delete_percent is 30); apply needs --allow-deletes"])
        let recolored = live.map { T.resource("things", $0.address.key[0], ["color": .string("red")]) }
        XCTAssertEqual(
            T.plan(desired: recolored, live: live).updateRefusals,
            ["p/things: 10 of 10 live objects would be updated (100%; max_update_percent is 50); apply needs --allow-updates"])
        XCTAssertEqual(T.plan(desired: [], live: Array(live.prefix(9))).thresholdRefusals, [], "below min_existing the thresholds do not apply")
    }

    func testFindingsAreTypedWithTheFlagThatLiftsThem() {
        let live = (0..<10).map { T.resource("things", "t\($0)", ["color": .string("blue")]) }
        let plan = T.plan(desired: Array(live.prefix(6)).map { T.resource("things", $0.address.key[0], ["color": .string("red")]) }, live: live)
        XCTAssertEqual(
            plan.findings.map { "\($0.severity) \($0.code) \($0.address ?? "-") \($0.liftedBy ?? "-")" },
            [
                "refusal delete-threshold p/things --allow-deletes",
                "refusal update-threshold p/things --allow-updates",
            ])
        XCTAssertEqual(
            plan.refusals(lifting: ["--allow-deletes"]),
            ["p/things: 6 of 10 live objects would be updated (60%; max_update_percent is 50); apply needs --allow-updates"])
        XCTAssertEqual(plan.refusals(lifting: ["--allow-deletes", "--allow-updates"]), [])
        let json = PlanJSON(configDigest: "sha256:x").render(plan).compact
        XCTAssertTrue(json.contains(#"{"severity":"refusal","code":"update-threshold","address":"p/things","summary":"p/things: 6 of 10"#), json)
    }

    func testReferencesOrderCreatesBeforeDependentsAndDeletesAfter() {
        let created = T.plan(
            desired: [T.resource("links", "l", ["thing": .string("a")]), T.resource("things", "a")], live: [],
            kinds: ["things", "links"])
        XCTAssertEqual(summary(created), ["+ things/a", "+ links/l after things/a"])
        let moved = T.plan(
            desired: [T.resource("links", "l", ["thing": .string("b")]), T.resource("things", "b")],
            live: [T.resource("links", "l", ["thing": .string("a")]), T.resource("things", "a"), T.resource("things", "b")],
            kinds: ["things", "links"])
        XCTAssertEqual(summary(moved), ["- things/a after links/l", "~ links/l thing"])
    }

    func testTargetKeepsMatchesAndWhatTheyDependOn() {
        let plan = T.plan(
            desired: [T.resource("links", "l", ["thing": .string("a")]), T.resource("things", "a"), T.resource("things", "z")], live: [],
            kinds: ["things", "links"], options: Planner.Options(targets: [AddressPattern("p/links/*")]))
        XCTAssertEqual(summary(plan), ["+ things/a", "+ links/l after things/a"])
    }

    /// Creates wait for the deletes of their kind to order a plan; a targeted create brings
    /// in no delete it did not target (it would delete an unrelated object for nothing).
    func testATargetedCreateBringsInNoUntargetedDelete() {
        let live = [T.resource("things", "old")]
        let whole = T.plan(desired: [T.resource("things", "new")], live: live)
        XCTAssertEqual(summary(whole), ["+ things/new after things/old", "- things/old"])
        let targeted = T.plan(desired: [T.resource("things", "new")], live: live, options: Planner.Options(targets: [AddressPattern("p/things/new")]))
        XCTAssertEqual(summary(targeted), ["+ things/new"])
        let both = T.plan(desired: [T.resource("things", "new")], live: live, options: Planner.Options(targets: [AddressPattern("p/things/*")]))
        XCTAssertEqual(summary(both), ["+ things/new after things/old", "- things/old"], "both targeted: still ordered")
    }

    func testTextPlanLayout() {
        let plan = T.plan(
            desired: [
                T.resource("things", "a", ["color": .string("red"), "secret": .string("s")]),
                T.resource("things", "b", ["size": .int(3), "secret": .string("hush")]),
            ],
            live: [T.resource("things", "a", ["color": .string("blue")]), T.resource("things", "old")])
        XCTAssertEqual(
            PlanText(color: false).render(plan),
            """
            telform plan: 1 provider, 2 live objects read in 0.0s

            Note: p: things.secret is never read back, so no plan sees a change to it; push a change of things.secret with --rotate ADDR

            p (test, sim://p)
              ~ things/a                                 update
                    color: "blue" -> "red"
              + things/b                                 create, after things/old
                    name:   "b"
                    size:   3
                    secret: (write-only)
              - things/old                               delete
                    name: "old"

            Plan: 1 to create, 1 to update, 1 to delete.

            """)
        // Lists entry by entry: what was removed and added, or how it was reordered.
        let lists = T.plan(
            desired: [
                T.resource("things", "a", ["tags": .list([.string("x"), .string("z")])]),
                T.resource("things", "b", ["tags": .list([.string("y"), .string("x")])]),
            ],
            live: [
                T.resource("things", "a", ["tags": .list([.string("x"), .string("y")])]),
                T.resource("things", "b", ["tags": .list([.string("x"), .string("y")])]),
            ])
        let text = PlanText(color: false).render(lists)
        XCTAssertTrue(
            text.contains("  ~ things/a                                 update\n        tags: 1 added, 1 removed\n          - \"y\"\n          + \"z\"\n"), text
        )
        XCTAssertTrue(text.contains("        tags: reordered\n          was: \"x\", \"y\"\n          now: \"y\", \"x\"\n"), text)
        let json = PlanJSON(configDigest: "sha256:x").render(plan).compact
        XCTAssertFalse(json.contains("hush"))
        XCTAssertTrue(json.contains(#""after":{"name":"b","secret":"(write-only)","size":3}"#), json)
    }
}

final class ContentAddressedPlannerTests: XCTestCase {
    /// `blobs` cannot be edited and are made before the old one goes; `users` name a blob by its live name.
    static let schema = PlatformSchema(
        type: "test", doc: "", settings: [],
        kinds: [
            KindSchema(name: "blobs", doc: "", shape: .objects(ObjectSchema([FieldSchema.string("name", "key")])), keyFields: ["name"])
                .immutable(createBeforeDelete: true, cleanupShownBy: "live_name"),
            KindSchema(
                name: "users", doc: "",
                shape: .objects(
                    ObjectSchema([
                        FieldSchema.string("name", "key"),
                        FieldSchema.string("blob", "bound blob").references("blobs", by: .keyOrField("live_name")),
                    ])), keyFields: ["name"]),
            KindSchema(
                name: "fixed", doc: "", shape: .objects(ObjectSchema([FieldSchema.string("name", "key"), FieldSchema.string("x", "")])),
                keyFields: ["name"]
            ).immutable(),
        ])

    func resource(_ kind: String, _ name: String, _ fields: [String: Value]) -> Resource {
        Resource(address: Address(provider: "p", kind: kind, key: [name]), fields: fields.merging(["name": .string(name)]) { a, _ in a })
    }

    func testAContentChangeUploadsFirstRebindsThenDeletesTheOld() {
        let desired = [
            resource("blobs", "welcome", ["live_name": .string("welcome-bbbb.mp3")]), resource("users", "u1", ["blob": .string("welcome-bbbb.mp3")]),
        ]
        let live = [resource("blobs", "welcome", ["live_name": .string("welcome-aaaa.mp3")]), resource("users", "u1", ["blob": .string("welcome-aaaa.mp3")])]
        let provider = ProviderConfig(
            name: "p", type: "test", declaredKinds: ["blobs", "users"], resources: desired, mark: Mark(file: "t", line: 1, column: 1))
        let plan = Planner(policy: Policy()).plan([Planner.Input(provider: provider, platform: Self.schema, desired: desired, live: LiveState(resources: live))]
        )
        XCTAssertEqual(
            plan.changes.map { "\($0.id) \($0.action.rawValue) after \($0.dependsOn.map(\.local))" },
            [
                "p/blobs/welcome replace after []",
                "p/users/u1 update after [\"blobs/welcome\"]",
                "p/blobs/welcome#cleanup delete after [\"blobs/welcome\", \"users/u1\"]",
            ])
        XCTAssertEqual(plan.changes[0].reason, "the platform cannot edit blobs; the new one is made first, the old one deleted last")
        XCTAssertEqual(plan.summaryLine, "Plan: 1 to replace, 0 to create, 1 to update, 0 to delete.")
        XCTAssertTrue(
            PlanText(color: false).render(plan).contains(
                "  - blobs/welcome                            delete welcome-aaaa.mp3 (the previous version, once nothing uses it), after users/u1\n"))
    }

    func testAKindWithoutAnEditCallIsReplaced() {
        let provider = ProviderConfig(name: "p", type: "test", declaredKinds: ["fixed"], mark: Mark(file: "t", line: 1, column: 1))
        let plan = Planner(policy: Policy()).plan([
            Planner.Input(
                provider: provider, platform: Self.schema,
                desired: [resource("fixed", "a", ["x": .string("2")])],
                live: LiveState(resources: [resource("fixed", "a", ["x": .string("1")])]))
        ])
        XCTAssertEqual(plan.changes.map(\.action), [.replace])
        XCTAssertEqual(plan.changes.first?.reason, "the platform cannot edit fixed")
    }

    func testTheCleanupRunsLastAndIsSkippedWhenTheRebindFails() async {
        let desired = [
            resource("blobs", "welcome", ["live_name": .string("welcome-bbbb.mp3")]), resource("users", "u1", ["blob": .string("welcome-bbbb.mp3")]),
        ]
        let live = [resource("blobs", "welcome", ["live_name": .string("welcome-aaaa.mp3")]), resource("users", "u1", ["blob": .string("welcome-aaaa.mp3")])]
        let provider = ProviderConfig(
            name: "p", type: "test", declaredKinds: ["blobs", "users"], resources: desired, mark: Mark(file: "t", line: 1, column: 1))
        let plan = Planner(policy: Policy()).plan([Planner.Input(provider: provider, platform: Self.schema, desired: desired, live: LiveState(resources: live))]
        )
        let driver = RecordingDriver(name: "p", failing: ["users/u1"])
        let results = await Executor(parallelism: 8).run(plan, drivers: ["p": driver], live: [:]) { _ in }
        XCTAssertEqual(driver.started, ["blobs/welcome", "users/u1"])
        XCTAssertEqual(results.last?.cleanup, true)
        XCTAssertEqual(results.last?.outcome, .skipped(because: "p/users/u1 did not succeed"), "the old version stays while an account may still use it")
    }
}
