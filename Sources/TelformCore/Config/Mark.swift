/// A position in a config file: 1-based line and column (columns count characters).
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    /// The folder of the file, against which paths written in it are resolved; nil for standard input.
    public var directory: String? {
        guard file != "<stdin>" else { return nil }
        guard let slash = file.utf8.lastIndex(of: 0x2F) else { return "." }
        return slash == file.utf8.startIndex ? "/" : String(file.utf8[..<slash]) ?? "."
    }

    public static func < (a: Mark, b: Mark) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}
