import Foundation
import XCTest

@testable import TelformCore
@testable import TelformPlatforms
@testable import TelformSimulator

/// One suite over the catalog: every kind of every platform against its simulator, gated by
/// what the kind can do (readable, updatable, add-only, one per provider). A kind is covered
/// by being declared in the catalog and shown in its platform's example, not by tests of its own.
final class ConformanceTests: XCTestCase {
    /// Every kind of every platform, `platform/kind`.
    static var allKinds: [String] {
        PlatformCatalog.all.flatMap { platform in platform.kinds.map { "\(platform.type)/\($0.name)" } }
    }

    /// Each platform's example, applied to its seed until the next plan is empty.
    func converged(_ example: String) async throws -> ConformanceRig {
        let rig = try ConformanceRig.open(example)
        let (_, failures) = try await rig.apply()
        XCTAssertEqual(failures, [], "\(example): the example applies")
        let (plan, _) = try await rig.plan()
        XCTAssertEqual(ConformanceRig.summary(plan), [], "\(example): the plan after apply is empty")
        XCTAssertEqual(plan.refusals + plan.errors, [], example)
        return rig
    }

    /// The loader looks platforms up by type, building only the ones a file uses: the types
    /// it knows and the tables it builds are the catalog's.
    func testTheCatalogsTypesAndTablesBuiltByTypeAgree() {
        XCTAssertEqual(PlatformCatalog.types, ["endpoints", "vpbx", "mtt", "xivo", "mxproxy"])
        XCTAssertEqual(PlatformCatalog.all.map(\.type), PlatformCatalog.types)
        for type in PlatformCatalog.types {
            XCTAssertEqual(PlatformCatalog.lazySchema(type)?.type, type)
            XCTAssertEqual(PlatformCatalog.lookup.schema(type)?.kinds.map(\.name), PlatformCatalog.all.first { $0.type == type }?.kinds.map(\.name))
        }
        XCTAssertNil(PlatformCatalog.lazySchema("asterisk"))
    }

    func testTheExamplesDeclareEveryKindOfTheCatalog() throws {
        var declared: [String] = []
        for example in ConformanceRig.exampleFiles {
            let rig = try ConformanceRig.open(example)
            declared += rig.provider.declaredKinds.map { "\(rig.provider.type)/\($0)" }
            let withResources = Set(rig.desired.map(\.address.kind))
            for kind in rig.provider.declaredKinds {
                XCTAssertTrue(withResources.contains(kind), "\(example).yaml declares at least one \(kind)")
            }
        }
        XCTAssertEqual(declared.sorted(), Self.allKinds.sorted())
        XCTAssertEqual(Self.allKinds.count, 18)
    }

    /// `canonical` is idempotent, and live state read back is its own canonical form.
    func testCanonicalIsIdempotentAndAFixedPointOfRead() async throws {
        for example in ConformanceRig.exampleFiles {
            let rig = try await converged(example)
            let (_, live) = try await rig.plan()
            XCTAssertFalse(live.resources.isEmpty, example)
            let once = rig.driver.canonical(rig.desired, live: live)
            let twice = rig.driver.canonical(once, live: live)
            XCTAssertEqual(once.count, rig.desired.count, example)
            for (a, b) in zip(once, twice) {
                XCTAssertEqual(Value.object(b.fields), Value.object(a.fields), "canonical twice: \(a.address)")
            }
            for (read, canonical) in zip(live.resources, rig.driver.canonical(live.resources, live: live)) {
                XCTAssertEqual(Value.object(canonical.fields), Value.object(read.fields), "canonical(read): \(read.address)")
            }
        }
    }

    /// Reading changes nothing: two reads in a row see the same state, and send only reads.
    func testReadNeverMutates() async throws {
        for example in ConformanceRig.exampleFiles {
            let rig = try await converged(example)
            _ = rig.journal.drain()
            let first = try await rig.driver.read(kinds: rig.provider.declaredKinds, desired: rig.desired)
            let second = try await rig.driver.read(kinds: rig.provider.declaredKinds, desired: rig.desired)
            XCTAssertEqual(first.fingerprint, second.fingerprint, example)
            let (plan, _) = try await rig.plan()
            XCTAssertEqual(ConformanceRig.summary(plan), [], example)
        }
    }

