import Foundation

/// A position in a config file: 1-based line and column (columns count characters).
///
/// Twelve bytes: the file by number, not by name (every YAML node and key has a mark, so a
/// string per mark would weigh on a big config's memory).
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
    let fileID: UInt32
    let lineNumber: UInt32
    let columnNumber: UInt32

    public var file: String { Self.files.name(fileID) }
    public var line: Int { Int(lineNumber) }
    public var column: Int { Int(columnNumber) }

    public init(file: String, line: Int, column: Int) {
        self.init(fileID: Self.files.id(file), line: line, column: column)
    }

    init(fileID: UInt32, line: Int, column: Int) {
        self.fileID = fileID
        lineNumber = UInt32(clamping: line)
        columnNumber = UInt32(clamping: column)
    }

    /// The files marks name, by number, for the life of the process.
    final class FileTable: @unchecked Sendable {
        private let lock = NSLock()
        private var names: [String] = []
        private var ids: [String: UInt32] = [:]

        func id(_ name: String) -> UInt32 {
            lock.lock()
            defer { lock.unlock() }
            if let id = ids[name] { return id }
            let id = UInt32(names.count)
            names.append(name)
            ids[name] = id
            return id
        }

        func name(_ id: UInt32) -> String {
            lock.lock()
            defer { lock.unlock() }
            return Int(id) < names.count ? names[Int(id)] : ""
        }
    }

    static let files = FileTable()

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
