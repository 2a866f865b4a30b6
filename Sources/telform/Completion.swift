/// `telform completion bash|zsh|fish`: completion scripts generated from the command table.
enum Completion {
    static func run(_ arguments: Arguments) -> Int32 {
        switch arguments.positionals.first {
        case "bash": Terminal.out(bash, terminator: "")
        case "zsh": Terminal.out(zsh, terminator: "")
        case "fish": Terminal.out(fish, terminator: "")
        default:
            Terminal.error("completion: name a shell: telform completion bash|zsh|fish")
            return 1
        }
        return 0
    }

    static var words: [String] { CommandTable.commands.map(\.word) }

    static func flagWords(_ command: CommandSpec) -> String {
        CommandTable.flags(of: command).flatMap(\.names).joined(separator: " ")
    }

    static var bash: String {
        var text = """
            # telform completion for bash: source <(telform completion bash)
            _telform() {
                local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" opts=""
                if [ "$COMP_CWORD" -eq 1 ]; then
                    COMPREPLY=( $(compgen -W "\(words.joined(separator: " "))" -- "$cur") )
                    return
                fi
                case "${COMP_WORDS[1]}/$prev" in

            """
        // A flag's values, per command (plan's --format and schema's differ).
        for command in CommandTable.commands {
            let word = command.word
            for flag in command.flags where flag.value != nil {
                let patterns = flag.names.map { "\(word)/\($0)" }.joined(separator: "|")
                if !flag.choices.isEmpty {
                    text += "        \(patterns)) COMPREPLY=( $(compgen -W \"\(flag.choices.joined(separator: " "))\" -- \"$cur\") ); return ;;\n"
                } else if flag.takesPath {
                    text += "        \(patterns)) COMPREPLY=( $(compgen -f -- \"$cur\") ); return ;;\n"
                }
            }
        }
        text += "    esac\n    case \"${COMP_WORDS[1]}\" in\n"
        for command in CommandTable.commands {
            let word = command.word
            let extra =
                command.name == "sim serve"
                ? "serve " : command.name == "completion" ? "bash zsh fish " : command.name == "help" ? words.joined(separator: " ") + " " : ""
            text += "        \(word)) opts=\"\(extra)\(flagWords(command))\" ;;\n"
        }
        text += """
                esac
                if [[ "$cur" != -* ]] && [ "${COMP_WORDS[1]}" = apply ]; then
                    COMPREPLY=( $(compgen -f -- "$cur") )
                    return
                fi
                COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
            }
            complete -F _telform telform

            """
        return text
    }

    static var zsh: String {
        "# telform completion for zsh: source <(telform completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n" + bash
    }

    static var fish: String {
        var text = "# telform completion for fish: telform completion fish | source\ncomplete -c telform -f\n"
        for command in CommandTable.commands {
            let word = command.word
            text += "complete -c telform -n '__fish_use_subcommand' -a '\(word)' -d '\(escape(command.summary))'\n"
            for flag in CommandTable.flags(of: command) {
                var line = "complete -c telform -n '__fish_seen_subcommand_from \(word)'"
                for name in flag.names {
                    line += name.hasPrefix("--") ? " -l \(name.dropFirst(2))" : " -s \(name.dropFirst())"
                }
                if flag.value != nil { line += " -r" }
                if !flag.choices.isEmpty { line += " -a '\(flag.choices.joined(separator: " "))'" } else if flag.takesPath { line += " -F" }
                text += line + " -d '\(escape(flag.help))'\n"
            }
        }
        return text
    }

    static func escape(_ text: String) -> String { text.replacingOccurrences(of: "'", with: "\\'") }
}
