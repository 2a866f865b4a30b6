import TelformCore

/// How an MTT account routes a call to one of its SIP accounts (api-docs/004).
///
/// What the document says: the Global Black List holds "phone numbers to be forbidden" for
/// the whole account, so a listed caller is refused before anything else; call control asks
/// the customer's URL (`getControlCallFollowMe`) on every incoming call and, when that URL
/// answers anything but HTTP 200, uses the preset "offline" forward (the reserve number);
/// premedia plays a prompt to the caller (scenario 1), to the party taking the call
/// (scenario 2) or both (3), in answered state when `answer` is set, and its follow-me rings
/// the chain in order, at random or all at once (`sequence`), each number for `timeout`
/// seconds (default 15); a classic follow-me rings its numbers in `follow_order`, each for
/// `timeout` seconds, only while the number's `period` holds.
///
/// What it leaves open: what follows the last number of a chain, what the account does when
/// no follow-me number's period holds, which of call control, premedia and follow-me runs
/// when one SIP account has more than one, and the periods' time zone.
struct MTTRouting: RoutingModel {
    let followMe: [String: Resource]
    /// Each follow-me chain's periods as minutes of the week, in chain order, computed once.
    let periods: [String: [WeekSet]]
    let premedia: [String: Resource]
    let callControl: [String: Resource]
    let blacklist: Set<String>
    let numbers: [RoutedNumber]

    init(provider: ProviderConfig, resources: [Resource]) {
        func byAccount(_ kind: String) -> [String: Resource] {
            Dictionary(resources.filter { $0.address.kind == kind }.compactMap { r in r.text("sip_id").map { ($0, r) } }, uniquingKeysWith: { a, _ in a })
        }
        followMe = byAccount("follow_me")
        periods = followMe.mapValues { ($0.value("chain")?.list ?? []).map(Self.period) }
        premedia = byAccount("premedia")
        callControl = byAccount("call_control")
        blacklist = Set(resources.filter { $0.address.kind == "blacklist" }.compactMap { $0.text("number") ?? $0.address.key.first })
        var numbers: [RoutedNumber] = []
        var seen = Set<String>()
        for resource in resources {
            guard ["follow_me", "premedia", "call_control"].contains(resource.address.kind),
                let sip = resource.text("sip_id"), seen.insert(sip).inserted
            else { continue }
            numbers.append(RoutedNumber(sip, "SIP account \(sip)"))
        }
        self.numbers = numbers
    }

    static func period(_ entry: Value) -> WeekSet {
        switch entry["period"] {
        case .string(let text)?: return PeriodSet.parse(text)?.week ?? WeekSet()
        case .object?: return WeekSet(windows: [entry["period"] ?? .null])
        case .list(let windows)?: return WeekSet(windows: windows)
        default: return .always
        }
    }

    func route(_ number: String, at moment: Moment, caller: String?) -> RouteAt? {
        guard followMe[number] != nil || premedia[number] != nil || callControl[number] != nil else { return nil }
        if let caller, blacklist.contains(caller) {
            return RouteAt(
                .reject("caller \(caller) is on the account's Global Black List"), reasons: ["the Global Black List is checked before anything else"])
        }
        var routes: [Route] = []
        var reasons: [String] = []
        if let control = callControl[number] {
            let reserve = control.text("reserve_number")
            routes.append(
                .handoff(
                    "the customer's routing URL decides each call (getControlCallFollowMe)"
                        + (reserve.map { "; when it fails: \($0)" } ?? "; when it fails: the preset offline forward")))
            reasons.append("call control is set for \(number)")
        }
        if let settings = premedia[number] {
            routes.append(Self.premedia(settings, reasons: &reasons))
        }
        if let chain = followMe[number] {
            routes.append(Self.followMe(chain, periods: periods[number] ?? [], at: moment, reasons: &reasons))
        }
        if routes.count == 1 { return RouteAt(routes[0], reasons: reasons) }
        return RouteAt(.oneOf(routes, why: "the document does not say which of call control, premedia and follow-me runs first"), reasons: reasons)
    }

