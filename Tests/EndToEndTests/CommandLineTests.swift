import Foundation
import XCTest

/// The command line a user lives in: help that does nothing else, flags checked against the
/// command table, completion scripts and docs/commands.md generated from it.
final class CommandLineTests: XCTestCase {
    func golden(_ name: String) throws -> String {
        try String(contentsOf: TelformProcess.packageRoot.appendingPathComponent("Tests/EndToEndTests/golden/\(name)"), encoding: .utf8)
    }

    /// Help is printed, exit 0, and nothing else happens: no config read, no server started,
    /// no state written, whatever the folder holds.
    func testHelpPrintsAndDoesNothingElse() throws {
        let dir = try TelformProcess.scratch()  // no telform.yaml here
        for (arguments, file) in [
            (["plan", "--help"], "plan-help.txt"), (["plan", "-h"], "plan-help.txt"), (["help", "plan"], "plan-help.txt"),
            (["sim", "serve", "--help"], "sim-serve-help.txt"), (["help", "sim"], "sim-serve-help.txt"),
            (["apply", "--help"], "apply-help.txt"),
        ] {
            let outcome = try TelformProcess.run(arguments, directory: dir, timeout: 20)
            XCTAssertEqual(outcome.status, 0, arguments.joined(separator: " "))
            XCTAssertEqual(outcome.stdout, try golden(file), arguments.joined(separator: " "))
            XCTAssertEqual(outcome.stderr, "")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "nothing written: no .telform/sim-serve, no lock")
        let schema = try TelformProcess.run(["schema", "--help"], directory: dir)
        XCTAssertTrue(schema.stdout.hasPrefix("Usage: telform schema [flags]\n"), "the help, not the schema")
        XCTAssertEqual(try TelformProcess.run(["--version"]).stdout, "telform 0.1.0\n")
    }

