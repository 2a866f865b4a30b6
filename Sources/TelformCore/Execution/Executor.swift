import Foundation

/// Runs a plan's changes as a dependency graph: independent calls concurrently (at most
/// `parallelism` in flight, at most `perProvider` per provider), dependents after their
/// dependencies. A failure stops only its dependents; everything else goes on.
public struct Executor: Sendable {
    public enum Outcome: Sendable, Equatable {
        case succeeded(seconds: Double)
        case failed(message: String)
        case skipped(because: String)
    }

    public struct Result: Sendable {
        public var address: Address
        public var action: ChangeAction
        public var outcome: Outcome
        public var cleanup = false
    }

    public struct Event: Sendable {
        public var change: Change
        public var outcome: Outcome
    }

    public let parallelism: Int
    public let perProvider: Int
    /// A change still running after `slowAfter` seconds is reported to `slow` (and again
    /// every `slowAfter` seconds), so a long call is not mistaken for a hang.
    public var slowAfter: TimeInterval?
    public var slow: (@Sendable (Change, TimeInterval) -> Void)?

    public init(parallelism: Int, perProvider: Int = 4, slowAfter: TimeInterval? = nil, slow: (@Sendable (Change, TimeInterval) -> Void)? = nil) {
        self.parallelism = max(1, parallelism)
        self.perProvider = max(1, perProvider)
        self.slowAfter = slowAfter
        self.slow = slow
    }

    /// Runs every change of `plan` through the provider's driver; `progress` hears each outcome.
    ///
    /// `stop` is asked before each change starts: once it answers true, no change starts
    /// (those in flight finish) and every change not started is skipped as interrupted.
    public func run(
        _ plan: Plan, drivers: [String: any ProviderDriver], live: [String: LiveState],
        stop: @escaping @Sendable () -> Bool = { false },
        progress: @escaping @Sendable (Event) -> Void
    ) async -> [Result] {
        // The graph, built once: O(changes + edges). A dependency (an address) means that
        // resource's main change; one outside the plan (filtered by --target) is in place.
        let changes = plan.changes
        var indexByID: [String: Int] = [:]
        for (index, change) in changes.enumerated() where indexByID[change.id] == nil { indexByID[change.id] = index }
        var waitingOn = [Int](repeating: 0, count: changes.count)
        var dependents = [[Int]](repeating: [], count: changes.count)
        for (index, change) in changes.enumerated() {
            for dependency in Set(change.dependsOn.compactMap { indexByID[$0.description] }) where dependency != index {
                waitingOn[index] += 1
                dependents[dependency].append(index)
            }
        }
        var outcomes = [Outcome?](repeating: nil, count: changes.count)
        var order: [Int] = []
        // Ready changes per provider, each queue in plan order (a min-heap would be overkill:
        // changes become ready in roughly plan order; the queue is kept sorted on insert).
        var ready: [String: [Int]] = [:]
        var readyHeads: [String: Int] = [:]
        func makeReady(_ index: Int) {
            let provider = changes[index].address.provider
            let head = readyHeads[provider, default: 0]
            let position = ready[provider].flatMap { queue in
                (queue.last ?? index) > index ? queue[head...].firstIndex(where: { $0 > index }) : nil
            }
            // Changed in place: a copy of the queue per change made the start quadratic.
            if let position {
                ready[provider]?.insert(index, at: position)
            } else {
                ready[provider, default: []].append(index)
            }
        }
        func finish(_ index: Int, _ outcome: Outcome, report: Bool) {
            outcomes[index] = outcome
            order.append(index)
            if report { progress(Event(change: changes[index], outcome: outcome)) }
        }
        /// A change that did not succeed: everything depending on it, transitively, is skipped.
        func skipDependents(of index: Int) {
            var frontier = [index]
            while let failed = frontier.popLast() {
                for dependent in dependents[failed] where outcomes[dependent] == nil {
                    finish(dependent, .skipped(because: "\(changes[failed].address) did not succeed"), report: true)
                    frontier.append(dependent)
                }
            }
        }
        for index in changes.indices where waitingOn[index] == 0 { makeReady(index) }
        var inFlight: [String: Int] = [:]
        var running = 0
        var finishedUnreported: Event?
        // One watch for every call in flight (a timer per call cost a task and a dispatch
        // timer per change).
        let watch = slowAfter.flatMap { after in slow.map { SlowWatch(after: after, report: $0) } }
        defer { watch?.stop() }
        await withTaskGroup(of: TaskResult<Int, Outcome>.self) { group in
            while true {
                // Start what is ready, within the limits, lowest plan position first.
                while !stop(), running < parallelism {
                    var best: (provider: String, index: Int)?
                    for (provider, queue) in ready {
                        let head = readyHeads[provider, default: 0]
                        guard head < queue.count, inFlight[provider, default: 0] < perProvider else { continue }
                        if best.map({ queue[head] < $0.index }) ?? true { best = (provider, queue[head]) }
                    }
                    guard let (provider, index) = best else { break }
                    readyHeads[provider, default: 0] += 1
                    let change = changes[index]
                    guard let driver = drivers[provider] else {
                        finish(index, .failed(message: "no driver for provider \(provider)"), report: true)
                        skipDependents(of: index)
                        continue
                    }
                    let state = live[provider] ?? LiveState()
                    running += 1
                    inFlight[provider, default: 0] += 1
                    group.addTask {
                        let started = Date()
                        watch?.begin(index, change)
                        defer { watch?.end(index) }
                        do {
                            try await driver.apply(change, live: state)
                            return TaskResult(index, .succeeded(seconds: Date().timeIntervalSince(started)))
                        } catch let error as PlatformError {
                            // The failed call goes on a line of its own under the change.
                            let call = error.call.map { "\n  call: \($0)" + (error.status.map { " -> HTTP \($0)" } ?? "") } ?? ""
                            return TaskResult(index, .failed(message: error.message + call))
                        } catch {
                            return TaskResult(index, .failed(message: ServerText.excerpt("\(error)", limit: 1000)))
                        }
                    }
                }
                // A finished change is reported once what it unblocked has started: a progress
                // line "done" means the next calls are already on their way (and an interrupt
                // then finds them in flight, not yet to start).
                if let event = finishedUnreported {
                    progress(event)
                    finishedUnreported = nil
                }
                guard running > 0 else { break }
                guard let finished = await group.next() else { break }
                let index = finished.key
                let outcome = finished.value
                running -= 1
                inFlight[changes[index].address.provider, default: 1] -= 1
                finish(index, outcome, report: false)
                finishedUnreported = Event(change: changes[index], outcome: outcome)
                if case .succeeded = outcome {
                    for dependent in dependents[index] where outcomes[dependent] == nil {
                        waitingOn[dependent] -= 1
                        if waitingOn[dependent] == 0 { makeReady(dependent) }
                    }
                } else {
                    if let event = finishedUnreported { progress(event) }
                    finishedUnreported = nil
                    skipDependents(of: index)
                }
            }
        }
        // Nothing runs and nothing more can start: what is left was interrupted, or waits in
        // a dependency cycle.
        let interrupted = stop()
        for index in changes.indices where outcomes[index] == nil {
            finish(index, interrupted ? .skipped(because: "not started: apply was interrupted") : .failed(message: "dependency cycle"), report: true)
        }
        return order.map { index in
            Result(
                address: changes[index].address, action: changes[index].action, outcome: outcomes[index] ?? .failed(message: "not run"),
                cleanup: changes[index].cleanup)
        }
    }