    /// Export writes live state in the config language; loaded back (its placeholders set to
    /// what the file declared) and planned, it plans no change, for every kind.
    func testEveryKindExportsWhatPlansClean() async throws {
        for example in ConformanceRig.exampleFiles {
            let rig = try await converged(example)
            let export = try await rig.driver.export(kinds: rig.provider.declaredKinds)
            // A kind the platform cannot read (MX Proxy's call mode) has nothing to export.
            let readable = rig.provider.declaredKinds.filter { rig.schema.kind($0)?.readable == true }
            XCTAssertEqual(export.kinds.map(\.0), readable, example)
            let text = ExportText.render(export, provider: rig.provider, schema: rig.schema)
            var environment: [String: String] = [:]
            for placeholder in export.placeholders {
                if let address = placeholder.address {
                    let declared = rig.desired.first { $0.address == address }.flatMap { Value.object($0.fields).at(placeholder.path) }
                    environment[placeholder.variable] = declared?.string ?? declared.map { "\($0)" }
                }
            }
            // The provider's secrets, which the rendering writes as placeholders of its own.
            for setting in rig.schema.settings where setting.isSensitive && rig.provider.settings[setting.name] != nil {
                let variable = "\(rig.provider.name)_\(setting.name)".uppercased()
                XCTAssertTrue(text.contains("${env:\(variable)}"), "\(example): \(setting.name) exported as a placeholder")
                environment[variable] = SimulatorCatalog.defaultCredentials[rig.provider.type]?[setting.name]
            }
            let fixture = try ConfigFixture(files: ["export.yaml": text])
            try? FileManager.default.copyItem(atPath: ConformanceRig.examples.appendingPathComponent("prompts").path, toPath: fixture.directory + "/prompts")
            let result = ConfigLoader(platforms: PlatformCatalog.all, environment: environment, mode: .strict, simulated: SimulatorCatalog.serves).load(
                path: fixture.directory + "/export.yaml")
            XCTAssertEqual(result.diagnostics.map(\.description).filter { $0.contains(": error: ") }, [], "\(example): \(text)")
            let exported = try XCTUnwrap(result.config.providers.first, example)
            XCTAssertEqual(exported.declaredKinds, readable, example)
            let (plan, _) = try await rig.plan(exported.resources)
            XCTAssertEqual(ConformanceRig.summary(plan), [], "\(example): the export plans clean")
            XCTAssertEqual(Set(exported.resources.map(\.address.kind)), Set(readable), example)
        }
    }

    func testADeleteOfWhatTheFileStillNamesIsAPlanError() async throws {
        let rig = try await converged("vpbx")
        let without = rig.desired.filter { $0.address.description != "mts/schedules/201/office-hours" }
        let (plan, _) = try await rig.plan(without)
        XCTAssertEqual(
            plan.errors,
            [
                "mts/schedules/201/office-hours would be deleted, but mts/find_me/201/redirect/After hours still names it (\"office-hours\"): declare it again, or change or remove that reference"
            ])
        let xivo = try await converged("xivo")
        let (users, _) = try await xivo.plan(xivo.desired.filter { $0.address.description != "xivo/users/1002@default" })
        XCTAssertEqual(
            users.errors,
            [
                "xivo/users/1002@default would be deleted, but xivo/pickups/front-desk still names it (\"1002\"): declare it again, or change or remove that reference"
            ])
    }

    /// The declared resources that name `resource` (a rule its schedule, an incall its user),
    /// and those that name them, by the references the kinds declare.
    func referrers(of resource: Resource, in rig: ConformanceRig) -> [Resource] {
        let canonical = rig.driver.canonical(rig.desired, live: LiveState())
        var found: [Resource] = []
        var queue = canonical.filter { $0.address == resource.address }
        while let target = queue.popLast() {
            for other in canonical where !found.contains(where: { $0.address == other.address }) && other.address != resource.address {
                guard let schema = rig.schema.kind(other.address.kind)?.resourceSchema else { continue }
                let answers = Planner.references(in: .object(other.fields), schema: schema).contains { reference in
                    reference.kind == target.address.kind && reference.match.names(target.address, fields: target.fields, reference.name)
                }
                if answers, other.address.key.count == 1 || target.address.key.count == 1 || other.address.key.first == target.address.key.first {
                    found.append(other)
                    queue.append(other)
                }
            }
        }
        return found
    }

