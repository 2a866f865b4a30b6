import TelformCore

/// What every command's words must satisfy before it runs, from the command table: help asked
/// for is printed and nothing else done; an unknown flag gets a did-you-mean; a flag that does
/// not repeat may not be given twice; a stray word is refused (a config file named without
/// `-c` says so).
enum CommandLineCheck {
    enum Outcome {
        case run(CommandSpec)
        case exit(Int32)
    }

    static func check(_ arguments: Arguments) -> Outcome {
        guard let word = arguments.command else { return .exit(-1) }
        let name = word == "sim" && arguments.positionals.first == "serve" ? "sim serve" : word
        guard let command = CommandTable.command(name) else {
            if word == "sim" {
                Terminal.error("sim: the one subcommand is serve: telform sim serve [flags]")
                return .exit(1)
            }
            return .exit(-1)
        }
        if arguments.has(Flag.help) {
            Terminal.out(CommandTable.help(command), terminator: "")
            return .exit(0)
        }
        let known = CommandTable.flags(of: command)
        let names = known.flatMap(\.names)
        for flag in arguments.given where !names.contains(flag) {
            let hint = Suggestion.closest(to: flag, in: names).map { "; did you mean \($0)?" } ?? ""
            Terminal.error("\(name): unknown flag \(flag)\(hint) (telform \(name) --help lists them)")
            return .exit(1)
        }
        for spec in known where !spec.repeats {
            let uses = arguments.given.filter { spec.names.contains($0) }
            if uses.count > 1 {
                Terminal.error("\(name): \(spec.long) given \(uses.count) times; give it once")
                return .exit(1)
            }
        }
        let operands = name == "sim serve" ? Array(arguments.positionals.dropFirst()) : arguments.positionals
        let allowed = ["apply": 1, "completion": 1, "explain": 1, "help": Int.max, "report": Int.max][name] ?? 0
        if operands.count > allowed {
            let stray = operands[allowed]
            if stray.hasSuffix(".yaml") || stray.hasSuffix(".yml") {
                Terminal.error("\(name): unexpected argument \(stray); a config file is given with -c: telform \(name) -c \(stray)")
            } else {
                Terminal.error("\(name): unexpected argument \(stray); usage: \(command.usage)")
            }
            return .exit(1)
        }
        return .run(command)
    }
}
