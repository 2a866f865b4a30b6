/// A mapping with a closed set of fields and rules between them.
public struct ObjectSchema: Sendable {
    public var fields: [FieldSchema]
    public var rules: [ObjectRule]

    public init(_ fields: [FieldSchema], rules: [ObjectRule] = []) {
        self.fields = fields
        self.rules = rules
    }

    public func field(_ name: String) -> FieldSchema? {
        fields.first { $0.name == name }
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
