/// A set of minutes of the week (Monday 00:00 = minute 0): when a schedule fires, when a
/// follow-me number is active, when a route holds.
public struct WeekSet: Sendable, Hashable {
    public static let minutesPerWeek = 7 * 1440
    public static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// One bit per minute, 64 to a word (10,080 minutes in 158 words: a plan keeps one set per
    /// changed window of every number, and a `[Bool]` of the week was 10 KB each).
    private var words: [UInt64]
    private static let wordCount = (minutesPerWeek + 63) / 64

    public init() {
        words = Array(repeating: 0, count: Self.wordCount)
    }

    /// The minutes of `ranges` (each within the week).
    public init(ranges: [Range<Int>]) {
        self.init()
        for range in ranges { insert(range) }
    }

    /// Minute `minute` of the week (0 ..< minutesPerWeek).
    public subscript(minute: Int) -> Bool {
        get { words[minute >> 6] & (1 << UInt64(minute & 63)) != 0 }
        set {
            if newValue { words[minute >> 6] |= 1 << UInt64(minute & 63) } else { words[minute >> 6] &= ~(1 << UInt64(minute & 63)) }
        }
    }

    /// Adds the minutes of `range` (within the week), a word at a time.
    public mutating func insert(_ range: Range<Int>) {
        var minute = max(0, range.lowerBound)
        let end = min(Self.minutesPerWeek, range.upperBound)
        while minute < end {
            let bit = minute & 63
            let count = min(64 - bit, end - minute)
            let mask: UInt64 = count == 64 ? ~0 : ((1 << UInt64(count)) - 1) << UInt64(bit)
            words[minute >> 6] |= mask
            minute += count
        }
    }

    /// The minutes of windows as the config writes them: `{days, from, to}` (`days` absent:
    /// every day; `from`/`to` absent: the whole day, as VPBX's `all_day`).
    public init(windows: [Value]) {
        self.init()
        for window in windows {
            let from = window["from"]?.string.flatMap(ClockTime.minutes) ?? 0
            let to = window["to"]?.string.flatMap(ClockTime.minutes) ?? 1440
            add(days: WeekDays.days(window["days"]), from: from, to: to)
        }
    }

    public static var always: WeekSet {
        WeekSet(ranges: [0..<minutesPerWeek])
    }

    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }
    public var isFull: Bool { words.reduce(0) { $0 + $1.nonzeroBitCount } == Self.minutesPerWeek }

    public func contains(_ minute: Int) -> Bool {
        self[((minute % Self.minutesPerWeek) + Self.minutesPerWeek) % Self.minutesPerWeek]
    }

    /// Adds a window on `days` (Monday = 0) from `from` to `to` minutes after midnight, `to`
    /// exclusive. A window whose end is not after its start crosses midnight: it runs to 24:00
    /// and goes on the next day from 00:00 (`fri 22:00-02:00` is Friday 22:00-24:00 and
    /// Saturday 00:00-02:00).
    public mutating func add(days: Set<Int>, from: Int, to: Int) {
        for day in days {
            if to > from {
                mark(day, from, to)
            } else {
                mark(day, from, 1440)
                mark((day + 1) % 7, 0, to)
            }
        }
    }

    private mutating func mark(_ day: Int, _ from: Int, _ to: Int) {
        guard from < to else { return }
        insert((day * 1440 + from)..<(day * 1440 + to))
    }

    public mutating func formUnion(_ other: WeekSet) {
        for index in words.indices { words[index] |= other.words[index] }
    }

    /// The minutes where the set starts or stops holding (for splitting a week into windows).
    public var changePoints: [Int] {
        var points: [Int] = []
        for minute in 0..<Self.minutesPerWeek where self[minute] != self[(minute + Self.minutesPerWeek - 1) % Self.minutesPerWeek] {
            points.append(minute)
        }
        return points
    }

    /// Minute ranges (inclusive) set within one day.
    public func intervalsOf(_ day: Int) -> [ClosedRange<Int>] {
        var out: [ClosedRange<Int>] = []
        var start: Int?
        for minute in 0...1440 {
            let on = minute < 1440 && self[day * 1440 + minute]
            if on && start == nil { start = minute }
            if !on, let s = start {
                out.append(s...(minute - 1))
                start = nil
            }
        }
        return out
    }

    /// The windows as a person writes them: `mon-fri 09:00-18:00, sat-sun 10:00-14:00`;
    /// `always`, `never`, `every day 08:00-20:00`, `sat-sun all day`.
    public var windows: String {
        if isFull { return "always" }
        if isEmpty { return "never" }
        var byIntervals: [[ClosedRange<Int>]: Set<Int>] = [:]
        for day in 0..<7 {
            let intervals = intervalsOf(day)
            if !intervals.isEmpty { byIntervals[intervals, default: []].insert(day) }
        }
        return byIntervals.sorted { ($0.value.min() ?? 0) < ($1.value.min() ?? 0) }.map { intervals, days in
            let hours =
                intervals == [0...1439] ? "all day" : intervals.map { Self.clock($0.lowerBound) + "-" + Self.clock($0.upperBound + 1) }.joined(separator: " ")
            return Self.daysText(days) + " " + hours
        }.joined(separator: ", ")
    }

    /// `mon-fri`, `sat-sun`, `mon and wed-fri`, `every day`.
    public static func daysText(_ days: Set<Int>) -> String {
        if days.count == 7 { return "every day" }
        return WeekDays.runs(days).map { $0.count == 1 ? dayNames[$0[0]] : "\(dayNames[$0[0]])-\(dayNames[$0[$0.count - 1]])" }.joined(separator: " and ")
    }

    public static func clock(_ minute: Int) -> String {
        let hours = minute / 60
        let minutes = minute % 60
        return (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
    }
}

/// A moment a call is explained at: a minute of the week, and the date when one was given
/// (holidays and extra work days only apply on dates).
public struct Moment: Sendable, Hashable {
    public var minute: Int
    public var date: CalendarDate?

    public init(minute: Int, date: CalendarDate? = nil) {
        self.minute = minute
        self.date = date
    }

    public var day: Int { minute / 1440 }
    public var minuteOfDay: Int { minute % 1440 }

    /// `sat 10:00`, `saturday 10:00`, `2026-01-01 10:00` (the date's week day); nil otherwise.
    public static func parse(_ text: String) -> Moment? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard parts.count == 2, let time = ClockTime.minutes(parts[1]), time < 1440 else { return nil }
        if let date = CalendarDate(parts[0]) {
            return Moment(minute: date.weekday * 1440 + time, date: date)
        }
        let word = parts[0].lowercased()
        let full = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        guard let day = WeekSet.dayNames.firstIndex(of: word) ?? full.firstIndex(of: word) else { return nil }
        return Moment(minute: day * 1440 + time)
    }

    public var text: String {
        (date.map(\.text).map { $0 + " (\(WeekSet.dayNames[day]))" } ?? WeekSet.dayNames[day]) + " " + WeekSet.clock(minuteOfDay)
    }
}

extension CalendarDate {
    /// Monday = 0.
    public var weekday: Int {
        // Days since 1970-01-01 (a Thursday), by the civil-from-days inverse.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return ((days % 7) + 7 + 3) % 7
    }

    public var text: String {
        func pad(_ n: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
