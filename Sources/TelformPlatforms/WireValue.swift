import TelformCore

/// Wire scalars in canonical form, as the JSON APIs send them loosely.
enum WireValue {
    /// A non-empty string (numbers as their digits); empty strings and null read the same: absent.
    static func text(_ node: JSONNode?) -> Value {
        if let s = node?.string, !s.isEmpty { return .string(s) }
        if let i = node?.int { return .string(String(i)) }
        return .null
    }

    /// An integer sent as a number or as digits; anything else is absent.
    static func integer(_ node: JSONNode?) -> Value {
        if let i = node?.int { return .int(i) }
        if let s = node?.string, let i = Int64(s) { return .int(i) }
        return .null
    }
}
