/// A mapping with a closed set of fields and rules between them.
public struct ObjectSchema: Sendable {
    public var fields: [FieldSchema] {
        didSet { (names, presence, refers) = Self.derived(fields) }
    }
    /// The fields' names, in order: looked up for every key of every object typed.
    private(set) var names: [String]
    public var rules: [ObjectRule]
    /// The positions of the fields that are required or have a default: what typing an
    /// object checks beyond the keys it was given.
    private(set) var presence: [Int]
    /// Whether a field, here or nested, names another resource (`references`): the planner
    /// looks for references only in objects that can hold one.
    private(set) var refers: Bool

    public init(_ fields: [FieldSchema], rules: [ObjectRule] = []) {
        self.fields = fields
        self.rules = rules
        (names, presence, refers) = Self.derived(fields)
    }

    /// What typing looks up per object, kept beside the fields it comes from.
    private static func derived(_ fields: [FieldSchema]) -> (names: [String], presence: [Int], refers: Bool) {
        let refers = fields.contains { field in
            switch field.type {
            case .object(let nested), .list(.object(let nested), _): return field.references != nil || nested.refers
            default: return field.references != nil
            }
        }
        return (fields.map(\.name), fields.indices.filter { fields[$0].required || fields[$0].defaultValue != nil }, refers)
    }

    public func field(_ name: String) -> FieldSchema? {
        fields.first { $0.name == name }
    }

    /// The position of the field `name` in `fields`.
    func position(_ name: String) -> Int? {
        let count = name.utf8.count
        return names.firstIndex { $0.utf8.count == count && $0 == name }
    }

    /// Whether the field `name` applies to an object with these fields: no `onlyWhen` rule
    /// leaves it out (a default is given only to a field that applies).
    public func applies(_ name: String, in fields: [String: Value]) -> Bool {
        applicable([name: .null].merging(fields) { _, given in given })[name] != nil
    }

    /// `fields` without those the table's `onlyWhen` rules say do not apply (a redirect
    /// rule's targets on a parallel rule): what a read of a whole wire object keeps.
    public func applicable(_ fields: [String: Value]) -> [String: Value] {
        var kept = fields
        for rule in rules {
            guard case .onlyWhen(let field, let values, let names) = rule else { continue }
            if let value = fields[field]?.string, values.contains(value) { continue }
            for name in names { kept[name] = nil }
        }
        return kept
    }
}

/// A rule between the fields of one mapping.
public enum ObjectRule: Sendable {
    /// Exactly one of these fields is given.
    case exactlyOne([String])
    /// At most one of these fields is given.
    case atMostOne([String])
    /// These fields are allowed only when `field` has one of `values`.
    case onlyWhen(field: String, in: [String], fields: [String])
    /// These fields are required when `field` has one of `values`.
    case requiredWhen(field: String, in: [String], fields: [String])
    /// A check the others cannot say: gets the typed fields, returns (field, message) pairs.
    case custom(@Sendable ([String: Value]) -> [(field: String, message: String)])

}
