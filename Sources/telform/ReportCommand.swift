import Foundation
import TelformCore

/// `telform report FILE...`: JSON plans (`plan --format json`, saved plans) and JSON drift
/// reports gathered into one summary, for a CI matrix that plans or checks many configs or
/// providers in parallel jobs. Markdown by default (a job summary or a PR comment), or JSON.
enum ReportCommand {
    struct Row {
        var source: String
        var provider: String
        var counts: [Int]
    }

    static let planColumns = ["create", "update", "delete", "replace", "reported only", "errors"]
    static let driftColumns = ["changed", "missing", "unmanaged", "duplicate", "reported only"]

    static func run(_ arguments: Arguments) -> Int32 {
        let format = arguments.value(Flag.reportFormat) ?? "markdown"
        guard ["markdown", "json"].contains(format) else {
            Terminal.error("report: --format takes markdown or json")
            return 1
        }
        guard !arguments.positionals.isEmpty else {
            Terminal.error("report: name the JSON plans and drift reports: telform report FILE...")
            return 1
        }
        var plans: [Row] = []
        var drifts: [Row] = []
        for file in arguments.positionals {
            guard let data = FileManager.default.contents(atPath: file), let json = try? JSONParser.parse(Array(data)) else {
                Terminal.error("report: \(file): cannot read it as JSON")
                return 1
            }
            let providers = (json["providers"]?.array ?? []).compactMap { $0["name"]?.string }
            func provider(of entry: JSONNode) -> String { entry["address"]?.string.map { String($0.prefix { $0 != "/" }) } ?? "" }
            if let changes = json["changes"]?.array {
                let errors = (json["errors"]?.array?.count ?? 0) + (json["refusals"]?.array?.count ?? 0)
                for name in providers {
                    let mine = changes.filter { provider(of: $0) == name }
                    func count(_ action: String) -> Int {
                        mine.filter {
                            $0["action"]?.string == action && $0["cleanup"]?.bool != true && $0["blind"]?.bool != true && $0["report_only"]?.bool != true
                        }.count
                    }
                    plans.append(
                        Row(
                            source: file, provider: name,
                            counts: [
                                count("create"), count("update"), count("delete"), count("replace"),
                                mine.filter { $0["report_only"]?.bool == true }.count,
                                name == providers.first ? errors : 0,
                            ]))
                }
            } else if let entries = json["drift"]?.array {
                for name in providers {
                    let mine = entries.filter { provider(of: $0) == name }
                    func count(_ category: String) -> Int { mine.filter { $0["category"]?.string == category && $0["report_only"]?.bool != true }.count }
                    drifts.append(
                        Row(
                            source: file, provider: name,
                            counts: [
                                count("changed"), count("missing"), count("unmanaged"), count("duplicate"),
                                mine.filter { $0["report_only"]?.bool == true }.count,
                            ]))
                }
            } else {
                Terminal.error("report: \(file): neither a JSON plan (changes) nor a JSON drift report (drift)")
                return 1
            }
        }
        if format == "json" {
            func rows(_ rows: [Row], _ columns: [String]) -> JSONNode {
                .array(
                    rows.map { row in
                        .object(
                            [("source", .string(row.source)), ("provider", .string(row.provider))]
                                + zip(columns, row.counts).map { ($0.0.replacingOccurrences(of: " ", with: "_"), .int(Int64($0.1))) })
                    })
            }
            Terminal.out(JSONNode.object([("format_version", .int(1)), ("plans", rows(plans, planColumns)), ("drift", rows(drifts, driftColumns))]).rendered())
            return 0
        }
        var out = "## telform report\n\n"
        let changed = plans.filter { $0.counts.prefix(4).reduce(0, +) > 0 }.count
        let erred = plans.filter { $0.counts[5] > 0 }.count
        let drifted = drifts.filter { $0.counts.prefix(4).reduce(0, +) > 0 }.count
        out +=
            "**\(plans.count) planned provider\(plans.count == 1 ? "" : "s"): \(changed) with changes, \(erred) with errors or refusals; "
            + "\(drifts.count) checked for drift: \(drifted) drifted.**\n"
        for (title, rows, columns) in [("Plans", plans, planColumns), ("Drift", drifts, driftColumns)] where !rows.isEmpty {
            out +=
                "\n### \(title)\n\n| source | provider | " + columns.joined(separator: " | ") + " |\n|---|---|" + columns.map { _ in "---:|" }.joined() + "\n"
            for row in rows {
                out +=
                    "| \(PlanMarkdown.cell(row.source)) | \(PlanMarkdown.cell(row.provider)) | " + row.counts.map(String.init).joined(separator: " | ") + " |\n"
            }
            let totals = columns.indices.map { index in rows.reduce(0) { $0 + $1.counts[index] } }
            out += "| **total** | | " + totals.map { "**\($0)**" }.joined(separator: " | ") + " |\n"
        }
        Terminal.write(out)
        return 0
    }
}
