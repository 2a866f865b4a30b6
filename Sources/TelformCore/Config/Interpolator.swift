import Foundation

/// Expands `${env:NAME}` and `${file:PATH}` inside strings (`$${` is a literal `${`).
/// PATH is relative to the folder of the file that holds the reference; one trailing newline of the file is dropped,
/// since secrets kept in files usually end with one.
///
/// A file is read only inside the root config's folder, or a folder `policy.file_roots` names
/// (symlinks resolved): a config is code a pull request can change, and a reference to
/// `/home/runner/.ssh/id_rsa` or `../../x` would send that file to whatever host the same
/// pull request names (docs/security.md, Untrusted pull requests).
public struct Interpolator: Sendable {
    public let baseDirectory: String
    public let environment: [String: String]
    /// The folders `${file:}` may read below, absolute, symlinks resolved.
    public private(set) var fileRoots: [String]
    /// Expansions already made: one `${env:PW}` shared by 10,000 resources is resolved once.
    private var cache = ExpansionCache()

    public init(baseDirectory: String, environment: [String: String]) {
        self.baseDirectory = baseDirectory
        self.environment = environment
        fileRoots = [Self.resolved(baseDirectory)]
    }

    /// Also reads files below `folder` (relative to the root config's folder).
    public mutating func allow(_ folder: String) {
        fileRoots.append(Self.resolved(folder.hasPrefix("/") ? folder : baseDirectory + "/" + folder))
        cache = ExpansionCache()  // what was refused before may be read now
    }

    /// `path` absolute, `.` and `..` gone, symlinks resolved.
    static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    public struct Outcome: Sendable, Equatable {
        /// The expanded text; nil when a reference could not be resolved.
        public var text: String?
        /// References that could not be resolved now (`env:NAME`, `file:PATH`).
        public var unresolved: [String] = []
        /// Malformed references.
        public var errors: [String] = []
        /// Whether the text held any reference at all.
        public var interpolated = false
        /// The files its `${file:}` references name (read or not), as paths from the working folder.
        public var files: [String] = []
    }

    /// Expands `input`; `directory` is the folder of the file it was written in.
    public func expand(_ input: String, directory: String? = nil) -> Outcome {
        var outcome = Outcome()
        // A byte scan: most strings hold no reference, and Foundation's contains is slow.
        guard Self.holdsReference(input) else {
            outcome.text = input
            return outcome
        }
        let key = (directory ?? baseDirectory) + "\u{0}" + input
        if let known = cache.get(key) { return known }
        defer { cache.set(key, outcome) }
        var out = ""
        var rest = Substring(input)
        while let start = rest.range(of: "${") {
            let before = rest[..<start.lowerBound]
            if before.hasSuffix("$") {
                out += before.dropLast() + "${"
                rest = rest[start.upperBound...]
                continue
            }
            out += before
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                outcome.errors.append("unclosed \"${\"; write ${env:NAME} or ${file:PATH} (or $${ for a literal)")
                break
            }
            let reference = String(rest[start.upperBound..<end])
            rest = rest[rest.index(after: end)...]
            outcome.interpolated = true
            if let value = resolve(reference, directory: directory ?? baseDirectory, &outcome) { out += value }
        }
        out += rest
        if outcome.unresolved.isEmpty && outcome.errors.isEmpty { outcome.text = out }
        return outcome
    }

    private func resolve(_ reference: String, directory: String, _ outcome: inout Outcome) -> String? {
        guard let colon = reference.firstIndex(of: ":") else {
            outcome.errors.append("\"${\(reference)}\" names no source; write ${env:NAME} or ${file:PATH}")
            return nil
        }
        let source = reference[..<colon]
        let argument = String(reference[reference.index(after: colon)...])
        guard !argument.isEmpty else {
            outcome.errors.append("\"${\(reference)}\" is missing its \(source == "file" ? "path" : "name")")
            return nil
        }
        switch source {
        case "env":
            guard TextPattern("^[A-Za-z_][A-Za-z0-9_]*$").matches(argument) else {
                outcome.errors.append("\"\(argument)\" is not an environment variable name")
                return nil
            }
            guard let value = environment[argument] else {
                outcome.unresolved.append("env:\(argument)")
                return nil
            }
            return value
        case "file":
            let path = argument.hasPrefix("/") ? argument : directory + "/" + argument
            outcome.files.append(path)
            let real = Self.resolved(path)
            guard fileRoots.contains(where: { real == $0 || real.hasPrefix($0 == "/" ? "/" : $0 + "/") }) else {
                outcome.errors.append(
                    "${\(reference)} is outside the config's folder (\(fileRoots[0])); a config reads files only there, or in a folder policy.file_roots names"
                )
                return nil
            }
            if let what = ConfigBytes.irregular(path) {
                outcome.errors.append("${\(reference)} names \(what), not a file")
                return nil
            }
            guard var bytes = ConfigBytes.contents(path) else {
                outcome.unresolved.append("file:\(argument)")
                return nil
            }
            // One line ending is dropped, counted in bytes: Swift reads "\r\n" as one Character.
            if bytes.last == 0x0A { bytes.removeLast() }
            if bytes.last == 0x0D { bytes.removeLast() }
            switch ConfigBytes.text(bytes) {
            case .success(let text): return text
            case .failure(let invalid):
                outcome.errors.append("${\(reference)}: line \(invalid.line), column \(invalid.column): \(invalid.message)")
                return nil
            }
        default:
            outcome.errors.append("unknown source \"\(source)\" in \"${\(reference)}\"; write ${env:NAME} or ${file:PATH}")
            return nil
        }
    }
}

extension Interpolator {
    static func holdsReference(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if previous == 0x24, byte == 0x7B { return true }  // "${"
            previous = byte
        }
        return false
    }
}

/// Expansion outcomes by (directory, text), shared by the copies of one interpolator.
final class ExpansionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [String: Interpolator.Outcome] = [:]

    func get(_ key: String) -> Interpolator.Outcome? { lock.withLock { outcomes[key] } }
    func set(_ key: String, _ outcome: Interpolator.Outcome) { lock.withLock { outcomes[key] = outcome } }
}
