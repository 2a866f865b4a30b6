import Foundation
import TelformCore
import TelformPlatforms

/// `telform plan`: reads live state, prints the ordered changes. Exit 0, 2 (changes, with
/// --detailed-exitcode) or 1 (errors).
enum PlanCommand {
    static func run(_ arguments: Arguments) async -> Int32 {
        guard let (workspace, plan, _) = await prepare(arguments, command: "plan") else { return 1 }
        if let file = arguments.value(Flag.planFile) {
            let saved = PlanJSON(
                configDigest: workspace.configDigest,
                configPath: SavedPlan.configPath(arguments.value(Flag.config) ?? "telform.yaml", planFile: file),
                options: SavedPlan.options(arguments), secretSalt: PlanJSON.newSalt()
            ).render(plan)
            do {
                try Terminal.save(saved.rendered() + "\n", to: file)
            } catch {
                Terminal.error("cannot write the plan to \(file): \(error.localizedDescription)")
                return 1
            }
            if !arguments.has(Flag.quiet) {
                Terminal.message("Saved the plan to \(file); `telform apply \(file)` makes exactly these changes.")
            }
        }
        let format = arguments.value(Flag.format) ?? "text"
        switch format {
        case "json":
            Terminal.out(PlanJSON(configDigest: workspace.configDigest).render(plan).rendered())
        case "markdown":
            Terminal.write(PlanMarkdown().render(plan))
        default:
            Terminal.write(PlanText(color: Terminal.colorEnabled(arguments)).render(plan))
        }
        if !plan.errors.isEmpty {
            Terminal.error("the plan has \(plan.errors.count == 1 ? "an error" : "\(plan.errors.count) errors"); apply would refuse it")
            return 1
        }
        return plan.hasChanges && arguments.has(Flag.detailedExitcode) ? 2 : 0
    }

    /// Why an address pattern (`PROVIDER/KIND/KEY...`, globs allowed) can match nothing.
    static func patternProblem(_ text: String, config: Config) -> String? {
        let parts = text.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        let names = config.providers.map(\.name)
        let providers = config.providers.filter { AddressPattern(parts[0]).matches($0.name) }
        guard !providers.isEmpty else {
            let hint = Suggestion.closest(to: parts[0], in: names).map { "; did you mean \"\($0)\"?" } ?? ""
            return "no provider matches \"\(parts[0])\" (providers: \(names.joined(separator: ", ")))\(hint)"
        }
        guard parts.count > 1 else { return nil }
        let kinds = providers.flatMap { provider in PlatformCatalog.schema(provider.type)?.kinds.map(\.name) ?? [] }
        guard kinds.contains(where: AddressPattern(parts[1]).matches) else {
            let hint = Suggestion.closest(to: parts[1], in: kinds).map { "; did you mean \"\($0)\"?" } ?? ""
            return "no kind matches \"\(parts[1])\" (kinds: \(Array(Set(kinds)).sorted().joined(separator: ", ")))\(hint)"
        }
        return nil
    }

    /// Loads, connects, reads and plans; prints what went wrong and returns nil on failure.
    /// (Flags and operands were checked against the command table before the command ran.)
    static func prepare(_ arguments: Arguments, command: String) async -> (Workspace, Plan, [String: LiveState])? {
        if let format = arguments.value(Flag.format), !["text", "json", "markdown"].contains(format) {
            Terminal.error("\(command): unknown format \"\(format)\"; use text, json or markdown")
            return nil
        }
        let onSimulators = arguments.has(Flag.onSimulators)
        if onSimulators && arguments.value(Flag.planFile) != nil {
            Terminal.error("plan: a plan --on-simulators is for reading, not for apply: -o cannot save it")
            return nil
        }
        guard var workspace = Workspace.load(arguments, readOnly: command == "drift", onSimulators: onSimulators) else { return nil }
        if onSimulators && !arguments.has(Flag.quiet) {
            Terminal.message("Planning on the embedded simulators (--on-simulators): no provider's url is called, no secret is read.")
        }
        // The simulators of --on-simulators are read in this function and kept nowhere.
        defer { workspace.simulatorStates.map { _ = try? FileManager.default.removeItem(atPath: $0) } }
        // An address pattern that names no provider or kind would select nothing, silently:
        // an error, with a suggestion.
        for flag in [Flag.target, Flag.replace, Flag.rotate] {
            for text in arguments.values(flag) {
                if let problem = Self.patternProblem(text, config: workspace.config) {
                    Terminal.error("\(flag.long) \(text): \(problem)")
                    return nil
                }
            }
        }
        if command == "apply", case .failure(let failure) = ApplyLock.acquire(directory: workspace.configDirectory) {
            Terminal.error("\(failure)")
            return nil
        }
        do {
            try workspace.connect(providers: arguments.values(Flag.provider), verbose: arguments.has(Flag.verbose))
        } catch {
            Terminal.error("\(error)")
            return nil
        }
        // On a terminal, what is being read and what has been (quiet when piped or with -q).
        let showProgress = isatty(STDERR_FILENO) == 1 && !arguments.has(Flag.quiet)
        if showProgress {
            Terminal.message(
                "Reading \(workspace.drivers.count) provider\(workspace.drivers.count == 1 ? "" : "s"): \(workspace.drivers.keys.sorted().joined(separator: ", "))"
            )
        }
        let progress: (@Sendable (String) -> Void)? = showProgress ? { @Sendable line in Terminal.message(line) } : nil
        let (live, errors, seconds) = await workspace.readAll(progress: progress, slow: Workspace.slowRead(arguments))
        guard errors.isEmpty else {
            for error in errors { Terminal.error(error) }
            return nil
        }
        let patterns = { (flag: FlagSpec) in arguments.values(flag).map(AddressPattern.init) }
        let options = Planner.Options(
            targets: patterns(Flag.target), replace: patterns(Flag.replace), rotate: patterns(Flag.rotate),
            allowDeletes: arguments.has(Flag.allowDeletes))
        // Routing changes are shown by plan, and by apply when it prints the plan; drift and
        // a quiet apply do not show them, so they are not computed there.
        let routing = command == "plan" || (command == "apply" && !arguments.has(Flag.quiet))
        let plan = workspace.plan(live: live, options: options, seconds: seconds, routing: routing)
        return (workspace, plan, live)
    }
}
