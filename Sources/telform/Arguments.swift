/// A small command-line parser: a command word, flags, options with values, positionals.
struct Arguments {
    var command: String?
    var flags: Set<String> = []
    var options: [String: [String]] = [:]
    var positionals: [String] = []
    /// Every flag and option as given, in order (to find one given twice).
    var given: [String] = []

    /// Options that take a value (the command table's); everything else starting with - is a flag.
    static let valued: Set<String> = CommandTable.valued

    enum ParseError: Error, CustomStringConvertible {
        case missingValue(String)
        var description: String {
            switch self {
            case .missingValue(let option): return "option \(option) needs a value"
            }
        }
    }

    init(_ words: [String]) throws {
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            if word.hasPrefix("-") && word != "-" {
                var name = word
                var inline: String?
                if let eq = word.firstIndex(of: "="), word.hasPrefix("--") {
                    name = String(word[..<eq])
                    inline = String(word[word.index(after: eq)...])
                }
                given.append(name)
                if Self.valued.contains(name) {
                    if let inline {
                        options[name, default: []].append(inline)
                    } else {
                        guard index < words.count else { throw ParseError.missingValue(name) }
                        options[name, default: []].append(words[index])
                        index += 1
                    }
                } else {
                    flags.insert(name)
                }
            } else if command == nil {
                command = word
            } else {
                positionals.append(word)
            }
        }
    }

    /// The value of `flag` (the last, when it repeats); nil when not given.
    func value(_ flag: FlagSpec) -> String? {
        flag.names.lazy.compactMap { options[$0]?.last }.first
    }

    /// Every value of a repeatable `flag`, in order.
    func values(_ flag: FlagSpec) -> [String] {
        flag.names.flatMap { options[$0] ?? [] }
    }

    /// Gives `flag` these values, in place of any it had.
    mutating func set(_ flag: FlagSpec, _ values: [String]) {
        for name in flag.names { options[name] = nil }
        options[flag.long] = values
    }

    func has(_ flag: FlagSpec) -> Bool {
        flag.names.contains { flags.contains($0) }
    }

}
