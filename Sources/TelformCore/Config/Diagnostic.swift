/// One finding about the config, printed as `FILE:LINE:COL: error: PATH: MESSAGE`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    /// What a finding is, where code acts on it (never on its words).
    public enum Code: Sendable, Hashable {
        /// `${env:NAME}` unset or `${file:PATH}` missing: a provider that is not read, or a
        /// simulator's credential, does not need it.
        case unresolvedReference
        /// A reference to an object the file does not declare (it may exist live): what the
        /// file alone says about routing is incomplete (`explain` refuses to guess).
        case undeclaredReference
    }

    public var severity: Severity
    public var mark: Mark
    public var path: String
    public var message: String
    public var code: Code?

    public init(_ severity: Severity, _ mark: Mark, _ path: String, _ message: String, code: Code? = nil) {
        self.severity = severity
        self.mark = mark
        self.path = path
        self.message = message
        self.code = code
    }

    public var description: String {
        "\(mark): \(severity.rawValue): \(path.isEmpty ? "(document)" : path): \(message)"
    }
}

/// Collects diagnostics for one run, so every finding is reported, not just the first.
public struct DiagnosticList: Sendable {
    public private(set) var items: [Diagnostic] = []

    public init() {}

    public mutating func error(_ mark: Mark, _ path: String, _ message: String, code: Diagnostic.Code? = nil) {
        items.append(Diagnostic(.error, mark, path, message, code: code))
    }

    public mutating func warning(_ mark: Mark, _ path: String, _ message: String, code: Diagnostic.Code? = nil) {
        items.append(Diagnostic(.warning, mark, path, message, code: code))
    }

    public mutating func append(contentsOf other: [Diagnostic]) {
        items.append(contentsOf: other)
    }

    public var hasErrors: Bool { items.contains { $0.severity == .error } }

    /// In file order; a finding reported twice (an alias reused in several places) once.
    public var sorted: [Diagnostic] {
        var seen = Set<Diagnostic>()
        return
            items
            .filter { seen.insert($0).inserted }
            .enumerated()
            .sorted { ($0.element.mark, $0.offset) < ($1.element.mark, $1.offset) }
            .map(\.element)
    }
}
