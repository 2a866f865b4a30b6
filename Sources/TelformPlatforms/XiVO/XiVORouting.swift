import Foundation
import TelformCore

/// How a XiVO server routes a call, from its incalls and users (api-docs/002 and the
/// `xivo-ws` formats).
///
/// What the formats say: an incall (`exten@context`) sends the call to its `answer`
/// dial action — a user (by line), a group, a queue, a voicemail or an end of call
/// (`hangup`, `busy`, `congestion`); a user rings for `ringseconds`, forwards everything
/// when `enableunc` is set, and on busy and no answer when `enablebusy` / `enablerna` are.
///
/// What they leave open, and the route says so: a user's own no-answer and busy actions
/// when no forward is set (XiVO keeps them as dial actions the web services telform uses
/// do not carry), how a group or queue rings its members, what do-not-disturb does to a
/// caller, and schedules: the documented formats attach a schedule to nothing (no incall or
/// user field names one), so a schedule's hours and fallback are listed, not applied.
struct XiVORouting: RoutingModel {
    let incalls: [Resource]
    /// Incalls by `exten` and by `exten@context`.
    let incallsByNumber: [String: Resource]
    let users: [String: Resource]
    let schedules: [Resource]
    let numbers: [RoutedNumber]

    init(provider: ProviderConfig, resources: [Resource]) {
        incalls = resources.filter { $0.address.kind == "incalls" }
        var incallsByNumber: [String: Resource] = [:]
        for incall in incalls.reversed() {
            guard let exten = incall.text("exten") else { continue }
            incallsByNumber[exten] = incall
            incallsByNumber["\(exten)@\(incall.text("context") ?? "")"] = incall
        }
        self.incallsByNumber = incallsByNumber
        var users: [String: Resource] = [:]
        var numbers: [RoutedNumber] = []
        for incall in incalls {
            guard let exten = incall.text("exten") else { continue }
            numbers.append(RoutedNumber(exten, "incall \(exten)@\(incall.text("context") ?? "?")"))
        }
        for user in resources where user.address.kind == "users" {
            guard let line = user.text("line.number"), users[line] == nil else { continue }
            users[line] = user
            numbers.append(RoutedNumber(line, "user \(Self.name(user)) (line \(line)@\(user.text("line.context") ?? "default"))"))
        }
        self.users = users
        self.numbers = numbers
        schedules = resources.filter { $0.address.kind == "schedules" }
    }

    static func name(_ user: Resource) -> String {
        [user.text("firstname"), user.text("lastname")].compactMap { $0 }.joined(separator: " ")
    }

    func incall(_ number: String) -> Resource? {
        incallsByNumber[number]
    }

    func route(_ number: String, at moment: Moment, caller: String?) -> RouteAt? {
        if let incall = incall(number) {
            var reasons = ["incall \(incall.text("exten") ?? number)@\(incall.text("context") ?? "?") answers with its destination"]
            let target = incall.text("destination.target") ?? "?"
            let route: Route
            switch incall.text("destination.type") {
            case "user":
                if let user = users[target] {
                    route = userRoute(user, reasons: &reasons)
                } else {
                    route = .dial(target, label: "a user not in these resources")
                }
            case "group": route = .handoff("group \(target): its members ring by the group's own strategy (not managed by telform)")
            case "queue": route = .handoff("queue \(target): its agents ring by the queue's own strategy (not managed by telform)")
            case "voicemail": route = .voicemail(target)
            case "endcall": route = .hangup(incall.text("destination.action") ?? "hangup")
            case let other: route = .handoff("destination \(other ?? "?") \(target)")
            }
            return RouteAt(route, reasons: reasons)
        }
        if let user = users[number] {
            var reasons: [String] = []
            let route = userRoute(user, reasons: &reasons)
            return RouteAt(route, reasons: reasons)
        }
        return nil
    }

    func userRoute(_ user: Resource, reasons: inout [String]) -> Route {
        let line = user.text("line.number") ?? "?"
        let label = Self.name(user).isEmpty ? nil : Self.name(user)
        if user.value("dnd")?.bool == true {
            reasons.append("user \(line) has do-not-disturb on")
            return .undocumented("what a caller gets from a user with do-not-disturb on")
        }
        if let always = user.text("forward.unconditional.to") {
            reasons.append("user \(line) forwards every call")
            return .dial(always, label: "forwarded always")
        }
        let seconds = user.value("ring_seconds")?.int.map(Int.init)
        let noAnswer: Route =
            user.text("forward.no_answer.to").map { .dial($0, label: users[$0].map(Self.name)) }
            ?? .undocumented("the user's own no-answer action, not managed by telform")
        return .ring(
            Ring([.init(line, label: label, seconds: seconds)]), then: noAnswer,
            busy: user.text("forward.busy.to").map { .dial($0, label: users[$0].map(Self.name)) })
    }

    func changePoints(_ number: String) -> [Int] { [] }

    func notes(_ number: String) -> [String] {
        guard incall(number) != nil || users[number] != nil else { return [] }
        return schedules.map { schedule in
            let name = schedule.text("name") ?? "?"
            let fallback = [schedule.text("fallback.type"), schedule.text("fallback.action") ?? schedule.text("fallback.target")].compactMap { $0 }.joined(
                separator: " ")
            return
                "schedule \(name) (open \(Self.openWindows(schedule).windows)\(schedule.text("timezone").map { " \($0)" } ?? ""); closed: \(fallback.isEmpty ? "no fallback" : fallback)) is attached to nothing the documented formats carry: not applied here"
        }
    }

    /// A schedule's opened hours (`hours: "08:00-12:00"`, `weekdays: "1-5"`, Monday = 1).
    static func openWindows(_ schedule: Resource) -> WeekSet {
        var week = WeekSet()
        for window in schedule.value("opened")?.list ?? [] {
            let hours = (window["hours"]?.text ?? "00:00-24:00").replacingOccurrences(of: " ", with: "").split(separator: "-").map(String.init)
            guard hours.count == 2, let from = ClockTime.minutes(hours[0]), let to = ClockTime.minutes(hours[1]) else { continue }
            var days = Set<Int>()
            for part in (window["weekdays"]?.text ?? "1-7").split(separator: ",") {
                let ends = part.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard let first = ends.first, let last = ends.last, (1...7).contains(first), (1...7).contains(last), first <= last else { continue }
                for day in first...last { days.insert(day - 1) }
            }
            week.add(days: days, from: from, to: to)
        }
        return week
    }
}
