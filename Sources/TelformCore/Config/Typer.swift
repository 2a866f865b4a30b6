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
    public var interpolator: Interpolator
    /// The files `${file:}` references named.
    public var filesNamed: Set<String> = []
    /// The files `localFile` fields named (an MTT prompt's mp3), in order.
    public var localFilesNamed: [String] = []
    public let mode: Mode

    public init(interpolator: Interpolator, mode: Mode) {
        self.interpolator = interpolator
        self.mode = mode
    }

    /// Where the node being typed is: the caller's path, then the keys and indexes taken
    /// below it, rendered (`providers.office.endpoints[3].forward.busy.to`) only when a
    /// diagnostic needs it: most values need none.
    enum Step {
        case key(String)
        case index(Int)
    }
    var base = ""
    var steps: [Step] = []
    /// The last expansion made and the last secret registered, to skip repeating them.
    var lastExpansion: (raw: String, file: UInt32, outcome: Interpolator.Outcome)?
    var lastRegistered: String?

    /// The current path, as diagnostics print it.
    var here: String {
        var text = base
        for step in steps {
            switch step {
            case .key(let key): text = text.isEmpty ? key : text + "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    /// The current path with one more key.
    func here(_ key: String) -> String {
        join(here, key)
    }

    /// Runs `body` with the path set to `path` (an entry point's), restoring it after.
    mutating func at<T>(_ path: String, _ body: (inout Typer) -> T) -> T {
        let saved = (base, steps)
        base = path
        steps = []
        defer { (base, steps) = saved }
        return body(&self)
    }

    /// Runs `body` one step below the current path.
    mutating func below<T>(_ step: Step, _ body: (inout Typer) -> T) -> T {
        steps.append(step)
        defer { steps.removeLast() }
        return body(&self)
    }

    /// Types a mapping against an object schema. Returns nil only when the node is not a mapping.
    public mutating func object(_ node: YAMLNode, _ schema: ObjectSchema, path: String) -> [String: Value]? {
        at(path) { $0.object(node, schema) }
    }

    mutating func object(_ node: YAMLNode, _ schema: ObjectSchema) -> [String: Value]? {
        guard let pairs = node.pairs else {
            diagnostics.error(node.mark, here, "expected a mapping, got \(node.kindName)")
            return nil
        }
        // Sized for the keys given: one allocation, no growth (what a canonical form adds
        // later grows it as it would have).
        var result: [String: Value] = Dictionary(minimumCapacity: pairs.count)
        for pair in pairs {
            guard let position = schema.position(pair.key) else {
                diagnostics.error(pair.keyMark, here(pair.key), Suggestion.unknownKey(pair.key, among: schema.fields.map(\.name)))
                continue
            }
            if pair.value.isNull {
                if schema.fields[position].required { diagnostics.error(pair.value.mark, here(pair.key), "is required and may not be empty") }
                if schema.fields[position].flags.contains(.removable) { result[pair.key] = .null }
                continue
            }
            if let value = below(.key(pair.key), { $0.value(pair.value, schema.fields[position].type, flags: schema.fields[position].flags) }) {
                result[pair.key] = value
            }
        }
        // The fields read in place by position (a copy of each field's schema per object was
        // a large share of typing a long list).
        for position in schema.presence where !pairs.contains(where: { $0.key == schema.fields[position].name }) {
            if schema.fields[position].required { diagnostics.error(node.mark, here(schema.fields[position].name), "is required") }
            if result[schema.fields[position].name] == nil, let value = schema.fields[position].defaultValue,
                schema.applies(schema.fields[position].name, in: result)
            {
                result[schema.fields[position].name] = value
            }
        }
        check(schema.rules, result, node: node)
        return result
    }

    /// Types one node as `type`. Returns nil when it cannot (the reason is reported).
    public mutating func value(_ node: YAMLNode, _ type: FieldType, path: String, field: FieldSchema? = nil) -> Value? {
        at(path) { $0.value(node, type, flags: field?.flags ?? []) }
    }

    /// `flags` are those of the field the value lands in (none for a value of no field): a
    /// sensitive one is registered to be scrubbed and described, never repeated.
    mutating func value(_ node: YAMLNode, _ type: FieldType, flags: FieldSchema.Flags) -> Value? {
        if let tag = node.tag {
            diagnostics.error(node.mark, here, "YAML tag \(tag) is not used by telform; the field's type decides how the value is read")
            return nil
        }
        switch type {
        case .string(let rules):
            return string(node, rules, flags: flags)
        case .integer(let rules):
            return integer(node, rules)
        case .bool:
            return bool(node)
        case .list(let itemType, let rules):
            guard let items = node.items else {
                diagnostics.error(node.mark, here, "expected a list, got \(node.kindName)")
                return nil
            }
            checkCount(items.count, rules, node: node)
            var values: [Value] = []
            for (index, element) in items.enumerated() {
                if element.isNull {
                    diagnostics.error(element.mark, below(.index(index)) { $0.here }, "a list item may not be empty")
                    continue
                }
                if let v = below(.index(index), { $0.value(element, itemType, flags: flags) }) { values.append(v) }
            }
            return .list(values)
        case .object(let schema):
            return object(node, schema).map(Value.object)
        case .map(let valueType, let keys):
            guard let pairs = node.pairs else {
                diagnostics.error(node.mark, here, "expected a mapping, got \(node.kindName)")
                return nil
            }
            var result: [String: Value] = [:]
            for pair in pairs {
                if let keys, !keys.contains(pair.key) {
                    diagnostics.error(pair.keyMark, here(pair.key), Suggestion.unknownKey(pair.key, among: keys))
                    continue
                }
                if let v = below(.key(pair.key), { $0.value(pair.value, valueType, flags: flags) }) { result[pair.key] = v }
            }
            return .object(result)
        case .choice(let options):
            guard let option = options.first(where: { accepts($0, node) }) else {
                diagnostics.error(node.mark, here, "expected \(type.expectation), got \(node.kindName)")
                return nil
            }
            return value(node, option, flags: flags)
        }
    }
}
