/// How values show in plans: strings quoted, absent as `(none)`, secrets masked.
public enum ValueDisplay {
    public static func text(_ value: Value?) -> String {
        guard let value, value != .null else { return "(none)" }
        return value.description
    }

    /// The display of a field's value, masking sensitive and write-only ones.
    public static func field(_ path: String, _ value: Value?, kind: KindSchema?) -> String {
        guard let value, value != .null else { return "(none)" }
        let shown = masked(path, value, kind: kind, annotate: true)
        if shown != value, case .string(let mask) = shown { return mask }
        return text(shown)
    }

    /// The JSON form of a field's value, masked the same way.
    public static func json(_ path: String, _ value: Value?, kind: KindSchema?) -> JSONNode {
        guard let value else { return .null }
        return json(masked(path, value, kind: kind))
    }

    /// The value with every sensitive part replaced by its mask, at any depth: a whole
    /// object shown at once (a voicemail box removed) never shows the PIN inside it.
    /// With `annotate` (text for people, never JSON), a value whose canonical form is not what
    /// a person writes is followed by its description.
    public static func masked(_ path: String, _ value: Value, kind: KindSchema?, annotate: Bool = false) -> Value {
        guard let kind else { return value }
        if value != .null, kind.isSensitive(path: path, value: value) {
            return .string(kind.isWriteOnly(path: path) ? "(write-only)" : "(sensitive)")
        }
        if annotate, case .string(let text) = value, let described = kind.field(path: path)?.annotation?(value), described != text {
            return .string("\(text) (\(described))")
        }
        switch value {
        case .object(let fields):
            return .object(fields.reduce(into: [:]) { out, pair in out[pair.key] = masked(path + "." + pair.key, pair.value, kind: kind, annotate: annotate) })
        case .list(let items):
            return .list(items.map { masked(path, $0, kind: kind, annotate: annotate) })
        default:
            return value
        }
    }

    public static func json(_ value: Value) -> JSONNode {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .string(let s): return .string(s)
        case .list(let items): return .array(items.map(json))
        case .object(let fields): return .object(fields.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
        }
    }
}
