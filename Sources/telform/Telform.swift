import Foundation
import TelformCore
import TelformPlatforms
import TelformSimulator

@main
struct Telform {
    static let version = "0.1.0"
    static let global: Set<String> = ["--no-color", "-q", "--quiet", "-v", "--verbose", "-h", "--help"]

    static func main() async {
        let code = await run(Array(CommandLine.arguments.dropFirst()))
        // The embedded simulators write their state behind the calls: on disk before exit.
        PersistentPlatform.flushAll()
        exit(code)
    }

    static func run(_ words: [String]) async -> Int32 {
        let arguments: Arguments
        do {
            arguments = try Arguments(words)
        } catch {
            Terminal.error("\(error)")
            return 1
        }
        guard arguments.command != nil else {
            if arguments.has("-h", "--help") {
                Terminal.out(usage)
                return 0
            }
            Terminal.message(usage)
            return 1
        }
        switch arguments.command {
        case "validate":
            return ValidateCommand.run(arguments)
        case "schema":
            return SchemaCommand.run(arguments)
        case "version":
            Terminal.out("telform \(version)")
            return 0
        case "help":
            Terminal.out(usage)
            return 0
        case "plan":
            return await PlanCommand.run(arguments)
        case "apply":
            return await ApplyCommand.run(arguments)
        case "sim":
            return await SimCommand.run(arguments)
        case "drift":
            return await DriftCommand.run(arguments)
        case "export":
            return await ExportCommand.run(arguments)
        default:
            let commands = ["validate", "plan", "apply", "drift", "export", "schema", "sim", "version"]
            let hint = Suggestion.closest(to: arguments.command ?? "", in: commands).map { "; did you mean \"\($0)\"?" } ?? ""
            Terminal.error("unknown command \"\(arguments.command ?? "")\"\(hint)")
            return 1
        }
    }

    static let usage = """
    telform: telephony configuration as code

    Usage:
      telform validate [-c FILE]     check the config (no network); -c - reads standard input
      telform plan [-c FILE] [-o PLAN.json] [--format text|json|markdown] [--detailed-exitcode]
                   [--target ADDR]... [--provider NAME]...
                                     read live state and show the ordered changes
      telform apply [-c FILE | PLAN.json] [--auto-approve] [--allow-deletes] [--parallelism N]
                    [--replace ADDR]... [--rotate ADDR]... [--target ADDR]... [--provider NAME]...
                                     make the changes
      telform drift [-c FILE] [--format text|json|markdown]
                                     what changed outside telform; exit 2 on drift
      telform export --provider NAME [-c FILE] [--kind KIND]... [-o FILE]
                                     live state in the config language
      telform schema [--format json|markdown]
                                     the JSON Schema of the config language, or its reference
      telform sim serve [--port N] [--state DIR] [--latency MS] [--faults SPEC] [--log FILE]
                                     serve the platform simulators over HTTP on 127.0.0.1
      telform version                print the version

    Global options: --no-color, -q, -v
    The default config is ./telform.yaml.
    """
}

/// Where output goes: documents to stdout, messages to stderr (SPEC §1).
///
/// Every byte goes through the secret scrubber first: no secret the run knows (the config's,
/// or a credential header sent) is printed, whoever supplied the text around it.
enum Terminal {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((SecretScrubber.shared.scrub(text) + "\n").utf8))
    }

    static func message(_ text: String) {
        FileHandle.standardError.write(Data((SecretScrubber.shared.scrub(text) + "\n").utf8))
    }

    static func error(_ text: String) {
        message("telform: error: " + text)
    }

    /// A document without adding a newline.
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(SecretScrubber.shared.scrub(text).utf8))
    }

    static func prompt(_ text: String) {
        FileHandle.standardError.write(Data(SecretScrubber.shared.scrub(text).utf8))
    }

    /// A document written to a file (a saved plan, an export), scrubbed like the terminal.
    static func save(_ text: String, to path: String) throws {
        try Data(SecretScrubber.shared.scrub(text).utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Colour only on a terminal, and never with --no-color or NO_COLOR.
    static func colorEnabled(_ arguments: Arguments) -> Bool {
        !arguments.has("--no-color") && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) == 1
    }
}
