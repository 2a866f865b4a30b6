import Foundation
@testable import TelformCore
import XCTest

/// The threads blocking work runs on (the simulator's server, the HTTP transport).
final class BlockingThreadsTests: XCTestCase {
    func testBlockingThreadsRunJobsAtOnceAndKeepThreadsForTheNext() {
        let threads = BlockingThreads(stackSize: 1 << 20)
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        for index in 0..<8 {
            threads.run {
                Thread.current.name = "kept \(index)"     // stays with the thread, not the job
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
        let lock = NSLock()
        nonisolated(unsafe) var names: [String] = []
        for _ in 0..<8 {
            let ran = DispatchSemaphore(value: 0)
            threads.run {
                lock.withLock { names.append(Thread.current.name ?? "") }
                ran.signal()
            }
            XCTAssertEqual(ran.wait(timeout: .now() + 10), .success)
        }
        XCTAssertEqual(lock.withLock { names.allSatisfy { $0.hasPrefix("kept ") } }, true, "\(names)")
    }
}
