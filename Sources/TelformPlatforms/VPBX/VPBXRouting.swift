import TelformCore

/// How a VPBX account routes a call to a user, from its find-me rules and schedules
/// (api-docs/001 §4.11, §4.12).
///
/// What the document says: a parallel rule rings its active numbers together; a sequential
/// rule rings them in turn, each for `timeout` rings, and `continueSearchIfBusy` goes on past
/// a busy number; a redirect rule forwards always, or on busy, no answer (after
/// `ifNoAnswerTimeout` rings) and unreachable; a schedule's work days describe when it
/// *fires* ("рабочее время срабатывания расписания"), holidays are days it does not fire and
/// extra work days are dated windows it does; `calledNumber` makes a rule apply to calls to
/// that number only (FMC subscribers).
///
/// What it leaves open, and the route says so: which rule runs when several apply, how long
/// a parallel rule rings, what follows the last number of a rule, what the user's phone does
/// when no rule applies, and the schedules' time zone.
struct VPBXRouting: RoutingModel {
    struct Rule {
        var resource: Resource
        var name: String { resource.text("name") ?? "?" }
        var type: String { resource.text("type") ?? "?" }
    }

    let rules: [String: [Rule]]
    let schedules: [Resource]
    /// Each schedule's work days as minutes of the week, computed once (every evaluation of
    /// a week table asks them).
    let weeks: [Address: WeekSet]
    let numbers: [RoutedNumber]

    init(provider: ProviderConfig, resources: [Resource]) {
        var rules: [String: [Rule]] = [:]
        var numbers: [RoutedNumber] = []
        var seen = Set<String>()
        for resource in resources where resource.address.kind == "find_me" {
            guard let user = resource.text("user") else { continue }
            rules[user, default: []].append(Rule(resource: resource))
            if seen.insert(user).inserted { numbers.append(RoutedNumber(user, "user \(user)")) }
            if let called = resource.text("called_number"), seen.insert(called).inserted {
                numbers.append(RoutedNumber(called, "called number of user \(user) (FMC)"))
            }
        }
        self.rules = rules
        self.numbers = numbers
        schedules = resources.filter { $0.address.kind == "schedules" }
        var weeks: [Address: WeekSet] = [:]
        for schedule in schedules { weeks[schedule.address] = WeekSet(windows: schedule.value("work_days")?.list ?? []) }
        self.weeks = weeks
    }

    /// The user a number belongs to, and whether it is a rule's called number.
    func owner(_ number: String) -> (user: String, called: String?)? {
        if rules[number] != nil { return (number, nil) }
        for (user, list) in rules where list.contains(where: { $0.resource.text("called_number") == number }) {
            return (user, number)
        }
        return nil
    }

    /// The rules a call to `number` can meet (its user's rules for that called number).
    func candidates(_ number: String) -> (user: String, rules: [Rule])? {
        guard let (user, called) = owner(number) else { return nil }
        return (user, (rules[user] ?? []).filter { $0.resource.text("called_number") == called })
    }

    /// The schedule a rule of `user` names: the user's own, else a group's of that name.
    func schedule(_ name: String, of user: String) -> Resource? {
        schedules.first { $0.text("name") == name && $0.text("abonent") == user }
            ?? schedules.first { $0.text("name") == name && $0.text("group") != nil }
    }

    func week(of schedule: Resource) -> WeekSet {
        weeks[schedule.address] ?? WeekSet(windows: schedule.value("work_days")?.list ?? [])
    }

    /// Whether a schedule fires at a moment: its weekly windows, except on its holidays, and
    /// within an extra work day's window on that date.
    func fires(_ schedule: Resource, at moment: Moment) -> Bool {
        if let date = moment.date?.text {
            if (schedule.value("holidays")?.list ?? []).contains(where: { $0.text == date }) { return false }
            for extra in schedule.value("extra_workdays")?.list ?? [] where extra["date"]?.text == date {
                let from = extra["from"]?.text.flatMap(ClockTime.minutes) ?? 0
                let to = extra["to"]?.text.flatMap(ClockTime.minutes) ?? 1440
                if moment.minuteOfDay >= from && moment.minuteOfDay < to { return true }
            }
        }
        return week(of: schedule).contains(moment.minute)
    }

