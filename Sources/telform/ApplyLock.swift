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
        let host = ProcessInfo.processInfo.hostName
        let formatter = ISO8601DateFormatter()
        let note = "pid \(getpid()) on \(host), since \(formatter.string(from: Date()))\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { write(fd, $0, strlen($0)) }
        held = ApplyLock(descriptor: fd)
        return .success(())
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }
}
