/// Turns declared and live resources into an ordered plan: creates, updates, replaces and
/// deletes per owned scope, dependency edges from field references, and the safety checks.
public struct Planner: Sendable {
    public struct Options: Sendable {
        public var targets: [AddressPattern] = []
        public var replace: [AddressPattern] = []
        public var rotate: [AddressPattern] = []
        public var allowDeletes = false

        public init(targets: [AddressPattern] = [], replace: [AddressPattern] = [], rotate: [AddressPattern] = [], allowDeletes: Bool = false) {
            self.targets = targets
            self.replace = replace
            self.rotate = rotate
            self.allowDeletes = allowDeletes
        }
    }

    /// One provider's input: its config, platform, the declared resources (canonical) and the live state.
    public struct Input: Sendable {
        public var provider: ProviderConfig
        public var platform: PlatformSchema
        public var desired: [Resource]
        public var live: LiveState

        public init(provider: ProviderConfig, platform: PlatformSchema, desired: [Resource], live: LiveState) {
            self.provider = provider
            self.platform = platform
            self.desired = desired
            self.live = live
        }
    }

    public let policy: Policy
    public let options: Options

    public init(policy: Policy, options: Options = Options()) {
        self.policy = policy
        self.options = options
    }

    public func plan(_ inputs: [Input], readSeconds: Double = 0) -> Plan {
        var plan = Plan(readSeconds: readSeconds)
        plan.targets = options.targets.map(\.text)
        var allTargeted: [Change] = []
        // The write-only note of each provider, by its text: providers alike share one note.
        var unseen: [(note: String, providers: [String])] = []
        for input in inputs {
            var changes: [Change] = []
            for kindName in input.provider.declaredKinds {
                guard let kind = input.platform.kind(kindName) else { continue }
                changes += kindChanges(kind, input: input, plan: &plan)
            }
            for finding in input.live.findings { plan.add(finding) }
            if let note = Self.unseenNote(input) {
                if let index = unseen.firstIndex(where: { $0.note == note }) {
                    unseen[index].providers.append(input.provider.name)
                } else {
                    unseen.append((note, [input.provider.name]))
                }
            }
            // An ignore pattern that protects nothing live is likely misspelled: say so, for the
            // kinds this plan read.
            let read = Set(input.provider.declaredKinds)
            for pattern in input.provider.ignore {
                let kindPart = AddressPattern(String(pattern.text.split(separator: "/").first ?? ""))
                guard read.contains(where: kindPart.matches) else { continue }
                if !input.live.resources.contains(where: { pattern.matches($0.address.local) }) {
                    plan.add(
                        Finding(
                            .warning, "ignore-unmatched", at: input.provider.name,
                            "\(input.provider.name): ignore pattern \"\(pattern)\" matches no live object"))
                }
            }
            link(&changes, platform: input.platform, input: input)
            for finding in Self.deletesStillNamed(changes, input: input) { plan.add(finding) }
            deletesFirst(&changes, platform: input.platform)
            addCleanups(&changes, platform: input.platform)
            changes = targeted(changes)
            if !options.targets.isEmpty { allTargeted += changes }
            let live = input.live
            let declaredKinds = input.provider.declaredKinds
            var providerPlan = Plan.ProviderPlan(
                name: input.provider.name, type: input.provider.type,
                url: URLText.redacted(input.provider.settings["url"]?.string ?? ""),
                liveCount: input.live.resources.count, digests: LiveDigests { live.fingerprints(kinds: declaredKinds) },
                changes: changes, kinds: input.platform.kinds)
            let declared = input.live.duplicates.isEmpty ? [] : Set(input.desired.map(\.address))
            providerPlan.reads = input.provider.settingSources.filter { Interpolator.holdsReference($0.value.text) }.sorted { $0.key < $1.key }
                .map { "\($0.key): \($0.value.text)" }
            providerPlan.duplicates = Set(input.live.duplicates.values).filter(declared.contains).sorted()
                .map { ($0, input.live.ids(sharingKeyWith: $0)) }
            plan.providers.append(providerPlan)
        }
        for (note, providers) in unseen {
            plan.add(Finding(.note, "write-only-unseen", at: providers.count == 1 ? providers[0] : nil, "\(Self.named(providers)): \(note)"))
        }
        // A target that selects nothing is likely misspelled (or already in place): say so.
        for target in options.targets where !allTargeted.contains(where: { target.matches($0.address.description) }) {
            plan.add(Finding(.warning, "target-unmatched", "--target \(target) matches no change in this plan"))
        }
        return plan
    }