    func route(_ number: String, at moment: Moment, caller: String?) -> RouteAt? {
        guard let (user, candidates) = candidates(number) else { return nil }
        var routes: [Route] = []
        var reasons: [String] = []
        for rule in candidates {
            if let name = rule.resource.text("schedule") {
                guard let schedule = schedule(name, of: user) else {
                    reasons.append("rule \"\(rule.name)\" names schedule \(name), which is not in these resources: when it fires is unknown")
                    continue
                }
                guard fires(schedule, at: moment) else {
                    reasons.append("rule \"\(rule.name)\" waits for schedule \(name) (\(week(of: schedule).windows))")
                    continue
                }
                reasons.append("schedule \(name) fires (\(week(of: schedule).windows))")
            }
            guard let route = Self.route(of: rule, user: user) else {
                reasons.append("rule \"\(rule.name)\" has no active number")
                continue
            }
            reasons.append("rule \"\(rule.name)\" (\(rule.type)) applies")
            if let conditional = rule.resource.text("conditional") {
                reasons.append("rule \"\(rule.name)\" sets conditional \"\(conditional)\", whose meaning the document does not give")
            }
            routes.append(route)
        }
        switch routes.count {
        case 0:
            reasons.append("no find-me rule applies")
            return RouteAt(
                .ring(Ring([.init(user)]), then: .undocumented("what follows when user \(user) does not answer and no find-me rule applies")), reasons: reasons)
        case 1:
            return RouteAt(routes[0], reasons: reasons)
        default:
            return RouteAt(.oneOf(routes, why: "the document does not say which of several find-me rules runs"), reasons: reasons)
        }
    }

    static func route(of rule: Rule, user: String) -> Route? {
        let r = rule.resource
        func legs(rings: Bool) -> [Ring.Leg] {
            (r.value("numbers")?.list ?? []).compactMap { entry in
                guard entry["active"]?.bool ?? true, let number = entry["number"]?.text else { return nil }
                return Ring.Leg(number, label: entry["name"]?.text, rings: rings ? entry["rings"]?.int.map(Int.init) : nil)
            }
        }
        switch rule.type {
        case "parallel":
            let legs = legs(rings: false)
            guard !legs.isEmpty else { return nil }
            return .ring(Ring(legs, order: .together), then: .undocumented("how long a parallel rule rings, and what follows"))
        case "sequential":
            let legs = legs(rings: true)
            guard !legs.isEmpty else { return nil }
            let note = r.value("continue_if_busy")?.bool == true ? "goes on past a busy number" : nil
            return .ring(Ring(legs, order: .inTurn, note: note), then: .undocumented("what follows the last number of a sequential rule"))
        case "redirect":
            if let always = r.text("always") { return .dial(always, label: "forwarded always") }
            let rings = r.value("no_answer_rings")?.int.map(Int.init)
            let noAnswer: Route = r.text("if_no_answer").map { .dial($0) } ?? .undocumented("no answer is not forwarded by this rule")
            return .ring(
                Ring([.init(user)], rings: rings), then: noAnswer,
                busy: r.text("if_busy").map { .dial($0) }, unavailable: r.text("if_unreachable").map { .dial($0) })
        default:
            return .undocumented("a find-me rule of type \(rule.type)")
        }
    }

    func changePoints(_ number: String) -> [Int] {
        guard let (user, candidates) = candidates(number) else { return [] }
        return candidates.compactMap { $0.resource.text("schedule").flatMap { schedule($0, of: user) } }.flatMap { week(of: $0).changePoints }
    }

    func notes(_ number: String) -> [String] {
        guard let (user, candidates) = candidates(number) else { return [] }
        var notes: [String] = []
        var named = Set<String>()
        for rule in candidates {
            guard let name = rule.resource.text("schedule"), named.insert(name).inserted, let schedule = schedule(name, of: user) else { continue }
            let holidays = (schedule.value("holidays")?.list ?? []).compactMap(\.text)
            if !holidays.isEmpty {
                notes.append("schedule \(name) does not fire on its holidays: \(holidays.joined(separator: ", ")) (ask with --at DATE TIME)")
            }
            let extra = (schedule.value("extra_workdays")?.list ?? []).compactMap { day -> String? in
                guard let date = day["date"]?.text else { return nil }
                return date + " " + (day["from"]?.text ?? "00:00") + "-" + (day["to"]?.text ?? "24:00")
            }
            if !extra.isEmpty { notes.append("schedule \(name) also fires on its extra work days: \(extra.joined(separator: ", "))") }
        }
        if !named.isEmpty { notes.append("schedule times are the platform's clock: the document names no time zone") }
        return notes
    }
}
