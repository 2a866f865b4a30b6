/// A number whose routing a plan changes: the windows of the week where the outcome differs,
/// before (the live state) and after (the live state with the plan's changes made).
public struct RoutingChange: Sendable {
    public struct Window: Sendable {
        public var when: WeekSet
        /// nil: the number is not routed there.
        public var before: RouteAt?
        public var after: RouteAt?
    }

    public var provider: String
    public var platform: String
    public var number: RoutedNumber
    public var windows: [Window]

    /// The routing changes of one provider's changes. A kind the platform cannot read (sent
    /// blind on every apply) counts as already in place: it is in both states, so it never
    /// shows as a routing change; a difference that can only be reported is not made. A
    /// write-only field (an endpoint's extension) is never read back: the live object is
    /// taken to hold the declared value, as the plan's own diff does.
    public static func of(provider: ProviderConfig, live: [Resource], changes: [Change], kinds: [KindSchema], routing: RoutingBuilder) -> [RoutingChange] {
        guard !changes.isEmpty else { return [] }
        var before = live
        var after = live
        var positions: [Address: Int] = [:]
        for (index, resource) in after.enumerated() { positions[resource.address] = index }
        let liveAddresses = Set(positions.keys)
        var removed = Set<Address>()
        for change in changes {
            switch change.effect {
            case .create, .update, .replace, .replaceCreatingFirst, .sendBlind:
                guard let desired = change.desired else { continue }
                if let index = positions[change.address] {
                    if index < live.count {
                        before[index] = before[index].withWriteOnly(from: desired, kind: kinds.first { $0.name == change.address.kind })
                    }
                    after[index] = desired
                    removed.remove(change.address)
                } else {
                    positions[change.address] = after.count
                    after.append(desired)
                }
                if change.effect == .sendBlind, !liveAddresses.contains(change.address) { before.append(desired) }
            case .delete:
                removed.insert(change.address)
            case .cleanup, .reportOnly:
                continue
            }
        }
        after = after.filter { !removed.contains($0.address) }
        let old = routing(provider, before)
        let new = routing(provider, after)
        var numbers = new.numbers
        var seen = Set(numbers.map(\.number))
        for number in old.numbers where seen.insert(number.number).inserted { numbers.append(number) }
        return numbers.compactMap { number in
            let windows = WeekTable(new, number: number.number).differences(from: WeekTable(old, number: number.number))
            guard !windows.isEmpty else { return nil }
            return RoutingChange(
                provider: provider.name, platform: provider.type, number: number,
                windows: windows.map { Window(when: $0.when, before: $0.before, after: $0.after) })
        }
    }

    static func text(_ outcome: RouteAt?) -> String {
        outcome?.route.text ?? "(not routed)"
    }

    /// The plan's text section: each number, each window, before and after.
    public static func textSection(_ changes: [RoutingChange], limit: Int = 50) -> String {
        guard !changes.isEmpty else { return "" }
        var out = "\nRouting changes (what happens to calls; telform explain NUMBER shows a whole route):\n"
        for change in changes.prefix(limit) {
            out += "  \(change.provider) \(change.number.number) (\(change.number.what))\n"
            for window in change.windows {
                out += "    \(window.when.windows)\n      before: \(text(window.before))\n      after:  \(text(window.after))\n"
            }
        }
        if changes.count > limit {
            out += "  … and \(changes.count - limit) more number\(changes.count - limit == 1 ? "" : "s") (--format json lists them all)\n"
        }
        return out
    }

    public var json: JSONNode {
        .object([
            ("provider", .string(provider)), ("platform", .string(platform)),
            ("number", .string(number.number)), ("what", .string(number.what)),
            (
                "windows",
                .array(
                    windows.map { window in
                        .object([
                            ("when", .string(window.when.windows)),
                            ("before", window.before.map { $0.route.json } ?? .null), ("before_text", .string(Self.text(window.before))),
                            ("after", window.after.map { $0.route.json } ?? .null), ("after_text", .string(Self.text(window.after))),
                        ])
                    })
            ),
        ])
    }
}
