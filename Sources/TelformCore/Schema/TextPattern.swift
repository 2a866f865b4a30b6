import Foundation

/// A compiled regular expression (ICU syntax through Foundation) matched against whole strings.
///
/// The anchored patterns the kind tables use (`^\+?[0-9]{1,20}$`, `^[A-Za-z0-9]{20}$`: classes,
/// literals and quantifiers, no groups) are matched by a small matcher over Unicode scalars,
/// without bridging every value to an NSString; any other pattern goes to
/// NSRegularExpression.
public struct TextPattern: Sendable {
    private let pattern: String
    private let simple: SimplePattern?

    /// An ICU pattern is compiled when a value is first matched against it: a schema's
    /// patterns are made with the schema, and most configs never give most fields a value.
    public init(_ pattern: String) {
        self.pattern = pattern
        simple = SimplePattern(pattern)
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
        if let simple { return simple.matches(text) }
        // NSRegularExpression is immutable and documented thread-safe for matching.
        guard let expression = Self.compiled(pattern) else { return false }
        let range = NSRange(text.startIndex..., in: text)
        return expression.firstMatch(in: text, range: range) != nil
    }
}

/// `^…$` patterns of literals and character classes with quantifiers (`?`, `*`, `+`, `{n}`,
/// `{m,n}`), matched over Unicode scalars as ICU does, and `^…` ones matched as a prefix;
/// nil for anything else (groups, alternation, flags, patterns not anchored at the start),
/// which NSRegularExpression matches instead.
struct SimplePattern: Sendable {
    struct Atom: Sendable {
        /// Inclusive scalar ranges; `negated` matches what is outside them.
        var ranges: [ClosedRange<UInt32>]
        var negated: Bool
        var min: Int
        var max: Int

        func accepts(value: UInt32) -> Bool {
            ranges.contains { $0.contains(value) } != negated
        }
    }

    let atoms: [Atom]
    /// `$` ends the pattern: the text must end where the atoms do (else any rest may follow).
    let anchoredEnd: Bool

    /// The atoms as ASCII text meets them: which of the 128 bytes each accepts (two 64-bit
    /// masks), so a byte is checked without walking an atom's ranges.
    struct ASCIIAtom {
        var low: UInt64
        var high: UInt64
        var min: Int
        var max: Int

        func accepts(_ byte: UInt8) -> Bool {
            byte < 64 ? low & (1 << UInt64(byte)) != 0 : high & (1 << UInt64(byte - 64)) != 0
        }
    }
    let asciiAtoms: [ASCIIAtom]

    /// ICU's `\s` as it matches (checked against it in TextPatternTests): tab to carriage
    /// return, NEL, and the space separators.
    static let whitespace: [ClosedRange<UInt32>] = [
        9...13, 32...32, 0x85...0x85, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A,
        0x2028...0x2029, 0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000,
    ]
    static let digit: [ClosedRange<UInt32>] = [48...57]

