import TelformPlatforms

/// Every command and flag, in one table: it drives the parser (which flags take a value, which
/// may repeat, which a command knows), each command's help, `docs/commands.md` and the shell
/// completion scripts.
struct FlagSpec {
    /// The spellings, the long one last (`-c`, `--config`).
    let names: [String]
    /// The value's placeholder (`FILE`), or nil for a switch.
    let value: String?
    /// Given more than once adds a value; otherwise twice is an error.
    var repeats = false
    /// The values it takes, when there is a fixed set (for completion).
    var choices: [String] = []
    let help: String

    var long: String { names.last ?? "" }
    /// Its value is a path (completed with file names).
    var takesPath: Bool { ["FILE", "PLAN.json", "DIR"].contains(value ?? "") }
}

struct CommandSpec {
    let name: String
    let summary: String
    /// What follows the command word besides flags (`[PLAN.json]`), if anything.
    var operand: String? = nil
    let flags: [FlagSpec]
    let exitCodes: [(Int, String)]
    var details: String = ""
    /// What the command does; its exit code.
    let run: @Sendable (Arguments) async -> Int32

    /// The word typed first (`sim` for `sim serve`).
    var word: String { name.split(separator: " ").first.map(String.init) ?? name }

    var usage: String {
        "telform \(name)" + (operand.map { " \($0)" } ?? "") + (flags.isEmpty ? "" : " [flags]")
    }
}

/// Every flag of every command, by name: a command reads its flags through these, never by
/// their spelling, and the table lists them.
enum Flag {
    static let config = FlagSpec(
        names: ["-c", "--config"], value: "FILE", help: "The config file (default ./telform.yaml; - reads standard input for validate).")
    static let target = FlagSpec(
        names: ["--target"], value: "ADDR", repeats: true,
        help: "Only what the address pattern matches, and what that depends on (`*` and `?` wildcards: mts/find_me/201/*). Repeatable.")
    static let provider = FlagSpec(
        names: ["--provider"], value: "NAME", repeats: true, help: "Only this provider (its variables alone need to be set). Repeatable.")
    static let format = FlagSpec(names: ["--format"], value: "FORMAT", choices: ["text", "json", "markdown"], help: "text (default), json or markdown.")
    static let replace = FlagSpec(
        names: ["--replace"], value: "ADDR", repeats: true,
        help: "Delete and create again what the pattern matches, changed or not (for fields that cannot be read back). Repeatable.")
    static let rotate = FlagSpec(
        names: ["--rotate"], value: "ADDR", repeats: true,
        help: "Send the write-only fields (passwords) of what the pattern matches again. Repeatable.")

    static let help = FlagSpec(names: ["-h", "--help"], value: nil, help: "This help; nothing else is done.")
    static let quiet = FlagSpec(
        names: ["-q", "--quiet"], value: nil, help: "Less output: no plan before an apply (unless it asks for yes), no progress lines.")
    static let verbose = FlagSpec(names: ["-v", "--verbose"], value: nil, help: "Trace every HTTP call on stderr (secrets masked).")
    static let color = FlagSpec(
        names: ["--color"], value: "WHEN", choices: ["auto", "always", "never"],
        help: "auto (default: on a terminal, unless NO_COLOR is set or TERM=dumb), always or never.")
    static let noColor = FlagSpec(names: ["--no-color"], value: nil, help: "The same as --color never.")
    /// `telform --version`, before any command.
    static let version = FlagSpec(names: ["--version"], value: nil, help: "Print the version.")

