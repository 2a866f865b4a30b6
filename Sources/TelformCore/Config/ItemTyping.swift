import Foundation

/// The items of one list of objects, typed in chunks of `chunkSize`, each chunk by a typer
/// of its own, taken in turn by this thread and (for two chunks or more) a worker: whichever
/// is free takes the next, so a thread slowed by a busy machine holds up the other by one
/// chunk at most. The resources and findings come out as typing the items one by one gives
/// them: chunk by chunk, in order.
final class ItemTyping: @unchecked Sendable {
    typealias Make = @Sendable (inout Typer, Int, YAMLNode) -> Resource?

    /// Items per chunk, and the chunks a list needs for a second thread to be worth it.
    static let chunkSize = 256
    static let workerFrom = 2

    private let items: [YAMLNode]
    private let make: Make
    private let interpolator: Interpolator
    private let mode: Typer.Mode
    private let chunks: Int

    /// One chunk's resources, in memory of their own (moved into the list, not copied), and
    /// its findings.
    private struct Typed {
        var resources: UnsafeMutableBufferPointer<Resource>
        var count: Int
        var diagnostics: [Diagnostic]
    }

    /// Guarded by `condition`.
    private let condition = NSCondition()
    private var claimed = 0
    private var typing = 0
    private var results: [Typed?]

    init(_ items: [YAMLNode], make: @escaping Make, interpolator: Interpolator, mode: Typer.Mode) {
        self.items = items
        self.make = make
        self.interpolator = interpolator
        self.mode = mode
        chunks = (items.count + Self.chunkSize - 1) / Self.chunkSize
        results = Array(repeating: nil, count: chunks)
    }

    /// The resources of every item, in order, and what typing them found.
    func run() -> (resources: [Resource], diagnostics: [Diagnostic]) {
        if chunks >= Self.workerFrom {
            // A thread of its own, not the dispatch pool: this one blocks until it is done.
            Thread { [self] in
                while typeNext() {}
            }.start()
        }
        while typeNext() {}
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

    /// Types the next chunk nobody has taken; false when none is left.
    private func typeNext() -> Bool {
        condition.lock()
        guard claimed < chunks else {
            condition.unlock()
            return false
        }
        let index = claimed
        claimed += 1
        typing += 1
        condition.unlock()

        let range = index * Self.chunkSize ..< min(items.count, (index + 1) * Self.chunkSize)
        let resources = UnsafeMutableBufferPointer<Resource>.allocate(capacity: range.count)
        var count = 0
        var typer = Typer(interpolator: interpolator, mode: mode)
        for position in range {
            if let resource = make(&typer, position, items[position]) {
                resources.initializeElement(at: count, to: resource)
                count += 1
            }
        }
        condition.lock()
        results[index] = Typed(resources: resources, count: count, diagnostics: typer.diagnostics.items)
        typing -= 1
        condition.broadcast()
        condition.unlock()
        return true
    }
}
