/// A JSON document with ordered object keys, rendered deterministically (two-space indent).
public enum JSONNode: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONNode])
    case object([(String, JSONNode)])

    /// Equal when they render alike; scalars of one case are compared without rendering, and
    /// arrays and objects item by item (a simulator compares its whole state before a write).
    public static func == (a: JSONNode, b: JSONNode) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0 == $1 }
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array, _), (.object, _), (_, .array), (_, .object): return false
        default: return a.rendered() == b.rendered()
        }
    }

    public func rendered(indent: Int = 0) -> String {
        var out = ""
        render(indent: indent, into: &out)
        return out
    }

    /// Appends the indented form to `out` (one buffer for the whole document).
    public func render(indent: Int, into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? String(d) : "null"
        case .string(let s): JSONText.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            if items.allSatisfy({ $0.isScalar }) {
                out += "["
                for (index, item) in items.enumerated() {
                    if index > 0 { out += ", " }
                    item.render(indent: 0, into: &out)
                }
                out += "]"
                return
            }
            out += "[\n"
            for (index, item) in items.enumerated() {
                if index > 0 { out += ",\n" }
                Self.pad(indent + 1, &out)
                item.render(indent: indent + 1, into: &out)
            }
            out += "\n"
            Self.pad(indent, &out)
            out += "]"
        case .object(let pairs):
            if pairs.isEmpty {
                out += "{}"
                return
            }
            out += "{\n"
            for (index, pair) in pairs.enumerated() {
                if index > 0 { out += ",\n" }
                Self.pad(indent + 1, &out)
                JSONText.quote(pair.0, into: &out)
                out += ": "
                pair.1.render(indent: indent + 1, into: &out)
            }
            out += "\n"
            Self.pad(indent, &out)
            out += "}"
        }
    }

    private static func pad(_ level: Int, _ out: inout String) {
        for _ in 0..<level { out += "  " }
    }

    /// One line, no spaces: the wire form.
    public var compact: String {
        String(decoding: compactBytes, as: UTF8.self)
    }

    /// The compact rendering as UTF-8: what a request or response body carries.
    public var compactBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        compact(into: &out)
        return out
    }

    public func compact(into out: inout String) {
        out += compact
    }

    /// Appends the compact rendering as UTF-8, without a `String` per piece (the simulator
    /// renders pages of a thousand objects).
    public func compact(into out: inout [UInt8]) {
        switch self {
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.compact(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (index, pair) in pairs.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.quote(pair.0, into: &out)
                out.append(UInt8(ascii: ":"))
                pair.1.compact(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .string(let text):
            JSONText.quote(text, into: &out)
        default:
            var text = ""
            render(indent: 0, into: &text)
            out.append(contentsOf: text.utf8)
        }
    }

    public subscript(key: String) -> JSONNode? {
        // Lengths first: most keys of a wire object differ from the one asked for in length.
        if case .object(let pairs) = self {
            let count = key.utf8.count
            return pairs.first { $0.0.utf8.count == count && $0.0 == key }?.1
        }
        return nil
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// A copy of this object with `key` set (appended when new, replaced in place otherwise).
    public func setting(_ key: String, _ value: JSONNode) -> JSONNode {
        guard case .object(var pairs) = self else { return self }
        if let index = pairs.firstIndex(where: { $0.0 == key }) {
            pairs[index].1 = value
        } else {
            pairs.append((key, value))
        }
        return .object(pairs)
    }

    public var int: Int64? {
        if case .int(let i) = self { return i }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var array: [JSONNode]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var pairs: [(String, JSONNode)]? {
        if case .object(let p) = self { return p }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }
}
