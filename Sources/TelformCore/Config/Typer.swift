/// Types YAML nodes by the schema of the field they land in, reporting every mismatch and
/// limit with its position. Never guesses from YAML 1.1: a string field keeps literal text.
public struct Typer {
    public enum Mode: Sendable {
        /// `validate`: unresolved references are warnings.
        case validate
        /// `plan`/`apply`: unresolved references are errors.
        case strict
    }

    public var diagnostics = DiagnosticList()
    public let interpolator: Interpolator
    public let mode: Mode

    public init(interpolator: Interpolator, mode: Mode) {
        self.interpolator = interpolator
        self.mode = mode
    }

    /// Types a mapping against an object schema. Returns nil only when the node is not a mapping.
    public mutating func object(_ node: YAMLNode, _ schema: ObjectSchema, path: String) -> [String: Value]? {
        guard let pairs = node.pairs else {
            diagnostics.error(node.mark, path, "expected a mapping, got \(node.kindName)")
            return nil
        }
        var result: [String: Value] = [:]
        for pair in pairs {
            let fieldPath = join(path, pair.key)
            guard let field = schema.field(pair.key) else {
                diagnostics.error(pair.keyMark, fieldPath, Suggestion.unknownKey(pair.key, among: schema.fields.map(\.name)))
                continue
            }
            if pair.value.isNull {
                if field.required { diagnostics.error(pair.value.mark, fieldPath, "is required and may not be empty") }
                if field.flags.contains(.removable) { result[field.name] = .null }
                continue
            }
            if let value = self.value(pair.value, field.type, path: fieldPath, field: field) {
                result[field.name] = value
            }
        }
        for field in schema.fields where (field.required || field.defaultValue != nil) && !pairs.contains(where: { $0.key == field.name }) {
            if field.required { diagnostics.error(node.mark, join(path, field.name), "is required") }
            if let value = field.defaultValue, result[field.name] == nil { result[field.name] = value }
        }
        check(schema.rules, result, node: node, path: path)
        return result
    }

    /// Types one node as `type`. Returns nil when it cannot (the reason is reported).
    public mutating func value(_ node: YAMLNode, _ type: FieldType, path: String, field: FieldSchema? = nil) -> Value? {
        if let tag = node.tag {
            diagnostics.error(node.mark, path, "YAML tag \(tag) is not used by telform; the field's type decides how the value is read")
            return nil
        }
        switch type {
        case .string(let rules):
            return string(node, rules, path: path, field: field)
        case .integer(let rules):
            return integer(node, rules, path: path)
        case .bool:
            return bool(node, path: path)
        case .list(let itemType, let rules):
            guard let items = node.items else {
                diagnostics.error(node.mark, path, "expected a list, got \(node.kindName)")
                return nil
            }
            checkCount(items.count, rules, node: node, path: path)
            var values: [Value] = []
            for (index, element) in items.enumerated() {
                if element.isNull {
                    diagnostics.error(element.mark, "\(path)[\(index)]", "a list item may not be empty")
                    continue
                }
                if let v = value(element, itemType, path: "\(path)[\(index)]", field: field) { values.append(v) }
            }
            return .list(values)
        case .object(let schema):
            return object(node, schema, path: path).map(Value.object)
        case .map(let valueType, let keys):
            guard let pairs = node.pairs else {
                diagnostics.error(node.mark, path, "expected a mapping, got \(node.kindName)")
                return nil
            }
            var result: [String: Value] = [:]
            for pair in pairs {
                if let keys, !keys.contains(pair.key) {
                    diagnostics.error(pair.keyMark, join(path, pair.key), Suggestion.unknownKey(pair.key, among: keys))
                    continue
                }
                if let v = value(pair.value, valueType, path: join(path, pair.key), field: field) { result[pair.key] = v }
            }
            return .object(result)
        case .choice(let options):
            guard let option = options.first(where: { accepts($0, node) }) else {
                diagnostics.error(node.mark, path, "expected \(type.expectation), got \(node.kindName)")
                return nil
            }
            return value(node, option, path: path, field: field)
        }
    }
}
