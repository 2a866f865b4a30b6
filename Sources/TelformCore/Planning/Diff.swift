/// The generic diff: compares a declared resource with its live object, field by field.
/// Only what the file declares is compared (an undeclared optional field is not managed);
/// a declared null means "absent" and matches an absent live field. Write-only fields are
/// never compared: the API does not return them.
public enum Diff {
    public static let unmanaged: Set<String> = ["protect"]

    public static func fields(desired: Resource, live: Resource, kind: KindSchema) -> [FieldChange] {
        let liveValue = Value.object(live.fields)
        var changes: [FieldChange] = []
        // A top-level field equal on both sides holds no change anywhere below it: only the
        // others are flattened and compared path by path.
        // A top-level value that flattens to its own path only (not a non-empty mapping) and
        // is never compared there (unmanaged, write-only) is left out here already: a declared
        // password would otherwise send every endpoint down the path-by-path compare.
        var differing: [String: Value] = [:]
        for (key, declared) in desired.fields where live.fields[key] != declared {
            if case .object(let inner) = declared, !inner.isEmpty {
                differing[key] = declared
            } else if !unmanaged.contains(key), !kind.isWriteOnly(path: key) {
                differing[key] = declared
            }
        }
        if differing.isEmpty { return [] }
        for (path, declared) in Value.flatten(differing) {
            guard !unmanaged.contains(path), !kind.isWriteOnly(path: path) else { continue }
            let wanted = comparable(declared, path: path, kind: kind)
            let actual = liveValue.at(path)
            if !same(normalized(wanted, path: path, kind: kind), actual.map { normalized($0, path: path, kind: kind) }) {
                changes.append(FieldChange(path: path, before: actual ?? .null, after: wanted))
            }
        }
        return ordered(changes, kind: kind)
    }

    /// Every declared field of a new resource, for the create display.
    public static func creation(_ desired: Resource, kind: KindSchema) -> [FieldChange] {
        let changes = Value.flatten(desired.fields).compactMap { path, value -> FieldChange? in
            guard !unmanaged.contains(path), value != .null else { return nil }
            return FieldChange(path: path, before: nil, after: value)
        }
        return ordered(changes, kind: kind)
    }

    /// A list of mappings compares without its items' write-only fields (MTT's
    /// keep_original_cli is sent with each chain entry and never returned).
    static func comparable(_ value: Value, path: String, kind: KindSchema) -> Value {
        guard case .list(let items) = value else { return value }
        return .list(
            items.map { item in
                guard case .object(let fields) = item else { return item }
                return .object(fields.filter { !kind.isWriteOnly(path: path + "." + $0.key) })
            })
    }

    /// A list in the form its declared order gives (a set's entries sorted, without repeats).
    static func normalized(_ value: Value, path: String, kind: KindSchema) -> Value {
        guard case .list(let items) = value, case .list(_, let rules)? = kind.field(path: path)?.type else { return value }
        return .list(rules.order.normalized(items))
    }

    static func same(_ wanted: Value, _ actual: Value?) -> Bool {
        guard let actual else { return wanted == .null || wanted == .object([:]) }
        if case .object(let a) = actual, a.isEmpty, wanted == .null { return true }
        return wanted == actual
    }

    /// In the order the kind declares its fields, then by name.
    static func ordered(_ changes: [FieldChange], kind: KindSchema) -> [FieldChange] {
        guard changes.count > 1 else { return changes }
        let order = kind.pathIndex.positions
        // Each path's position looked up once, not at every comparison.
        return changes.map { (order[$0.path] ?? Int.max, $0) }.sorted { ($0.0, $0.1.path) < ($1.0, $1.1.path) }.map(\.1)
    }
}
