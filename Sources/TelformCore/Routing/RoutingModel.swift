/// A route at one moment, with why: which schedule window or period holds, which rule runs.
public struct RouteAt: Hashable, Sendable {
    public var route: Route
    public var reasons: [String]

    public init(_ route: Route, reasons: [String] = []) {
        self.route = route
        self.reasons = reasons
    }
}

/// A number a provider routes, and what it is there (`user 201`, `incall 0140000000@from-extern`).
public struct RoutedNumber: Hashable, Sendable {
    public var number: String
    public var what: String

    public init(_ number: String, _ what: String) {
        self.number = number
        self.what = what
    }
}

/// How one provider routes calls, computed from a set of its resources (the file's or the
/// live state's): the platform's document's semantics, and "not documented" where it has none.
public protocol RoutingModel: Sendable {
    /// Every number the resources route, in a stable order.
    var numbers: [RoutedNumber] { get }
    /// The route of a call to `number` at `moment` (from `caller`, when known); nil when the
    /// resources do not route that number.
    func route(_ number: String, at moment: Moment, caller: String?) -> RouteAt?
    /// The minutes of the week where the route of `number` may change (schedule and period
    /// edges); the week table evaluates one moment between two of them.
    func changePoints(_ number: String) -> [Int]
    /// What the week table cannot show: dated exceptions (holidays), what is not attached.
    func notes(_ number: String) -> [String]
}

/// Builds a provider's routing model from resources: a platform's entry point.
public typealias RoutingBuilder = @Sendable (_ provider: ProviderConfig, _ resources: [Resource]) -> any RoutingModel

/// The distinct outcomes of a week for one number, each with the windows it holds in.
public struct WeekTable: Sendable {
    public struct Row: Hashable, Sendable {
        /// The stretches of the week it holds in.
        public var ranges: [Range<Int>]
        public var outcome: RouteAt

        public var when: WeekSet { WeekSet(ranges: ranges) }

        /// `mon-fri 09:00-18:00`.
        public var windows: String { when.windows }
    }

    public var rows: [Row]
    /// The stretches the week was evaluated in, in order: each one's first minute and its
    /// row (nil where the number is not routed).
    var stretches: [(start: Int, row: Int?)]

    /// Evaluates `model` once per stretch of the week between two change points, and groups the minutes by route, in the order the week meets them (a
    /// row keeps the reasons of its first stretch).
    public init(_ model: any RoutingModel, number: String, caller: String? = nil) {
        let changes = model.changePoints(number)
        // A number no schedule touches has one stretch, the whole week.
        let sorted =
            changes.isEmpty ? [0] : Set(changes.map { (($0 % WeekSet.minutesPerWeek) + WeekSet.minutesPerWeek) % WeekSet.minutesPerWeek } + [0]).sorted()
        var rows: [Row] = []
        var index: [Route: Int] = [:]
        var stretches: [(start: Int, row: Int?)] = []
        for (position, start) in sorted.enumerated() {
            let end = position + 1 < sorted.count ? sorted[position + 1] : WeekSet.minutesPerWeek
            guard let outcome = model.route(number, at: Moment(minute: start), caller: caller) else {
                stretches.append((start, nil))
                continue
            }
            let row: Int
            if sorted.count > 1, let found = index[outcome.route] {
                row = found
            } else {
                row = rows.count
                // A week of one stretch (no schedule) has one row: no route to hash.
                if sorted.count > 1 { index[outcome.route] = row }
                rows.append(Row(ranges: [], outcome: outcome))
            }
            stretches.append((start, row))
            rows[row].ranges.append(start..<end)
        }
        self.rows = rows
        self.stretches = stretches
    }

    /// The outcome of the stretch holding `minute`.
    public func outcome(at minute: Int) -> RouteAt? {
        var low = 0
        var high = stretches.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if stretches[middle].start <= minute { low = middle } else { high = middle - 1 }
        }
        return stretches.isEmpty ? nil : stretches[low].row.map { rows[$0].outcome }
    }

    /// The stretches of the week where `self` and `before` route differently, each with both
    /// outcomes (nil: not routed), in the order the week meets them.
    public func differences(from before: WeekTable) -> [(when: WeekSet, before: RouteAt?, after: RouteAt?)] {
        let points =
            stretches.count == 1 && before.stretches.count == 1 ? [0] : Set(stretches.map(\.start) + before.stretches.map(\.start)).sorted()
        var groups: [[RouteAt?]: Int] = [:]
        var out: [(when: [Range<Int>], before: RouteAt?, after: RouteAt?)] = []
        for (position, start) in points.enumerated() {
            let old = before.outcome(at: start)
            let new = outcome(at: start)
            guard old?.route != new?.route else { continue }
            let end = position + 1 < points.count ? points[position + 1] : WeekSet.minutesPerWeek
            let slot: Int
            // A week of one stretch (no schedule on either side) has one window: no outcome to hash.
            if points.count > 1, let found = groups[[old, new]] {
                slot = found
            } else {
                slot = out.count
                if points.count > 1 { groups[[old, new]] = slot }
                out.append(([], old, new))
            }
            out[slot].when.append(start..<end)
        }
        return out.map { (WeekSet(ranges: $0.when), $0.before, $0.after) }
    }
}

extension Resource {
    /// A field by its dotted path (`forward.busy.to`), whether the resource keeps it flat (as
    /// canonical and live values do) or nested (as the file declares it); nil for null.
    public func value(_ path: String) -> Value? {
        if let direct = fields[path] { return direct == .null ? nil : direct }
        // The longest dotted prefix the resource keeps, then the rest inside it.
        var end = path.endIndex
        while let dot = path[..<end].lastIndex(of: ".") {
            end = dot
            if let head = fields[String(path[..<dot])] {
                let inner = head.at(String(path[path.index(after: dot)...]))
                return inner == .null ? nil : inner
            }
        }
        return nil
    }

    /// A scalar field as text (numbers as digits); nil when absent, null or empty.
    public func text(_ path: String) -> String? { value(path)?.text }

    /// This live object with the write-only fields it cannot show (an endpoint's extension)
    /// taken from the declared resource of the same address: the platform holds what was
    /// sent, as the plan's own diff assumes.
    public func withWriteOnly(from declared: Resource, kind: KindSchema?) -> Resource {
        guard let kind else { return self }
        var out = self
        for (path, value) in declared.fields where out.fields[path] == nil && kind.isWriteOnly(path: path) {
            out.fields[path] = value
        }
        return out
    }
}

extension Value {
    /// A scalar as text (numbers as digits); nil when null or empty.
    public var text: String? {
        switch self {
        case .string(let s): return s.isEmpty ? nil : s
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
}
