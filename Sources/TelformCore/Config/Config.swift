/// A loaded config: policy and providers with their declared resources.
public struct Config: Sendable {
    public var version: Int
    public var policy: Policy
    public var providers: [ProviderConfig]
    /// Every file read, root first.
    public var files: [String]
    /// Each of `files`' bytes, as read and parsed (a saved plan's digest covers them).
    public var sources: [[UInt8]] = []

    public init(version: Int = 1, policy: Policy = Policy(), providers: [ProviderConfig] = [], files: [String] = []) {
        self.version = version
        self.policy = policy
        self.providers = providers
        self.files = files
    }

    public func provider(_ name: String) -> ProviderConfig? {
        providers.first { $0.name == name }
    }
}

/// Safety thresholds and concurrency (SPEC §2 `policy:`).
public struct Policy: Sendable, Equatable {
    public var maxDeletePercent: Int = 30
    public var maxUpdatePercent: Int = 50
    public var minExisting: Int = 10
    public var parallelism: Int = 8
    /// Calls in flight at once toward one provider.
    public var providerParallelism: Int = 4
    /// Seconds an HTTP call may take before it counts as failed (and is retried if it may be).
    public var httpTimeout: Int = 30
    /// The largest response body one call may return, in MiB.
    public var maxResponseMegabytes: Int = 64

    public init() {}
}

/// One provider block, merged across the root file and its includes.
public struct ProviderConfig: Sendable {
    public var name: String
    public var type: String
    /// Typed connection settings (`url`, `token`, ...), interpolated.
    public var settings: [String: Value]
    /// Per-kind pruning; a kind missing here prunes (the default).
    public var prune: [String: Bool]
    public var ignore: [AddressPattern]
    /// The seed fixture's path, resolved against the file that names it.
    public var simSeed: String?
    /// Kinds the file declares (an empty list still declares, and so owns, its scope).
    public var declaredKinds: [String]
    /// For grouped kinds, every group the file declares, even one with no members
    /// (`find_me: [{user: "201", rules: []}]` owns user 201's rules): kind → group key values.
    public var declaredGroups: [String: [String]] = [:]
    public var resources: [Resource]
    public var mark: Mark
    /// Where each connection setting is written, and its text as written (`${env:TOKEN}`),
    /// for errors that point at the setting to fix.
    public var settingSources: [String: (mark: Mark, text: String)] = [:]

    public init(name: String, type: String, settings: [String: Value] = [:], prune: [String: Bool] = [:],
                ignore: [AddressPattern] = [], simSeed: String? = nil, declaredKinds: [String] = [],
                resources: [Resource] = [], mark: Mark) {
        self.name = name
        self.type = type
        self.settings = settings
        self.prune = prune
        self.ignore = ignore
        self.simSeed = simSeed
        self.declaredKinds = declaredKinds
        self.resources = resources
        self.mark = mark
    }

    public func prunes(_ kind: String) -> Bool { prune[kind] ?? true }

    public func resources(of kind: String) -> [Resource] {
        resources.filter { $0.address.kind == kind }
    }
}