    static func premedia(_ r: Resource, reasons: inout [String]) -> Route {
        let scenario = r.text("scenario") ?? "a"
        var next: Route
        if let chain = r.value("forward.chain")?.list {
            let legs = chain.compactMap { entry -> Ring.Leg? in
                guard entry["active"]?.bool ?? true, let number = entry["number"]?.text else { return nil }
                return Ring.Leg(number, label: entry["name"]?.text.flatMap { $0 == number ? nil : $0 }, seconds: entry["timeout"]?.int.map(Int.init) ?? 15)
            }
            let order: Ring.Order =
                switch r.text("forward.sequence") {
                case "random": .random
                case "simultaneous": .together
                default: .inTurn
                }
            if let callerID = r.text("forward.caller_id") { reasons.append("the forward shows caller id \(callerID)") }
            next =
                legs.isEmpty
                ? .undocumented("a premedia forward without an active number")
                : .ring(Ring(legs, order: order), then: .undocumented("what follows the last number of a premedia forward"))
        } else {
            next = .undocumented("what follows the premedia prompt without a premedia forward")
        }
        if scenario == "b" || scenario == "both", let prompt = r.text("prompt_b") {
            next = .play(Prompt(name: prompt, hearer: "called party", declaredName: Self.declaredName(prompt)), then: next)
        }
        if scenario == "a" || scenario == "both", let prompt = r.text("prompt_a") {
            next = .play(Prompt(name: prompt, hearer: "caller", declaredName: Self.declaredName(prompt)), then: next)
        }
        reasons.append("premedia scenario \(scenario)" + (r.value("answer")?.bool == true ? ", played in answered state" : ""))
        return next
    }

    /// The declared name inside a content-addressed live name (`welcome-57577419.mp3`,
    /// `TTS_closed-8a5b73aa.mp3`); nil for a name that is not one.
    static func declaredName(_ live: String) -> String? {
        guard live.hasSuffix(".mp3") else { return nil }
        var stem = live.dropLast(4)
        guard let dash = stem.lastIndex(of: "-"), stem[stem.index(after: dash)...].count == 8,
            stem[stem.index(after: dash)...].allSatisfy({ $0.isHexDigit && !$0.isUppercase })
        else { return nil }
        stem = stem[..<dash]
        if stem.hasPrefix("TTS_") { stem = stem.dropFirst(4) }
        return String(stem)
    }

    static func followMe(_ r: Resource, periods: [WeekSet], at moment: Moment, reasons: inout [String]) -> Route {
        var legs: [Ring.Leg] = []
        for (index, (entry, period)) in zip(r.value("chain")?.list ?? [], periods).enumerated() {
            guard let number = entry["number"]?.text else { continue }
            guard entry["active"]?.bool ?? true else { continue }
            guard period.contains(moment.minute) else { continue }
            reasons.append("follow-me entry \(index + 1) (\(number)) holds: \(period.windows)")
            let name = entry["name"]?.text
            legs.append(Ring.Leg(number, label: name == number ? nil : name, seconds: entry["timeout"]?.int.map(Int.init) ?? 15))
        }
        guard !legs.isEmpty else { return .undocumented("no follow-me number's period holds: what the account does then") }
        return .ring(Ring(legs, order: .inTurn), then: .undocumented("what follows the last follow-me number"))
    }

    func changePoints(_ number: String) -> [Int] {
        (periods[number] ?? []).flatMap(\.changePoints)
    }

    func notes(_ number: String) -> [String] {
        guard followMe[number] != nil || premedia[number] != nil || callControl[number] != nil else { return [] }
        var notes: [String] = []
        if !blacklist.isEmpty {
            notes.append(
                "callers on the account's Global Black List (\(blacklist.count) number\(blacklist.count == 1 ? "" : "s")) are rejected before anything else (ask with --from NUMBER)"
            )
        }
        if followMe[number] != nil { notes.append("follow-me periods are the platform's clock: the document names no time zone") }
        return notes
    }
}
