import TelformCore

/// An MTT follow-me period as a set of minutes of the week (Monday 00:00 = minute 0), so two
/// spellings of one meaning compare equal. Parses the platform's notation (PortaOne's
/// Time::Period: `hr{9-17}wd{mo-fr}`, sub-periods joined by commas, values in a scope
/// separated by spaces, ranges inclusive) and compiles back to one canonical spelling.
public struct PeriodSet: Sendable, Equatable {
    /// The platform's weekday names, Monday first.
    static let dayNames = ["mo", "tu", "we", "th", "fr", "sa", "su"]

    /// The minutes of the week the period holds.
    public private(set) var week = WeekSet()

    public init() {}

    public init(_ week: WeekSet) {
        self.week = week
    }

    public static var always: PeriodSet { PeriodSet(.always) }

    public var isEmpty: Bool { week.isEmpty }

    /// See `WeekSet.add`: a window whose end is not after its start crosses midnight.
    public mutating func add(days: Set<Int>, from: Int, to: Int) {
        week.add(days: days, from: from, to: to)
    }

    // MARK: parsing

    /// Parses the notation; nil when it is malformed or uses scopes other than `wd`, `hr` and
    /// `min` (a month or a date is not a weekly period: such strings are compared as text).
    public static func parse(_ text: String) -> PeriodSet? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "always" { return .always }
        var set = PeriodSet()
        for sub in splitTopLevel(trimmed) {
            guard let scopes = scopes(sub) else { return nil }
            var days = Set(0..<7)
            var hours = Set(0..<24)
            var minutes = Set(0..<60)
            for (name, text) in scopes {
                switch name {
                case "wd":
                    guard let v = Self.values(text, dayValue, wrap: 7) else { return nil }
                    days = v
                case "hr":
                    guard let v = Self.values(text, { Int($0).flatMap { (0..<24).contains($0) ? $0 : nil } }, wrap: 24) else { return nil }
                    hours = v
                case "min":
                    guard let v = Self.values(text, { Int($0).flatMap { (0..<60).contains($0) ? $0 : nil } }, wrap: 60) else { return nil }
                    minutes = v
                default: return nil
                }
            }
            for day in days { for hour in hours { for minute in minutes { set.week[day * 1440 + hour * 60 + minute] = true } } }
        }
        return set
    }

    static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for c in text {
            if c == "{" { depth += 1 } else if c == "}" { depth -= 1 }
            if c == "," && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts
    }

    /// `hr{9-17}wd{mo-fr}` → [("hr", "9-17"), ("wd", "mo-fr")]; spaces between scopes allowed.
    static func scopes(_ text: String) -> [(String, String)]? {
        var result: [(String, String)] = []
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        while !rest.isEmpty {
            guard let open = rest.firstIndex(of: "{"), let close = rest.firstIndex(of: "}"), open < close else { return nil }
            let name = rest[..<open].trimmingCharacters(in: .whitespaces).lowercased()
            guard ["wd", "hr", "min", "yr", "mo", "md", "yd", "wk", "sec"].contains(name) else { return nil }
            result.append((name, String(rest[rest.index(after: open)..<close])))
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
        }
        return result.isEmpty ? nil : result
    }

    /// Space-separated values and inclusive ranges (wrapping, as `wd{fr-mo}`).
    static func values(_ text: String, _ parse: (String) -> Int?, wrap: Int) -> Set<Int>? {
        var out = Set<Int>()
        for item in text.split(separator: " ") where !item.isEmpty {
            let ends = item.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard (1...2).contains(ends.count), let first = parse(ends[0]), let last = parse(ends[ends.count - 1]) else { return nil }
            var value = first
            while true {
                out.insert(value)
                if value == last { break }
                value = (value + 1) % wrap
            }
        }
        return out.isEmpty ? nil : out
    }

    /// `mo`…`su`, or 1-7 with 1 = Sunday (Time::Period's numbering).
    static func dayValue(_ text: String) -> Int? {
        if let index = dayNames.firstIndex(of: text.lowercased().prefix(2).description), text.count >= 2 { return index }
        if let n = Int(text), (1...7).contains(n) { return (n + 5) % 7 }
        return nil
    }

    // MARK: compiling

    /// The canonical notation: `always`, or sub-periods grouped by days with identical hours.
    public var notation: String {
        if week.isFull { return "always" }
        var byIntervals: [[ClosedRange<Int>]: Set<Int>] = [:]
        for day in 0..<7 {
            let intervals = week.intervalsOf(day)
            if !intervals.isEmpty { byIntervals[intervals, default: []].insert(day) }
        }
        let groups = byIntervals.sorted { ($0.value.min() ?? 0) < ($1.value.min() ?? 0) }
        var subs: [String] = []
        for (intervals, days) in groups {
            let wd = days.count == 7 ? "" : "wd{\(Self.dayText(days))}"
            for interval in intervals {
                for piece in Self.pieces(interval) { subs.append(piece + wd) }
            }
        }
        return subs.joined(separator: ",")
    }

    /// One day's inclusive minute range as `hr{}min{}` pieces: a partial first hour, whole
    /// hours, a partial last hour.
    static func pieces(_ range: ClosedRange<Int>) -> [String] {
        let a = range.lowerBound
        let b = range.upperBound
        if a / 60 == b / 60 {
            let whole = a % 60 == 0 && b % 60 == 59
            return ["hr{\(a / 60)}" + (whole ? "" : "min{\(span(a % 60, b % 60))}")]
        }
        var out: [String] = []
        var firstWhole = a / 60
        if a % 60 != 0 {
            out.append("hr{\(a / 60)}min{\(span(a % 60, 59))}")
            firstWhole += 1
        }
        var lastWhole = b / 60
        let tail = b % 60 != 59 ? "hr{\(b / 60)}min{\(span(0, b % 60))}" : nil
        if tail != nil { lastWhole -= 1 }
        if firstWhole <= lastWhole {
            out.append(firstWhole == 0 && lastWhole == 23 ? "" : "hr{\(span(firstWhole, lastWhole))}")
        }
        if let tail { out.append(tail) }
        return out
    }

    static func span(_ a: Int, _ b: Int) -> String { a == b ? "\(a)" : "\(a)-\(b)" }

    /// The windows as a person writes them: `mon-fri 09:00-18:00, sat-sun 10:00-14:00`.
    public var windows: String { week.windows }

    /// Days as runs: `mo-fr`, `sa su`, `mo we-fr`.
    static func dayText(_ days: Set<Int>) -> String {
        WeekDays.runs(days).map { run in
            run.count == 1 ? dayNames[run[0]] : "\(dayNames[run[0]])-\(dayNames[run[run.count - 1]])"
        }.joined(separator: " ")
    }
}

extension PeriodSet {
    /// A declared period (`always`, a window, a list of windows, or notation) in canonical
    /// notation; notation that is not a weekly period is kept as written, spaces removed.
    public static func canonical(_ value: Value?) -> String {
        switch value {
        case .string(let text)?:
            return parse(text)?.notation ?? text.replacingOccurrences(of: " ", with: "")
        case .object?:
            return fromWindows([value ?? .null]).notation
        case .list(let windows)?:
            return fromWindows(windows).notation
        default:
            return "always"
        }
    }

    static func fromWindows(_ windows: [Value]) -> PeriodSet {
        PeriodSet(WeekSet(windows: windows))
    }
}
