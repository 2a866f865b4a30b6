import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The bytes of a config file (or an interpolated `${file:}`) before they become text: UTF-8
/// is checked, never repaired (a replaced byte would be planned as if the file said it),
/// and positions are counted the way diagnostics show them.
public enum ConfigBytes {
    /// The most `-c -` reads from standard input: 16 MiB.
    public static let standardInputLimit = 16 << 20

    /// The text of `bytes`, or the position and description of the first byte that is not
    /// UTF-8.
    public static func text(_ bytes: [UInt8]) -> Result<String, Invalid> {
        if let invalid = invalid(bytes) { return .failure(invalid) }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// Where and what the first byte that is not UTF-8 is, or nil.
    public static func invalid(_ bytes: [UInt8]) -> Invalid? {
        guard let offset = firstInvalidUTF8(bytes) else { return nil }
        let (line, column) = position(of: offset, in: bytes)
        return Invalid(line: line, column: column, byte: bytes[offset])
    }

    public struct Invalid: Error {
        public var line: Int
        public var column: Int
        public var byte: UInt8
        public var message: String { "invalid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true))); save the file as UTF-8" }
    }

    /// Line and column (both from 1; the column counts characters) of the byte at `offset`.
    public static func position(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        // Characters, not bytes: count the lead bytes of the line before the offset.
        let column = bytes[lineStart..<min(offset, bytes.count)].filter { $0 & 0xC0 != 0x80 }.count + 1
        return (line, column)
    }

    /// The offset of the first byte that does not belong to well-formed UTF-8 (RFC 3629: no
    /// overlong forms, no surrogates, nothing past U+10FFFF), or nil.
    public static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let length: Int
            let low: UInt8
            let high: UInt8
            switch b {
            case 0xC2...0xDF:
                length = 2
                low = 0x80
                high = 0xBF
            case 0xE0:
                length = 3
                low = 0xA0
                high = 0xBF
            case 0xE1...0xEC, 0xEE...0xEF:
                length = 3
                low = 0x80
                high = 0xBF
            case 0xED:
                length = 3
                low = 0x80
                high = 0x9F
            case 0xF0:
                length = 4
                low = 0x90
                high = 0xBF
            case 0xF1...0xF3:
                length = 4
                low = 0x80
                high = 0xBF
            case 0xF4:
                length = 4
                low = 0x80
                high = 0x8F
            default: return i
            }
            guard i + length <= bytes.count, (low...high).contains(bytes[i + 1]) else { return i }
            for k in 2..<length where !(0x80...0xBF).contains(bytes[i + k]) { return i }
            i += length
        }
        return nil
    }

    /// What kind of thing `path` is when it is not a regular file ("a directory", "a FIFO",
    /// "a device", "a socket"), or nil for a regular file or one that does not exist.
    public static func irregular(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }

    /// `path` as one spelling: absolute, `.` and `..` resolved, symbolic links followed.
    public static func canonical(_ path: String, relativeTo directory: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + (directory == "." ? "" : directory + "/") + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// The bytes of the file at `path`, or nil when it cannot be read.
    public static func contents(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// Standard input, at most `limit` bytes; nil when there is more.
    public static func standardInput(limit: Int = standardInputLimit) -> [UInt8]? {
        var bytes: [UInt8] = []
        let handle = FileHandle.standardInput
        while true {
            let chunk = handle.readData(ofLength: 1 << 16)
            if chunk.isEmpty { return bytes }
            bytes += chunk
            if bytes.count > limit { return nil }
        }
    }
}
