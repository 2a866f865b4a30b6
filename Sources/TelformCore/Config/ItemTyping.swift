import Foundation

/// The items of one list of objects, typed in chunks of `chunkSize`, each chunk by a typer
/// of its own; the resources and findings come out as typing the items one by one gives
/// them: chunk by chunk, in order.
///
/// A list where a provider's kind sits (`providers.NAME.KIND`, the provider's `type:` written
/// above it) is handed over by the composer item by item as the file is parsed
/// (`LoadSession.PretypedLists`), and the composer types a whole chunk whenever it would
/// otherwise wait for libyaml's next events (`typeOne`). `finish` types what is left, taken in
/// turn by its thread and (for two chunks or more) a worker: whichever is free takes the next,
/// so a thread slowed by a busy machine holds up the other by one chunk at most.
final class ItemTyping: @unchecked Sendable {
    typealias Make = @Sendable (inout Typer, Int, YAMLNode) -> Resource?

    /// Items per chunk, and the chunks left at `finish` for a second thread to be worth it.
    static let chunkSize = 256
    static let workerFrom = 2

    private let make: Make
    private let interpolator: Interpolator
    private let mode: Typer.Mode

    /// One chunk's resources, in memory of their own (moved into the list, not copied), and
    /// its findings.
    private struct Typed {
        var resources: UnsafeMutableBufferPointer<Resource>
        var count: Int
        var diagnostics: [Diagnostic]
    }

    /// Guarded by `condition`.
    private let condition = NSCondition()
    private var chunks: [[YAMLNode]] = []
    private var results: [Typed?] = []
    private var claimed = 0
    private var typing = 0

    /// The adding thread's own.
    private var current: [YAMLNode] = []
    /// Items added.
    private(set) var count = 0

    init(make: @escaping Make, interpolator: Interpolator, mode: Typer.Mode) {
        self.make = make
        self.interpolator = interpolator
        self.mode = mode
    }

    deinit {
        // A list handed over and never asked for (its provider turned out otherwise).
        for case let chunk? in results {
            chunk.resources.baseAddress?.deinitialize(count: chunk.count)
            chunk.resources.deallocate()
        }
    }

    /// The next item, in order.
    func add(_ item: YAMLNode) {
        if current.isEmpty { current.reserveCapacity(Self.chunkSize) }
        current.append(item)
        count += 1
        if current.count == Self.chunkSize { push() }
    }

    /// Types one whole chunk nobody has taken yet; false when there is none.
    func typeOne() -> Bool {
        condition.lock()
        guard claimed < chunks.count else {
            condition.unlock()
            return false
        }
        let index = claimed
        let items = chunks[index]
        chunks[index] = []
        claimed += 1
        typing += 1
        condition.unlock()

        let resources = UnsafeMutableBufferPointer<Resource>.allocate(capacity: items.count)
        var made = 0
        var typer = Typer(interpolator: interpolator, mode: mode)
        let first = index * Self.chunkSize
        for offset in items.indices {
            if let resource = make(&typer, first + offset, items[offset]) {
                resources.initializeElement(at: made, to: resource)
                made += 1
            }
        }
        condition.lock()
        results[index] = Typed(resources: resources, count: made, diagnostics: typer.diagnostics.items)
        typing -= 1
        condition.broadcast()
        condition.unlock()
        return true
    }

    /// The resources of every item, in order, and what typing them found.
    func finish() -> (resources: [Resource], diagnostics: [Diagnostic]) {
        if !current.isEmpty { push() }
        condition.lock()
        let left = chunks.count - claimed
        condition.unlock()
        if left >= Self.workerFrom {
            // A thread of its own, not the dispatch pool: this one blocks until it is done.
            Thread { [self] in
                while typeOne() {}
            }.start()
        }
        while typeOne() {}
        condition.lock()
        while typing > 0 { condition.wait() }
        let done = results.compactMap { $0 }
        results = []
        condition.unlock()
        let total = done.reduce(0) { $0 + $1.count }
        let resources = [Resource](unsafeUninitializedCapacity: total) { buffer, initialized in
            for chunk in done {
                if chunk.count > 0, let target = buffer.baseAddress, let source = chunk.resources.baseAddress {
                    (target + initialized).moveInitialize(from: source, count: chunk.count)
                    initialized += chunk.count
                }
                chunk.resources.deallocate()
            }
        }
        return (resources, done.flatMap(\.diagnostics))
    }

    private func push() {
        condition.lock()
        chunks.append(current)
        results.append(nil)
        condition.unlock()
        current = []
    }
}