    static func isFailure(_ outcome: Outcome) -> Bool {
        if case .succeeded = outcome { return false }
        return true
    }
}

/// The calls in flight, looked at by one task a few times per `after`: a call still running
/// after `after` seconds is reported, and again at every further multiple of `after` (its
/// report says how long it has waited: that multiple).
public final class SlowWatch<Subject: Sendable>: @unchecked Sendable {
    private let after: TimeInterval
    private let report: @Sendable (Subject, TimeInterval) -> Void
    private let lock = NSLock()
    private var running: [Int: (change: Subject, started: UInt64, reported: Int)] = [:]
    private var ticker: Task<Void, Never>?
    private var stopped = false

    public init(after: TimeInterval, report: @escaping @Sendable (Subject, TimeInterval) -> Void) {
        self.after = after
        self.report = report
    }

    public func begin(_ index: Int, _ change: Subject) {
        lock.withLock {
            running[index] = (change, DispatchTime.now().uptimeNanoseconds, 0)
            if ticker == nil && !stopped {
                let period = UInt64(after / 4 * 1_000_000_000)
                ticker = Task { [self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(nanoseconds: period)
                        look()
                    }
                }
            }
        }
    }

    public func end(_ index: Int) {
        lock.withLock { _ = running.removeValue(forKey: index) }
    }

    public func stop() {
        lock.withLock {
            stopped = true
            ticker?.cancel()
        }
    }

    private func look() {
        let now = DispatchTime.now().uptimeNanoseconds
        var due: [(Subject, TimeInterval)] = []
        lock.withLock {
            for (index, call) in running {
                let waited = Double(now &- call.started) / 1e9
                let times = Int(waited / after)
                guard times > call.reported else { continue }
                running[index]?.reported = times
                for time in (call.reported + 1)...times { due.append((call.change, Double(time) * after)) }
            }
        }
        for (change, waited) in due { report(change, waited) }
    }
}
