/// Minimal JSON text helpers used by renderers that must be byte-for-byte deterministic.
public enum JSONText {
    public static func quote(_ s: String) -> String {
        var out = ""
        quote(s, into: &out)
        return out
    }

    /// A byte JSON does not carry as it is: a control character, `"` or `\`.
    static func escaped(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x22 || byte == 0x5C }

    /// Appends `s` quoted to `out`; a string with nothing to escape is appended whole, one
    /// to escape goes through the byte form's escaping (one table of escapes).
    public static func quote(_ s: String, into out: inout String) {
        guard s.utf8.contains(where: escaped) else {
            out += "\""
            out += s
            out += "\""
            return
        }
        var bytes: [UInt8] = []
        quote(s, into: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `s` quoted to `out` as UTF-8: `"`, `\`, newline, carriage return and tab by
    /// their short escapes, the other control characters as `\u00XX`.
    public static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { bytes in
            guard bytes.contains(where: escaped) else {
                out.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case 0x22:
                    out.append(0x5C)
                    out.append(0x22)
                case 0x5C:
                    out.append(0x5C)
                    out.append(0x5C)
                case 0x0A:
                    out.append(0x5C)
                    out.append(UInt8(ascii: "n"))
                case 0x0D:
                    out.append(0x5C)
                    out.append(UInt8(ascii: "r"))
                case 0x09:
                    out.append(0x5C)
                    out.append(UInt8(ascii: "t"))
                case ..<0x20:
                    let hex = Array(String(byte, radix: 16).utf8)
                    out.append(contentsOf: Array("\\u".utf8) + Array(repeating: UInt8(ascii: "0"), count: 4 - hex.count) + hex)
                default: out.append(byte)
                }
            }
        }
        out.append(0x22)
    }
}
