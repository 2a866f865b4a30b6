import TelformCore

/// `telform drift`: what changed outside telform, what is missing live, what is unmanaged.
/// Exit 2 when something drifted that a change could fix, 0 in sync (or when the only
/// differences are ones the platform can only report, unless --strict), 1 on errors.
enum DriftCommand {
    static func run(_ arguments: Arguments) async -> Int32 {
        guard let (_, plan, _) = await PlanCommand.prepare(arguments, command: "drift") else { return 1 }
        let report = DriftReport(plan: plan)
        switch arguments.value(Flag.format) ?? "text" {
        case "json": Terminal.out(report.json().rendered())
        case "markdown": Terminal.write(report.markdown())
        default: Terminal.write(report.text())
        }
        return report.hasActionableDrift || (report.hasDrift && arguments.has(Flag.strict)) ? 2 : 0
    }
}
