import Foundation

/// A compiled regular expression (ICU syntax through Foundation) matched against whole strings.
public struct TextPattern: @unchecked Sendable {
    // NSRegularExpression is immutable and documented thread-safe for matching.
    private let expression: NSRegularExpression?

    public init(_ pattern: String) {
        expression = try? NSRegularExpression(pattern: pattern)
    }

    public func matches(_ text: String) -> Bool {
        guard let expression else { return false }
        let range = NSRange(text.startIndex..., in: text)
        return expression.firstMatch(in: text, range: range) != nil
    }
}
