/// Runs async work over items with at most `limit` in flight, keeping the items' order in
/// the results: how a platform reads its scopes (one call per user or account) concurrently
/// within the per-provider limit.
public enum BoundedConcurrency {
    public static func map<Item: Sendable, Output: Sendable>(
        _ items: [Item], limit: Int = 4, _ work: @escaping @Sendable (Item) async throws -> Output
    ) async throws -> [Output] {
        try await withThrowingTaskGroup(of: TaskResult<Int, Output>.self) { group in
            var results = [Output?](repeating: nil, count: items.count)
            var next = 0
            func start() {
                let index = next
                let item = items[index]
                group.addTask { TaskResult(index, try await work(item)) }
                next += 1
            }
            while next < min(limit, items.count) { start() }
            while let done = try await group.next() {
                results[done.key] = done.value
                if next < items.count { start() }
            }
            return results.compactMap { $0 }
        }
    }
}
