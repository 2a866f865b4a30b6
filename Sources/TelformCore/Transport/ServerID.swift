import Foundation

/// What a platform's server ids may look like. An id comes from the server and goes back
/// into a URL path or query: a hostile or broken server must not be able to steer a request
/// elsewhere with one (`../../other/endpoints/5`, `1?force=true#`), nor overflow a number.
public enum ServerID: Sendable {
    /// Decimal digits that fit an unsigned 64-bit number (every platform that numbers its
    /// objects: endpoints, vpbx, xivo, mxproxy).
    case digits
    /// Any text; it is percent-encoded wherever it is used (names used as ids).
    case text

    /// Why `id` cannot be used, or nil when it can.
    public func problem(_ id: String) -> String? {
        switch self {
        case .digits:
            guard !id.isEmpty, id.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                return "the server gave it the id \"\(Self.shown(id))\", which is not a number; telform will not put it in a URL"
            }
            guard UInt64(id) != nil else { return "the server gave it the id \(Self.shown(id)), past 2^64; telform will not put it in a URL" }
            return nil
        case .text:
            return id.isEmpty ? "the server gave it no id" : nil
        }
    }

    /// An id as the server wrote it: a number's digits (a number past 2^63 is parsed as a
    /// double, and so shows as one), a string as it is, anything else empty.
    public static func text(_ node: JSONNode?) -> String {
        switch node {
        case .int(let i)?: return String(i)
        case .string(let s)?: return s
        case .double(let d)?: return "\(d)"
        default: return ""
        }
    }

    /// A composite id (`abonent/12/345`: the path to an object and its number) when `number`
    /// is usable, and the rule that checks it: a bad number makes the object unusable.
    public static func composite(_ prefix: String, _ number: String) -> (id: String, rule: ServerID) {
        digits.problem(number) == nil ? (prefix + "/" + number, .text) : (number, .digits)
    }

    /// An id as it may be printed: one line, at most 40 characters.
    public static func shown(_ id: String) -> String {
        ServerText.excerpt(id, limit: 40)
    }

    /// `id` as one URL path segment: everything but unreserved characters percent-encoded,
    /// so no `/`, `?`, `#` or `..` of it can change the request's path.
    public static func segment(_ id: String) -> String {
        let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_~")
        return id.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
