/// The text plan of SPEC §4, coloured on a terminal.
public struct PlanText: Sendable {
    public let color: Bool

    public init(color: Bool) {
        self.color = color
    }

    func paint(_ text: String, _ action: ChangeAction) -> String {
        guard color else { return text }
        let code: String
        switch action {
        case .create: code = "32"
        case .update: code = "33"
        case .delete: code = "31"
        case .replace: code = "35"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    public func render(_ plan: Plan) -> String {
        var out =
            "telform plan: \(plural(plan.providers.count, "provider")), \(plural(plan.liveCount, "live object")) read in \(String(format1: plan.readSeconds))s"
            + (plan.targets.isEmpty ? "" : "; targeted: \(plan.targets.joined(separator: ", ")) (only what they match, and what that needs)") + "\n"
        for error in plan.errors {
            out += "\n" + label("Error:", "31") + " \(error)"
        }
        for refusal in plan.allRefusals {
            out += "\n" + label("Refused:", "31") + " \(refusal)"
        }
        for warning in plan.warnings {
            out += "\n" + label("Warning:", "33") + " \(warning)"
        }
        for note in plan.notes {
            out += "\nNote: \(note)"
        }
        if !(plan.errors + plan.allRefusals + plan.warnings + plan.notes).isEmpty { out += "\n" }
        for provider in plan.providers where !provider.changes.isEmpty {
            out += "\n\(provider.name) (\(provider.type), \(provider.url))\n"
            // Looked up when the kind changes, not per line.
            var kind: KindSchema?
            var secrets: [String] = []
            for change in provider.changes {
                if kind?.name != change.address.kind {
                    kind = provider.kind(change.address.kind)
                    secrets = Self.writeOnlySecrets(kind)
                }
                out += line(change, kind: kind, writeOnlySecrets: secrets)
            }
        }
        out += RoutingChange.textSection(plan.routing)
        out += "\n" + plan.summaryLine + "\n"
        return out
    }

    /// The paths of a kind's write-only secrets: sent on create, never shown.
    static func writeOnlySecrets(_ kind: KindSchema?) -> [String] {
        guard let kind else { return [] }
        return kind.declaredPaths.filter { kind.isWriteOnly(path: $0) && kind.isSensitive(path: $0, value: nil) }
    }

    func line(_ change: Change, kind: KindSchema?, writeOnlySecrets: [String]) -> String {
        let head = "  " + change.symbol + " " + change.address.local
        var note = change.cleanup ? change.action.rawValue : change.label
        if change.cleanup, let field = kind?.cleanupShownBy, let old = change.live?.fields[field]?.string { note += " \(old)" }
        if let reason = change.reason { note += " (\(reason))" }
        let after = change.shownAfter.map(\.local)
        if !after.isEmpty { note += ", after " + after.joined(separator: ", ") }
        var out = paint(head.padded(to: max(head.count + 1, 45)) + note, change.action) + "\n"
        var fields = change.fields
        if change.action == .create || change.rotate {
            // Write-only fields are sent on create (and re-sent on rotate): say so, never show them.
            for path in writeOnlySecrets {
                if change.desired.map({ Value.object($0.fields).at(path) != nil }) == true, !fields.contains(where: { $0.path == path }) {
                    fields.append(FieldChange(path: path, before: nil, after: .string("")))
                }
            }
        }
        // A delete shows what it deletes (masked like everything else).
        let deleting = change.action == .delete && !change.cleanup && fields.isEmpty
        if deleting, let live = change.live {
            let shown = Value.flatten(live.fields).filter { $0.1 != Value.null && $0.1 != Value.object([:]) }.map {
                FieldChange(path: $0.0, before: $0.1, after: nil)
            }
            fields = kind.map { Diff.ordered(shown, kind: $0) } ?? shown.sorted { $0.path < $1.path }
        }
        let width = (fields.map(\.path.count).max() ?? 0) + 2
        for field in fields {
            let name = (field.path + ":").padded(to: width)
            let afterText = ValueDisplay.field(field.path, field.after, kind: kind)
            if deleting {
                out += "        \(name)\(ValueDisplay.field(field.path, field.before, kind: kind))\n"
            } else if change.action == .create || field.before == nil {
                out += "        \(name)\(afterText)\n"
            } else if kind?.isSensitive(path: field.path, value: field.after) == true || kind?.isSensitive(path: field.path, value: field.before) == true {
                // Neither side of a secret is shown, not even masked twice.
                out += "        \(name)changed (sensitive)\n"
            } else if case .list(let before)? = field.before, case .list(let after)? = field.after {
                out += "        \(field.path):" + Self.listChange(before, after, path: field.path, kind: kind)
            } else {
                out += "        \(name)\(ValueDisplay.field(field.path, field.before, kind: kind)) -> \(afterText)\n"
            }
        }
        return out
    }

    /// A list compared entry by entry: what was removed and added, or how it was reordered.
    static func listChange(_ before: [Value], _ after: [Value], path: String, kind: KindSchema?) -> String {
        // An entry masked and described as the whole list would be (items share its path).
        func show(_ value: Value) -> String { ValueDisplay.text(ValueDisplay.masked(path, value, kind: kind, annotate: true)) }
        var remaining = after
        var removed: [Value] = []
        for item in before {
            if let index = remaining.firstIndex(of: item) { remaining.remove(at: index) } else { removed.append(item) }
        }
        let added = remaining
        // A list whose order means nothing is never shown reordered.
        let ordered: Bool
        if case .list(_, let rules)? = kind?.field(path: path)?.type { ordered = rules.order == .ordered } else { ordered = true }
        if removed.isEmpty && added.isEmpty {
            return " reordered\n          was: " + before.map(show).joined(separator: ", ") + "\n          now: " + after.map(show).joined(separator: ", ")
                + "\n"
        }
        var parts: [String] = []
        if !added.isEmpty { parts.append("\(added.count) added") }
        if !removed.isEmpty { parts.append("\(removed.count) removed") }
        var out = " " + parts.joined(separator: ", ") + "\n"
        for item in removed { out += "          - \(show(item))\n" }
        for item in added { out += "          + \(show(item))\n" }
        // Same entries left in another order: the order changed too.
        let keptBefore = before.filter { !removed.contains($0) }
        let keptAfter = after.filter { !added.contains($0) }
        if ordered, keptBefore != keptAfter { out += "          (the remaining entries are reordered)\n" }
        return out
    }

    /// A label coloured on a terminal (red errors and refusals, yellow warnings).
    func label(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
}

extension String {
    /// Followed by spaces up to `width` characters (never cut).
    func padded(to width: Int) -> String {
        let count = self.count
        return count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// One decimal place, as plans show durations.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