    static let planFile = FlagSpec(
        names: ["-o"], value: "PLAN.json",
        help: "Save the plan, for `telform apply PLAN.json` or `apply --reviewed PLAN.json` (secrets only as salted digests).")
    static let reviewed = FlagSpec(
        names: ["--reviewed"], value: "PLAN.json",
        help:
            "Plan afresh and apply only if the changes are the ones in PLAN.json (a plan saved with -o and reviewed); otherwise list the differences and change nothing."
    )
    static let onSimulators = FlagSpec(
        names: ["--on-simulators"], value: nil,
        help:
            "Plan every provider against its embedded simulator (from its sim_seed, or empty) instead of its url: no credential or secret is read, no state is kept. For pull requests that must not see the secrets."
    )
    static let files = FlagSpec(
        names: ["--files"], value: nil,
        help:
            "Also list every file the config reads (its YAML files, ${file:} files, sim seeds, TLS files), one per line on stdout: what a CI path filter must cover."
    )
    static let detailedExitcode = FlagSpec(names: ["--detailed-exitcode"], value: nil, help: "Exit 2 when there are changes.")
    static let autoApprove = FlagSpec(
        names: ["--auto-approve"], value: nil, help: "Do not ask; needed when stdin is not a terminal (unless a plan file is given).")
    static let allowDeletes = FlagSpec(
        names: ["--allow-deletes"], value: nil, help: "Lift the delete threshold (policy.max_delete_percent); replaces count as deletes.")
    static let allowUpdates = FlagSpec(names: ["--allow-updates"], value: nil, help: "Lift the update threshold (policy.max_update_percent).")
    static let parallelism = FlagSpec(
        names: ["--parallelism"], value: "N", help: "Calls in flight at most (default policy.parallelism, 8); per provider policy.provider_parallelism.")
    static let strict = FlagSpec(names: ["--strict"], value: nil, help: "Exit 2 on differences the platform can only report too (XiVO contexts).")
    static let exportProvider = FlagSpec(names: ["--provider"], value: "NAME", help: "The provider to export (required).")
    static let kind = FlagSpec(names: ["--kind"], value: "KIND", repeats: true, help: "Only this kind. Repeatable.")
    static let output = FlagSpec(names: ["-o"], value: "FILE", help: "Write to FILE instead of stdout.")
    static let at = FlagSpec(
        names: ["--at"], value: "WHEN",
        help: "One moment ('sat 10:00', 'monday 09:30', '2026-01-01 10:00': a date applies holidays); without it, the week's distinct windows.")
    static let from = FlagSpec(names: ["--from"], value: "CALLER", help: "The caller's number (blacklists apply to it).")
    static let explainLive = FlagSpec(names: ["--live"], value: nil, help: "Explain the live state (read from the platforms) instead of the file.")
    static let explainFormat = FlagSpec(names: ["--format"], value: "FORMAT", choices: ["text", "json"], help: "text (default) or json.")
    static let tests = FlagSpec(
        names: ["--tests"], value: "FILE", help: "The tests file (default: the config's name with .tests.yaml: vpbx.yaml → vpbx.tests.yaml).")
    static let testLive = FlagSpec(names: ["--live"], value: nil, help: "Check the live state (read from the platforms) instead of the file.")
    static let reportFormat = FlagSpec(names: ["--format"], value: "FORMAT", choices: ["markdown", "json"], help: "markdown (default) or json.")
    static let schemaFormat = FlagSpec(names: ["--format"], value: "FORMAT", choices: ["json", "markdown"], help: "json (default) or markdown.")
    static let routingTests = FlagSpec(
        names: ["--routing-tests"], value: nil, help: "The JSON Schema of a routing tests file instead (telform test; docs/routing.md).")
    static let port = FlagSpec(names: ["--port"], value: "N", help: "The port (default 8080; 0 picks a free one, printed on the first line).")
    static let state = FlagSpec(names: ["--state"], value: "DIR", help: "Where the simulators keep their state (default .telform/sim-serve).")
    static let latency = FlagSpec(
        names: ["--latency"], value: "MS",
        help: "Every answer leaves MS milliseconds after its request came in (the simulator's own work done within that time).")
    static let faults = FlagSpec(
        names: ["--faults"], value: "SPEC", help: "Deterministic faults: seed=N,p503=0.2,p429=0.1,pdrop=0.05,... (docs/simulator.md).")
    static let log = FlagSpec(names: ["--log"], value: "FILE", help: "Append METHOD PATH STATUS for every request.")
    static let tlsCert = FlagSpec(
        names: ["--tls-cert"], value: "FILE", help: "Serve https with this PEM certificate chain (with --tls-key; docs/simulator.md).")
    static let tlsKey = FlagSpec(names: ["--tls-key"], value: "FILE", help: "The PEM private key of --tls-cert.")
    static let platform = FlagSpec(
        names: ["--platform"], value: "TYPE", repeats: true, choices: PlatformCatalog.types,
        help: "Only this platform's provider (default: one of each). Repeatable.")
    static let helpFormat = FlagSpec(
        names: ["--format"], value: "FORMAT", choices: ["markdown"], help: "markdown: every command, as docs/commands.md.")
}