    /// For every kind that can be deleted: removing one resource from the file (with what
    /// names it) plans exactly those deletes; applied, the next plan is empty; putting them
    /// back plans exactly their creates, which send every declared field under its `wire`
    /// name; applied, the next plan is empty. A resource the platform will not let go (an
    /// object of the seed the file does not declare uses it) is refused by the platform, and
    /// the next one is tried.
    func testEveryKindDeletesCreatesAndConverges() async throws {
        var covered: [String] = []
        for example in ConformanceRig.exampleFiles {
            let rig = try await converged(example)
            for kind in rig.schema.kinds where kind.readable && !kind.addOnly && !kind.scopedByKey {
                if case .single = kind.shape { continue }
                var tried: [String] = []
                for resource in rig.desired where resource.address.kind == kind.name {
                    let removed = [resource] + referrers(of: resource, in: rig)
                    if let kept = removed.first(where: { rig.schema.kind($0.address.kind)?.scopedByKey == true }) {
                        tried.append("\(resource.address): named by \(kept.address), which leaving the file does not delete")
                        continue
                    }
                    let gone = Set(removed.map(\.address))
                    let without = rig.desired.filter { !gone.contains($0.address) }
                    let plan: Plan
                    do {
                        plan = try await rig.plan(without).0
                    } catch {
                        tried.append("\(resource.address): \(error)")
                        continue
                    }
                    guard ConformanceRig.summary(plan) == removed.map({ "- \($0.address)" }).sorted(), plan.refusals.isEmpty, plan.errors.isEmpty else {
                        tried.append("\(resource.address): \(ConformanceRig.summary(plan)) \(plan.refusals + plan.errors)")
                        continue
                    }
                    let (_, failures) = try await rig.apply(without)
                    guard failures.isEmpty else {
                        tried.append(failures.joined(separator: "; "))
                        continue
                    }
                    let afterDelete = try await rig.plan(without).0
                    XCTAssertEqual(ConformanceRig.summary(afterDelete), [], "after deleting \(resource.address)")
                    _ = rig.journal.drain()
                    let (created, createFailures) = try await rig.apply()
                    XCTAssertEqual(ConformanceRig.summary(created), removed.map({ "+ \($0.address)" }).sorted(), "put back \(resource.address)")
                    XCTAssertEqual(createFailures, [], "create \(resource.address)")
                    // Each field goes out under its wire name: a key of a write's body (JSON, at
                    // any depth, or a form) or of its query.
                    let sentKeys = Set(rig.journal.drain().filter { $0.method != "GET" }.flatMap(Self.keys))
                    let sentForm = rig.driver.canonical(rig.desired, live: try await rig.plan().1).first { $0.address == resource.address }
                    for (path, value) in Value.flatten(sentForm?.fields ?? [:]) where value != .null {
                        guard let wire = kind.field(path: path)?.wire else { continue }
                        XCTAssertTrue(sentKeys.contains(wire), "\(resource.address): \(path) is sent as \(wire); the writes carried \(sentKeys.sorted())")
                    }
                    let afterCreate = try await rig.plan().0
                    XCTAssertEqual(ConformanceRig.summary(afterCreate), [], "after creating \(resource.address)")
                    covered.append("\(rig.provider.type)/\(kind.name)")
                    tried = []
                    break
                }
            }
        }
        // MTT prompts are named by premedia, whose scope is each declared sip_id: leaving the
        // file does not unbind them, so no prompt of the example can go; their replace
        // (create-first, then the cleanup) is covered by the update test.
        XCTAssertEqual(
            covered,
            [
                "endpoints/endpoints", "vpbx/schedules", "vpbx/find_me", "mtt/blacklist",
                "xivo/users", "xivo/schedules", "xivo/incalls", "xivo/pickups", "xivo/parking_lots", "xivo/queue_skills",
                "mxproxy/conferences",
            ])
    }

    /// Other valid values than `value` for a field of `type`, by its type and limits.
    static func otherValues(_ value: Value, _ type: FieldType) -> [Value] {
        switch (value, type) {
        case (.bool(let b), .bool):
            return [.bool(!b)]
        case (.int(let i), .integer(let rules)):
            return [i + 1, i - 1].filter { $0 >= (rules.min ?? .min) && $0 <= (rules.max ?? .max) }.map(Value.int)
        case (.string(let text), .string(let rules)):
            var candidates: [String] = []
            if let allowed = rules.allowed { candidates = allowed.filter { $0 != text } }
            if let last = text.last, let digit = last.wholeNumberValue { candidates.append(String(text.dropLast()) + String((digit + 1) % 10)) }
            candidates += [text + "1", text + "x"]
            return candidates.filter { candidate in
                candidate != text && candidate.count >= (rules.minLength ?? 0) && candidate.count <= (rules.maxLength ?? .max)
                    && (rules.allowed?.contains(candidate) ?? true) && rules.check?.reason(candidate) == nil
            }.map(Value.string)
        case (.list(let items), .list(_, let rules)):
            var candidates: [Value] = []
            if items.count >= 2 { candidates.append(.list(items.reversed())) }
            if items.count - 1 >= (rules.minItems ?? 0), !items.isEmpty { candidates.append(.list(Array(items.dropLast()))) }
            return candidates
        default:
            return []
        }
    }

    /// `fields` with `path` set to `value`.
    static func setting(_ fields: [String: Value], _ path: [String], _ value: Value) -> [String: Value] {
        var copy = fields
        guard let first = path.first else { return copy }
        if path.count == 1 {
            copy[first] = value
        } else {
            copy[first] = .object(setting(copy[first]?.object ?? [:], Array(path.dropFirst()), value))
        }
        return copy
    }

