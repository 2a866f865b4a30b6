import Foundation
import XCTest

@testable import TelformSimulator

/// The threads the simulator server's connections run on.
final class BlockingThreadsTests: XCTestCase {
    func testBlockingThreadsRunJobsAtOnceAndKeepThreadsForTheNext() {
        let threads = BlockingThreads(stackSize: 1 << 20)
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        // Threads told apart by their pthread ids (a Thread's name read back through
        // `Thread.current` is not always the one set on it).
        let lock = NSLock()
        nonisolated(unsafe) var kept: Set<UInt> = []
        for _ in 0..<8 {
            threads.run {
                lock.withLock { _ = kept.insert(UInt(pthread_self())) }
                started.signal()
                release.wait()
                done.signal()
            }
        }
        for _ in 0..<8 { XCTAssertEqual(started.wait(timeout: .now() + 10), .success, "all eight ran at once") }
        for _ in 0..<8 { release.signal() }
        for _ in 0..<8 { XCTAssertEqual(done.wait(timeout: .now() + 10), .success) }
        // The eight threads now wait for jobs (once each is back from its job): the next ones
        // run on them.
        let until = Date() + 10
        while threads.waiting < 8 && Date() < until { usleep(1000) }
        XCTAssertEqual(threads.waiting, 8)
        XCTAssertEqual(lock.withLock { kept.count }, 8, "eight threads")
        nonisolated(unsafe) var later: [UInt] = []
        for _ in 0..<8 {
            let ran = DispatchSemaphore(value: 0)
            threads.run {
                lock.withLock { later.append(UInt(pthread_self())) }
                ran.signal()
            }
            XCTAssertEqual(ran.wait(timeout: .now() + 10), .success)
        }
        XCTAssertEqual(lock.withLock { later.filter { !kept.contains($0) } }, [], "every later job ran on a kept thread")
    }
}
