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

    /// Days as written in YAML (`mon-fri`, `[sat, sun]`) → indexes, Monday = 0.
    static func days(_ value: Value?) -> Set<Int> {
        switch value {
        case .string(let text)?: return WeekDays.parse(text) ?? []
        case .list(let items)?: return Set(items.compactMap { $0.string.flatMap { WeekDays.names.firstIndex(of: $0) } })
        default: return Set(0..<7)
        }
    }

    /// Compact day text: `mon-fri`, `sat,sun`, `mon,wed-fri`.
    static func dayText(_ days: Set<Int>) -> String {
        let sorted = days.sorted()
        var runs: [[Int]] = []
        for day in sorted {
            if let last = runs.last?.last, last + 1 == day { runs[runs.count - 1].append(day) } else { runs.append([day]) }
        }
        return runs.map { run in
            run.count >= 3 ? "\(WeekDays.names[run[0]])-\(WeekDays.names[run[run.count - 1]])" : run.map { WeekDays.names[$0] }.joined(separator: ",")
        }.joined(separator: ",")
    }

    /// Work-day rules compared as a set: each (day, window) pair, regrouped by window, so
    /// `mon-fri 09:00-18:00` equals five one-day rules with the same hours.
    static func workDays(_ pairs: [(day: Int, window: String)]) -> Value {
        var byWindow: [String: Set<Int>] = [:]
        for pair in pairs { byWindow[pair.window, default: []].insert(pair.day) }
        let lines = byWindow.map { window, days in (days.min() ?? 0, window, "\(dayText(days)) \(window)") }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            .map { Value.string($0.2) }
        return .list(lines)
    }

    static func window(from: String?, to: String?, allDay: Bool) -> String {
        allDay ? "all day" : "\(from ?? "?")-\(to ?? "?")"
    }

    /// The declared work days in canonical form.
    static func workDays(declared: Value?) -> Value {
        var pairs: [(Int, String)] = []
        for rule in declared?.list ?? [] {
            let allDay = rule["all_day"]?.bool ?? false
            let window = window(from: rule["from"]?.string, to: rule["to"]?.string, allDay: allDay)
            for day in days(rule["days"]) { pairs.append((day, window)) }
        }
        return workDays(pairs.map { (day: $0.0, window: $0.1) })
    }

    /// The live `workDaysRules` in canonical form.
    static func workDays(wire: [JSONNode]) -> Value {
        var pairs: [(Int, String)] = []
        for rule in wire {
            let allDay = rule["allDayEvent"]?.bool ?? false
            let window = window(from: time(rule["startTime"]?.string), to: time(rule["endTime"]?.string), allDay: allDay)
            for (index, day) in wireDays.enumerated() where rule[day]?.bool == true { pairs.append((index, window)) }
        }
        return workDays(pairs.map { (day: $0.0, window: $0.1) })
    }

    static func sortedStrings(_ items: [String]) -> Value {
        .list(Array(Set(items)).sorted().map(Value.string))
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
