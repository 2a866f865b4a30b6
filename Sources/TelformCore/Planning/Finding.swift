/// Something a plan found that is not a change: an error that makes it wrong to act on, a
/// refusal apply will make (and the flag that lifts it, if one does), a warning, a note.
/// Typed, so the renderings, apply and tools read its severity and code rather than parse text.
public struct Finding: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        /// The plan is wrong to act on: plan exits 1, apply refuses.
        case error
        /// Apply refuses unless `liftedBy` is given (or at all, when nothing lifts it).
        case refusal
        case warning
        case note
    }

    public var severity: Severity
    /// A stable name for what was found (`delete-threshold`, `reference-deleted`).
    public var code: String
    /// The resource or scope it is about (`office/endpoints/desk`, `mts/schedules`), when one.
    public var address: String?
    /// The one line every rendering shows.
    public var summary: String
    /// The command-line flag that lifts a refusal (`--allow-deletes`).
    public var liftedBy: String?

    public init(_ severity: Severity, _ code: String, at address: String? = nil, _ summary: String, liftedBy: String? = nil) {
        self.severity = severity
        self.code = code
        self.address = address
        self.summary = summary
        self.liftedBy = liftedBy
    }

    public var description: String { summary }

    public var json: JSONNode {
        var pairs: [(String, JSONNode)] = [("severity", .string(severity.rawValue)), ("code", .string(code))]
        if let address { pairs.append(("address", .string(address))) }
        pairs.append(("summary", .string(summary)))
        if let liftedBy { pairs.append(("lifted_by", .string(liftedBy))) }
        return .object(pairs)
    }
}
