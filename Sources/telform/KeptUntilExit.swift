import Foundation

/// What a command built from a large config (the config, the live state, the plan), kept
/// until the process exits: freeing it object by object only costs time before `exit`,
/// which gives the memory back at once (a tenth of a validate of 10,000 endpoints, several
/// milliseconds of a plan).
enum KeptUntilExit {
    nonisolated(unsafe) private static var values: [Any] = []
    private static let lock = NSLock()

    static func keep(_ value: Any) {
        lock.withLock { values.append(value) }
    }
}
