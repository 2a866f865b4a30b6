import Foundation

/// One apply at a time per working directory: `.telform/apply.lock` beside the config, held
/// with `flock` for the whole apply. Two applies at once would both plan the same creates and
/// make duplicates; the second fails at once, naming the holder. The kernel releases the lock
/// when the holder exits, however it exits (a kill included), so a stale lock cannot block.
final class ApplyLock {
    private let descriptor: Int32
    /// The lock of this process, kept open until it exits.
    nonisolated(unsafe) private static var held: ApplyLock?

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Takes the lock of `directory`, or says who holds it.
    static func acquire(directory: String) -> Result<Void, Failure> {
        let folder = directory + "/.telform"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/apply.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return .failure(Failure(description: "cannot open the apply lock \(path): \(String(cString: strerror(errno)))")) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            return .failure(
                Failure(
                    description:
                        "another apply is running in \(URL(fileURLWithPath: directory).standardizedFileURL.path) (\(holder.isEmpty ? "holder unknown" : holder)); nothing was read or changed. Wait for it to finish; in CI, let one apply run at a time (docs/ci.md)"
                ))
        }
        let note = "pid \(getpid()) on \(hostName()), since \(utcNow())\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { write(fd, $0, strlen($0)) }
        held = ApplyLock(descriptor: fd)
        return .success(())
    }

    /// The machine's name as the kernel has it (no name lookup).
    static func hostName() -> String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "unknown host" }
        return String(cString: name)
    }

    /// Now, as `2026-12-07T09:42:00Z`.
    static func utcNow() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var text = [CChar](repeating: 0, count: 32)
        let length = strftime(&text, text.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: text.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }
}