    /// The keys a request carries: its query's, and its body's (every object key of a JSON
    /// body, at any depth, or a form's names).
    static func keys(_ entry: RequestJournalLog.Entry) -> [String] {
        var keys = URLComponents(string: entry.path)?.queryItems?.map(\.name) ?? []
        if let json = try? JSONParser.parse(entry.body) {
            func collect(_ node: JSONNode) {
                switch node {
                case .object(let pairs):
                    for (key, value) in pairs {
                        keys.append(key)
                        collect(value)
                    }
                case .array(let items): items.forEach(collect)
                default: break
                }
            }
            collect(json)
        } else {
            keys += entry.body.split(separator: "&").compactMap { $0.split(separator: "=").first.map { String($0).removingPercentEncoding ?? String($0) } }
        }
        return keys
    }

    /// For every kind with a field that can change: changing one field of one resource plans
    /// exactly its update (a replace where the kind cannot edit, or the field is create-only),
    /// naming that field, and nothing else but what names the resource; applied, the next
    /// plan is empty; changed back, it converges again.
    func testEveryKindUpdatesOneFieldAndConverges() async throws {
        var covered: [String] = []
        for example in ConformanceRig.exampleFiles {
            let rig = try await converged(example)
            for kind in rig.schema.kinds where kind.readable && !kind.addOnly {
                let keys = Set(kind.keyFields.flatMap { $0.split(separator: "|").map(String.init) })
                search: for resource in rig.desired where resource.address.kind == kind.name {
                    let named = Set(referrers(of: resource, in: rig).map(\.address))
                    for (path, value) in Value.flatten(resource.fields).sorted(by: { $0.0 < $1.0 }) where !keys.contains(path) && path != "protect" {
                        guard let field = kind.field(path: path), field.references == nil,
                            field.flags.intersection([.sensitive, .createOnly]).isEmpty,
                            !field.flags.contains(.writeOnly) || field.flags.contains(.seenIndirectly)
                        else { continue }
                        for other in Self.otherValues(value, field.type) {
                            var changed = resource
                            changed.fields = Self.setting(resource.fields, path.split(separator: ".").map(String.init), other)
                            if case .single = kind.shape {} else if kind.key(changed.fields) != resource.address.key { continue }
                            let desired = rig.desired.map { $0.address == resource.address ? changed : $0 }
                            // A value the schema refuses is no candidate; any other change must plan right.
                            guard let plan = try? await rig.plan(desired).0, plan.errors.isEmpty, plan.refusals.isEmpty else { continue }
                            let expected: ChangeAction = kind.updatable ? .update : .replace
                            guard let change = plan.changes.first(where: { $0.address == resource.address && !$0.cleanup }) else {
                                XCTFail("\(resource.address): changing \(path) to \(other) planned no change of it: \(ConformanceRig.summary(plan))")
                                break search
                            }
                            // A field seen another way (a prompt's content, by its live name) changes that.
                            let seen =
                                field.flags.contains(.seenIndirectly)
                                ? !change.changedPaths.isEmpty
                                : change.changedPaths.contains { $0 == path || $0.hasPrefix(path + ".") || path.hasPrefix($0 + ".") }
                            let others = plan.changes.filter { !($0.address == resource.address || named.contains($0.address) || $0.blind || $0.reportOnly) }
                            guard change.action == expected, seen, others.isEmpty else {
                                XCTFail(
                                    "\(resource.address): changing \(path) to \(other) planned \(change.action) of \(change.changedPaths) (expected \(expected) naming it) and \(others.map(\.address))"
                                )
                                break search
                            }
                            let (_, failures) = try await rig.apply(desired)
                            XCTAssertEqual(failures, [], "\(resource.address): \(path) -> \(other)")
                            let after = try await rig.plan(desired).0
                            XCTAssertEqual(ConformanceRig.summary(after), [], "after changing \(resource.address) \(path)")
                            let (_, back) = try await rig.apply()
                            XCTAssertEqual(back, [], "\(resource.address): \(path) back")
                            let again = try await rig.plan().0
                            XCTAssertEqual(ConformanceRig.summary(again), [], "after changing \(resource.address) \(path) back")
                            covered.append("\(rig.provider.type)/\(kind.name) \(path)")
                            break search
                        }
                    }
                }
            }
        }
        // A blacklist entry is only its key; contexts are add-only; call_mode is never read.
        XCTAssertEqual(
            covered,
            [
                "endpoints/endpoints allow", "vpbx/schedules extra_workdays", "vpbx/find_me numbers", "mtt/follow_me chain",
                "mtt/prompts text", "mtt/premedia answer", "mtt/call_control reserve_number", "mtt/callback_follow_me caller_id",
                "xivo/users call_record", "xivo/schedules description", "xivo/incalls destination.type", "xivo/pickups description",
                "xivo/parking_lots commented", "xivo/queue_skills category", "mxproxy/conferences access_id",
            ])
    }
}
