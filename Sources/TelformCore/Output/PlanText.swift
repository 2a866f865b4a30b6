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
        var out = "telform plan: \(plural(plan.providers.count, "provider")), \(plural(plan.liveCount, "live object")) read in \(String(format1: plan.readSeconds))s"
            + (plan.targets.isEmpty ? "" : "; targeted: \(plan.targets.joined(separator: ", ")) (only what they match, and what that needs)") + "\n"
        for error in plan.errors {
            out += "\nError: \(error)"
        }
        for refusal in plan.refusals + plan.thresholdRefusals + plan.updateRefusals {
            out += "\nRefused: \(refusal)"
        }
        for warning in plan.warnings {
            out += "\nWarning: \(warning)"
        }
        for note in plan.notes {
            out += "\nNote: \(note)"
        }
        if !(plan.errors + plan.refusals + plan.thresholdRefusals + plan.updateRefusals + plan.warnings + plan.notes).isEmpty { out += "\n" }
        for provider in plan.providers where !provider.changes.isEmpty {
            out += "\n\(provider.name) (\(provider.type), \(provider.url))\n"
            for change in provider.changes {
                out += line(change, provider: provider)
            }
        }
        out += "\n" + plan.summaryLine + "\n"
        return out
    }

    func line(_ change: Change, provider: Plan.ProviderPlan) -> String {
        let head = "  " + (change.reportOnly ? "!" : change.action.symbol) + " " + change.address.local
        var note = change.blind ? "set on apply" : change.reportOnly ? "differs" : change.action.rawValue
        if change.cleanup, let old = change.live?.fields["live_name"]?.string { note += " \(old)" }
        if let reason = change.reason { note += " (\(reason))" }
        let after = change.dependsOn.filter { !change.cleanup || $0 != change.address }.map(\.local)
        if !after.isEmpty { note += ", after " + after.joined(separator: ", ") }
        var out = paint(head.padding(toLength: max(head.count + 1, 45), withPad: " ", startingAt: 0) + note, change.action) + "\n"
        let kind = provider.kind(change.address.kind)
        var fields = change.fields
        if change.action == .create || change.rotate {
            // Write-only fields are sent on create (and re-sent on rotate): say so, never show them.
            for path in kind?.declaredPaths ?? [] where kind?.isWriteOnly(path: path) == true && kind?.isSensitive(path: path, value: nil) == true {
                if change.desired.map({ Value.object($0.fields).at(path) != nil }) == true, !fields.contains(where: { $0.path == path }) {
                    fields.append(FieldChange(path: path, before: nil, after: .string("")))
                }
            }
        }
        let width = (fields.map(\.path.count).max() ?? 0) + 2
        for field in fields {
            let name = (field.path + ":").padding(toLength: width, withPad: " ", startingAt: 0)
            let afterText = ValueDisplay.field(field.path, field.after, kind: kind)
            if change.action == .create || field.before == nil {
                out += "        \(name)\(afterText)\n"
            } else {
                out += "        \(name)\(ValueDisplay.field(field.path, field.before, kind: kind)) -> \(afterText)\n"
            }
        }
        return out
    }

    func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
}

extension String {
    /// One decimal place, as plans show durations.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
