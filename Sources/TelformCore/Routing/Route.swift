/// What happens to one call, as far as the platform's document says: whom it rings, in what
/// order and for how long, and where it goes when nobody answers, the line is busy or the
/// phone is unreachable. A platform's routing model builds one for a number and a moment of
/// the week; `explain`, the plan's routing section and `telform test` read it.
public indirect enum Route: Hashable, Sendable {
    /// Rings `ring`'s legs; `then` is what follows when nobody answers. `busy` and
    /// `unavailable` are set only where the resources configure those cases.
    case ring(Ring, then: Route, busy: Route? = nil, unavailable: Route? = nil)
    /// A prompt played (to the caller, the called party or both), then the rest.
    case play(Prompt, then: Route)
    /// The call is refused (a blacklisted caller).
    case reject(String)
    /// The call ends in a mailbox.
    case voicemail(String)
    /// The call is ended: `hangup`, `busy`, `congestion`.
    case hangup(String)
    /// The call goes to a number this provider does not route any further (an external
    /// number, another platform's extension).
    case dial(String, label: String? = nil)
    /// Something telform does not manage decides (a group's or queue's own ring strategy, the
    /// customer's routing URL).
    case handoff(String)
    /// The document does not say what happens here; the text says what is open.
    case undocumented(String)
    /// Several rules apply at once and the document does not say which one runs.
    case oneOf([Route], why: String)

    /// The path followed when nobody answers, step by step (for tests and summaries).
    public var mainPath: [Route] {
        switch self {
        case .ring(_, let then, _, _): return [self] + then.mainPath
        case .play(_, let then): return [self] + then.mainPath
        default: return [self]
        }
    }
}

/// A prompt of a premedia scenario.
public struct Prompt: Hashable, Sendable {
    /// Its name on the platform (MTT's content-addressed `welcome-57577419.mp3`).
    public var name: String
    /// Who hears it: `caller`, `called party`.
    public var hearer: String
    /// The name the file gives it, when the platform's differs (`welcome`).
    public var declaredName: String?

    /// `welcome (welcome-57577419.mp3)` when the platform's name differs from the file's.
    public var shown: String {
        declaredName.map { $0 == name ? name : "\($0) (\(name))" } ?? name
    }

    public init(name: String, hearer: String, declaredName: String? = nil) {
        self.name = name
        self.hearer = hearer
        self.declaredName = declaredName
    }
}

/// One ringing step: several legs rung together, in turn or in random order.
public struct Ring: Hashable, Sendable {
    public enum Order: String, Hashable, Sendable {
        case together
        case inTurn = "in turn"
        case random
    }

    public struct Leg: Hashable, Sendable {
        /// The number or extension rung.
        public var number: String
        /// What the resources call it (a name, "user 1001"), shown beside the number.
        public var label: String?
        /// How long this leg rings, when the resources say.
        public var seconds: Int?
        /// How many rings this leg gets (VPBX counts rings, not seconds).
        public var rings: Int?

        public init(_ number: String, label: String? = nil, seconds: Int? = nil, rings: Int? = nil) {
            self.number = number
            self.label = label
            self.seconds = seconds
            self.rings = rings
        }
    }

    public var legs: [Leg]
    public var order: Order
    /// How long the whole step rings (for legs rung together), when the resources say.
    public var seconds: Int?
    /// How long the step rings, in rings, when that is the platform's unit.
    public var rings: Int?
    /// A condition of the step a reader needs (`continues when a number is busy`).
    public var note: String?

    public init(_ legs: [Leg], order: Order = .inTurn, seconds: Int? = nil, rings: Int? = nil, note: String? = nil) {
        self.legs = legs
        self.order = order
        self.seconds = seconds
        self.rings = rings
        self.note = note
    }

    public var numbers: [String] { legs.map(\.number) }
}

// MARK: - Text