    func testFlagsAreCheckedAgainstTheCommandTable() throws {
        let dir = try TelformProcess.scratch()
        let cases: [([String], String)] = [
            (
                ["plan", "--detailed-exit-code"],
                "telform: error: plan: unknown flag --detailed-exit-code; did you mean --detailed-exitcode? (telform plan --help lists them)"
            ),
            (["apply", "--auto-aprove"], "telform: error: apply: unknown flag --auto-aprove; did you mean --auto-approve? (telform apply --help lists them)"),
            (
                ["plan", "examples/endpoints.yaml"],
                "telform: error: plan: unexpected argument examples/endpoints.yaml; a config file is given with -c: telform plan -c examples/endpoints.yaml"
            ),
            (["plan", "-c", "a.yaml", "--config", "b.yaml"], "telform: error: plan: --config given 2 times; give it once"),
            (["validate", "--target", "x"], "telform: error: validate: unknown flag --target (telform validate --help lists them)"),
            (["help", "plna"], #"telform: error: help: no command "plna"; did you mean "plan"?"#),
        ]
        for (arguments, message) in cases {
            let outcome = try TelformProcess.run(arguments, directory: dir)
            XCTAssertEqual(outcome.status, 1, arguments.joined(separator: " "))
            XCTAssertEqual(outcome.stderrLines, [message])
        }
        // A repeatable flag may repeat.
        let targets = try TelformProcess.run(["plan", "--target", "a/b", "--target", "c/d"], directory: dir)
        XCTAssertFalse(targets.stderr.contains("given 2 times"), targets.stderr)
    }

    /// `sim serve` says where each simulator is and what credentials it accepts out of the box.
    func testSimServeSaysHowToAuthenticateToEachSimulator() throws {
        let dir = try TelformProcess.scratch()
        let served = try TelformProcess.run(["sim", "serve", "--port", "0", "--state", "state"], directory: dir, timeout: 3)
        let lines = served.stderrLines.map { $0.replacingOccurrences(of: #":[0-9]+/"#, with: ":PORT/", options: .regularExpression) }
        XCTAssertEqual(
            lines,
            [
                "  endpoints: http://127.0.0.1:PORT/endpoints (state in state/endpoints.json; accepts token sim-endpoints-token)",
                "  mtt: http://127.0.0.1:PORT/mtt (state in state/mtt.json; accepts password sim-mtt-password, username sim)",
                "  mxproxy: http://127.0.0.1:PORT/mxproxy (state in state/mxproxy.json; accepts client_id sim-client, client_secret sim-client-secret, password sim-mx-password, username sim@example.com)",
                "  vpbx: http://127.0.0.1:PORT/vpbx (state in state/vpbx.json; accepts token sim-vpbx-token)",
                "  xivo: http://127.0.0.1:PORT/xivo (state in state/xivo.json; no credentials needed)",
            ])
    }

    func testDocsCommandsIsCurrent() throws {
        let generated = try TelformProcess.run(["help", "--format", "markdown"])
        XCTAssertEqual(generated.status, 0)
        let doc = try String(contentsOf: TelformProcess.packageRoot.appendingPathComponent("docs/commands.md"), encoding: .utf8)
        XCTAssertEqual(doc, generated.stdout, "docs/commands.md is stale: telform help --format markdown > docs/commands.md")
    }

    /// The bash script loads, registers itself, and completes commands, flags and their values.
    func testBashCompletionLoadsAndCompletes() throws {
        let script = try TelformProcess.run(["completion", "bash"])
        XCTAssertEqual(script.status, 0)
        let file = try TelformProcess.scratch().appendingPathComponent("telform.bash")
        try script.stdout.write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "bash", "-c",
            """
            source \(file.path)
            complete -p telform
            COMP_WORDS=(telform pl); COMP_CWORD=1; _telform; echo "${COMPREPLY[@]}"
            COMP_WORDS=(telform apply --auto); COMP_CWORD=2; _telform; echo "${COMPREPLY[@]}"
            COMP_WORDS=(telform plan --format ''); COMP_CWORD=3; _telform; echo "${COMPREPLY[@]}"
            COMP_WORDS=(telform schema --format ''); COMP_CWORD=3; _telform; echo "${COMPREPLY[@]}"
            """,
        ]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(text, "complete -F _telform telform\nplan\n--auto-approve\ntext json markdown\njson markdown\n")
        for shell in ["zsh", "fish"] {
            let other = try TelformProcess.run(["completion", shell])
            XCTAssertEqual(other.status, 0)
            XCTAssertTrue(
                other.stdout.contains(
                    shell == "zsh" ? "complete -F _telform telform" : "complete -c telform -n '__fish_seen_subcommand_from plan' -l detailed-exitcode"),
                other.stdout)
        }
        XCTAssertEqual(
            try TelformProcess.run(["completion", "tcsh"]).stderrLines, ["telform: error: completion: name a shell: telform completion bash|zsh|fish"])
    }
}

/// Colour: on a terminal by default, never when piped, NO_COLOR or TERM=dumb; --color says.
final class ColorTests: XCTestCase {
    func testColorFollowsTheFlagAndTheEnvironment() throws {
        let dir = try TelformProcess.scratch()
        try "version: 1\nproviders:\n  office:\n    type: endpoints\n    url: sim://office\n    endpoints: [{name: a, extension: \"7\"}]\n"
            .write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let always = try TelformProcess.run(["validate", "--color", "always"], directory: dir)
        XCTAssertEqual(always.status, 1)
        XCTAssertTrue(always.stderr.contains("\u{1B}[31merror:\u{1B}[0m "), always.stderr)
        let plan = try TelformProcess.run(["plan", "--color", "always"], directory: dir)
        XCTAssertEqual(plan.stderrLines.last, "\u{1B}[31mtelform: error:\u{1B}[0m the configuration has errors; nothing was read or changed")
        for arguments in [["validate"], ["validate", "--color", "never"], ["validate", "--no-color"], ["validate", "--color", "auto"]] {
            let plain = try TelformProcess.run(arguments, environment: ["TERM": "dumb"], directory: dir)
            XCTAssertFalse(plain.stderr.contains("\u{1B}["), "\(arguments): piped or TERM=dumb: no colour")
        }
        let wrong = try TelformProcess.run(["validate", "--color", "sometimes"], directory: dir)
        XCTAssertEqual(wrong.stderrLines, ["telform: error: --color takes auto, always or never"])
    }

    func testApplyLinesCarryACounter() throws {
        let dir = try TelformProcess.scratch()
        try
            "version: 1\nproviders:\n  office:\n    type: endpoints\n    url: sim://office\n    tenant: acme\n    endpoints:\n      - {name: a, extension: \"101\", password: \"${env:PW}\"}\n      - {name: b, extension: \"102\", password: \"${env:PW}\"}\n"
            .write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let apply = try TelformProcess.run(["apply", "--auto-approve", "--parallelism", "1"], environment: SimConfigs.sipPassword, directory: dir)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        let lines = apply.stderrLines.filter { $0.hasPrefix("[") }.map { $0.components(separatedBy: " done (")[0] }
        XCTAssertEqual(lines, ["[1/2] office/endpoints/a: create", "[2/2] office/endpoints/b: create"])
    }

    /// On a terminal, plan says what it reads and what it has read; piped, nothing.
    func testPlanShowsReadProgressOnATerminalOnly() throws {
        let dir = try TelformProcess.scratch()
        try "version: 1\nproviders:\n  office:\n    type: endpoints\n    url: sim://office\n    tenant: acme\n    endpoints: []\n"
            .write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let terminal = try TelformProcess.run(
            ["-qec", "\(TelformProcess.binary.path) plan --no-color", "/dev/null"], directory: dir,
            executable: URL(fileURLWithPath: "/usr/bin/script"))
        XCTAssertEqual(terminal.status, 0)
        let lines = terminal.stdout.replacingOccurrences(of: "\r", with: "").split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "Reading 1 provider: office")
        XCTAssertTrue(lines.contains { $0.hasPrefix("  read office (endpoints): 0 live objects in ") }, terminal.stdout)
        let piped = try TelformProcess.run(["plan"], directory: dir)
        XCTAssertFalse(piped.stderr.contains("Reading"), piped.stderr)
    }
}