    func kindChanges(_ kind: KindSchema, input: Input, plan: inout Plan) -> [Change] {
        let provider = input.provider
        // A duplicate is ignored when the object it duplicates is.
        let ignored = { (address: Address) in
            guard !provider.ignore.isEmpty else { return false }
            let own = input.live.duplicates[address] ?? address
            return provider.ignore.contains { $0.matches(own.local) }
        }
        // The lists as they are when they hold this kind only and nothing ignored (one kind
        // per provider, the usual case): no copy of every resource.
        let live = Self.only(kind.name, input.live.resources, unless: ignored)
        let desired = Self.only(kind.name, input.desired)
        // Live objects by address, the first of a repeated one (found by position).
        var liveIndex: [Address: Int] = Dictionary(minimumCapacity: live.count)
        for index in live.indices where liveIndex[live[index].address] == nil { liveIndex[live[index].address] = index }
        let desiredAddresses = Set(desired.map(\.address))
        var changes: [Change] = []
        // --rotate re-sends write-only secrets; a kind without any has nothing to rotate (and
        // may have no edit call at all): its matches are skipped, and the plan says so.
        let rotatable = kind.updatable && kind.declaredPaths.contains { kind.isWriteOnly(path: $0) }
        let rotateSkipped =
            options.rotate.isEmpty ? [] : desired.filter { r in options.rotate.contains { $0.matches(r.address.description) } }.map(\.address.local)
        if !rotatable && !rotateSkipped.isEmpty {
            plan.add(
                Finding(
                    .warning, "rotate-skipped", at: "\(provider.name)/\(kind.name)",
                    "--rotate skipped \(provider.name)/\(kind.name) (\(rotateSkipped.count) matched): it has no write-only field to re-send"))
        }
        if !kind.readable {
            return desired.map { resource in
                var change = Change(
                    address: resource.address, action: .update, desired: resource, live: nil,
                    fields: Diff.creation(resource, kind: kind), reason: "not readable")
                change.effect = .sendBlind
                return change
            }
        }
        for index in desired.indices {
            let address = desired[index].address
            guard let liveAt = liveIndex[address] else {
                changes.append(
                    Change(
                        address: address, action: .create, desired: desired[index], live: nil,
                        fields: Diff.creation(desired[index], kind: kind)))
                continue
            }
            let fields = Diff.fields(desired: desired[index], live: live[liveAt], kind: kind)
            // Most match: the resources are taken out of their lists only for a change.
            if fields.isEmpty && options.rotate.isEmpty && options.replace.isEmpty { continue }
            let resource = desired[index]
            let current = live[liveAt]
            if kind.addOnly {
                if !fields.isEmpty {
                    var change = Change(
                        address: address, action: .update, desired: resource, live: current, fields: fields,
                        reason: "the platform cannot edit \(kind.name): reported, never applied")
                    change.effect = .reportOnly
                    changes.append(change)
                }
                continue
            }
            let createOnly = kind.updatable ? fields.filter { kind.field(path: $0.path)?.flags.contains(.createOnly) == true }.map(\.path) : fields.map(\.path)
            let forced = options.replace.contains { $0.matches(address.description) }
            if !createOnly.isEmpty || forced {
                let reason =
                    forced
                    ? "forced by --replace"
                    : kind.updatable
                        ? "\(createOnly.joined(separator: ", ")) cannot be changed in place"
                        : kind.createBeforeDelete
                            ? "the platform cannot edit \(kind.name); the new one is made first, the old one deleted last"
                            : "the platform cannot edit \(kind.name)"
                if resource.fields["protect"] == .bool(true) {
                    plan.add(Finding(.refusal, "protected", at: address.description, "\(address) is protected, and a replace would delete it (\(reason))"))
                }
                if let why = input.live.undeletable[address] {
                    plan.add(
                        Finding(.refusal, "undeletable", at: address.description, "\(address) cannot be deleted (\(why)), so it cannot be replaced (\(reason))")
                    )
                }
                var change = Change(address: address, action: .replace, desired: resource, live: current, fields: fields, reason: reason)
                if kind.createBeforeDelete { change.effect = .replaceCreatingFirst }
                changes.append(change)
            } else if rotatable && options.rotate.contains(where: { $0.matches(address.description) }) {
                var change = Change(
                    address: address, action: .update, desired: resource, live: current, fields: fields,
                    reason: "--rotate re-sends the write-only secrets")
                change.rotate = true
                changes.append(change)
            } else if !fields.isEmpty {
                changes.append(Change(address: address, action: .update, desired: resource, live: current, fields: fields))
                if let caution = input.live.cautions[address] { plan.add(Finding(.warning, "caution", at: address.description, "\(address): \(caution)")) }
            }
        }
        let prunes = provider.prunes(kind.name) && !kind.addOnly
        // Two live objects with one declared key: telform cannot tell which one the file
        // means. Pruned, the extras are deleted (the first read is kept); otherwise the plan
        // is refused, naming every id.
        lazy var protectedAddresses = Set(desired.filter { $0.fields["protect"] == .bool(true) }.map(\.address))
        let declaredDuplicates =
            input.live.duplicates.isEmpty
            ? []
            : Set(live.compactMap { input.live.duplicates[$0.address] }.filter(desiredAddresses.contains)).sorted()
        for original in declaredDuplicates {
            let ids = input.live.ids(sharingKeyWith: original).joined(separator: ", ")
            let protected = protectedAddresses.contains(original)
            if !kind.uniqueKey {
                plan.add(
                    Finding(
                        .error, "duplicate", at: original.description,
                        "\(original) exists more than once live (ids \(ids)); the platform does not keep \(kind.name) keys unique, so telform will not choose which to delete: remove one on the platform, or rename one"
                    ))
            } else if !prunes || protected {
                plan.add(
                    Finding(
                        .error, "duplicate", at: original.description,
                        "\(original) exists more than once live (ids \(ids)); telform cannot tell which one the file means: delete the extras\(protected ? "" : ", or set prune for \(kind.name) to let telform delete all but the first")"
                    ))
            }
        }
        if prunes {
            for index in live.indices where !desiredAddresses.contains(live[index].address) {
                let resource = live[index]
                if let why = input.live.undeletable[resource.address] {
                    plan.add(Finding(.warning, "undeletable-kept", at: resource.address.description, "\(resource.address) is not declared but is kept: \(why)"))
                    continue
                }
                let original = input.live.duplicates[resource.address]
                if let original, protectedAddresses.contains(original) || (!kind.uniqueKey && desiredAddresses.contains(original)) { continue }
                var change = Change(
                    address: resource.address, action: .delete, desired: nil, live: resource, fields: [],
                    reason: original.map { "a second live object with the key of \($0.local)" })
                change.duplicateOf = original
                changes.append(change)
            }
        }
        // An object whose server id cannot go in a URL is never updated or deleted.
        for change in changes {
            if let problem = input.live.unusable[change.address] {
                plan.add(Finding(.error, "unusable-id", at: change.address.description, "\(change.address): \(problem)"))
            }
        }
        checkThresholds(changes, liveCount: live.count, provider: provider.name, kind: kind.name, plan: &plan)
        return changes
    }

