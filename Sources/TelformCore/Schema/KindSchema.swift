/// One kind of one platform: how it is written in YAML, how its resources are keyed, and
/// its fields. Declared once, used by validation, the JSON Schema and the engine.
public struct KindSchema: Sendable {
    public enum Shape: Sendable {
        /// A list of mappings, each one resource (`endpoints: [{name: ...}]`).
        case objects(ObjectSchema)
        /// A list of groups, each with a list of member resources that inherit the group's
        /// scalar fields (`find_me: [{user: "201", rules: [...]}]`).
        case grouped(ObjectSchema, members: String)
        /// A list of scalars, each one resource keyed by itself (`blacklist: ["7916..."]`).
        case scalars(FieldType, field: String)
        /// One mapping per provider (`call_mode: {...}`).
        case single(ObjectSchema)
    }

    public enum SingleKey: Sendable {
        /// The key is the value of a provider setting (`customer`).
        case providerSetting(String)
        /// A fixed key for a one-per-login object.
        case constant(String)
    }

    public var name: String
    public var doc: String
    public let shape: Shape
    /// Key field names in address order, for documentation and diagnostics.
    public var keyFields: [String]
    /// Builds the address key from a resource's typed fields; nil when a part is missing.
    public var key: @Sendable ([String: Value]) -> [String]?
    public var singleKey: SingleKey?
    /// False when the platform has no edit call: any change is a replace.
    public var updatable = true
    /// A replace uploads the new object first and deletes the old one last, after everything
    /// that depends on it has moved over (content-addressed prompts).
    public var createBeforeDelete = false
    /// The live field that names the object a create-before-delete cleanup deletes, shown
    /// beside the delete (a prompt's content-addressed live name): nil shows none.
    public var cleanupShownBy: String?
    /// False when the platform has no read call (MX Proxy's call mode): the declared state is
    /// sent on every apply, shown as "set on apply", and never counted as a change or drift.
    public var readable = true
    /// True when the platform can add but neither edit nor delete (XiVO contexts): differences
    /// are reported (plan and drift), never applied, and live extras are never deleted.
    public var addOnly = false
    /// False when the platform does not keep the key unique (MX Proxy conference names): two
    /// live objects of a declared key are a plan error naming both ids, whatever `prune` says,
    /// since the one telform would delete may be the one in use.
    public var uniqueKey = true
    /// Its declared paths and their fields, computed once (`KindSchema+Paths`).
    var pathIndex: PathIndex
    /// True when the kind's scope is each declared key itself (an account's settings, MTT
    /// `follow_me` of a sip_id): only declared keys are read, so one left out of the file is
    /// not touched, never deleted. Clearing it is an update (an empty chain).
    public var scopedByKey = false

    public init(
        name: String, doc: String, shape: Shape, keyFields: [String],
        singleKey: SingleKey? = nil,
        key: (@Sendable ([String: Value]) -> [String]?)? = nil
    ) {
        self.name = name
        self.doc = doc
        self.shape = Self.addingProtect(to: shape)
        self.keyFields = keyFields
        self.singleKey = singleKey
        pathIndex = PathIndex.empty
        let names = keyFields
        self.key =
            key ?? { fields in
                var parts: [String] = []
                for name in names {
                    guard let value = fields[name] else { return nil }
                    switch value {
                    case .string(let s): parts.append(s)
                    case .int(let i): parts.append(String(i))
                    default: return nil
                    }
                }
                return parts
            }
        pathIndex = PathIndex(self)
    }

    /// The same kind, without an edit call (a change is a replace).
    public func immutable(createBeforeDelete: Bool = false, cleanupShownBy: String? = nil) -> KindSchema {
        var copy = self
        copy.updatable = false
        copy.createBeforeDelete = createBeforeDelete
        copy.cleanupShownBy = cleanupShownBy
        return copy
    }

    /// The same kind, with only an add call.
    public func keyNotUnique() -> KindSchema {
        var copy = self
        copy.uniqueKey = false
        return copy
    }

    public func onlyAdded() -> KindSchema {
        var copy = self
        copy.addOnly = true
        return copy
    }

    /// The same kind, its scope each declared key (see `scopedByKey`).
    public func perDeclaredKey() -> KindSchema {
        var copy = self
        copy.scopedByKey = true
        return copy
    }

    /// The same kind, without a read call.
    public func unreadable() -> KindSchema {
        var copy = self
        copy.readable = false
        return copy
    }

    /// Every resource written as a mapping may say `protect: true` (SPEC §3).
    static let protectField = FieldSchema.bool("protect", "Never delete or replace this resource; a plan that would is refused.")

    static func addingProtect(to shape: Shape) -> Shape {
        switch shape {
        case .objects(var o):
            o.fields.append(protectField)
            return .objects(o)
        case .single(var o):
            o.fields.append(protectField)
            return .single(o)
        case .grouped(var group, let members):
            if let index = group.fields.firstIndex(where: { $0.name == members }),
                case .list(.object(var member), let rules) = group.fields[index].type
            {
                member.fields.append(protectField)
                group.fields[index].type = .list(.object(member), rules)
            }
            return .grouped(group, members: members)
        case .scalars:
            return shape
        }
    }

    /// The schema of one resource's mapping (the member's, for grouped kinds).
    public var resourceSchema: ObjectSchema? {
        switch shape {
        case .objects(let o), .single(let o): return o
        case .grouped(let group, let members):
            if case .list(.object(let member), _)? = group.field(members)?.type { return member }
            return nil
        case .scalars: return nil
        }
    }

    /// Every field of the kind, nested ones included, for sensitivity and display lookups.
    public func field(_ name: String) -> FieldSchema? {
        if case .grouped(let group, _) = shape, let f = group.field(name) { return f }
        return resourceSchema?.field(name)
    }
}

/// One platform (`type:`): its provider settings and its kinds.
public struct PlatformSchema: Sendable {
    public var type: String
    public var doc: String
    public var settings: [FieldSchema]
    public var kinds: [KindSchema]
    /// Checks across resources of one provider (scoped references, paired fields).
    public var checks: [ProviderCheck]

    public init(type: String, doc: String, settings: [FieldSchema], kinds: [KindSchema], checks: [ProviderCheck] = []) {
        self.type = type
        self.doc = doc
        self.settings = settings
        self.kinds = kinds
        self.checks = checks
    }

    public func kind(_ name: String) -> KindSchema? {
        kinds.first { $0.name == name }
    }
}

/// What a provider check sees: the merged provider and where the config lives.
public struct ProviderCheckContext: Sendable {
    public var provider: ProviderConfig
    public var baseDirectory: String

    public init(provider: ProviderConfig, baseDirectory: String) {
        self.provider = provider
        self.baseDirectory = baseDirectory
    }
}

public typealias ProviderCheck = @Sendable (ProviderCheckContext) -> [Diagnostic]
