import Foundation

/// A kind's flat fields to and from the wire, derived from its table: every field with a
/// `wire` name whose type is a scalar or a list of scalars maps by that name, its value
/// converted by its type — no hand-written mapping. Nested shapes and real quirks stay with
/// the kind (a hook of its own); a new flat field is one line in the table.
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
    /// The flat fields: (YAML name, wire name, type).
    public let fields: [(name: String, wire: String, type: FieldType)]
    /// Wire name → its slot (the order of first appearance) and indexes in `fields` (two
    /// fields may read one wire key).
    let byWire: [String: (slot: Int, fields: [Int])]
    let slots: Int

    /// `hooked`: flat fields whose wire shape is a quirk the kind maps itself (a list of
    /// dates sent as objects), left out of the codec.
    public init(_ schema: ObjectSchema, booleans: Booleans = .json, lists: Lists = .array, integers: Integers = .json,
                emptyIsAbsent: Bool = false, hooked: Set<String> = []) {
        self.integers = integers
        self.booleans = booleans
        self.lists = lists
        self.emptyIsAbsent = emptyIsAbsent
        fields = schema.fields.compactMap { field in
            guard let wire = field.wire, !hooked.contains(field.name) else { return nil }
            switch field.type {
            case .string, .integer, .bool, .list(.string, _), .list(.integer, _): return (field.name, wire, field.type)
            default: return nil
            }
        }
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
        let pairs = item.pairs ?? []
        // The objects of a page share their keys in one order: each key is first compared
        // with the one at its place in the object before (the same string, from the parser),
        // and hashed only when it differs.
        let layout = memo.layout
        var matches = layout.keys.count == pairs.count
        var entries: [Entry?] = []
        for position in pairs.indices {
            let key = pairs[position].0
            let entry: Entry?
            if matches, layout.keys[position] == key {
                entry = layout.entries[position]
            } else {
                if matches {
                    matches = false
                    entries = Array(layout.entries[..<position])
                }
                entry = byWire[key]
            }
            if !matches { entries.append(entry) }
            guard let (slot, indexes) = entry, !seen[slot] else { continue }
            seen[slot] = true
            let node = pairs[position].1
            for index in indexes {
                let field = fields[index]
                if let value = Self.value(node, field.type, emptyIsAbsent: emptyIsAbsent) { out[field.name] = value }
            }
        }
        if !matches { memo.layout = Layout(keys: pairs.map(\.0), entries: entries) }
        if missingIsNull {
            for field in fields where out[field.name] == nil { out[field.name] = .null }
        }
        return out
    }

    typealias Entry = (slot: Int, fields: [Int])

    /// An object's keys in order, and what each is to the codec.
    struct Layout {
        var keys: [String] = []
        var entries: [Entry?] = []
    }

    /// The layout of the last object decoded, shared by the tasks decoding pages.
    final class LayoutMemo: @unchecked Sendable {
        private let lock = NSLock()
        private var stored = Layout()

        var layout: Layout {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }

    private let memo = LayoutMemo()

    /// The wire pairs of the given fields, in table order: every declared flat field, or only
    /// those under `paths` (an update sends what changed). With `explicitNull`, a field among
    /// `names` that has no value is sent as null (a platform whose write replaces the object
    /// clears what is not sent only so).
    public func encode(_ values: [String: Value], only paths: Set<String>? = nil, explicitNull names: Set<String> = [], absent: JSONNode = .null) -> [(String, JSONNode)] {
        var pairs: [(String, JSONNode)] = []
        for field in fields {
            if let paths, !paths.contains(field.name) { continue }
            if let value = values[field.name], let node = encode(value, field.type) {
                pairs.append((field.wire, node))
            } else if names.contains(field.name) {
                pairs.append((field.wire, absent))
            }
        }
        return pairs
    }

    /// Every flat field's name: to send all of them, absent ones included.
    public let names: Set<String>

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
                return .list(text.split(separator: ",").map(\.trimmingSpaces).filter { !$0.isEmpty }
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
            // The spellings compared without case, and without a lowercased copy of each.
            var text = s
            return text.withUTF8 { bytes -> Bool? in
                guard bytes.count <= 5 else { return nil }
                var folded: UInt64 = 0
                for byte in bytes { folded = folded << 8 | UInt64((0x41...0x5A).contains(byte) ? byte | 0x20 : byte) }
                if Self.trueSpellings.contains(folded) { return true }
                if Self.falseSpellings.contains(folded) { return false }
                return nil
            }
        default: return nil
        }
    }

    static let trueSpellings = ["yes", "y", "true", "on", "1"].map(spelled)
    static let falseSpellings = ["no", "n", "false", "off", "0"].map(spelled)

    /// A word of at most 8 ASCII bytes as one number, to compare spellings.
    static func spelled(_ word: String) -> UInt64 {
        word.utf8.reduce(0) { $0 << 8 | UInt64($1) }
    }
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
