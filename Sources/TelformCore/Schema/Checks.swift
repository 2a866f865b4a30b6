/// String checks shared by several platforms: clock times, calendar dates, day ranges, URLs.
extension StringCheck {
    /// `HH:MM`, 00:00 to 24:00 (24:00 ends a window at midnight).
    public static let clockTime = StringCheck(pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$") { text in
        ClockTime.minutes(text) == nil ? "\"\(text)\" is not a time; write HH:MM, 00:00 to 24:00" : nil
    }

    /// `YYYY-MM-DD`, a real calendar date.
    public static let calendarDate = StringCheck(pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$") { text in
        CalendarDate(text) == nil ? "\"\(text)\" is not a date; write YYYY-MM-DD" : nil
    }

    /// Days of the week: `mon-fri`, `sat`, `mon,wed,fri`, `all`.
    public static let weekDays = StringCheck(pattern: nil) { text in
        WeekDays.parse(text) == nil
            ? "\"\(text)\" is not a set of days; write mon-fri, sat, mon,wed,fri or all (days: mon tue wed thu fri sat sun)"
            : nil
    }

    /// An absolute http(s) URL.
    public static let httpURL = StringCheck(pattern: "^https?://[^\\s]+$") { text in
        URLText.http.matches(text) ? nil : "\"\(URLText.redacted(text))\" is not an http:// or https:// URL"
    }

    /// A platform API URL: http(s) or the embedded simulator `sim://NAME`. The pattern's two
    /// branches are matched one by one (the small matcher takes no alternation, and ICU's
    /// first regular expression of a run costs a millisecond to set up).
    public static let apiURL = StringCheck(pattern: "^(https?://[^\\s]+|sim://[A-Za-z0-9_-]+)$") { text in
        URLText.http.matches(text) || URLText.simulator.matches(text)
            ? nil : "\"\(URLText.redacted(text))\" is not an API URL; write https://host/... or sim://NAME"
    }
}

/// `HH:MM` clock times as minutes since midnight.
public enum ClockTime {
    public static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let h = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        if h == 24 && m == 0 { return 24 * 60 }
        guard h < 24, m < 60 else { return nil }
        return h * 60 + m
    }
}

/// A `YYYY-MM-DD` date, checked against the calendar.
public struct CalendarDate: Sendable, Hashable {
    public let year: Int, month: Int, day: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m)
        else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[m - 1]).contains(d) else { return nil }
        year = y
        month = m
        day = d
    }
}

/// Sets of week days, Monday = 0.
public enum WeekDays {
    public static let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// A window's `days` as the config writes them (`mon-fri`, `[sat, sun]`); every day when
    /// absent.
    public static func days(_ value: Value?) -> Set<Int> {
        switch value {
        case .string(let text)?: return parse(text) ?? []
        case .list(let items)?: return Set(items.compactMap { $0.string.flatMap { names.firstIndex(of: $0) } })
        default: return Set(0..<7)
        }
    }

    /// Days as runs of consecutive days, in order: `[0, 1, 2, 4]` → `[[0, 1, 2], [4]]` (each
    /// notation writes the runs its own way).
    public static func runs(_ days: Set<Int>) -> [[Int]] {
        var runs: [[Int]] = []
        for day in days.sorted() {
            if let last = runs.last?.last, last + 1 == day { runs[runs.count - 1].append(day) } else { runs.append([day]) }
        }
        return runs
    }

    /// Parses `mon-fri`, `sat`, `mon,wed,fri`, `fri-mon` (wrapping) and `all`.
    public static func parse(_ text: String) -> Set<Int>? {
        let lowered = text.lowercased().replacingOccurrences(of: " ", with: "")
        if lowered == "all" { return Set(0..<7) }
        var days = Set<Int>()
        for part in lowered.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(ends.count) else { return nil }
            guard let first = names.firstIndex(of: String(ends[0])),
                let last = names.firstIndex(of: String(ends[ends.count - 1]))
            else { return nil }
            var day = first
            while true {
                days.insert(day)
                if day == last { break }
                day = (day + 1) % 7
            }
        }
        return days
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// URL helpers that never let credentials out.
public enum URLText {
    /// Query parameters that carry credentials (`?key=`, `?token=`, `?api_secret=`...).
    static let secretParameter = TextPattern("(?i)[?&][^=&#]*(key|token|secret|pass|auth|sig|credential)[^=&#]*=[^&#]")

    /// True when the URL carries credentials: `user:password@`, or a query parameter named
    /// like a key, token, secret, password or signature.
    public static func hasCredentials(_ url: String) -> Bool {
        // A credential parameter needs a `?` or `&` to start it.
        userinfo.matches(url) || (url.utf8.contains { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "&") } && secretParameter.matches(url))
    }

    static let userinfo = TextPattern("^[A-Za-z][A-Za-z0-9+.-]*://[^/@\\s]*:[^/@\\s]*@")
    static let http = TextPattern("^https?://[^\\s]+$")
    static let simulator = TextPattern("^sim://[A-Za-z0-9_-]+$")

    /// The URL with any userinfo, and the values of credential-like query parameters, replaced by `(sensitive)`.
    public static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        var out = url
        let rest = url[scheme.upperBound...]
        let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        if let at = rest[..<hostEnd].lastIndex(of: "@") {
            out = String(url[..<scheme.upperBound]) + "(sensitive)" + String(rest[at...])
        }
        guard let query = out.firstIndex(of: "?") else { return out }
        let parameters = out[out.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, isSecret(name: parts[0], value: parts[1]) else { return String(pair) }
            return "\(parts[0])=(sensitive)"
        }
        return String(out[...query]) + parameters.joined(separator: "&")
    }

    /// A query parameter `name=value` that `secretParameter` matches (as `?name=value`),
    /// read without ICU: every request's URL is redacted for its messages, and a run that
    /// needs no other pattern then never sets ICU's matcher up.
    static func isSecret(name: Substring, value: Substring) -> Bool {
        guard let first = value.first, first != "#", !name.contains("#"), !name.contains("&") else { return false }
        let lowered = name.lowercased()
        return secretWords.contains { lowered.contains($0) }
    }

    static let secretWords = ["key", "token", "secret", "pass", "auth", "sig", "credential"]
}