    /// The resources of `kind` not `excluded`: `all` itself when that is every one of them.
    static func only(_ kind: String, _ all: [Resource], unless excluded: (Address) -> Bool = { _ in false }) -> [Resource] {
        if all.allSatisfy({ $0.address.kind == kind && !excluded($0.address) }) { return all }
        return all.filter { $0.address.kind == kind && !excluded($0.address) }
    }

    /// SPEC §3 safety: too large a share of one (provider, kind) deleted or updated is refused.
    func checkThresholds(_ changes: [Change], liveCount: Int, provider: String, kind: String, plan: inout Plan) {
        guard liveCount >= policy.minExisting, liveCount > 0 else { return }
        let deletes = changes.filter { $0.action == .delete || $0.action == .replace }.count
        let updates = changes.filter { $0.action == .update }.count
        let deleteShare = deletes * 100 / liveCount
        let updateShare = updates * 100 / liveCount
        if deletes * 100 > policy.maxDeletePercent * liveCount {
            plan.add(
                Finding(
                    .refusal, "delete-threshold", at: "\(provider)/\(kind)",
                    "\(provider)/\(kind): \(deletes) of \(liveCount) live objects would be deleted (\(deleteShare)%; max_delete_percent is \(policy.maxDeletePercent)); apply needs --allow-deletes",
                    liftedBy: "--allow-deletes"))
        }
        if updates * 100 > policy.maxUpdatePercent * liveCount {
            plan.add(
                Finding(
                    .refusal, "update-threshold", at: "\(provider)/\(kind)",
                    "\(provider)/\(kind): \(updates) of \(liveCount) live objects would be updated (\(updateShare)%; max_update_percent is \(policy.maxUpdatePercent)); apply needs --allow-updates",
                    liftedBy: "--allow-updates"))
        }
    }

