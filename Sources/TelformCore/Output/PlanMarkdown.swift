/// The plan as Markdown for a pull-request comment: a summary table per provider and a
/// collapsible detail per change, secrets masked as in every output.
public struct PlanMarkdown: Sendable {
    public init() {}

    public func render(_ plan: Plan) -> String {
        var out = "## telform plan\n\n**\(plan.summaryLine)**\n\n"
        // The url and reads columns: where the changes go (credentials in it masked) and which
        // secrets go with them, so a pull request that points a provider elsewhere, or sends
        // it another variable, shows it in the plan, not only in the diff.
        out +=
            "| provider | type | url | reads | create | update | delete | replace | reported only | sent again |\n|---|---|---|---|---:|---:|---:|---:|---:|---:|\n"
        for provider in plan.providers {
            let tally = Plan.Tally(provider.changes)
            out +=
                "| \(Self.cell(provider.name)) | \(provider.type) | \(Self.cell(provider.url)) | \(Self.cell(provider.reads.joined(separator: ", "))) | \(tally.create) | \(tally.update) | \(tally.delete) | \(tally.replace) | "
                + "\(tally.reportOnly) | \(tally.sentBlind) |\n"
        }
        let notes =
            plan.errors.map { "> **Error:** \(Self.cell($0))" }
            + plan.allRefusals.map { "> **Refused at apply:** \(Self.cell($0))" }
            + plan.warnings.map { "> **Warning:** \(Self.cell($0))" } + plan.notes.map { "> **Note:** \(Self.cell($0))" }
        if !notes.isEmpty { out += "\n" + notes.joined(separator: "\n>\n") + "\n" }
        for provider in plan.providers where !provider.changes.isEmpty {
            out += "\n### \(Self.cell(provider.name)) (\(provider.type))\n"
            for change in provider.changes {
                out += "\n" + details(change, provider: provider)
            }
        }
        out += routing(plan.routing)
        return out
    }

    /// Each number whose routing changes: a table of the windows that differ, and a Mermaid
    /// flowchart of each, before and after.
    func routing(_ changes: [RoutingChange], limit: Int = 50, charts: Int = 20) -> String {
        guard !changes.isEmpty else { return "" }
        var out = "\n### Routing changes\n\nWhat happens to calls, where this plan changes it (`telform explain NUMBER` shows a whole route).\n"
        var drawn = 0
        for change in changes.prefix(limit) {
            out +=
                "\n**\(Self.cell(change.provider)) \(Self.cell(change.number.number))** (\(Self.cell(change.number.what)))\n\n| when | before | after |\n|---|---|---|\n"
            for window in change.windows {
                out +=
                    "| \(Self.cell(window.when.windows)) | \(Self.code(RoutingChange.text(window.before))) | \(Self.code(RoutingChange.text(window.after))) |\n"
            }
            for window in change.windows where drawn < charts {
                drawn += 1
                out +=
                    "\n\(Self.cell(window.when.windows)):\n\n```mermaid\n"
                    + RouteMermaid.chart(number: change.number.number, before: window.before, after: window.after) + "```\n"
            }
        }
        if changes.count > limit {
            out += "\n… and \(changes.count - limit) more (the JSON plan lists them all).\n"
        }
        return out
    }

    func details(_ change: Change, provider: Plan.ProviderPlan) -> String {
        var summary = "<code>\(change.symbol) \(Self.html(change.address.description))</code> \(change.label)"
        let after = change.shownAfter.map(\.local)
        if !after.isEmpty { summary += ", after " + after.map { "<code>\(Self.html($0))</code>" }.joined(separator: ", ") }
        var body = ""
        if let reason = change.reason { body += "\(Self.html(reason))\n\n" }
        let kind = provider.kind(change.address.kind)
        if !change.fields.isEmpty {
            body += "| field | live | file |\n|---|---|---|\n"
            for field in change.fields {
                let before = change.action == .create ? "" : Self.code(ValueDisplay.field(field.path, field.before, kind: kind))
                body += "| `\(field.path)` | \(before) | \(Self.code(ValueDisplay.field(field.path, field.after, kind: kind))) |\n"
            }
        } else if body.isEmpty {
            body = "No fields to show.\n"
        }
        return "<details><summary>\(summary)</summary>\n\n\(body)\n</details>\n"
    }

    /// Text as inline code in a table cell: a backtick, a pipe or a line break cannot end it.
    static func code(_ text: String) -> String {
        "`" + text.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") + "`"
    }

    /// Text in a table cell or a line, shown as written: no HTML, no pipe or line break that
    /// would end the cell.
    public static func cell(_ text: String) -> String {
        html(text).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    static func html(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
