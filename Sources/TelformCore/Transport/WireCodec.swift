import Foundation

/// A kind's fields to and from the wire, derived from its table: every field with a `wire`
/// name maps by that name, its value converted by its type — no hand-written mapping. A
/// scalar or a list of scalars is converted as it is; an object, or a list of objects, by a
/// codec of its own table (with the same spellings), each entry read and sent whole. Real
/// quirks stay with the kind (a hook of its own); a new field is one line in the table,
/// nested too.
public struct WireCodec: Sendable {
    /// How the platform spells a boolean it is sent. Reading accepts every spelling.
    public enum Booleans: Sendable {
        case json
        /// `"yes"` / `"no"` (PJSIP realtime).
        case yesNo
        /// `"Y"` / `"N"` (MTT).
        case yN
        /// `1` / `0`.
        case oneZero
    }

    /// How a list of scalars travels.
    public enum Lists: Sendable {
        case array
        /// One string, entries joined by commas (`"ulaw,alaw"`).
        case commaJoined
    }

    /// How the platform takes an integer: a JSON number, or its digits as a string.
    public enum Integers: Sendable {
        case json
        case text
    }

    public var booleans: Booleans
    public var lists: Lists
    public var integers: Integers = .json
    /// True when the platform sends an empty string for a value it does not have: read as
    /// absent (null), as a missing field is.
    public var emptyIsAbsent: Bool
    /// The fields: (YAML name, wire name, type).
    public let fields: [(name: String, wire: String, type: FieldType)]
    /// The codecs of the object and list-of-object fields, by field name.
    let nested: [String: WireCodec]
    /// Wire name → its slot (the order of first appearance) and indexes in `fields` (two
    /// fields may read one wire key).
    let byWire: [String: (slot: Int, fields: [Int])]
    let slots: Int

    /// `hooked`: fields whose wire shape is a quirk the kind maps itself (a list of dates
    /// sent as objects), left out of the codec.
    public init(
        _ schema: ObjectSchema, booleans: Booleans = .json, lists: Lists = .array, integers: Integers = .json,
        emptyIsAbsent: Bool = false, hooked: Set<String> = []
    ) {
        self.integers = integers
        self.booleans = booleans
        self.lists = lists
        self.emptyIsAbsent = emptyIsAbsent
        var nested: [String: WireCodec] = [:]
        fields = schema.fields.compactMap { field in
            guard let wire = field.wire, !hooked.contains(field.name) else { return nil }
            switch field.type {
            case .string, .integer, .bool, .list(.string, _), .list(.integer, _): return (field.name, wire, field.type)
            case .object(let table), .list(.object(let table), _):
                nested[field.name] = WireCodec(table, booleans: booleans, lists: lists, integers: integers, emptyIsAbsent: emptyIsAbsent)
                return (field.name, wire, field.type)
            default: return nil
            }
        }
        self.nested = nested
        let flat = fields
        var byWire: [String: (slot: Int, fields: [Int])] = [:]
        for index in flat.indices {
            let slot = byWire[flat[index].wire]?.slot ?? byWire.count
            byWire[flat[index].wire, default: (slot, [])].fields.append(index)
        }
        self.byWire = byWire
        slots = byWire.count
        names = Set(flat.map(\.name))
    }

    /// The flat fields of a wire object, canonical. A field the object does not carry is left
    /// out (not managed), or null where `missingIsNull` (a platform that always answers whole).
    public func decode(_ item: JSONNode, missingIsNull: Bool = false) -> [String: Value] {
        var out: [String: Value] = [:]
        // One pass over the object's keys, each looked up once (a page holds thousands of
        // objects of a few dozen keys); the first of a repeated key counts, as `item[key]`.
        var seen = [Bool](repeating: false, count: slots)
        for (key, node) in item.pairs ?? [] {
            guard let (slot, indexes) = byWire[key], !seen[slot] else { continue }
            seen[slot] = true
            for index in indexes {
                let field = fields[index]
                if let codec = nested[field.name] {
                    if let value = codec.entries(node, field.type, missingIsNull: missingIsNull) { out[field.name] = value }
                } else if let value = Self.value(node, field.type, emptyIsAbsent: emptyIsAbsent) {
                    out[field.name] = value
                }
            }
        }
        if missingIsNull {
            for field in fields where out[field.name] == nil { out[field.name] = .null }
        }
        return out
    }

