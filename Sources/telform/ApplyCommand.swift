import Foundation
import TelformCore

/// `telform apply`: plans, confirms, carries out the changes; progress and summary on stderr.
enum ApplyCommand {
    static func run(_ arguments: Arguments) async -> Int32 {
        if let value = arguments.value(Flag.parallelism), Int(value).map({ $0 < 1 }) ?? true {
            Terminal.error("apply: --parallelism takes a positive number")
            return 1
        }
        // `apply PLAN.json`: the saved plan is the approval, if it still holds.
        // `apply --reviewed PLAN.json`: the reviewed plan is, if the plan made now is the same.
        var saved: SavedPlan?
        var reviewed: ReviewedPlan?
        var arguments = arguments
        if let path = arguments.value(Flag.reviewed) {
            guard arguments.positionals.isEmpty else {
                Terminal.error("apply: give either PLAN.json or --reviewed PLAN.json, not both")
                return 1
            }
            do {
                reviewed = ReviewedPlan(saved: try SavedPlan.load(path))
            } catch {
                Terminal.error("\(error)")
                return 1
            }
            guard reviewed?.salt != nil else {
                Terminal.error(
                    "\(path) holds no digests of its secrets, so what apply would send cannot be checked against it; save the plan for review with `telform plan -o \(path)`"
                )
                return 1
            }
            arguments = reviewed?.arguments(over: arguments) ?? arguments
        } else if let path = arguments.positionals.first {
            do {
                saved = try SavedPlan.load(path)
            } catch {
                Terminal.error("\(error)")
                return 1
            }
            arguments = saved?.arguments(over: arguments) ?? arguments
        }
        guard let (workspace, plan, live) = await PlanCommand.prepare(arguments, command: "apply") else { return 1 }
        if let saved {
            let reasons = saved.staleness(configDigest: workspace.configDigest, plan: plan)
            guard reasons.isEmpty else {
                Terminal.error("the saved plan is stale; nothing was changed:")
                for reason in reasons { Terminal.message("  \(reason)") }
                Terminal.message("Make a new plan and review it.")
                return 1
            }
        }
        if let reviewed, let salt = reviewed.salt {
            let now = PlanJSON(configDigest: workspace.configDigest, secretSalt: salt).render(plan)
            let (differences, inPlace) = reviewed.compare(with: now)
            guard differences.isEmpty else {
                Terminal.error("the plan made now differs from the reviewed plan; nothing was changed:")
                for line in differences { Terminal.message("  \(line)") }
                Terminal.message("Plan again (telform plan -o PLAN.json) and review the new plan.")
                return 1
            }
            if !inPlace.isEmpty {
                Terminal.message(
                    "\(inPlace.count) reviewed change\(inPlace.count == 1 ? " is" : "s are") not planned now (in place already): \(inPlace.prefix(5).joined(separator: ", "))\(inPlace.count > 5 ? ", …" : "")"
                )
            }
        }
        // The plan before the apply; with -q none (unless it asks for a yes: what is approved
        // is shown), and the text is not even made.
        let text = { PlanText(color: Terminal.colorEnabled(arguments)).render(plan) }
        let quiet = arguments.has(Flag.quiet)
        let show = { if !quiet { Terminal.write(text()) } }
        guard plan.errors.isEmpty else {
            show()
            Terminal.error("apply refused: the plan has errors; nothing was changed")
            return 1
        }
        // What apply carries out, taken out of the plan once.
        let executable = plan.executable
        guard !executable.changes.isEmpty else {
            show()
            return 0
        }
        // Each threshold is lifted by its own flag, and only by it.
        let lifted = Set([Flag.allowDeletes, Flag.allowUpdates].filter { arguments.has($0) }.map(\.long))
        let refusals = plan.refusals(lifting: lifted)
        if !refusals.isEmpty {
            show()
            Terminal.error("apply refused; nothing was changed:")
            for refusal in refusals {
                Terminal.message("  \(refusal)")
            }
            return 1
        }
        if saved == nil && reviewed == nil && !arguments.has(Flag.autoApprove) {
            guard isatty(STDIN_FILENO) == 1 else {
                show()
                Terminal.error("apply needs --auto-approve (or a saved plan) when not run on a terminal; nothing was changed")
                return 1
            }
            Terminal.write(text())
            Terminal.prompt("Apply these changes? Only 'yes' is accepted: ")
            guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
                Terminal.message("Apply cancelled; nothing was changed.")
                return 1
            }
        } else {
            show()
        }
        let parallelism = arguments.value(Flag.parallelism).flatMap(Int.init) ?? workspace.config.policy.parallelism
        let interruption = Interruption.shared
        interruption.arm()
        let perProvider = workspace.config.policy.providerParallelism
        let providers = Set(executable.changes.map(\.address.provider)).count
        if !quiet {
            // The limits in effect, so a slow apply can be read right: p calls at once, but
            // never more than q toward one API.
            Terminal.message(
                "Applying \(executable.changes.count) change\(executable.changes.count == 1 ? "" : "s"): at most \(min(parallelism, perProvider * max(1, providers))) call\(min(parallelism, perProvider * max(1, providers)) == 1 ? "" : "s") at once (parallelism \(parallelism), \(perProvider) per provider: policy.provider_parallelism)"
            )
        }
        let total = executable.changes.count
        let counter = Counter()
        let executor = Executor(parallelism: parallelism, perProvider: perProvider, slowAfter: 10) { change, waited in
            if !quiet { Terminal.stillWaiting(on: "\(change.address): \(change.label)", waited) }
        }
        let results = await executor.run(
            executable, drivers: workspace.drivers, live: live,
            stop: { interruption.received != nil }
        ) { event in
            // -q keeps the summary and the failures, not the line per call.
            let n = counter.next()
            if !quiet { Terminal.message("[\(n)/\(total)] " + progressLine(event)) }
        }
        let status = summarize(results)
        return interruption.exitStatus ?? status
    }

    static func progressLine(_ event: Executor.Event) -> String {
        let head = "\(event.change.address): \(event.change.cleanup ? "delete of the previous version" : event.change.action.rawValue)"
        switch event.outcome {
        case .succeeded(let seconds): return "\(head) done (\(Int((seconds * 1000).rounded())) ms)"
        case .failed(let message): return "\(head) FAILED: \(message)"
        case .skipped(let why): return "\(head) skipped: \(why)"
        }
    }

    static func summarize(_ results: [Executor.Result]) -> Int32 {
        let succeeded = results.filter { if case .succeeded = $0.outcome { return true } else { return false } }
        let failed = results.compactMap { r -> String? in if case .failed(let m) = r.outcome { return "\(r.address): \(m)" } else { return nil } }
        let skipped = results.compactMap { r -> String? in if case .skipped(let w) = r.outcome { return "\(r.address): \(w)" } else { return nil } }
        Terminal.message("\nApply: \(succeeded.count) succeeded, \(failed.count) failed, \(skipped.count) skipped.")
        if !failed.isEmpty {
            Terminal.message("Failed:")
            for line in failed { Terminal.message("  \(line)") }
        }
        if !skipped.isEmpty {
            Terminal.message("Skipped:")
            for line in skipped { Terminal.message("  \(line)") }
        }
        return failed.isEmpty && skipped.isEmpty ? 0 : 1
    }
}
