import TelformCore

/// `telform drift`: what changed outside telform, what is missing live, what is unmanaged.
/// Exit 2 when anything drifted, 0 in sync, 1 on errors.
enum DriftCommand {
    static let known = CommandTable.known("drift")

    static func run(_ arguments: Arguments) async -> Int32 {
        guard let (_, plan, _) = await PlanCommand.prepare(arguments, command: "drift", known: known) else { return 1 }
        let report = DriftReport(plan: plan)
        switch arguments.value("--format") ?? "text" {
        case "json": Terminal.out(report.json().rendered())
        case "markdown": Terminal.write(report.markdown())
        default: Terminal.write(report.text())
        }
        return report.hasDrift ? 2 : 0
    }
}
