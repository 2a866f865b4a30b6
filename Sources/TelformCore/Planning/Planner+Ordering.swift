/// How a plan's changes are ordered: dependency edges from references (and the check that no
/// delete removes what a declared resource still names), deletes before the creates that
/// reuse what they free, cleanups after create-before-delete replaces, and the `--target`
/// selection that keeps what a change needs.
extension Planner {
    /// Dependency edges from reference fields: a change that names a resource runs after that
    /// resource's create or update; a resource's delete runs after every change that moves off it.
    func link(_ changes: inout [Change], platform: PlatformSchema, input: Input) {
        let index = Dictionary(changes.enumerated().map { ($0.element.address, $0.offset) }, uniquingKeysWith: { a, _ in a })
        // Candidates are looked for among the target kind's changes only.
        let byKind = Dictionary(grouping: changes.indices, by: { changes[$0].address.kind })
        let snapshot = changes
        func referenced(_ resource: Resource?) -> [Address] {
            guard let resource, let kind = platform.kind(resource.address.kind), let schema = kind.resourceSchema else { return [] }
            return Self.references(in: .object(resource.fields), schema: schema).compactMap { reference -> Address? in
                // A reference names its target as its field declares (`ReferenceMatch`),
                // preferring one in the referring resource's own scope.
                let candidates = (byKind[reference.kind] ?? []).map { snapshot[$0] }.filter { c in
                    reference.match.names(c.address, fields: c.desired?.fields, reference.name)
                        || reference.match.names(c.address, fields: c.live?.fields, reference.name)
                }.map(\.address)
                return candidates.first { $0.key.first == resource.address.key.first } ?? candidates.first
            }
        }
        for i in changes.indices {
            let change = changes[i]
            if change.action != .delete {
                for target in referenced(change.desired) {
                    if let t = index[target], changes[t].action != .delete { changes[i].dependsOn.append(target) }
                }
            }
            if change.action != .create {
                for target in referenced(change.live) {
                    // (A create-first replace does not wait: its cleanup does, see addCleanups.)
                    if let t = index[target], changes[t].effect == .delete || changes[t].effect == .replace {
                        changes[t].dependsOn.append(change.address)
                    }
                }
            }
        }
    }

    /// Deletes of what a declared resource still names (a rule's schedule, a premedia's
    /// prompt, an incall's user): apply would leave the reference pointing at nothing, or the
    /// platform would refuse the delete halfway through. A plan error, at plan time. A name
    /// that a declared resource of the same scope answers to is not the deleted one.
    static func deletesStillNamed(_ changes: [Change], input: Input) -> [Finding] {
        let deletes = Dictionary(grouping: changes.filter { $0.action == .delete && !$0.cleanup && $0.duplicateOf == nil }, by: \.address.kind)
        guard !deletes.isEmpty else { return [] }
        let declaredByKind = Dictionary(grouping: input.desired, by: \.address.kind)
        var errors: [Finding] = []
        for resource in input.desired {
            guard let kind = input.platform.kind(resource.address.kind), let schema = kind.resourceSchema else { continue }
            for reference in references(in: .object(resource.fields), schema: schema) {
                guard let candidates = deletes[reference.kind] else { continue }
                let kept = (declaredByKind[reference.kind] ?? []).filter { reference.match.names($0.address, fields: $0.fields, reference.name) }
                if kept.contains(where: { $0.address.key.count == 1 || $0.address.key.first == resource.address.key.first }) { continue }
                for deleted in candidates where reference.match.names(deleted.address, fields: deleted.live?.fields, reference.name) {
                    if deleted.address.key.count > 1, deleted.address.key.first != resource.address.key.first, !kept.isEmpty { continue }
                    errors.append(
                        Finding(
                            .error, "reference-deleted", at: deleted.address.description,
                            "\(deleted.address) would be deleted, but \(resource.address) still names it (\"\(reference.name)\"): declare it again, or change or remove that reference"
                        ))
                }
            }
        }
        return errors
    }

