import Foundation
import TelformCore
import XCTest

@testable import TelformPlatforms
@testable import TelformSimulator

/// Every request that reaches a simulator: method, path and body text.
final class RequestJournalLog: SimulatorHandler, @unchecked Sendable {
    struct Entry {
        var method: String
        var path: String
        var body: String
    }

    let inner: SimulatorHandler
    private let lock = NSLock()
    private var entries: [Entry] = []

    init(_ inner: SimulatorHandler) {
        self.inner = inner
    }

    func handle(_ request: HTTPRequest) -> SimulatorOutcome {
        let body = request.body.map { String(decoding: $0, as: UTF8.self) } ?? ""
        lock.withLock { entries.append(Entry(method: request.method, path: request.path, body: body)) }
        return inner.handle(request)
    }

    /// What was recorded since the last call, and a fresh start.
    func drain() -> [Entry] {
        lock.withLock {
            defer { entries = [] }
            return entries
        }
    }
}

/// One shipped example's provider against its simulator, opened from the example's seed, in
/// process: plans and applies the way `telform plan` and `apply` do, with every resource
/// list the test chooses in place of the file's.
struct ConformanceRig {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")
    /// The per-platform examples (`examples/<type>.yaml`); together they declare every kind of
    /// every platform.
    static let exampleFiles = PlatformCatalog.types

    let config: Config
    let provider: ProviderConfig
    let schema: PlatformSchema
    let journal: RequestJournalLog
    let driver: any ProviderDriver
    /// The file's resources, as loaded.
    var desired: [Resource] { provider.resources }

    /// Thresholds out of the way: the suite removes and changes one resource at a time.
    static let policy: Policy = {
        var policy = Policy()
        policy.maxDeletePercent = 100
        policy.maxUpdatePercent = 100
        return policy
    }()

    static func open(_ example: String) throws -> ConformanceRig {
        let path = examples.appendingPathComponent("\(example).yaml").path
        let result = ConfigLoader(platforms: PlatformCatalog.all, environment: [:], mode: .strict, simulated: SimulatorCatalog.serves).load(path: path)
        let errors = result.diagnostics.filter { $0.description.contains(": error: ") }
        guard errors.isEmpty, var provider = result.config.providers.first else {
            throw RigError("\(example).yaml does not load: \(errors.map(\.description))")
        }
        guard let schema = PlatformCatalog.schema(provider.type) else { throw RigError("no platform \(provider.type)") }
        var state: JSONNode?
        if let seed = provider.simSeed, let data = FileManager.default.contents(atPath: seed) {
            state = try JSONParser.parse(Array(data))
        }
        guard let fake = try SimulatorCatalog.make(provider.type, state: state) else { throw RigError("no simulator for \(provider.type)") }
        fake.admitDefaultCredentials()
        for setting in schema.settings where setting.flags.contains(.credential) {
            provider.settings[setting.name] = SimulatorCatalog.defaultCredentials[provider.type]?[setting.name].map(Value.string)
        }
        let journal = RequestJournalLog(fake)
        let fast = RetryPolicy(attempts: 3, baseDelay: 0.001, maxDelay: 0.002)
        guard let driver = PlatformDrivers.make(provider, retry: fast, transport: SimulatorTransport.endpoints(of: provider, schema: schema, handler: journal))
        else {
            throw RigError("no driver for \(provider.type)")
        }
        return ConformanceRig(config: result.config, provider: provider, schema: schema, journal: journal, driver: driver)
    }

    /// A plan of `desired` (the file's resources when nil) against live state.
    func plan(_ desired: [Resource]? = nil) async throws -> (Plan, LiveState) {
        var provider = self.provider
        provider.resources = desired ?? self.desired
        let live = try await driver.read(kinds: provider.declaredKinds, desired: provider.resources)
        let input = Planner.Input(provider: provider, platform: schema, desired: driver.canonical(provider.resources, live: live), live: live)
        let plan = Planner(policy: Self.policy, options: Planner.Options(allowDeletes: true)).plan([input])
        return (plan, live)
    }

    /// Plans and applies `desired`; returns the plan and the failures (address: message).
    @discardableResult
    func apply(_ desired: [Resource]? = nil) async throws -> (Plan, [String]) {
        let (plan, live) = try await self.plan(desired)
        let results = await Executor(parallelism: 4).run(plan.executable, drivers: [provider.name: driver], live: [provider.name: live]) { _ in }
        let failures = results.compactMap { result -> String? in
            switch result.outcome {
            case .succeeded: return nil
            case .failed(let message): return "\(result.address): \(message)"
            case .skipped(let why): return "\(result.address): skipped: \(why)"
            }
        }
        return (plan, failures)
    }

    /// The changes that count (not the blind re-sends of unreadable kinds, nor what an
    /// add-only kind can only report), as `SYMBOL ADDRESS`.
    static func summary(_ plan: Plan) -> [String] {
        plan.changes.filter { !$0.blind && !$0.reportOnly }.map { "\($0.symbol) \($0.address)" }.sorted()
    }
}

/// An example the suite cannot run: a failure, never a skip.
struct RigError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
