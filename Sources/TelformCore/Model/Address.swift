/// A resource's address `PROVIDER/KIND/KEY...`, as plans, errors, `--target` and `ignore` use it.
public struct Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var provider: String
    public var kind: String
    public var key: [String]

    public init(provider: String, kind: String, key: [String]) {
        self.provider = provider
        self.kind = kind
        self.key = key
    }

    /// The address within its provider block (`endpoints/reception`), as `ignore` patterns use it.
    public var local: String { ([kind] + key).joined(separator: "/") }

    public var description: String { provider + "/" + local }

    public static func < (a: Address, b: Address) -> Bool { a.description < b.description }
}

/// A glob over addresses: `*` matches any run of characters, `?` one character.
public struct AddressPattern: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) {
        self.text = text
    }

    public var description: String { text }

    public func matches(_ candidate: String) -> Bool {
        Self.match(Array(text), Array(candidate))
    }

    private static func match(_ p: [Character], _ s: [Character]) -> Bool {
        var pi = 0
        var si = 0
        var star = -1
        var mark = 0
        while si < s.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == s[si]) {
                pi += 1
                si += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi
                mark = si
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                si = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
