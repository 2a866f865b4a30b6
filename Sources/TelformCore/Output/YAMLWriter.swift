/// Writes values as config-language YAML: block mappings in the schema's field order, lists
/// of mappings as blocks, lists of scalars inline, every string double-quoted (so `007`,
/// `no` and `79161234567` stay text whatever reads the file).
public struct YAMLWriter: Sendable {
    public init() {}

    public func scalar(_ value: Value) -> String {
        switch value {
        case .null: return "~"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .string(let s): return JSONText.quote(s)
        case .list(let items): return "[" + items.map(scalar).joined(separator: ", ") + "]"
        case .object(let fields): return "{" + fields.sorted { $0.key < $1.key }.map { "\(key($0.key)): \(scalar($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    public func key(_ text: String) -> String {
        TextPattern("^[A-Za-z_][A-Za-z0-9_-]*$").matches(text) ? text : JSONText.quote(text)
    }

    /// `name: value` lines at `indent`, fields ordered by `schema` (then by name).
    public func mapping(_ fields: [String: Value], schema: ObjectSchema?, indent: Int) -> String {
        let order = Dictionary((schema?.fields ?? []).enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
        let pad = String(repeating: " ", count: indent)
        var out = ""
        for (name, value) in fields.sorted(by: { (order[$0.key] ?? Int.max, $0.key) < (order[$1.key] ?? Int.max, $1.key) }) {
            let inner = schema?.field(name).flatMap { field -> ObjectSchema? in
                switch field.type {
                case .object(let o), .list(.object(let o), _): return o
                default: return nil
                }
            }
            out += pad + key(name) + ":" + block(value, schema: inner, indent: indent)
        }
        return out
    }

    /// The rest of a `key:` line: an inline scalar, or a nested block on the following lines.
    func block(_ value: Value, schema: ObjectSchema?, indent: Int) -> String {
        switch value {
        case .object(let fields) where !fields.isEmpty:
            return "\n" + mapping(fields, schema: schema, indent: indent + 2)
        case .list(let items) where items.contains(where: { $0.object != nil }):
            return "\n" + sequence(items, schema: schema, indent: indent + 2)
        default:
            return " " + scalar(value) + "\n"
        }
    }

    /// `- ` items at `indent`; mappings continue under their dash.
    public func sequence(_ items: [Value], schema: ObjectSchema?, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var out = ""
        for item in items {
            if case .object(let fields) = item, !fields.isEmpty {
                let body = mapping(fields, schema: schema, indent: indent + 2)
                out += pad + "- " + body.dropFirst(indent + 2)
            } else {
                out += pad + "- " + scalar(item) + "\n"
            }
        }
        return out
    }
}
