/// A routing tests file: expectations about what happens to calls, checked by `telform test`
/// against the file's resources (or the live state).
///
/// ```yaml
/// version: 1
/// tests:
///   - name: office hours ring the desk, then the mobile
///     call: "201"
///     at: "mon 10:00"
///     expect: [ring: "003", then: "79161234567"]
/// ```
public struct RoutingTestFile: Sendable {
    /// One step of an expected route, in the order the call meets it.
    public indirect enum Step: Sendable, Equatable {
        /// A ringing step: its numbers (a set when rung together or at random, in order when
        /// in turn), and how long when given.
        case ring([String], seconds: Int?)
        case play(String)
        /// Where the call ends when nobody answers: a number, `voicemail [BOX]`, `hangup [HOW]`,
        /// `reject`, `handoff`, `undocumented`.
        case then(String)
        /// Where the preceding ring goes on busy / when unreachable.
        case busy(String)
        case unreachable(String)
        /// Several rules, in the order the route lists them, each with its own steps.
        case oneOf([[Step]])

        var text: String {
            switch self {
            case .ring(let numbers, let seconds): return "ring " + numbers.joined(separator: ", ") + (seconds.map { " for \($0) s" } ?? "")
            case .play(let prompt): return "play " + prompt
            case .then(let end): return "then " + end
            case .busy(let end): return "if busy: " + end
            case .unreachable(let end): return "if unreachable: " + end
            case .oneOf(let options): return "one of: " + options.map { "[" + Self.text($0) + "]" }.joined(separator: " or ")
            }
        }

        static func text(_ steps: [Step]) -> String { steps.map(\.text).joined(separator: ", ") }
    }

    public struct Case: Sendable {
        public var name: String?
        public var call: String
        public var provider: String?
        public var at: Moment
        public var caller: String?
        /// The route's exact one-line text, or its steps.
        public var text: String?
        public var steps: [Step]
        public var mark: Mark

        /// `201 at mon 10:00 (office hours)`.
        public var title: String {
            "\(call) at \(at.text)" + (caller.map { " from \($0)" } ?? "") + (name.map { " (\($0))" } ?? "")
        }

        /// nil when `route` meets the expectation; otherwise what differs.
        public func failure(_ route: Route) -> String? {
            if let text {
                return route.text == text ? nil : "expected \(text)"
            }
            return RoutingTestFile.match(steps[...], route).map { "expected \(Step.text(steps)): \($0)" }
        }
    }

    public var cases: [Case]
    public var diagnostics: [Diagnostic]

    static let caseKeys = ["name", "call", "provider", "at", "from", "expect"]
    static let stepKeys = ["ring", "seconds", "play", "then", "busy", "unreachable", "one_of"]

    /// Parses and checks a tests file; every problem is a diagnostic with its position.
    public init(text: String, file: String) {
        let (root, parsed) = YAMLParser(file: file).parse(text)
        var problems = DiagnosticList()
        for diagnostic in parsed where diagnostic.severity == .error { problems.error(diagnostic.mark, diagnostic.path, diagnostic.message) }
        var cases: [Case] = []
        if let root {
            for pair in root.pairs ?? [] where !["version", "tests"].contains(pair.key) {
                problems.error(pair.keyMark, pair.key, "unknown key; a tests file has version and tests")
            }
            if root.pairs == nil {
                problems.error(root.mark, "", "a tests file is a mapping with version: 1 and tests:")
            } else if root["version"]?.scalar != "1" {
                problems.error(root["version"]?.mark ?? root.mark, "version", "version: 1 is required")
            }
            if let tests = root["tests"] {
                if let items = tests.items {
                    for (index, item) in items.enumerated() {
                        if let parsed = Self.parseCase(item, path: "tests[\(index)]", problems: &problems) { cases.append(parsed) }
                    }
                } else {
                    problems.error(tests.mark, "tests", "expected a list of tests, got \(tests.kindName)")
                }
            } else if root.pairs != nil {
                problems.error(root.mark, "tests", "tests: is required")
            }
        }
        self.cases = cases
        diagnostics = problems.items
    }

