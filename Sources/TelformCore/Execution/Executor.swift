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

    public init(parallelism: Int, perProvider: Int = 4) {
        self.parallelism = max(1, parallelism)
        self.perProvider = max(1, perProvider)
    }

    /// Runs every change of `plan` through the provider's driver; `progress` hears each outcome.
    ///
    /// `stop` is asked before each change starts: once it answers true, no change starts
    /// (those in flight finish) and every change not started is skipped as interrupted.
    public func run(_ plan: Plan, drivers: [String: any ProviderDriver], live: [String: LiveState],
                    stop: @escaping @Sendable () -> Bool = { false },
                    progress: @escaping @Sendable (Event) -> Void) async -> [Result] {
        var pending: [Change] = plan.changes
        // Keyed by change id; a dependency (an address) means that resource's main change.
        var done: [String: Outcome] = [:]
        var order: [String] = []
        var inFlight: [String: Int] = [:]
        var running = 0
        let planned = Set(plan.changes.map(\.id))
        // A finished change is reported once what it unblocked has started: a progress line
        // "done" means the next calls are already on their way (and an interrupt then finds
        // them in flight, not yet to start).
        var finishedUnreported: Event?
        await withTaskGroup(of: TaskResult<Change, Outcome>.self) { group in
            while !pending.isEmpty || running > 0 || finishedUnreported != nil {
                // Skip what depends on a failure; start what is ready, within the limits.
                var progressed = !stop()
                while progressed {
                    progressed = false
                    for (index, change) in pending.enumerated() {
                        if let blocker = change.dependsOn.first(where: { done[$0.description].map(Self.isFailure) ?? false }) {
                            let outcome = Outcome.skipped(because: "\(blocker) did not succeed")
                            done[change.id] = outcome
                            order.append(change.id)
                            progress(Event(change: change, outcome: outcome))
                            pending.remove(at: index)
                            progressed = true
                            break
                        }
                        // A dependency outside the plan (filtered by --target) is already in place.
                        let ready = change.dependsOn.allSatisfy { dependency in
                            if case .succeeded? = done[dependency.description] { return true }
                            return !planned.contains(dependency.description)
                        }
                        let provider = change.address.provider
                        guard ready, running < parallelism, inFlight[provider, default: 0] < perProvider else { continue }
                        guard let driver = drivers[provider] else { continue }
                        let state = live[provider] ?? LiveState()
                        pending.remove(at: index)
                        running += 1
                        inFlight[provider, default: 0] += 1
                        group.addTask {
                            let started = Date()
                            do {
                                try await driver.apply(change, live: state)
                                return TaskResult(change, .succeeded(seconds: Date().timeIntervalSince(started)))
                            } catch let error as PlatformError {
                                return TaskResult(change, .failed(message: error.message))
                            } catch {
                                return TaskResult(change, .failed(message: ServerText.excerpt("\(error)", limit: 1000)))
                            }
                        }
                        progressed = true
                        break
                    }
                }
                if let event = finishedUnreported {
                    progress(event)
                    finishedUnreported = nil
                }
                guard running > 0 else {
                    if pending.isEmpty { break }
                    if stop() {
                        for change in pending {
                            let outcome = Outcome.skipped(because: "not started: apply was interrupted")
                            done[change.id] = outcome
                            order.append(change.id)
                            progress(Event(change: change, outcome: outcome))
                        }
                        pending.removeAll()
                        break
                    }
                    // Nothing runs and nothing can start: a dependency cycle or a missing driver.
                    for change in pending {
                        let outcome = Outcome.failed(message: drivers[change.address.provider] == nil ? "no driver for provider \(change.address.provider)" : "dependency cycle")
                        done[change.id] = outcome
                        order.append(change.id)
                        progress(Event(change: change, outcome: outcome))
                    }
                    pending.removeAll()
                    break
                }
                if let finished = await group.next() {
                    let change = finished.key, outcome = finished.value
                    running -= 1
                    inFlight[change.address.provider, default: 1] -= 1
                    done[change.id] = outcome
                    order.append(change.id)
                    finishedUnreported = Event(change: change, outcome: outcome)
                }
            }
        }
        let byID = Dictionary(plan.changes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return order.compactMap { id in
            guard let outcome = done[id], let change = byID[id] else { return nil }
            return Result(address: change.address, action: change.action, outcome: outcome, cleanup: change.cleanup)
        }
    }

    static func isFailure(_ outcome: Outcome) -> Bool {
        if case .succeeded = outcome { return false }
        return true
    }
}
