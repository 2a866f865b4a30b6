/// How values show in plans: strings quoted, absent as `(none)`, secrets masked.
public enum ValueDisplay {
    public static func text(_ value: Value?) -> String {
        guard let value, value != .null else { return "(none)" }
        return value.description
    }

    /// The display of a field's value, masking sensitive and write-only ones.
    public static func field(_ path: String, _ value: Value?, kind: KindSchema?) -> String {
        guard let value, value != .null else { return "(none)" }
        if kind?.isSensitive(path: path, value: value) == true {
            return kind?.isWriteOnly(path: path) == true ? "(write-only)" : "(sensitive)"
        }
        return text(value)
    }

    /// The JSON form of a field's value, masked the same way.
    public static func json(_ path: String, _ value: Value?, kind: KindSchema?) -> JSONNode {
        guard let value else { return .null }
        if kind?.isSensitive(path: path, value: value) == true {
            return .string(kind?.isWriteOnly(path: path) == true ? "(write-only)" : "(sensitive)")
        }
        return json(value)
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