/// The commands, each with what it runs: the command line finds a command here by its word.
enum CommandTable {
    static let global: [FlagSpec] = [Flag.help, Flag.quiet, Flag.verbose, Flag.color, Flag.noColor]

    static let commands: [CommandSpec] = [
        CommandSpec(
            name: "init", summary: "Start here: a config on the simulators, its seeds and routing tests, .gitignore and a CI workflow.",
            flags: [Flag.platform], exitCodes: [(0, "written"), (1, "a file exists already (nothing written), or errors")],
            details: "Writes only new files; an existing .gitignore gets the lines it lacks.", run: InitCommand.run),
        CommandSpec(
            name: "validate", summary: "Check the config: types, limits, references. No network.",
            flags: [Flag.config, Flag.files], exitCodes: [(0, "valid (warnings may be printed)"), (1, "errors, each as FILE:LINE:COL")],
            run: ValidateCommand.run),
        CommandSpec(
            name: "plan", summary: "Read live state and show the ordered changes.",
            flags: [
                Flag.config, Flag.planFile, Flag.format, Flag.detailedExitcode, Flag.onSimulators, Flag.target, Flag.provider, Flag.replace, Flag.rotate,
            ],
            exitCodes: [(0, "planned (with changes, unless --detailed-exitcode)"), (1, "errors"), (2, "changes, with --detailed-exitcode")],
            run: PlanCommand.run),
        CommandSpec(
            name: "apply", summary: "Make the planned changes (asks for yes on a terminal).", operand: "[PLAN.json]",
            flags: [
                Flag.config, Flag.reviewed, Flag.autoApprove, Flag.allowDeletes, Flag.allowUpdates, Flag.parallelism, Flag.target, Flag.provider,
                Flag.replace, Flag.rotate,
            ],
            exitCodes: [(0, "every change made"), (1, "errors, refusals or failed calls"), (130, "interrupted (SIGINT)"), (143, "terminated (SIGTERM)")],
            details:
                "With PLAN.json the saved plan is applied as reviewed, or refused when the config or the live state changed since. With --reviewed PLAN.json the config is planned afresh (a merge commit) and applied only when its changes are the reviewed ones.",
            run: ApplyCommand.run),
        CommandSpec(
            name: "drift", summary: "What changed outside telform (a plan read as a report).",
            flags: [Flag.config, Flag.format, Flag.target, Flag.provider, Flag.strict],
            exitCodes: [
                (0, "no drift, or only differences the platform can only report (listed)"), (1, "errors"), (2, "drift (with --strict, any difference)"),
            ], run: DriftCommand.run),
        CommandSpec(
            name: "export", summary: "A provider's live state in the config language.",
            flags: [Flag.config, Flag.exportProvider, Flag.kind, Flag.output], exitCodes: [(0, "exported"), (1, "errors")], run: ExportCommand.run),
        CommandSpec(
            name: "explain", summary: "What happens to a call to NUMBER: whom it rings, when, and where it ends.", operand: "NUMBER",
            flags: [Flag.config, Flag.at, Flag.from, Flag.explainLive, Flag.explainFormat, Flag.provider],
            exitCodes: [(0, "explained"), (1, "errors, or no provider routes NUMBER")],
            details: "Without --live nothing is read from the network and no secret is needed. docs/routing.md explains the model of each platform.",
            run: ExplainCommand.run),
        CommandSpec(
            name: "test", summary: "Check routing expectations (a tests file) against the file's resources, or the live state.",
            flags: [Flag.config, Flag.tests, Flag.testLive, Flag.provider],
            exitCodes: [(0, "every expectation holds"), (1, "a failed expectation, or errors (each as FILE:LINE:COL)")],
            details:
                "Each test names a call, a moment and the route expected: steps (ring, play, busy, unreachable, then, one_of) or the route's text. docs/routing.md describes the file.",
            run: TestCommand.run),
        CommandSpec(
            name: "report", summary: "JSON plans and drift reports (from many jobs) gathered into one Markdown or JSON summary.", operand: "FILE...",
            flags: [Flag.reportFormat], exitCodes: [(0, "summarised"), (1, "a file that is not a JSON plan or drift report")], run: ReportCommand.run),
        CommandSpec(
            name: "schema", summary: "The JSON Schema of the config language, or its Markdown reference.",
            flags: [Flag.schemaFormat, Flag.routingTests], exitCodes: [(0, "printed"), (1, "errors")], run: SchemaCommand.run),
        CommandSpec(
            name: "sim serve", summary: "Serve the platform simulators over HTTP (or https) on 127.0.0.1 until stopped.",
            flags: [Flag.port, Flag.state, Flag.latency, Flag.faults, Flag.log, Flag.tlsCert, Flag.tlsKey],
            exitCodes: [(0, "stopped by SIGINT or SIGTERM (state written)"), (1, "errors")], run: SimCommand.run),
        CommandSpec(
            name: "completion", summary: "A shell completion script: telform completion bash|zsh|fish.", operand: "SHELL",
            flags: [], exitCodes: [(0, "printed"), (1, "unknown shell")], run: Completion.run),
        CommandSpec(
            name: "version", summary: "Print the version (also --version).", flags: [], exitCodes: [(0, "printed")],
            run: { _ in
                Terminal.out("telform \(Telform.version)")
                return 0
            }),
        CommandSpec(
            name: "help", summary: "Help on a command: telform help COMMAND.", operand: "[COMMAND]", flags: [Flag.helpFormat],
            exitCodes: [(0, "printed"), (1, "unknown command")], run: Telform.help),
    ]

