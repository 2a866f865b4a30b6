/// A strict JSON parser that keeps integers exact to 64 bits (MX Proxy ids exceed 2^53,
/// so nothing goes through Double unless it has a fraction or an exponent).
public struct JSONParser {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var offset: Int
        public var reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    private let bytes: [UInt8]
    private var index = 0
    /// The last key read at each position of an object, with its bytes: the objects of a
    /// page share their keys, so a key is mostly the one read at its place before, and that
    /// string is used again instead of a new one. Kept for the no-change plan of 10,000
    /// endpoints on sim:// (telform-bench's row).
    private var keys: [(bytes: ArraySlice<UInt8>, key: String)] = []

    public static func parse(_ data: [UInt8]) throws -> JSONNode {
        var parser = JSONParser(bytes: data)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw parser.failure("unexpected text after the value") }
        return value
    }

    public static func parse(_ text: String) throws -> JSONNode {
        try parse(Array(text.utf8))
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The text of `range` of the input.
    private func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    private func failure(_ reason: String) -> Failure {
        Failure(offset: index, reason: reason)
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws -> JSONNode {
        guard depth < 200 else { throw failure("nested too deeply") }
        guard index < bytes.count else { throw failure("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var pairs: [(String, JSONNode)] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(pairs)
            }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a key") }
                let key = try key(at: pairs.count)
                skipSpace()
                try expect(":")
                skipSpace()
                pairs.append((key, try value(depth: depth + 1)))
                skipSpace()
                if try separator("}") { return .object(pairs) }
            }
        case UInt8(ascii: "["):
            index += 1
            var items: [JSONNode] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                if try separator("]") { return .array(items) }
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            return try number()
        }
    }

    /// After an item: a comma (more follow) or the closing bracket (returns true).
    private mutating func separator(_ closing: Unicode.Scalar) throws -> Bool {
        guard index < bytes.count else { throw failure("unexpected end") }
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            return false
        }
        if bytes[index] == UInt8(ascii: closing) {
            index += 1
            return true
        }
        throw failure("expected , or \(closing)")
    }

    private mutating func expect(_ c: Unicode.Scalar) throws {
        guard index < bytes.count, bytes[index] == UInt8(ascii: c) else { throw failure("expected \(c)") }
        index += 1
    }

    private mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, bytes[index..<index + w.count].elementsEqual(w) else { throw failure("expected \(word)") }
        index += w.count
    }

    private mutating func number() throws -> JSONNode {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        var isInteger = true
        while index < bytes.count {
            let b = bytes[index]
            if b >= 0x30 && b <= 0x39 {
                index += 1
                continue
            }
            if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") {
                isInteger = false
                index += 1
                continue
            }
            break
        }
        guard index > start, !(index == start + 1 && bytes[start] == UInt8(ascii: "-")) else { throw failure("unexpected character") }
        if isInteger, index - start <= 18 {
            // At most 18 digits: within Int64, summed without a string.
            var negative = false
            var at = start
            var total: Int64 = 0
            if bytes[at] == UInt8(ascii: "-") {
                negative = true
                at += 1
            }
            while at < index {
                total = total * 10 + Int64(bytes[at] - 0x30)
                at += 1
            }
            return .int(negative ? -total : total)
        }
        let text = text(start..<index)
        if isInteger, let i = Int64(text) { return .int(i) }
        guard let d = Double(text) else { throw failure("bad number \(text)") }
        return .double(d)
    }

    /// An object's key at `position`: the string read there last when the bytes match.
    private mutating func key(at position: Int) throws -> String {
        // The key's bytes up to its closing quote; one with an escape is read as any string.
        var end = index + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return try string() }
        let raw = bytes[(index + 1)..<end]
        index = end + 1
        if position < keys.count, keys[position].bytes.elementsEqual(raw) { return keys[position].key }
        let key = String(decoding: raw, as: UTF8.self)
        if position < keys.count {
            keys[position] = (raw, key)
        } else if position == keys.count {
            keys.append((raw, key))
        }
        return key
    }

    private mutating func string() throws -> String {
        index += 1
        // Most strings have no escape: one scan to the closing quote, one decode.
        let start = index
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                return text(start..<index - 1)
            }
            if b == UInt8(ascii: "\\") { break }
            index += 1
        }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let b = bytes[index]
            index += 1
            switch b {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw failure("unexpected end") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count,
                        bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                    {
                        index += 2
                        let low = try hex4()
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    out.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
                default: out.append(e)
                }
            default:
                out.append(b)
            }
        }
        throw failure("unterminated string")
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count, let v = UInt32(text(index..<index + 4), radix: 16) else {
            throw failure("bad \\u escape")
        }
        index += 4
        return v
    }
}
