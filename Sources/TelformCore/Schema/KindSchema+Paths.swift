/// Every declared path of a kind and its field, computed once with the kind: the diff asks
/// for a field's flags by path for every field of every resource.
final class PathIndex: Sendable {
    let paths: [String]
    /// Each declared path's position in `paths` (the first, for a repeated one).
    let positions: [String: Int]
    let fields: [String: FieldSchema]
    /// Each path's flags alone: asking for them copies no field declaration.
    let flags: [String: FieldSchema.Flags]

    static let empty = PathIndex(paths: [], fields: [:])

    init(paths: [String], fields: [String: FieldSchema]) {
        self.paths = paths
        positions = Self.positions(paths)
        self.fields = fields
        flags = fields.mapValues(\.flags)
    }

    init(_ kind: KindSchema) {
        paths = kind.walkDeclaredPaths()
        var fields: [String: FieldSchema] = [:]
        func walk(_ schema: ObjectSchema, _ prefix: String) {
            for field in schema.fields {
                let path = prefix.isEmpty ? field.name : prefix + "." + field.name
                if fields[path] == nil { fields[path] = field }
                switch field.type {
                case .object(let inner), .list(.object(let inner), _): walk(inner, path)
                default: break
                }
            }
        }
        if let schema = kind.resourceSchema { walk(schema, "") }
        if case .grouped(let group, _) = kind.shape {
            for field in group.fields { fields[field.name] = field }
        }
        self.fields = fields
        flags = fields.mapValues(\.flags)
        positions = Self.positions(paths)
    }

    static func positions(_ paths: [String]) -> [String: Int] {
        Dictionary(paths.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
    }
}

/// Field lookups by dotted path, for flags (sensitive, write-only, create-only) and ordering.
extension KindSchema {
    /// The field declaration at a dotted path (`forward.no_answer.timeout`).
    public func field(path: String) -> FieldSchema? {
        if let field = pathIndex.fields[path] { return field }
        return walkField(path: path)
    }

    func walkField(path: String) -> FieldSchema? {
        var schema: ObjectSchema? = resourceSchema
        var found: FieldSchema?
        if case .grouped(let group, _) = shape, let top = group.field(String(path.split(separator: ".")[0])) {
            if !path.contains(".") { return top }
        }
        for step in path.split(separator: ".") {
            guard let field = schema?.field(String(step)) else { return nil }
            found = field
            switch field.type {
            case .object(let inner), .list(.object(let inner), _): schema = inner
            default: schema = nil
            }
        }
        return found
    }

    /// Every dotted path the schema declares, in declaration order, for stable display.
    public var declaredPaths: [String] { pathIndex.paths }

    func walkDeclaredPaths() -> [String] {
        func walk(_ schema: ObjectSchema, _ prefix: String) -> [String] {
            schema.fields.flatMap { field -> [String] in
                let path = prefix.isEmpty ? field.name : prefix + "." + field.name
                if case .object(let inner) = field.type { return [path] + walk(inner, path) }
                return [path]
            }
        }
        var paths: [String] = []
        if case .grouped(let group, let members) = shape { paths += group.fields.map(\.name).filter { $0 != members } }
        if let schema = resourceSchema { paths += walk(schema, "") }
        if case .scalars(_, let field) = shape { paths.append(field) }
        return paths
    }

    /// Whether the value at `path` must never print.
    public func isSensitive(path: String, value: Value?) -> Bool {
        guard let field = field(path: path) else { return false }
        if field.isSensitive { return true }
        if field.flags.contains(.sensitiveWithCredentials), let text = value?.string { return URLText.hasCredentials(text) }
        return false
    }

    public func isWriteOnly(path: String) -> Bool {
        if let flags = pathIndex.flags[path] { return flags.contains(.writeOnly) }
        return field(path: path)?.flags.contains(.writeOnly) ?? false
    }
}