    static func command(_ name: String) -> CommandSpec? { commands.first { $0.name == name } }

    /// Every flag that takes a value, in any command.
    static let valued: Set<String> = Set((global + commands.flatMap(\.flags)).filter { $0.value != nil }.flatMap(\.names))

    /// The flags `command` knows, global ones included.
    static func flags(of command: CommandSpec) -> [FlagSpec] { command.flags + global }

    // MARK: help

    static func help(_ command: CommandSpec) -> String {
        var text = "Usage: \(command.usage)\n\n\(command.summary)\n"
        if !command.details.isEmpty { text += "\(command.details)\n" }
        let flags = self.flags(of: command)
        let heads = flags.map { flag in flag.names.joined(separator: ", ") + (flag.value.map { " \($0)" } ?? "") }
        let width = (heads.map(\.count).max() ?? 0) + 2
        text += "\nFlags:\n"
        for (head, flag) in zip(heads, flags) {
            text += "  " + head + String(repeating: " ", count: width - head.count) + flag.help + "\n"
        }
        text += "\nExit codes:\n"
        for (code, meaning) in command.exitCodes { text += "  \(code)  \(meaning)\n" }
        return text
    }

    static var overview: String {
        let width = (commands.map(\.name.count).max() ?? 0) + 2
        var text = "telform: telephony configuration as code\n\nUsage: telform COMMAND [flags]\n\nCommands:\n"
        for command in commands { text += "  " + command.name + String(repeating: " ", count: width - command.name.count) + command.summary + "\n" }
        text += "\n`telform help COMMAND` or `telform COMMAND --help` explains a command's flags and exit codes.\n"
        text += "The default config is ./telform.yaml; --version prints the version.\n"
        return text
    }

    /// docs/commands.md: every command, generated from this table (a test keeps it current).
    static var markdown: String {
        var text = "# Commands\n\nGenerated from the command table (`telform help --format markdown`); a test fails when this file is stale.\n\n"
        text += "Global flags, on every command:\n\n" + flagTable(global) + "\n"
        for command in commands {
            text += "## `telform \(command.name)`\n\n\(command.summary)" + (command.details.isEmpty ? "" : " \(command.details)") + "\n\n"
            text += "Usage: `\(command.usage)`\n\n"
            if !command.flags.isEmpty { text += flagTable(command.flags) + "\n" }
            text += "| exit code | meaning |\n|---|---|\n" + command.exitCodes.map { "| \($0.0) | \($0.1) |\n" }.joined() + "\n"
        }
        return text
    }

    static func flagTable(_ flags: [FlagSpec]) -> String {
        "| flag | meaning |\n|---|---|\n"
            + flags.map { flag in
                "| `" + flag.names.joined(separator: "`, `") + (flag.value.map { " \($0)" } ?? "") + "` | " + flag.help + " |\n"
            }.joined()
    }
}