    static func scalar(_ node: YAMLNode?, _ path: String, _ problems: inout DiagnosticList) -> String? {
        guard let node else { return nil }
        guard let text = node.scalar, !node.isNull else {
            problems.error(node.mark, path, "expected a string, got \(node.kindName)")
            return nil
        }
        return text
    }

    static func unknownKeys(_ node: YAMLNode, allowed: [String], path: String, _ problems: inout DiagnosticList) {
        for pair in node.pairs ?? [] where !allowed.contains(pair.key) {
            let hint = Suggestion.closest(to: pair.key, in: allowed).map { "; did you mean \($0)?" } ?? ""
            problems.error(pair.keyMark, path + "." + pair.key, "unknown key\(hint) (known: \(allowed.joined(separator: ", ")))")
        }
    }

    static func parseCase(_ node: YAMLNode, path: String, problems: inout DiagnosticList) -> Case? {
        guard node.pairs != nil else {
            problems.error(node.mark, path, "expected a test (a mapping with call, at and expect), got \(node.kindName)")
            return nil
        }
        unknownKeys(node, allowed: caseKeys, path: path, &problems)
        let before = problems.items.count
        let call = scalar(node["call"], path + ".call", &problems)
        if node["call"] == nil { problems.error(node.mark, path + ".call", "call: is required (the number called)") }
        var moment: Moment?
        if let at = node["at"] {
            if let text = scalar(at, path + ".at", &problems) {
                moment = Moment.parse(text)
                if moment == nil {
                    problems.error(at.mark, path + ".at", "\"\(text)\" is not a moment: a week day or a date, then a time ('sat 10:00', '2026-01-01 10:00')")
                }
            }
        } else {
            problems.error(node.mark, path + ".at", "at: is required ('mon 10:00')")
        }
        var text: String?
        var steps: [Step] = []
        if let expect = node["expect"] {
            if expect.items != nil {
                steps = parseSteps(expect, path: path + ".expect", problems: &problems)
                if steps.isEmpty && expect.items?.isEmpty == true { problems.error(expect.mark, path + ".expect", "expect: lists at least one step") }
            } else {
                text = scalar(expect, path + ".expect", &problems)
            }
        } else {
            problems.error(node.mark, path + ".expect", "expect: is required (steps such as [ring: \"003\", then: voicemail], or the route's text)")
        }
        let name = scalar(node["name"], path + ".name", &problems)
        let provider = scalar(node["provider"], path + ".provider", &problems)
        let caller = scalar(node["from"], path + ".from", &problems)
        guard problems.items.count == before, let call, let moment else { return nil }
        return Case(name: name, call: call, provider: provider, at: moment, caller: caller, text: text, steps: steps, mark: node.mark)
    }

