import Foundation

/// What a platform's server ids may look like. An id comes from the server and goes back
/// into a URL path or query: a hostile or broken server must not be able to steer a request
/// elsewhere with one (`../../other/endpoints/5`, `1?force=true#`), nor overflow a number.
public enum ServerID: Sendable {
    /// Decimal digits that fit an unsigned 64-bit number (every platform that numbers its
    /// objects: endpoints, vpbx, xivo, mxproxy).
    case digits
    /// A path telform made itself from parts it checked (`composite`): used as it is.
    case composed
    /// Text (PJSIP ids, names used as ids, MX Proxy's opaque ids); it is percent-encoded
    /// wherever it is used. Empty, `.`, `..`, a `/` or a control character is refused.
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
        case .composed:
            return id.isEmpty ? "the server gave it no id" : nil
        case .text:
            // Percent-encoded as one path segment, any text is safe but these: a `/` or a
            // control character is no id a server means, and `.`/`..` would move the path
            // wherever a proxy or server normalizes dot segments.
            if id.isEmpty { return "the server gave it no id" }
            if id == "." || id == ".." || id.contains("/") || id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                return "the server gave it the id \"\(Self.shown(id))\", which telform will not put in a URL (a path part or a control character)"
            }
            return nil
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
        digits.problem(number) == nil ? (prefix + "/" + number, .composed) : (number, .digits)
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
