import Foundation

/// Threads for the simulator server's connections (each blocks in socket calls), kept for
/// the next connection when one ends. As many threads run as jobs run at once; a thread with
/// no job waits for one, and one past `keptIdle` idle threads ends instead.
final class BlockingThreads: @unchecked Sendable {
    /// Idle threads kept at most (a burst's extra threads end).
    static let keptIdle = 64
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var idle = 0
    private let stackSize: Int?

    /// Threads with `stackSize` bytes of stack (nil: the system's default).
    init(stackSize: Int? = nil) {
        self.stackSize = stackSize
    }

    /// Threads waiting for a job.
    var waiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return idle - jobs.count
    }

    /// Runs `job` on a waiting thread, or on a new one when none waits.
    func run(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        if idle > jobs.count {
            jobs.append(job)
            condition.signal()
            condition.unlock()
            return
        }
        condition.unlock()
        let thread = Thread { [self] in work(job) }
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
    }

    private func work(_ first: @escaping @Sendable () -> Void) {
        var job = first
        while true {
            job()
            condition.lock()
            if idle >= Self.keptIdle {
                condition.unlock()
                return
            }
            idle += 1
            while jobs.isEmpty { condition.wait() }
            job = jobs.removeFirst()
            idle -= 1
            condition.unlock()
        }
    }
}
