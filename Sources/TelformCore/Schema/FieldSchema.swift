/// One declaration per field: name, type and limits, wire name, flags, references and doc.
public struct FieldSchema: Sendable {
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Never printed: `(sensitive)` in every output.
        public static let sensitive = Flags(rawValue: 1)
        /// Sent, never read back: not diffed, shown `(write-only)`.
        public static let writeOnly = Flags(rawValue: 2)
        /// Settable on create only: a change is a replace.
        public static let createOnly = Flags(rawValue: 4)
        /// Sensitive only when the value carries credentials (a URL with `user:pass@`).
        public static let sensitiveWithCredentials = Flags(rawValue: 8)
        /// A login setting: not required when the url is the embedded simulator (sim://).
        public static let credential = Flags(rawValue: 16)
        /// Write-only, yet a change is seen another way (MTT prompts: the content-addressed
        /// live name): plans need not warn that it cannot be compared.
        public static let seenIndirectly = Flags(rawValue: 32)
        /// `null` in the file is an explicit absence: the live value is removed (elsewhere a
        /// null is the same as leaving the field out: not managed).
        public static let removable = Flags(rawValue: 64)
        /// A path to a file beside the config, read when planning (an MTT prompt's mp3):
        /// `validate --files` lists it.
        public static let localFile = Flags(rawValue: 128)
    }

    public var name: String
    public var type: FieldType
    public var doc: String
    public var wire: String?
    public var required: Bool = false
    public var flags: Flags = []
    /// The kind this field names a resource of (`schedules`, `prompts`), by that kind's last key part.
    public var references: String?
    /// Whether the named resource must be declared in the file (else it may exist live only).
    public var referenceMustBeDeclared = true
    /// How the reference's text names its target.
    public var referenceMatch: ReferenceMatch = .key
    public var defaultValue: Value?
    /// How a plan shows the value beside its canonical form, when that form is not what a
    /// person wrote (an MTT period's notation, shown with its windows).
    public var annotation: (@Sendable (Value) -> String?)?

    public func annotated(_ describe: @escaping @Sendable (Value) -> String?) -> FieldSchema {
        var copy = self
        copy.annotation = describe
        return copy
    }

    public init(_ name: String, _ type: FieldType, _ doc: String, wire: String? = nil) {
        self.name = name
        self.type = type
        self.doc = doc
        self.wire = wire
    }

    public static func string(_ name: String, _ doc: String, wire: String? = nil) -> FieldSchema {
        FieldSchema(name, .string(StringRules()), doc, wire: wire)
    }

    public static func string(_ name: String, _ rules: StringRules, _ doc: String, wire: String? = nil) -> FieldSchema {
        FieldSchema(name, .string(rules), doc, wire: wire)
    }

    public static func integer(_ name: String, _ range: ClosedRange<Int64>? = nil, _ doc: String, wire: String? = nil) -> FieldSchema {
        FieldSchema(name, .integer(IntegerRules(min: range?.lowerBound, max: range?.upperBound)), doc, wire: wire)
    }

    public static func bool(_ name: String, _ doc: String, wire: String? = nil) -> FieldSchema {
        FieldSchema(name, .bool, doc, wire: wire)
    }

    public static func object(_ name: String, _ schema: ObjectSchema, _ doc: String, wire: String? = nil) -> FieldSchema {
        FieldSchema(name, .object(schema), doc, wire: wire)
    }

    public static func list(_ name: String, of item: FieldType, _ rules: ListRules = ListRules(), _ doc: String, wire: String? = nil) -> FieldSchema {
        FieldSchema(name, .list(item, rules), doc, wire: wire)
    }

    public func required(_ yes: Bool = true) -> FieldSchema {
        var copy = self
        copy.required = yes
        return copy
    }

    public func flagged(_ flags: Flags) -> FieldSchema {
        var copy = self
        copy.flags.formUnion(flags)
        return copy
    }

    public var sensitive: FieldSchema { flagged(.sensitive) }
    public var writeOnly: FieldSchema { flagged(.writeOnly) }
    public var seenIndirectly: FieldSchema { flagged(.seenIndirectly) }
    public var removable: FieldSchema { flagged(.removable) }
    public var createOnly: FieldSchema { flagged(.createOnly) }
    public var localFile: FieldSchema { flagged(.localFile) }

    public func references(_ kind: String, declaredOnly: Bool = true, by match: ReferenceMatch = .key) -> FieldSchema {
        var copy = self
        copy.references = kind
        copy.referenceMustBeDeclared = declaredOnly
        copy.referenceMatch = match
        return copy
    }

    public func defaulting(to value: Value) -> FieldSchema {
        var copy = self
        copy.defaultValue = value
        return copy
    }

    public var isSensitive: Bool { flags.contains(.sensitive) }
}

/// How a reference's text names the resource it refers to, declared on the reference: the
/// planner matches references by it and knows no platform's naming.
public enum ReferenceMatch: Sendable, Equatable {
    /// The target's key (its last part): a schedule's name.
    case key
    /// The target's key up to its `@` (or the whole key): a XiVO user's line number names
    /// `1001@default`.
    case keyBeforeAt
    /// The target's key, or a field of it: an MTT premedia names its prompt by the
    /// content-addressed `live_name` canonical gives it.
    case keyOrField(String)

    /// Whether `name` names the resource at `address` with `fields`.
    public func names(_ address: Address, fields: [String: Value]?, _ name: String) -> Bool {
        guard let last = address.key.last else { return false }
        switch self {
        case .key: return last == name
        case .keyBeforeAt: return last == name || last.hasPrefix(name + "@")
        case .keyOrField(let field): return last == name || fields?[field]?.string == name
        }
    }
}