extension Route {
    /// One line a reviewer reads: `ring 003 ‖ 500 for 20 s, then 79161234567`.
    public var text: String {
        switch self {
        case .ring(let ring, let then, let busy, let unavailable):
            var out = ring.text
            out += ", then " + then.text
            if let busy { out += "; if busy: " + busy.text }
            if let unavailable { out += "; if unreachable: " + unavailable.text }
            return out
        case .play(let prompt, let then):
            return "play \(prompt.shown) to the \(prompt.hearer), then " + then.text
        case .reject(let why): return "reject (\(why))"
        case .voicemail(let box): return box.isEmpty ? "voicemail" : "voicemail \(box)"
        case .hangup(let how): return how == "hangup" ? "hang up" : "hang up (\(how))"
        case .dial(let number, let label): return label.map { "\(number) (\($0))" } ?? number
        case .handoff(let what): return what
        case .undocumented(let what): return "not documented (\(what))"
        case .oneOf(let routes, let why):
            return "one of: " + routes.map { "[" + $0.text + "]" }.joined(separator: " or ") + " (\(why))"
        }
    }
}

extension Ring.Leg {
    var text: String {
        var out = label.map { "\(number) (\($0))" } ?? number
        if let rings { out += " for \(rings) ring\(rings == 1 ? "" : "s")" } else if let seconds { out += " for \(seconds) s" }
        return out
    }

    /// Without its own duration (legs rung together share the step's).
    var name: String { label.map { "\(number) (\($0))" } ?? number }
}

extension Ring {
    /// `ring 003 ‖ 500 for 20 s`, `ring 003 for 3 rings → 500 for 5 rings`.
    public var text: String {
        var out: String
        switch order {
        case .together:
            out = "ring " + legs.map(\.name).joined(separator: " ‖ ")
            let shared = Set(legs.compactMap(\.seconds))
            if let seconds = seconds ?? (shared.count == 1 && legs.allSatisfy({ $0.seconds != nil }) ? shared.first : nil) {
                out += " for \(seconds) s"
            } else if let rings {
                out += " for \(rings) ring\(rings == 1 ? "" : "s")"
            }
        case .inTurn:
            out = "ring " + legs.map(\.text).joined(separator: " → ")
            if let seconds, legs.count == 1, legs[0].seconds == nil, legs[0].rings == nil { out += " for \(seconds) s" }
            if let rings, legs.count == 1, legs[0].seconds == nil, legs[0].rings == nil { out += " for \(rings) ring\(rings == 1 ? "" : "s")" }
        case .random:
            out = "ring " + legs.map(\.text).joined(separator: ", ") + " in random order"
        }
        if let note { out += " (\(note))" }
        return out
    }
}

// MARK: - Data

extension Route {
    /// The route as JSON data (`explain --format json`, the JSON plan).
    public var json: JSONNode {
        switch self {
        case .ring(let ring, let then, let busy, let unavailable):
            var fields: [(String, JSONNode)] = [
                (
                    "ring",
                    .array(
                        ring.legs.map { leg in
                            var item: [(String, JSONNode)] = [("number", .string(leg.number))]
                            if let label = leg.label { item.append(("label", .string(label))) }
                            if let seconds = leg.seconds { item.append(("seconds", .int(Int64(seconds)))) }
                            if let rings = leg.rings { item.append(("rings", .int(Int64(rings)))) }
                            return .object(item)
                        })
                ), ("order", .string(ring.order.rawValue)),
            ]
            if let seconds = ring.seconds { fields.append(("seconds", .int(Int64(seconds)))) }
            if let rings = ring.rings { fields.append(("rings", .int(Int64(rings)))) }
            if let note = ring.note { fields.append(("note", .string(note))) }
            fields.append(("then", then.json))
            if let busy { fields.append(("if_busy", busy.json)) }
            if let unavailable { fields.append(("if_unreachable", unavailable.json)) }
            return .object(fields)
        case .play(let prompt, let then):
            return .object([("play", .string(prompt.name)), ("to", .string(prompt.hearer)), ("then", then.json)])
        case .reject(let why): return .object([("reject", .string(why))])
        case .voicemail(let box): return .object([("voicemail", .string(box))])
        case .hangup(let how): return .object([("hangup", .string(how))])
        case .dial(let number, let label):
            return .object([("dial", .string(number))] + (label.map { [("label", JSONNode.string($0))] } ?? []))
        case .handoff(let what): return .object([("handoff", .string(what))])
        case .undocumented(let what): return .object([("undocumented", .string(what))])
        case .oneOf(let routes, let why): return .object([("one_of", .array(routes.map(\.json))), ("why", .string(why))])
        }
    }
}
