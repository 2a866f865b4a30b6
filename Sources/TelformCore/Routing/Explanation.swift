/// What `telform explain` says about one number in one provider: the route at a moment, or
/// the week table of its distinct outcomes, with the notes the table cannot show.
public struct Explanation: Sendable {
    public var provider: String
    public var platform: String
    public var number: RoutedNumber
    /// `file` or `live`.
    public var source: String
    public var at: Moment?
    public var outcome: RouteAt?
    public var table: WeekTable?
    public var notes: [String]

    /// Explains `number` from `model`: at `at` when given, else over the week.
    public init?(provider: String, platform: String, source: String, model: any RoutingModel, number: String, at: Moment?, caller: String?) {
        let known = model.numbers.first { $0.number == number }
        if let at {
            guard let outcome = model.route(number, at: at, caller: caller) else { return nil }
            self.outcome = outcome
        } else {
            let table = WeekTable(model, number: number, caller: caller)
            guard !table.rows.isEmpty else { return nil }
            self.table = table
        }
        self.provider = provider
        self.platform = platform
        self.number = known ?? RoutedNumber(number, number)
        self.source = source
        self.at = at
        notes = model.notes(number)
    }

    var heading: String {
        "\(number.number)\(at.map { " at \($0.text)" } ?? ""): \(number.what) — \(provider) (\(platform)), \(source == "live" ? "as the platform has it now" : "as the file declares it")"
    }

    public var text: String {
        var lines = [heading]
        if let outcome {
            lines.append("  " + outcome.route.text)
            for reason in outcome.reasons { lines.append("    because " + reason) }
        }
        for row in table?.rows ?? [] {
            lines.append("  \(row.windows): \(row.outcome.route.text)")
        }
        for note in notes { lines.append("  note: " + note) }
        return lines.joined(separator: "\n") + "\n"
    }

    public var json: JSONNode {
        var fields: [(String, JSONNode)] = [
            ("provider", .string(provider)), ("platform", .string(platform)),
            ("number", .string(number.number)), ("what", .string(number.what)), ("source", .string(source)),
        ]
        if let at {
            fields.append(("at", .string(at.text)))
        }
        if let outcome {
            fields += [("route", outcome.route.json), ("text", .string(outcome.route.text)), ("reasons", .array(outcome.reasons.map(JSONNode.string)))]
        }
        if let table {
            fields.append(
                (
                    "windows",
                    .array(
                        table.rows.map { row in
                            .object([
                                ("when", .string(row.windows)), ("route", row.outcome.route.json), ("text", .string(row.outcome.route.text)),
                                ("reasons", .array(row.outcome.reasons.map(JSONNode.string))),
                            ])
                        })
                ))
        }
        fields.append(("notes", .array(notes.map(JSONNode.string))))
        return .object(fields)
    }
}
