/// Emits a JSON Schema (draft 2020-12) of the config language from the same kind tables
/// that drive validation, for yaml-language-server completion and hover text.
public struct JSONSchemaEmitter: Sendable {
    public let platforms: [PlatformSchema]

    public init(platforms: [PlatformSchema]) {
        self.platforms = platforms
    }

    /// Matches a string that interpolates `${env:...}` or `${file:...}`: its value is known
    /// only at plan time, so patterns and enumerations cannot judge it.
    static let interpolation: JSONNode = .object([("pattern", .string("\\$\\{(env|file):[^}]+\\}"))])

    public func document() -> JSONNode {
        var defs: [(String, JSONNode)] = []
        var branches: [JSONNode] = []
        for platform in platforms {
            defs.append(("provider_\(platform.type)", providerSchema(platform)))
            branches.append(
                .object([
                    (
                        "if",
                        .object([("properties", .object([("type", .object([("const", .string(platform.type))]))])), ("required", .array([.string("type")]))])
                    ),
                    ("then", .object([("$ref", .string("#/$defs/provider_\(platform.type)"))])),
                ]))
        }
        let provider: JSONNode = .object([
            ("type", .string("object")),
            ("description", .string("A provider block: connection settings of one platform account and the resources it manages, grouped by kind.")),
            (
                "properties",
                .object([
                    (
                        "type",
                        .object([
                            ("enum", .array(platforms.map { .string($0.type) })),
                            ("description", .string("The platform: " + platforms.map(\.type).joined(separator: ", "))),
                        ])
                    )
                ])
            ),
            ("allOf", .array(branches)),
        ])
        defs.insert(("provider", provider), at: 0)
        return .object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("$id", .string("urn:telform:config:1")),
            ("title", .string("telform configuration")),
            ("description", .string("Telephony configuration as code: providers, their kinds and resources.")),
            ("type", .string("object")),
            (
                "properties",
                .object([
                    ("version", .object([("const", .int(1)), ("description", .string("Config language version; always 1."))])),
                    (
                        "include",
                        .object([
                            ("description", .string("Glob patterns of further files to merge, relative to this file.")),
                            (
                                "anyOf",
                                .array([
                                    .object([("type", .string("string"))]),
                                    .object([("type", .string("array")), ("items", .object([("type", .string("string"))]))]),
                                ])
                            ),
                        ])
                    ),
                    ("policy", type(.object(LoadSession.policySchema), doc: "Safety thresholds and concurrency.")),
                    (
                        "providers",
                        .object([
                            ("type", .string("object")),
                            ("description", .string("Provider blocks by name; the name starts every resource address.")),
                            ("propertyNames", .object([("pattern", .string("^[A-Za-z0-9][A-Za-z0-9_-]*$"))])),
                            ("additionalProperties", .object([("$ref", .string("#/$defs/provider"))])),
                        ])
                    ),
                ])
            ),
            ("additionalProperties", .bool(false)),
            ("$defs", .object(defs)),
        ])
    }

    func providerSchema(_ platform: PlatformSchema) -> JSONNode {
        var properties: [(String, JSONNode)] = [
            ("type", .object([("const", .string(platform.type)), ("description", .string(platform.doc))])),
            (
                "prune",
                .object([
                    ("description", .string("Delete live objects of declared kinds that the file does not declare (default true); per kind as a mapping.")),
                    ("anyOf", .array([.object([("type", .string("boolean"))]), type(.map(.bool, keys: platform.kinds.map(\.name)), doc: "")])),
                ])
            ),
            (
                "ignore",
                .object([
                    ("type", .string("array")), ("items", .object([("type", .string("string"))])),
                    ("description", .string("Address patterns (KIND/KEY..., * wildcards) of live objects never touched.")),
                ])
            ),
            (
                "sim_seed",
                .object([("type", .string("string")), ("description", .string("With a sim:// url: a JSON fixture that fills a new simulator state."))])
            ),
            ("tls", type(.object(TLSSettings.schema), doc: "TLS for an https url: a CA file, a pinned key, a client certificate.")),
        ]
        for setting in platform.settings {
            properties.append((setting.name, field(setting)))
        }
        for kind in platform.kinds {
            properties.append((kind.name, kindSchema(kind)))
        }
        return .object([
            ("type", .string("object")),
            ("description", .string(platform.doc)),
            ("properties", .object(properties)),
            ("additionalProperties", .bool(false)),
        ])
    }

    func kindSchema(_ kind: KindSchema) -> JSONNode {
        let doc = kind.doc + " Key: " + kind.keyFields.joined(separator: ", ") + "."
        switch kind.shape {
        case .objects(let o): return type(.list(.object(o), ListRules()), doc: doc)
        case .grouped(let g, _): return type(.list(.object(g), ListRules()), doc: doc)
        case .scalars(let t, _): return type(.list(t, ListRules()), doc: doc)
        case .single(let o): return type(.object(o), doc: doc)
        }
    }

    func field(_ field: FieldSchema) -> JSONNode {
        var doc = field.doc
        var notes: [String] = []
        if let wire = field.wire { notes.append("wire: \(wire)") }
        if field.required { notes.append("required") }
        if field.isSensitive { notes.append("sensitive") }
        if field.flags.contains(.writeOnly) { notes.append("write-only") }
        if field.flags.contains(.createOnly) { notes.append("create-only: a change replaces the resource") }
        if let target = field.references { notes.append("names a resource of \(target)") }
        if !notes.isEmpty { doc += " (" + notes.joined(separator: "; ") + ")" }
        var node = type(field.type, doc: doc)
        if let value = field.defaultValue, case .object(var pairs) = node {
            pairs.append(("default", ValueDisplay.json(value)))
            node = .object(pairs)
        }
        return node
    }

    func type(_ type: FieldType, doc: String) -> JSONNode {
        var pairs: [(String, JSONNode)] = doc.isEmpty ? [] : [("description", .string(doc))]
        switch type {
        case .string(let rules):
            pairs.append(("type", rules.digits ? .array([.string("string"), .string("integer")]) : .string("string")))
            var constraints: [(String, JSONNode)] = []
            if let min = rules.minLength { constraints.append(("minLength", .int(Int64(min)))) }
            if let max = rules.maxLength { constraints.append(("maxLength", .int(Int64(max)))) }
            if let allowed = rules.allowed { constraints.append(("enum", .array(allowed.map(JSONNode.string)))) }
            if let pattern = rules.check?.pattern { constraints.append(("pattern", .string(pattern))) }
            if rules.allowed != nil {
                pairs.append(contentsOf: constraints)
            } else if !constraints.isEmpty {
                pairs.append(("anyOf", .array([.object(constraints), Self.interpolation])))
            }
        case .integer(let rules):
            pairs.append(("type", .string("integer")))
            if let min = rules.min { pairs.append(("minimum", .int(min))) }
            if let max = rules.max { pairs.append(("maximum", .int(max))) }
        case .bool:
            pairs.append(("type", .string("boolean")))
        case .list(let item, let rules):
            pairs.append(("type", .string("array")))
            pairs.append(("items", self.type(item, doc: "")))
            if let min = rules.minItems { pairs.append(("minItems", .int(Int64(min)))) }
            if let max = rules.maxItems { pairs.append(("maxItems", .int(Int64(max)))) }
        case .object(let schema):
            pairs.append(("type", .string("object")))
            pairs.append(("properties", .object(schema.fields.map { ($0.name, field($0)) })))
            let required = schema.fields.filter(\.required).map { JSONNode.string($0.name) }
            if !required.isEmpty { pairs.append(("required", .array(required))) }
            pairs.append(("additionalProperties", .bool(false)))
            let rules = schema.rules.compactMap(rule)
            if !rules.isEmpty { pairs.append(("allOf", .array(rules))) }
        case .choice(let options):
            pairs.append(("anyOf", .array(options.map { self.type($0, doc: "") })))
        case .map(let value, let keys):
            pairs.append(("type", .string("object")))
            if let keys {
                pairs.append(("properties", .object(keys.map { ($0, self.type(value, doc: "")) })))
                pairs.append(("additionalProperties", .bool(false)))
            } else {
                pairs.append(("additionalProperties", self.type(value, doc: "")))
            }
        }
        return .object(pairs)
    }

    func rule(_ rule: ObjectRule) -> JSONNode? {
        func required(_ names: [String]) -> JSONNode { .object([("required", .array(names.map(JSONNode.string)))]) }
        switch rule {
        case .exactlyOne(let names):
            return .object([("oneOf", .array(names.map { required([$0]) }))])
        case .atMostOne(let names):
            var pairsOfNames: [JSONNode] = []
            for i in names.indices { for j in names.indices where j > i { pairsOfNames.append(required([names[i], names[j]])) } }
            return .object([("not", .object([("anyOf", .array(pairsOfNames))]))])
        case .onlyWhen(let selector, let values, let names):
            return .object([
                (
                    "if",
                    .object([
                        ("properties", .object([(selector, .object([("not", .object([("enum", .array(values.map(JSONNode.string)))]))]))])),
                        ("required", .array([.string(selector)])),
                    ])
                ),
                ("then", .object([("properties", .object(names.map { ($0, JSONNode.bool(false)) }))])),
            ])
        case .requiredWhen(let selector, let values, let names):
            return .object([
                (
                    "if",
                    .object([
                        ("properties", .object([(selector, .object([("enum", .array(values.map(JSONNode.string)))]))])),
                        ("required", .array([.string(selector)])),
                    ])
                ),
                ("then", required(names)),
            ])
        case .custom:
            return nil
        }
    }
}
