/// A loaded config: policy and providers with their declared resources.
public struct Config: Sendable {
    public var version: Int
    public var policy: Policy
    public var providers: [ProviderConfig]
    /// Every file read, root first.
    public var files: [String]
    /// Each of `files`' bytes, as read and parsed (a saved plan's digest covers them).
    public var sources: [[UInt8]] = []
    /// The files `${file:}` references name, sorted.
    public var referencedFiles: [String] = []
    /// The files `localFile` fields name (an MTT prompt's mp3), in the order declared.
    public var localFiles: [String] = []

    /// Every file the config reads: its YAML files, `${file:}` files, simulator seeds, TLS
    /// files and local files (`validate --files`: what a CI trigger's path filter must cover).
    public var filesRead: [String] {
        var out = files
        var seen = Set(out)
        let more = referencedFiles + providers.flatMap { provider in [provider.simSeed] + provider.tls.files } + localFiles
        for file in more.compactMap({ $0 }) where seen.insert(file).inserted { out.append(file) }
        return out
    }

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
    /// The provider's `tls:` settings, file paths resolved against the file that names them.
    public var tls = TLSSettings()

    public init(
        name: String, type: String, settings: [String: Value] = [:], prune: [String: Bool] = [:],
        ignore: [AddressPattern] = [], simSeed: String? = nil, declaredKinds: [String] = [],
        resources: [Resource] = [], mark: Mark
    ) {
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

/// TLS settings of one provider (`tls:` in the file), file paths absolute.
public struct TLSSettings: Sendable, Equatable {
    /// PEM file of the CAs trusted for this provider, instead of the system store.
    public var caFile: String?
    /// `sha256//BASE64=` pins of the server's public key (`;`-separated).
    public var pinnedPublicKey: String?
    /// PEM client certificate and its key, for an API that wants mutual TLS.
    public var clientCertificate: String?
    public var clientKey: String?

    /// The files these settings name.
    public var files: [String?] { [caFile, clientCertificate, clientKey] }

    public init(caFile: String? = nil, pinnedPublicKey: String? = nil, clientCertificate: String? = nil, clientKey: String? = nil) {
        self.caFile = caFile
        self.pinnedPublicKey = pinnedPublicKey
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
    }

    /// The `tls:` mapping of a provider.
    public static let schema = ObjectSchema(
        [
            .string(
                "ca_file", StringRules(minLength: 1),
                "PEM file of the CAs to trust for this provider, instead of the system store (a self-signed server's own certificate, or a private CA)."),
            .string(
                "pinned_public_key",
                StringRules(check: .regex("^sha256//[A-Za-z0-9+/]{43}=(;sha256//[A-Za-z0-9+/]{43}=)*$", "must be sha256//BASE64= pins, ;-separated")),
                "Pin of the server's public key (sha256//BASE64=, as the error for an untrusted certificate prints it); checked with or without ca_file."),
            .string("client_cert", StringRules(minLength: 1), "PEM client certificate, for an API that wants mutual TLS."),
            .string("client_key", StringRules(minLength: 1), "PEM key of client_cert (never printed; one other users can read is a warning)."),
        ],
        rules: [
            .custom { fields in
                (fields["client_cert"] == nil) == (fields["client_key"] == nil)
                    ? [] : [(fields["client_cert"] == nil ? "client_key" : "client_cert", "client_cert and client_key go together")]
            }
        ])
}
