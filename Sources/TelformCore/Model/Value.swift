/// The canonical value of a field: what the config means after typing, and (later) what a
/// platform's live object means after normalisation. Both sides of a diff are `Value`s.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case list([Value])
    case object([String: Value])

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var int: Int64? {
        if case .int(let i) = self { return i }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var list: [Value]? {
        if case .list(let l) = self { return l }
        return nil
    }

    public var object: [String: Value]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public subscript(key: String) -> Value? {
        object?[key]
    }

    /// A compact, deterministic rendering: strings quoted, object keys sorted.
    public var description: String {
        var out = ""
        describe(into: &out)
        return out
    }

    /// `description`, appended to one buffer (fingerprints describe every live object).
    public func describe(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .string(let s): JSONText.quote(s, into: &out)
        case .list(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += ", " }
                item.describe(into: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { out += ", " }
                out += key
                out += ": "
                fields[key]!.describe(into: &out)
            }
            out += "}"
        }
    }
}