    static func parseSteps(_ node: YAMLNode, path: String, problems: inout DiagnosticList) -> [Step] {
        guard let items = node.items else {
            problems.error(node.mark, path, "expected a list of steps, got \(node.kindName)")
            return []
        }
        var steps: [Step] = []
        for (index, item) in items.enumerated() {
            let here = path + "[\(index)]"
            guard let pairs = item.pairs, !pairs.isEmpty else {
                problems.error(item.mark, here, "expected a step such as ring: \"003\" or then: voicemail, got \(item.kindName)")
                continue
            }
            unknownKeys(item, allowed: stepKeys, path: here, &problems)
            let kinds = pairs.map(\.key).filter { $0 != "seconds" && stepKeys.contains($0) }
            // `[ring: "003", seconds: 15, then: ...]` is three items in YAML's flow style: a
            // lone seconds belongs to the ring just before it.
            if kinds.isEmpty, let node = item["seconds"] {
                guard case .ring(let numbers, nil)? = steps.last else {
                    problems.error(item.mark, here, "seconds: follows the ring step it belongs to")
                    continue
                }
                guard let seconds = node.scalar.flatMap({ Int($0) }) else {
                    problems.error(node.mark, here + ".seconds", "expected a whole number of seconds")
                    continue
                }
                steps[steps.count - 1] = .ring(numbers, seconds: seconds)
                continue
            }
            guard kinds.count == 1 else {
                if kinds.count > 1 { problems.error(item.mark, here, "one step per item: \(kinds.joined(separator: " and ")) are two") }
                continue
            }
            let key = kinds[0]
            let value = item[key]!
            if item["seconds"] != nil && key != "ring" { problems.error(item["seconds"]!.mark, here + ".seconds", "seconds goes with ring") }
            let isLast = index == items.count - 1
            switch key {
            case "ring":
                var numbers: [String] = []
                if let list = value.items {
                    numbers = list.enumerated().compactMap { scalar($0.element, here + ".ring[\($0.offset)]", &problems) }
                } else if let one = scalar(value, here + ".ring", &problems) {
                    numbers = [one]
                }
                var seconds: Int?
                if let node = item["seconds"] {
                    seconds = node.scalar.flatMap { Int($0) }
                    if seconds == nil { problems.error(node.mark, here + ".seconds", "expected a whole number of seconds") }
                }
                steps.append(.ring(numbers, seconds: seconds))
            case "play":
                if let prompt = scalar(value, here + ".play", &problems) { steps.append(.play(prompt)) }
            case "busy", "unreachable":
                let follows: Bool
                switch steps.last {
                case .ring?, .busy?, .unreachable?: follows = true
                default: follows = false
                }
                if !follows { problems.error(item.mark, here, "\(key): follows the ring step it belongs to") }
                if let end = scalar(value, here + "." + key, &problems) { steps.append(key == "busy" ? .busy(end) : .unreachable(end)) }
            case "then":
                if !isLast { problems.error(item.mark, here, "then: ends the route: it is the last step") }
                if let end = scalar(value, here + ".then", &problems) { steps.append(.then(end)) }
            default:  // one_of
                if !isLast { problems.error(item.mark, here, "one_of: is the last step (each option lists its own)") }
                guard let options = value.items else {
                    problems.error(value.mark, here + ".one_of", "expected a list of options, each a list of steps")
                    continue
                }
                steps.append(.oneOf(options.enumerated().map { parseSteps($0.element, path: here + ".one_of[\($0.offset)]", problems: &problems) }))
            }
        }
        return steps
    }

    // MARK: matching

    /// nil when `route` takes the steps; otherwise what differs.
    static func match(_ steps: ArraySlice<Step>, _ route: Route) -> String? {
        guard let step = steps.first else {
            switch route {
            case .ring, .play: return "the route goes on: \(route.text)"
            default: return nil
            }
        }
        var rest = steps.dropFirst()
        switch step {
        case .ring(let numbers, let seconds):
            guard case .ring(let ring, let then, let busy, let unavailable) = route else { return "step \(Step.text([step])): the route is \(route.text)" }
            let same = ring.order == .inTurn ? ring.numbers == numbers : Set(ring.numbers) == Set(numbers) && ring.numbers.count == numbers.count
            guard same else { return "step \(Step.text([step])): the route has \(ring.text)" }
            if let seconds {
                let actual = ring.seconds ?? (ring.legs.count == 1 ? ring.legs[0].seconds : nil)
                guard actual == seconds else { return "step \(Step.text([step])): the route has \(ring.text)" }
            }
            while let next = rest.first {
                if case .busy(let end) = next {
                    guard let busy, terminal(busy, end) else { return "\(next.text): " + (busy.map { "busy goes to \($0.text)" } ?? "busy is not forwarded") }
                } else if case .unreachable(let end) = next {
                    guard let unavailable, terminal(unavailable, end) else {
                        return "\(next.text): " + (unavailable.map { "unreachable goes to \($0.text)" } ?? "unreachable is not forwarded")
                    }
                } else {
                    break
                }
                rest = rest.dropFirst()
            }
            return match(rest, then)
        case .play(let prompt):
            guard case .play(let played, let then) = route, played.name == prompt || played.declaredName == prompt else {
                return "step \(step.text): the route is \(route.text)"
            }
            return match(rest, then)
        case .then(let end):
            return terminal(route, end) ? nil : "the route ends \(route.text)"
        case .busy, .unreachable:
            return "\(step.text) without a ring before it"
        case .oneOf(let options):
            guard case .oneOf(let routes, _) = route, routes.count == options.count else { return "the route is \(route.text)" }
            for (index, (option, alternative)) in zip(options, routes).enumerated() {
                if let problem = match(option[...], alternative) { return "option \(index + 1): \(problem)" }
            }
            return nil
        }
    }