    /// Within a kind, creates wait for its deletes (and delete-first replaces): what a delete
    /// frees — an extension, a parking-lot range, an MX `accessId`, a name — is what a create
    /// may take, and the platform refuses the create while the old object holds it. Kinds
    /// that are create-before-delete by design keep their order, and so does a delete that
    /// itself waits for the create (a rule moved from the deleted schedule to the new one).
    func deletesFirst(_ changes: inout [Change], platform: PlatformSchema) {
        let frees = { (change: Change) in
            !change.cleanup && !change.reportOnly && (change.action == .delete || change.action == .replace)
                && platform.kind(change.address.kind)?.createBeforeDelete != true
        }
        guard changes.contains(where: frees) else { return }
        let byAddress = Dictionary(changes.filter { !$0.cleanup }.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        // Everything a change waits for, directly or not.
        func upstream(_ address: Address) -> Set<Address> {
            var seen: Set<Address> = []
            var frontier = [address]
            while let next = frontier.popLast() {
                for dependency in byAddress[next]?.dependsOn ?? [] where seen.insert(dependency).inserted { frontier.append(dependency) }
            }
            return seen
        }
        var freeing: [String: [(Address, Set<Address>)]] = [:]
        for change in changes where frees(change) {
            freeing[change.address.kind, default: []].append((change.address, upstream(change.address)))
        }
        for i in changes.indices where changes[i].action == .create {
            for (address, waitsFor) in freeing[changes[i].address.kind] ?? []
            where !waitsFor.contains(changes[i].address) && !changes[i].dependsOn.contains(address) {
                changes[i].dependsOn.append(address)
            }
        }
    }

    /// One reference a resource makes: the kind it names, the text, and how the text names.
    struct Reference {
        var kind: String
        var name: String
        var match: ReferenceMatch
    }

    /// Every reference a value makes through fields marked `references`, nested ones included.
    static func references(in value: Value, schema: ObjectSchema) -> [Reference] {
        guard schema.refers, let fields = value.object else { return [] }
        var found: [Reference] = []
        for field in schema.fields {
            guard let inner = fields[field.name] else { continue }
            if let target = field.references, let name = inner.string { found.append(Reference(kind: target, name: name, match: field.referenceMatch)) }
            switch field.type {
            case .object(let nested): found += references(in: inner, schema: nested)
            case .list(.object(let nested), _): for item in inner.list ?? [] { found += references(in: item, schema: nested) }
            default: break
            }
        }
        return found
    }

    /// A create-before-delete replace gets a second change that deletes the old object after
    /// the replace and after everything that depends on the replaced resource.
    func addCleanups(_ changes: inout [Change], platform: PlatformSchema) {
        for change in changes where change.effect == .replaceCreatingFirst {
            var cleanup = Change(
                address: change.address, action: .delete, desired: nil, live: change.live, fields: [],
                reason: "the previous version, once nothing uses it")
            cleanup.effect = .cleanup
            cleanup.dependsOn = [change.address] + changes.filter { $0.dependsOn.contains(change.address) }.map(\.address)
            changes.append(cleanup)
        }
    }

    /// `--target`: the matching changes and, transitively, what they depend on.
    func targeted(_ changes: [Change]) -> [Change] {
        guard !options.targets.isEmpty else { return changes }
        let byAddress = Dictionary(changes.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        /// A create waits for the deletes of its kind only to order them (`deletesFirst`):
        /// that edge orders what a plan holds, and never brings a delete into a targeted one.
        func ordersOnly(_ change: Change?, _ dependency: Address) -> Bool {
            guard let change, change.action == .create, let other = byAddress[dependency] else { return false }
            return (other.action == .delete || other.action == .replace) && other.address.kind == change.address.kind
        }
        var keep = Set(changes.filter { c in options.targets.contains { $0.matches(c.address.description) } }.map(\.address))
        var frontier = Array(keep)
        while let next = frontier.popLast() {
            for dependency in byAddress[next]?.dependsOn ?? [] where !ordersOnly(byAddress[next], dependency) && keep.insert(dependency).inserted {
                frontier.append(dependency)
            }
        }
        return changes.filter { keep.contains($0.address) }.map { change in
            var change = change
            change.dependsOn = change.dependsOn.filter(keep.contains)
            return change
        }
    }
}
