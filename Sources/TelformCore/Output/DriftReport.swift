/// What differs between the file and the live platforms, by category: changed outside
/// telform (field, file value, live value), missing live, and unmanaged extras in owned scopes.
public struct DriftReport: Sendable {
    public enum Category: String, Sendable {
        case changed, missing, unmanaged
        /// A declared key that more than one live object holds.
        case duplicate
    }

    public struct Entry: Sendable {
        public var provider: Plan.ProviderPlan
        public var address: Address
        public var category: Category
        /// (field, file value, live value), displayed with secrets masked.
        public var fields: [(path: String, file: String, live: String)]
        public var fileJSON: [(String, JSONNode, JSONNode)]
        /// A difference the platform can only report (no call could change it: XiVO contexts).
        public var reportOnly = false
    }

    public let plan: Plan
    public let entries: [Entry]

    public init(plan: Plan) {
        self.plan = plan
        var entries: [Entry] = []
        for provider in plan.providers {
            for (address, ids) in provider.duplicates {
                entries.append(
                    Entry(
                        provider: provider, address: address, category: .duplicate,
                        fields: [("ids", "one object", ids.joined(separator: ", "))],
                        fileJSON: [("ids", .string("one object"), .array(ids.map(JSONNode.string)))]))
            }
            for change in provider.changes where !change.cleanup && !change.blind && change.duplicateOf == nil {
                let kind = provider.kind(change.address.kind)
                let category: Category
                switch change.action {
                case .create: category = .missing
                case .delete: category = .unmanaged
                case .update, .replace: category = .changed
                }
                let shown = category == .changed ? change.fields : []
                entries.append(
                    Entry(
                        provider: provider, address: change.address, category: category,
                        fields: shown.map { ($0.path, ValueDisplay.field($0.path, $0.after, kind: kind), ValueDisplay.field($0.path, $0.before, kind: kind)) },
                        fileJSON: shown.map { ($0.path, ValueDisplay.json($0.path, $0.after, kind: kind), ValueDisplay.json($0.path, $0.before, kind: kind)) },
                        reportOnly: change.reportOnly))
            }
        }
        self.entries = entries
    }

    public var hasDrift: Bool { !entries.isEmpty }

    /// Drift something can be done about: anything but differences the platform can only
    /// report (a nightly job would otherwise fail forever on those).
    public var hasActionableDrift: Bool { entries.contains { !$0.reportOnly } }

    public func count(_ category: Category) -> Int { entries.filter { $0.category == category }.count }

    public var summaryLine: String {
        hasDrift
            ? "Drift: \(count(.changed)) changed, \(count(.missing)) missing, \(count(.unmanaged)) unmanaged"
                + (count(.duplicate) > 0 ? ", \(count(.duplicate)) duplicated." : ".")
                + (entries.contains(where: \.reportOnly) ? " \(entries.filter(\.reportOnly).count) can only be reported (the platform cannot change it)." : "")
            : "No drift: the live state matches the configuration."
    }

    public func text() -> String {
        var out =
            "telform drift: \(plan.providers.count) provider\(plan.providers.count == 1 ? "" : "s"), \(plan.liveCount) live object\(plan.liveCount == 1 ? "" : "s") read"
            + (plan.targets.isEmpty ? "" : "; targeted: \(plan.targets.joined(separator: ", ")) (drift outside them is not reported)") + "\n"
        for provider in plan.providers {
            let mine = entries.filter { $0.provider.name == provider.name }
            guard !mine.isEmpty else { continue }
            out += "\n\(provider.name) (\(provider.type), \(provider.url))\n"
            for entry in mine {
                out += "  " + entry.category.rawValue.padded(to: 10) + entry.address.local + "\n"
                let width = (entry.fields.map(\.path.count).max() ?? 0) + 2
                for field in entry.fields {
                    out += "        " + (field.path + ":").padded(to: width) + "file \(field.file), live \(field.live)\n"
                }
            }
        }
        return out + "\n" + summaryLine + "\n"
    }

    public func json() -> JSONNode {
        .object([
            ("format_version", .int(1)),
            ("targets", .array(plan.targets.map(JSONNode.string))),
            (
                "providers",
                .array(
                    plan.providers.map {
                        .object([
                            ("name", .string($0.name)), ("type", .string($0.type)), ("url", .string($0.url)),
                            ("live_objects", .int(Int64($0.liveCount))),
                        ])
                    })
            ),
            (
                "drift",
                .array(
                    entries.map { entry in
                        .object(
                            [
                                ("address", .string(entry.address.description)), ("category", .string(entry.category.rawValue)),
                                ("fields", .array(entry.fileJSON.map { .object([("field", .string($0.0)), ("file", $0.1), ("live", $0.2)]) })),
                            ]
                                + (entry.reportOnly ? [("report_only", .bool(true))] : []))
                    })
            ),
            (
                "summary",
                .object([
                    ("changed", .int(Int64(count(.changed)))), ("missing", .int(Int64(count(.missing)))),
                    ("unmanaged", .int(Int64(count(.unmanaged)))), ("duplicate", .int(Int64(count(.duplicate)))),
                ])
            ),
        ])
    }

    public func markdown() -> String {
        var out = "## telform drift\n\n**\(summaryLine)**\n\n"
        out += "| provider | type | changed | missing | unmanaged |\n|---|---|---:|---:|---:|\n"
        for provider in plan.providers {
            let mine = entries.filter { $0.provider.name == provider.name }
            out +=
                "| \(PlanMarkdown.cell(provider.name)) | \(provider.type) | \(mine.filter { $0.category == .changed }.count) | "
                + "\(mine.filter { $0.category == .missing }.count) | \(mine.filter { $0.category == .unmanaged }.count) |\n"
        }
        for entry in entries {
            let what: String
            switch entry.category {
            case .changed: what = "changed outside telform"
            case .missing: what = "declared, missing live"
            case .unmanaged: what = "live, not declared"
            case .duplicate: what = "declared once, live more than once"
            }
            out += "\n<details><summary><code>\(PlanMarkdown.html(entry.address.description))</code> \(what)</summary>\n\n"
            if entry.fields.isEmpty {
                out += "No fields to show.\n"
            } else {
                out += "| field | file | live |\n|---|---|---|\n"
                for field in entry.fields { out += "| `\(field.path)` | \(PlanMarkdown.code(field.file)) | \(PlanMarkdown.code(field.live)) |\n" }
            }
            out += "\n</details>\n"
        }
        return out
    }
}