    /// Whether a route ends as `end` says: a number, `voicemail [BOX]`, `hangup [HOW]`,
    /// `reject`, `handoff`, `undocumented`.
    static func terminal(_ route: Route, _ end: String) -> Bool {
        switch route {
        case .dial(let number, _): return number == end
        case .voicemail(let box): return end == "voicemail" || end == "voicemail \(box)"
        case .hangup(let how): return end == "hangup" || end == "hangup \(how)"
        case .reject: return end == "reject"
        case .handoff: return end == "handoff"
        case .undocumented: return end == "undocumented"
        default: return false
        }
    }
}

extension RoutingTestFile {
    /// The tests file's JSON Schema (draft 2020-12), for editors: `telform schema --tests`.
    public static var jsonSchema: JSONNode {
        let number: JSONNode = .object([("type", .array([.string("string"), .string("integer")]))])
        func described(_ node: JSONNode, _ text: String) -> JSONNode {
            guard case .object(let fields) = node else { return node }
            return .object(fields + [("description", .string(text))])
        }
        let end = described(number, "Where the call ends: a number, voicemail [BOX], hangup [HOW], reject, handoff, undocumented.")
        let step: JSONNode = .object([
            ("type", .string("object")), ("minProperties", .int(1)), ("maxProperties", .int(2)), ("additionalProperties", .bool(false)),
            (
                "properties",
                .object([
                    (
                        "ring",
                        described(
                            .object([("anyOf", .array([number, .object([("type", .string("array")), ("items", number), ("minItems", .int(1))])]))]),
                            "The numbers a ringing step rings (in order when rung in turn, as a set when together).")
                    ),
                    (
                        "seconds",
                        .object([("type", .string("integer")), ("minimum", .int(0)), ("description", .string("With the ring before it: how long it rings."))])
                    ),
                    ("play", .object([("type", .string("string")), ("description", .string("A prompt played."))])),
                    ("then", end), ("busy", described(number, "Where the ring before it goes on busy.")),
                    ("unreachable", described(number, "Where the ring before it goes when unreachable.")),
                    (
                        "one_of",
                        .object([
                            ("type", .string("array")), ("items", .object([("$ref", .string("#/$defs/steps"))])),
                            ("description", .string("Several rules at once: each option's steps, in the route's order.")),
                        ])
                    ),
                ])
            ),
        ])
        let test: JSONNode = .object([
            ("type", .string("object")), ("additionalProperties", .bool(false)), ("required", .array([.string("call"), .string("at"), .string("expect")])),
            (
                "properties",
                .object([
                    ("name", .object([("type", .string("string"))])),
                    ("call", described(number, "The number called.")),
                    ("provider", .object([("type", .string("string")), ("description", .string("The provider, when several route the number."))])),
                    (
                        "at",
                        .object([
                            ("type", .string("string")), ("pattern", .string("^\\S+ [0-9]{2}:[0-9]{2}$")),
                            ("description", .string("A week day or a date, then a time: 'sat 10:00', '2026-01-01 10:00'.")),
                        ])
                    ),
                    ("from", described(number, "The caller (blacklists apply).")),
                    (
                        "expect",
                        .object([
                            ("anyOf", .array([.object([("$ref", .string("#/$defs/steps"))]), .object([("type", .string("string"))])])),
                            ("description", .string("The route's steps, or its exact one-line text.")),
                        ])
                    ),
                ])
            ),
        ])
        return .object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("title", .string("telform routing tests")),
            ("type", .string("object")), ("additionalProperties", .bool(false)), ("required", .array([.string("version"), .string("tests")])),
            (
                "properties",
                .object([
                    ("version", .object([("const", .int(1))])),
                    ("tests", .object([("type", .string("array")), ("items", test)])),
                ])
            ),
            ("$defs", .object([("steps", .object([("type", .string("array")), ("minItems", .int(1)), ("items", step)]))])),
        ])
    }
}
