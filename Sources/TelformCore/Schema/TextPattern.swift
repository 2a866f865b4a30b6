import Foundation

/// A compiled regular expression (ICU syntax through Foundation) matched against whole strings.
public struct TextPattern: @unchecked Sendable {
    // NSRegularExpression is immutable and documented thread-safe for matching.
    private let expression: NSRegularExpression?

    public init(_ pattern: String) {
        expression = Self.compiled(pattern)
    }

    /// Each pattern is compiled once per process: patterns are built where they are used
    /// (`${env:NAME}` checks one per reference), and compiling dominated a large validate.
    nonisolated(unsafe) private static var cache: [String: NSRegularExpression?] = [:]
    private static let lock = NSLock()

    private static func compiled(_ pattern: String) -> NSRegularExpression? {
        lock.lock()
        defer { lock.unlock() }
        if let known = cache[pattern] { return known }
        let expression = try? NSRegularExpression(pattern: pattern)
        cache[pattern] = expression
        return expression
    }

    public func matches(_ text: String) -> Bool {
        guard let expression else { return false }
        let range = NSRange(text.startIndex..., in: text)
        return expression.firstMatch(in: text, range: range) != nil
    }
}