    /// The wire pairs of the given fields, in table order: every declared flat field, or only
    /// those under `paths` (an update sends what changed). With `explicitNull`, a field among
    /// `names` that has no value is sent as null (a platform whose write replaces the object
    /// clears what is not sent only so).
    public func encode(_ values: [String: Value], only paths: Set<String>? = nil, explicitNull names: Set<String> = [], absent: JSONNode = .null) -> [(
        String, JSONNode
    )] {
        var pairs: [(String, JSONNode)] = []
        for field in fields {
            if let paths, !paths.contains(field.name) { continue }
            if let codec = nested[field.name], let value = values[field.name], let node = codec.entries(value) {
                pairs.append((field.wire, node))
            } else if let value = values[field.name], let node = encode(value, field.type) {
                pairs.append((field.wire, node))
            } else if names.contains(field.name) {
                pairs.append((field.wire, absent))
            }
        }
        return pairs
    }

    /// Every field's name: to send all of them, absent ones included.
    public let names: Set<String>

    /// A nested field read with this, its table's codec: an object, or a list of objects.
    func entries(_ node: JSONNode, _ type: FieldType, missingIsNull: Bool) -> Value? {
        switch type {
        case .object: return node.pairs == nil ? nil : .object(decode(node, missingIsNull: missingIsNull))
        default: return node.array.map { .list($0.map { .object(decode($0, missingIsNull: missingIsNull)) }) }
        }
    }

    /// A nested field sent with this, its table's codec: each object as given, a field given
    /// as null sent as null (the kind makes an entry whole where the platform replaces it).
    func entries(_ value: Value) -> JSONNode? {
        func object(_ fields: [String: Value]) -> JSONNode { .object(encode(fields, explicitNull: Set(fields.keys))) }
        switch value {
        case .object(let fields): return object(fields)
        case .list(let items): return .array(items.map { object($0.object ?? [:]) })
        default: return nil
        }
    }

    /// One value as the platform is sent it.
    public func encode(_ value: Value, _ type: FieldType) -> JSONNode? {
        switch (value, type) {
        case (.string(let s), _): return .string(s)
        case (.int(let i), _): return integers == .text ? .string(String(i)) : .int(i)
        case (.bool(let b), _):
            switch booleans {
            case .json: return .bool(b)
            case .yesNo: return .string(b ? "yes" : "no")
            case .yN: return .string(b ? "Y" : "N")
            case .oneZero: return .int(b ? 1 : 0)
            }
        case (.list(let items), .list(let itemType, _)):
            switch lists {
            case .array: return .array(items.compactMap { encode($0, itemType) })
            case .commaJoined: return .string(items.compactMap { $0.string ?? $0.int.map(String.init) }.joined(separator: ","))
            }
        case (.null, _): return nil
        default: return nil
        }
    }

    /// A wire value read as `type`; nil when absent (or not of a shape the type reads).
    public static func value(_ node: JSONNode?, _ type: FieldType, emptyIsAbsent: Bool) -> Value? {
        guard let node else { return nil }
        if case .null = node { return nil }
        switch type {
        case .string:
            if let s = node.string { return s.isEmpty && emptyIsAbsent ? nil : .string(s) }
            if let i = node.int { return .string(String(i)) }
            return nil
        case .integer:
            if let i = node.int { return .int(i) }
            if let s = node.string, let i = Int64(s) { return .int(i) }
            return nil
        case .bool:
            return bool(node).map(Value.bool)
        case .list(let item, _):
            if let items = node.array { return .list(items.compactMap { value($0, item, emptyIsAbsent: true) }) }
            if let text = node.string {
                return .list(
                    text.split(separator: ",").map(\.trimmingSpaces).filter { !$0.isEmpty }
                        .compactMap { value(.string($0), item, emptyIsAbsent: true) })
            }
            return nil
        default:
            return nil
        }
    }

    /// **Reading:** platforms spell booleans as JSON booleans, `"yes"`/`"no"`, `"Y"`/`"N"`,
    /// `"true"`/`"false"`, `"on"`/`"off"`, or 1/0 (numbers or digits): all read.
    public static func bool(_ node: JSONNode?) -> Bool? {
        switch node {
        case .bool(let b)?: return b
        case .int(let i)?: return i != 0
        case .string(let s)?:
            let word = s.lowercased()
            if Self.trueSpellings.contains(word) { return true }
            if Self.falseSpellings.contains(word) { return false }
            return nil
        default: return nil
        }
    }

    static let trueSpellings: Set<String> = ["yes", "y", "true", "on", "1"]
    static let falseSpellings: Set<String> = ["no", "n", "false", "off", "0"]
}

extension Substring {
    /// Without the spaces and tabs at either end, as `trimmingCharacters(in: .whitespaces)`
    /// (a tab or a space separator), without going through Foundation for every entry.
    var trimmingSpaces: String {
        // Most entries start and end with a visible ASCII character: nothing to trim.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 { return String(self) }
        func isSpace(_ character: Character) -> Bool {
            character.unicodeScalars.allSatisfy { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
        }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
