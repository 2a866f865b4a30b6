import Foundation
import XCTest

@testable import TelformCore

/// A driver that records the order and concurrency of its calls and fails where told.
final class RecordingDriver: ProviderDriver, @unchecked Sendable {
    let provider: ProviderConfig
    let schema = TestPlatform.schema
    let failing: Set<String>
    let delay: UInt64
    private let lock = NSLock()
    private(set) var started: [String] = []
    private(set) var finished: [String] = []
    private var current = 0
    private(set) var peak = 0
    let shared: Concurrency?

    /// Counts calls in flight across several drivers.
    final class Concurrency: @unchecked Sendable {
        private let lock = NSLock()
        private var current = 0
        private(set) var peak = 0
        func enter() {
            lock.withLock {
                current += 1
                peak = max(peak, current)
            }
        }
        func leave() { lock.withLock { current -= 1 } }
    }

    init(name: String, failing: Set<String> = [], delay: UInt64 = 2_000_000, shared: Concurrency? = nil) {
        provider = ProviderConfig(name: name, type: "test", mark: Mark(file: "t", line: 1, column: 1))
        self.failing = failing
        self.delay = delay
        self.shared = shared
    }

    func canonical(_ desired: Resource) -> Resource { desired }
    func read(kinds: [String], desired: [Resource]) async throws -> LiveState { LiveState() }
    func export(kinds: [String]) async throws -> Export { Export() }

    func apply(_ change: Change, live: LiveState) async throws {
        lock.withLock {
            started.append(change.address.local)
            current += 1
            peak = max(peak, current)
        }
        shared?.enter()
        try? await Task.sleep(nanoseconds: delay)
        shared?.leave()
        lock.withLock {
            current -= 1
            finished.append(change.address.local)
        }
        if failing.contains(change.address.local) {
            throw PlatformError(address: change.address.description, message: "Endpoint with name 'x' already exists")
        }
    }
}

final class ExecutorTests: XCTestCase {
    func change(_ provider: String, _ name: String, after: [String] = []) -> Change {
        var c = Change(address: Address(provider: provider, kind: "things", key: [name]), action: .create, desired: nil, live: nil, fields: [])
        c.dependsOn = after.map { Address(provider: provider, kind: "things", key: [$0]) }
        return c
    }

    func plan(_ changes: [Change]) -> Plan {
        let providers = Dictionary(grouping: changes, by: \.address.provider).sorted { $0.key < $1.key }
        return Plan(
            providers: providers.map { Plan.ProviderPlan(name: $0.key, type: "test", url: "", liveCount: 0, fingerprint: "", changes: $0.value, kinds: []) })
    }

    func testALongChainRunsInOrderAndAFanOutRunsEveryBranch() async {
        // A chain of 1,500 (each after the one before) beside 1,500 independent changes, and
        // a failure in the middle of the chain: the rest of the chain is skipped, nothing else.
        let chain = (0..<1500).map { change("p", "c\($0)", after: $0 == 0 ? [] : ["c\($0 - 1)"]) }
        let free = (0..<1500).map { change("p", "f\($0)") }
        let driver = RecordingDriver(name: "p", failing: ["things/c1000"], delay: 0)
        let results = await Executor(parallelism: 8, perProvider: 8).run(plan(chain + free), drivers: ["p": driver], live: [:]) { _ in }
        XCTAssertEqual(results.count, 3000)
        let started = driver.started.filter { $0.hasPrefix("things/c") }
        XCTAssertEqual(started, (0...1000).map { "things/c\($0)" }, "the chain in order, up to the failure")
        XCTAssertEqual(driver.started.filter { $0.hasPrefix("things/f") }.count, 1500)
        let skipped = results.filter { if case .skipped = $0.outcome { return true } else { return false } }
        XCTAssertEqual(skipped.count, 499)
        XCTAssertEqual(skipped.first.map { "\($0.address): \($0.outcome)" }, "p/things/c1001: skipped(because: \"p/things/c1000 did not succeed\")")
    }

    func testDependentsRunAfterTheirDependencies() async {
        let driver = RecordingDriver(name: "p")
        let results = await Executor(parallelism: 8).run(
            plan([change("p", "c", after: ["b"]), change("p", "b", after: ["a"]), change("p", "a")]),
            drivers: ["p": driver], live: [:]
        ) { _ in }
        XCTAssertEqual(driver.started, ["things/a", "things/b", "things/c"])
        XCTAssertEqual(results.map(\.address.local), ["things/a", "things/b", "things/c"])
        XCTAssertEqual(driver.peak, 1)
    }

