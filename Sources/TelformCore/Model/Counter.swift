import Foundation

/// A number that goes up by one, safely from any thread: request ids, `-v` call numbers,
/// apply's `[n/N]`.
public final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    public init() {}

    public func next() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}
