/// The type of a config field, with its limits. Drives validation, typing, the JSON Schema
/// and (in later stages) canonicalisation and display.
public indirect enum FieldType: Sendable {
    case string(StringRules)
    case integer(IntegerRules)
    case bool
    case list(FieldType, ListRules)
    case object(ObjectSchema)
    /// One of several shapes, chosen by the node's own shape (scalar, list or mapping).
    case choice([FieldType])
    /// A mapping from free keys (or the given ones) to values of one type.
    case map(FieldType, keys: [String]?)

    public static var string: FieldType { .string(StringRules()) }

    /// What the node shape this type accepts is called, for "expected ..." messages.
    var expectation: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .bool: return "true or false"
        case .list: return "a list"
        case .object, .map: return "a mapping"
        case .choice(let options): return options.map(\.expectation).joined(separator: " or ")
        }
    }

    var acceptsScalar: Bool {
        switch self {
        case .string, .integer, .bool: return true
        case .choice(let options): return options.contains { $0.acceptsScalar }
        default: return false
        }
    }
}

/// A check on a string value beyond length and enumeration: a pattern with a human
/// description, or a parser (dates, times, day ranges) that says what is wrong.
public struct StringCheck: Sendable {
    /// For the JSON Schema; nil when no regular expression expresses the check exactly.
    public var pattern: String?
    /// Returns the reason the text is invalid, or nil when it is fine.
    public var reason: @Sendable (String) -> String?

    public init(pattern: String?, reason: @escaping @Sendable (String) -> String?) {
        self.pattern = pattern
        self.reason = reason
    }

    /// A regular expression with the sentence to show when it does not match.
    public static func regex(_ pattern: String, _ expectation: String) -> StringCheck {
        let compiled = TextPattern(pattern)
        return StringCheck(pattern: pattern) { text in
            compiled.matches(text) ? nil : "\"\(text)\" \(expectation)"
        }
    }
}

/// A class, immutable: typing reads a field's rules once per value, by reference, not as a
/// copy of an array, a check and texts.
public final class StringRules: Sendable {
    public let minLength: Int?
    /// Counted in characters (grapheme clusters), not bytes: a 30-character Cyrillic rule
    /// name is 60 bytes of UTF-8 and still fits.
    public let maxLength: Int?
    public let allowed: [String]?
    public let check: StringCheck?
    /// Who sets the limits, named in messages ("VPBX allows 30").
    public let by: String?
    /// Digit strings (phone numbers, extensions): YAML 1.2 tools see them as integers when
    /// written plain, so the JSON Schema accepts both; telform keeps the literal text.
    public let digits: Bool

    public init(
        minLength: Int? = nil, maxLength: Int? = nil, allowed: [String]? = nil,
        check: StringCheck? = nil, by: String? = nil, digits: Bool = false
    ) {
        self.by = by
        self.minLength = minLength
        self.maxLength = maxLength
        self.allowed = allowed
        self.check = check
        self.digits = digits
    }
}

public struct IntegerRules: Sendable {
    public var min: Int64?
    public var max: Int64?
    public var by: String?

    public init(min: Int64? = nil, max: Int64? = nil, by: String? = nil) {
        self.by = by
        self.min = min
        self.max = max
    }
}

public struct ListRules: Sendable {
    public var minItems: Int?
    public var maxItems: Int?
    /// What the items are called in a "too many" message ("numbers in a find-me rule").
    public var itemNoun: String?
    public var by: String?
    /// What the list means: its order, or only its entries. The diff compares by it.
    public var order: ListOrder

    public init(minItems: Int? = nil, maxItems: Int? = nil, itemNoun: String? = nil, by: String? = nil, order: ListOrder = .ordered) {
        self.by = by
        self.minItems = minItems
        self.maxItems = maxItems
        self.itemNoun = itemNoun
        self.order = order
    }
}

/// What a list's order means, declared on the list.
public enum ListOrder: Sendable, Equatable {
    /// The order is meaning (a ring order, codecs by preference): a reorder is a change.
    case ordered
    /// Only which entries it holds (holidays, pickup members): compared as a set; order and
    /// repeats are not changes.
    case set
    /// Entries identified by a field (a message per side): compared entry by entry by that
    /// field, in any order.
    case keyed(String)

    /// The list in the form two lists of equal meaning share.
    public func normalized(_ items: [Value]) -> [Value] {
        switch self {
        case .ordered:
            return items
        case .set:
            var seen: Set<Value> = []
            return items.filter { seen.insert($0).inserted }.sorted { $0.description < $1.description }
        case .keyed(let field):
            return items.sorted { ($0[field]?.description ?? "") < ($1[field]?.description ?? "") }
        }
    }
}