    func testAFailureSkipsOnlyItsDependents() async {
        let driver = RecordingDriver(name: "p", failing: ["things/a"])
        final class Events: @unchecked Sendable {
            var lines: [String] = []
            let lock = NSLock()
        }
        let events = Events()
        let results = await Executor(parallelism: 2).run(
            plan([change("p", "a"), change("p", "b", after: ["a"]), change("p", "c", after: ["b"]), change("p", "d")]),
            drivers: ["p": driver], live: [:]
        ) { event in events.lock.withLock { events.lines.append("\(event.change.address.local) \(event.outcome)") } }
        let outcomes = Dictionary(uniqueKeysWithValues: results.map { ($0.address.local, $0.outcome) })
        XCTAssertEqual(outcomes["things/a"], .failed(message: "Endpoint with name 'x' already exists"))
        XCTAssertEqual(outcomes["things/b"], .skipped(because: "p/things/a did not succeed"))
        XCTAssertEqual(outcomes["things/c"], .skipped(because: "p/things/b did not succeed"))
        if case .succeeded? = outcomes["things/d"] {} else { XCTFail("independent change d must run: \(String(describing: outcomes["things/d"]))") }
        XCTAssertEqual(Set(driver.started), ["things/a", "things/d"])
        XCTAssertEqual(events.lines.count, 4)
    }

    func testParallelismAndThePerProviderLimit() async {
        let shared = RecordingDriver.Concurrency()
        let p = RecordingDriver(name: "p", delay: 20_000_000, shared: shared)
        let q = RecordingDriver(name: "q", delay: 20_000_000, shared: shared)
        let changes = (0..<10).map { change("p", "p\($0)") } + (0..<10).map { change("q", "q\($0)") }
        _ = await Executor(parallelism: 6).run(plan(changes), drivers: ["p": p, "q": q], live: [:]) { _ in }
        XCTAssertEqual(p.started.count, 10)
        XCTAssertEqual(q.started.count, 10)
        XCTAssertLessThanOrEqual(p.peak, 4, "at most 4 calls in flight per provider")
        XCTAssertLessThanOrEqual(q.peak, 4)
        XCTAssertLessThanOrEqual(shared.peak, 6, "at most --parallelism in flight")
        XCTAssertGreaterThan(shared.peak, 1, "independent calls do run concurrently")
    }
}

extension ExecutorTests {
    /// A call still running after `slowAfter` is reported (and again each period); a quick one never.
    func testASlowCallIsReportedWhileItRuns() async {
        let heard = Heard()
        // The long call ends once it has been reported twice (no race on the clock).
        let slow = WaitingDriver(heard: heard, until: 2)
        let quick = RecordingDriver(name: "q", delay: 1_000_000)
        let executor = Executor(parallelism: 2, slowAfter: 0.2) { change, waited in heard.add("\(change.address.local) \(Int(waited * 10))") }
        _ = await executor.run(plan([change("p", "long"), change("q", "short")]), drivers: ["p": slow, "q": quick], live: [:]) { _ in }
        XCTAssertEqual(heard.items, ["things/long 2", "things/long 4"])
    }

    final class WaitingDriver: ProviderDriver, @unchecked Sendable {
        let provider = ProviderConfig(name: "p", type: "test", mark: Mark(file: "t", line: 1, column: 1))
        let schema = TestPlatform.schema
        let heard: Heard
        let until: Int
        init(heard: Heard, until: Int) {
            self.heard = heard
            self.until = until
        }
        func canonical(_ desired: Resource) -> Resource { desired }
        func read(kinds: [String], desired: [Resource]) async throws -> LiveState { LiveState() }
        func export(kinds: [String]) async throws -> Export { Export() }
        func apply(_ change: Change, live: LiveState) async throws {
            await heard.wait(for: until)
        }
    }

    /// What the executor said, and a wait for the moment it has said `count` things (given up
    /// after 10 s, so that a report that never comes fails the test instead of hanging it).
    final class Heard: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [String] = []
        private var waiters: [UUID: (count: Int, continuation: CheckedContinuation<Void, Never>)] = [:]

        func add(_ value: String) {
            let ready = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
                values.append(value)
                let ready = waiters.filter { $0.value.count <= values.count }
                for id in ready.keys { waiters[id] = nil }
                return ready.values.map(\.continuation)
            }
            for continuation in ready { continuation.resume() }
        }

        var items: [String] { lock.withLock { values } }

        func wait(for count: Int) async {
            let id = UUID()
            await withCheckedContinuation { continuation in
                let now = lock.withLock { () -> Bool in
                    if values.count >= count { return true }
                    waiters[id] = (count, continuation)
                    return false
                }
                if now { return continuation.resume() }
                DispatchQueue.global().asyncAfter(deadline: .now() + 10) { [self] in
                    lock.withLock { waiters.removeValue(forKey: id) }?.continuation.resume()
                }
            }
        }
    }
}

final class BoundedConcurrencyTests: XCTestCase {
    func testKeepsOrderAndTheLimit() async throws {
        let counter = RecordingDriver.Concurrency()
        let results = try await BoundedConcurrency.map(Array(0..<12), limit: 3) { item -> Int in
            counter.enter()
            try? await Task.sleep(nanoseconds: UInt64(1_000_000 * (12 - item)))
            counter.leave()
            return item * 10
        }
        XCTAssertEqual(results, (0..<12).map { $0 * 10 })
        XCTAssertLessThanOrEqual(counter.peak, 3)
        XCTAssertGreaterThan(counter.peak, 1)
    }
}