    init?(_ pattern: String) {
        var scalars = Array(pattern.unicodeScalars)
        guard scalars.first == "^" else { return nil }
        scalars.removeFirst()
        // Without a `$` at the end, the pattern matches any text it is a prefix match of.
        anchoredEnd = scalars.last == "$"
        if anchoredEnd { scalars.removeLast() }
        // A `$` escaped as `\$` at the end would have been taken for the anchor.
        if let last = scalars.last, last == "\\" { return nil }
        var atoms: [Atom] = []
        var i = 0
        func escaped(_ c: Unicode.Scalar) -> [ClosedRange<UInt32>]? {
            switch c {
            case "s": return Self.whitespace
            case "d": return Self.digit
            case ".", "+", "*", "?", "\\", "-", "/", "^", "$", "{", "}", "[", "]", "(", ")", "|", "@", "_", ":":
                return [c.value...c.value]
            default: return nil
            }
        }
        while i < scalars.count {
            let c = scalars[i]
            var atom: Atom
            switch c {
            case "[":
                i += 1
                var negated = false
                if i < scalars.count, scalars[i] == "^" {
                    negated = true
                    i += 1
                }
                var ranges: [ClosedRange<UInt32>] = []
                var closed = false
                while i < scalars.count {
                    var lower = scalars[i]
                    if lower == "]" {
                        closed = true
                        i += 1
                        break
                    }
                    if lower == "[" { return nil }
                    if lower == "\\" {
                        guard i + 1 < scalars.count, let set = escaped(scalars[i + 1]) else { return nil }
                        i += 2
                        if set.count > 1 || scalars[i - 1] == "s" || scalars[i - 1] == "d" {
                            ranges += set
                            continue
                        }
                        lower = Unicode.Scalar(set[0].lowerBound) ?? lower
                    } else {
                        i += 1
                    }
                    if i + 1 < scalars.count, scalars[i] == "-", scalars[i + 1] != "]" {
                        var upper = scalars[i + 1]
                        i += 2
                        if upper == "\\" {
                            guard i < scalars.count, let set = escaped(scalars[i]), set.count == 1 else { return nil }
                            upper = Unicode.Scalar(set[0].lowerBound) ?? upper
                            i += 1
                        }
                        guard lower.value <= upper.value else { return nil }
                        ranges.append(lower.value...upper.value)
                    } else {
                        ranges.append(lower.value...lower.value)
                    }
                }
                guard closed, !ranges.isEmpty else { return nil }
                atom = Atom(ranges: ranges, negated: negated, min: 1, max: 1)
            case "\\":
                guard i + 1 < scalars.count, let set = escaped(scalars[i + 1]) else { return nil }
                i += 2
                atom = Atom(ranges: set, negated: false, min: 1, max: 1)
            case "(", ")", "|", "{", "}", "*", "+", "?", ".", "^", "$", "]":
                return nil
            default:
                i += 1
                atom = Atom(ranges: [c.value...c.value], negated: false, min: 1, max: 1)
            }
            // A quantifier after the atom.
            if i < scalars.count {
                switch scalars[i] {
                case "?":
                    atom.min = 0
                    atom.max = 1
                    i += 1
                case "*":
                    atom.min = 0
                    atom.max = .max
                    i += 1
                case "+":
                    atom.min = 1
                    atom.max = .max
                    i += 1
                case "{":
                    guard let close = scalars[i...].firstIndex(of: "}") else { return nil }
                    let body = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
                    let parts = body.split(separator: ",", omittingEmptySubsequences: false)
                    guard let low = Int(parts[0]) else { return nil }
                    if parts.count == 1 {
                        atom.min = low
                        atom.max = low
                    } else if parts.count == 2 {
                        atom.min = low
                        if parts[1].isEmpty { atom.max = .max } else if let high = Int(parts[1]), high >= low { atom.max = high } else { return nil }
                    } else {
                        return nil
                    }
                    i = close + 1
                default: break
                }
                // A second quantifier (`+?`, lazy or possessive forms) is left to ICU.
                if i < scalars.count, ["?", "*", "+", "{"].contains(scalars[i]) { return nil }
            }
            atoms.append(atom)
        }
        self.atoms = atoms
        asciiAtoms = atoms.map { atom in
            var masks: (UInt64, UInt64) = (0, 0)
            for byte in 0..<128 where atom.accepts(value: UInt32(byte)) {
                if byte < 64 { masks.0 |= 1 << UInt64(byte) } else { masks.1 |= 1 << UInt64(byte - 64) }
            }
            return ASCIIAtom(low: masks.0, high: masks.1, min: atom.min, max: atom.max)
        }
    }

    func matches(_ text: String) -> Bool {
        // ASCII text (nearly every value) is matched on its bytes, by the atoms' masks.
        let bytes = Array(text.utf8)
        if !bytes.contains(where: { $0 >= 0x80 }) {
            var firstEnd = bytes.count
            if let last = bytes.last, last == 0x0A || last == 0x0D { firstEnd -= 1 }
            if bytes.count >= 2, bytes[bytes.count - 2] == 0x0D, bytes[bytes.count - 1] == 0x0A { firstEnd = bytes.count - 2 }
            return matchASCII(bytes, 0, 0, firstEnd)
        }
        let scalars = Array(text.unicodeScalars)
        // ICU's `$` (without multiline) matches at the end, and before a line terminator
        // that ends the input: so does this.
        // The ends it may stop at are the positions from the first one to the end.
        var firstEnd = scalars.count
        if let last = scalars.last, [0x0A, 0x0D, 0x85, 0x2028, 0x2029].contains(last.value) { firstEnd -= 1 }
        if scalars.count >= 2, scalars[scalars.count - 2] == "\r", scalars[scalars.count - 1] == "\n" { firstEnd = scalars.count - 2 }
        return match(scalars.map(\.value), 0, 0, firstEnd)
    }

    /// `match` over ASCII bytes, by the atoms' masks.
    private func matchASCII(_ bytes: [UInt8], _ a: Int, _ at: Int, _ firstEnd: Int) -> Bool {
        guard a < asciiAtoms.count else { return !anchoredEnd || at >= firstEnd }
        let atom = asciiAtoms[a]
        var count = 0
        while count < atom.max, at + count < bytes.count, atom.accepts(bytes[at + count]) { count += 1 }
        guard count >= atom.min else { return false }
        while count >= atom.min {
            if matchASCII(bytes, a + 1, at + count, firstEnd) { return true }
            count -= 1
        }
        return false
    }

    /// Greedy, with backtracking: atom `a` from position `at` of the scalar values.
    private func match<Values: RandomAccessCollection>(_ values: Values, _ a: Int, _ at: Int, _ firstEnd: Int) -> Bool
    where Values.Index == Int, Values.Element: FixedWidthInteger {
        guard a < atoms.count else { return !anchoredEnd || at >= firstEnd }
        let atom = atoms[a]
        var count = 0
        while count < atom.max, at + count < values.count, atom.accepts(value: UInt32(truncatingIfNeeded: values[at + count])) { count += 1 }
        guard count >= atom.min else { return false }
        while count >= atom.min {
            if match(values, a + 1, at + count, firstEnd) { return true }
            count -= 1
        }
        return false
    }
}