    /// Once per provider: the declared write-only fields the platform never returns, whose
    /// changes no plan can see, and the flag that pushes each (`--replace` where the field
    /// cannot change in place, `--rotate` where it can).
    static func unseenNote(_ input: Input) -> String? {
        var replace: [String] = []
        var rotate: [String] = []
        for kindName in input.provider.declaredKinds {
            guard let kind = input.platform.kind(kindName) else { continue }
            let declared = Self.only(kindName, input.desired)
            for path in kind.declaredPaths {
                guard let field = kind.field(path: path), field.flags.contains(.writeOnly), !field.flags.contains(.seenIndirectly) else { continue }
                // A path inside a list (`chain.keep_original_cli`) is declared when any entry has it.
                func has(_ value: Value?, _ steps: ArraySlice<Substring>) -> Bool {
                    guard let step = steps.first else { return value != nil && value != .null }
                    if let items = value?.list { return items.contains { has($0, steps) } }
                    return has(value?.object?[String(step)], steps.dropFirst())
                }
                guard declared.contains(where: { has(.object($0.fields), path.split(separator: ".")[...]) }) else { continue }
                let name = "\(kindName).\(path)"
                if field.flags.contains(.createOnly) || !kind.updatable { replace.append(name) } else { rotate.append(name) }
            }
        }
        guard !replace.isEmpty || !rotate.isEmpty else { return nil }
        let all = replace + rotate
        var how: [String] = []
        if !replace.isEmpty { how.append("\(replace.joined(separator: ", ")) with --replace ADDR (a new object)") }
        if !rotate.isEmpty { how.append("\(rotate.joined(separator: ", ")) with --rotate ADDR") }
        return
            "\(all.joined(separator: ", ")) \(all.count == 1 ? "is" : "are") never read back, so no plan sees a change to \(all.count == 1 ? "it" : "them"); push a change of \(how.joined(separator: ", of "))"
    }

    /// The providers a note is about, as its prefix: every name up to five, then a count.
    static func named(_ providers: [String]) -> String {
        providers.count <= 5 ? providers.joined(separator: ", ") : providers.prefix(5).joined(separator: ", ") + " and \(providers.count - 5) more providers"
    }
}
