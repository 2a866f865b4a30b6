import Foundation
import TelformCore
import TelformPlatforms

@main
struct Telform {
    static let version = "0.1.0"
    static let global: Set<String> = ["--no-color", "-q", "--quiet", "-v", "--verbose", "-h", "--help"]

    static func main() async {
        let code = run(Array(CommandLine.arguments.dropFirst()))
        exit(code)
    }

    static func run(_ words: [String]) -> Int32 {
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
        case "plan", "apply", "drift", "export", "sim":
            Terminal.error("telform \(arguments.command ?? ""): not available in this build yet; `telform validate` checks a config")
            return 1
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
      telform schema                 print the JSON Schema of the config language
      telform version                print the version

    Global options: --no-color, -q, -v
    The default config is ./telform.yaml.
    """
}

/// Where output goes: documents to stdout, messages to stderr (SPEC §1).
enum Terminal {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func message(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        message("telform: error: " + text)
    }
}
