import TelformCore

/// The normal forms both sides of a VPBX diff are brought to, so equal meaning compares equal.
enum VPBXCanonical {
    static let wireDays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// **Reading:** times are read as `HH:MM` or `HH-MM` (the create examples write `00-00`).
    static func time(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        let normal = text.replacingOccurrences(of: "-", with: ":")
        return ClockTime.minutes(normal) == nil ? nil : normal
    }

    /// `DD-MM-YYYY` (wire) → `YYYY-MM-DD` (YAML).
    static func yamlDate(_ wire: String?) -> String? {
        guard let parts = wire?.split(separator: "-"), parts.count == 3, parts[2].count == 4 else { return nil }
        return "\(parts[2])-\(parts[1])-\(parts[0])"
    }

    /// `YYYY-MM-DD` (YAML) → `DD-MM-YYYY` (wire).
    static func wireDate(_ yaml: String) -> String {
        let parts = yaml.split(separator: "-")
        guard parts.count == 3 else { return yaml }
        return "\(parts[2])-\(parts[1])-\(parts[0])"
    }

    /// Compact day text: `mon-fri`, `sat,sun`, `mon,wed-fri`.
    static func dayText(_ days: Set<Int>) -> String {
        WeekDays.runs(days).map { run in
            run.count >= 3 ? "\(WeekDays.names[run[0]])-\(WeekDays.names[run[run.count - 1]])" : run.map { WeekDays.names[$0] }.joined(separator: ",")
        }.joined(separator: ",")
    }

    /// A work-day window: hours, or the whole day.
    struct Window: Hashable {
        var from: String?
        var to: String?
        var allDay: Bool

        /// The order rules are listed in: by window, whole days last.
        var order: String { allDay ? "~" : "\(from ?? "")-\(to ?? "")" }
    }

    /// Work-day rules compared as a set, in the file's own shape: each (day, window) pair,
    /// regrouped by window, so `{days: mon-fri, from: "09:00", to: "18:00"}` equals five
    /// one-day rules with the same hours. Days are written compactly (`mon-fri`, `sat`).
    static func workDays(_ pairs: [(day: Int, window: Window)]) -> Value {
        var byWindow: [Window: Set<Int>] = [:]
        for pair in pairs { byWindow[pair.window, default: []].insert(pair.day) }
        let rules = byWindow.map { window, days in (window, days.min() ?? 0, days) }
            .sorted { ($0.0.order, $0.1) < ($1.0.order, $1.1) }
            .map { window, _, days -> Value in
                if window.allDay { return .object(["days": .string(dayText(days)), "all_day": .bool(true)]) }
                return .object(["days": .string(dayText(days)), "from": window.from.map(Value.string) ?? .null, "to": window.to.map(Value.string) ?? .null])
            }
        return .list(rules)
    }

    /// The declared work days in canonical form.
    static func workDays(declared: Value?) -> Value {
        var pairs: [(day: Int, window: Window)] = []
        for rule in declared?.list ?? [] {
            let allDay = rule["all_day"]?.bool ?? false
            let window = Window(from: allDay ? nil : time(rule["from"]?.string), to: allDay ? nil : time(rule["to"]?.string), allDay: allDay)
            for day in WeekDays.days(rule["days"]) { pairs.append((day, window)) }
        }
        return workDays(pairs)
    }

    /// The live `workDaysRules` in canonical form.
    static func workDays(wire: [JSONNode]) -> Value {
        var pairs: [(day: Int, window: Window)] = []
        for rule in wire {
            let allDay = rule["allDayEvent"]?.bool ?? false
            let window = Window(from: allDay ? nil : time(rule["startTime"]?.string), to: allDay ? nil : time(rule["endTime"]?.string), allDay: allDay)
            for (index, day) in wireDays.enumerated() where rule[day]?.bool == true { pairs.append((index, window)) }
        }
        return workDays(pairs)
    }

    /// Extra work days in the file's shape (`{date, from, to}`); compared as a set (the
    /// table says so), so in any order.
    static func extraWorkdays(_ days: [(date: String, from: String?, to: String?)]) -> Value {
        .list(days.map { .object(["date": .string($0.date), "from": $0.from.map(Value.string) ?? .null, "to": $0.to.map(Value.string) ?? .null]) })
    }

    /// **Reading:** empty strings and null read the same (absent).
    static func text(_ node: JSONNode?) -> Value {
        WireValue.text(node)
    }

    /// `ifNoAnswerTimeout` comes as a number, a digit string, "" or null.
    static func rings(_ node: JSONNode?) -> Value {
        WireValue.integer(node)
    }
}
