import Foundation
import TelformCore
import TelformPlatforms
import TelformSimulator

@main
struct Telform {
    static let version = "0.1.0"

    static func main() async {
        end(await run(Array(CommandLine.arguments.dropFirst())))
    }

    /// Ends the process with `code`: the embedded simulators' state on disk (written behind
    /// the calls), output flushed, then `_exit`, which runs no exit handler: OpenSSL's frees
    /// its global state while another thread may still be using OpenSSL (a transport's
    /// thread ending, a TLS connection of `sim serve`), and the process then crashes.
    static func end(_ code: Int32) -> Never {
        PersistentPlatform.flushAll()
        fflush(nil)
        _exit(code)
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
            if arguments.has(Flag.version) && arguments.given.count == 1 {
                Terminal.out("telform \(version)")
                return 0
            }
            if arguments.has(Flag.help) {
                Terminal.out(CommandTable.overview, terminator: "")
                return 0
            }
            Terminal.message(CommandTable.overview)
            return 1
        }
        if let when = arguments.value(Flag.color), !["auto", "always", "never"].contains(when) {
            Terminal.error("--color takes auto, always or never")
            return 1
        }
        Terminal.colorMessages = Terminal.colorEnabled(arguments, stream: STDERR_FILENO)
        switch CommandLineCheck.check(arguments) {
        case .exit(let code) where code >= 0: return code
        case .run(let command): return await command.run(arguments)
        default:
            let commands = CommandTable.commands.map(\.word)
            let hint = Suggestion.closest(to: arguments.command ?? "", in: commands).map { "; did you mean \"\($0)\"?" } ?? ""
            Terminal.error("unknown command \"\(arguments.command ?? "")\"\(hint)")
            return 1
        }
    }

    /// `telform help [COMMAND]`, and `telform help --format markdown` (docs/commands.md).
    @Sendable static func help(_ arguments: Arguments) -> Int32 {
        if let format = arguments.value(Flag.helpFormat) {
            guard format == "markdown" else {
                Terminal.error("help: --format takes markdown")
                return 1
            }
            Terminal.out(CommandTable.markdown, terminator: "")
            return 0
        }
        let name = arguments.positionals.joined(separator: " ")
        if name.isEmpty {
            Terminal.out(CommandTable.overview, terminator: "")
            return 0
        }
        guard let command = CommandTable.command(name) ?? CommandTable.command(name + " serve") else {
            let hint = Suggestion.closest(to: name, in: CommandTable.commands.map(\.name)).map { "; did you mean \"\($0)\"?" } ?? ""
            Terminal.error("help: no command \"\(name)\"\(hint)")
            return 1
        }
        Terminal.out(CommandTable.help(command), terminator: "")
        return 0
    }
}

/// Where output goes: documents to stdout, messages to stderr (SPEC §1).
///
/// Every byte goes through the secret scrubber first: no secret the run knows (the config's,
/// or a credential header sent) is printed, whoever supplied the text around it.
enum Terminal {
    static func out(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((SecretScrubber.shared.scrub(text) + terminator).utf8))
    }

    static func message(_ text: String) {
        FileHandle.standardError.write(Data((SecretScrubber.shared.scrub(text) + "\n").utf8))
    }

    /// A `FILE:LINE:COL: error: ...` line, its severity coloured on a terminal.
    /// A config's diagnostics, in order. Every error is shown; a warning whose message repeats
    /// (a literal secret on each of 10,000 endpoints) is shown `shownAlike` times, then counted
    /// once at the end, unless `verbose` lists every one.
    static func diagnostics(_ list: [Diagnostic], verbose: Bool) {
        var seen: [String: Int] = [:]
        var order: [String] = []
        for item in list {
            guard item.severity == .warning, !verbose else {
                diagnostic(item.description)
                continue
            }
            seen[item.message, default: 0] += 1
            if seen[item.message] == 1 { order.append(item.message) }
            if let count = seen[item.message], count <= shownAlike { diagnostic(item.description) }
        }
        for text in order {
            guard let count = seen[text], count > shownAlike else { continue }
            message("  … and \(count - shownAlike) more warning\(count - shownAlike == 1 ? "" : "s") like it: \(text) (-v lists every one)")
        }
    }

    /// How many warnings of one message are shown before the rest are counted.
    static let shownAlike = 3

    static func diagnostic(_ text: String) {
        guard colorMessages else { return message(text) }
        // The first severity marker only: the message after it is the file's or a server's text.
        var shown = text
        for (marker, code) in [(": error: ", "31"), (": warning: ", "33")] {
            if let range = shown.range(of: marker) {
                shown.replaceSubrange(range, with: ": \u{1B}[\(code)m\(marker.dropFirst(2).dropLast(1))\u{1B}[0m ")
                break
            }
        }
        message(shown)
    }

    static func error(_ text: String) {
        message((colorMessages ? "\u{1B}[31mtelform: error:\u{1B}[0m " : "telform: error: ") + text)
    }

    /// A call or read still going after `waited` seconds: not a hang.
    static func stillWaiting(on what: String, _ waited: TimeInterval) {
        message("      still waiting on \(what) (\(Int(waited)) s)")
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

    /// `--color auto` (the default): colour on a terminal only, never with --no-color,
    /// NO_COLOR or TERM=dumb; `always` and `never` say so.
    static func colorEnabled(_ arguments: Arguments, stream: Int32 = STDOUT_FILENO) -> Bool {
        switch arguments.value(Flag.color) {
        case "always": return true
        case "never": return false
        default:
            let environment = ProcessInfo.processInfo.environment
            return !arguments.has(Flag.noColor) && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb" && isatty(stream) == 1
        }
    }

    /// Whether messages on stderr (errors, warnings) are coloured: set once the arguments are read.
    nonisolated(unsafe) static var colorMessages = false
}
