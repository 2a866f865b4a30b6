import TelformCore

/// What telform knows of a platform, in one value: its type, its tables, how it routes calls
/// and how its driver is made. Each platform's folder declares its own (`XiVOKinds.descriptor`,
/// in its `*Platform.swift`); `PlatformCatalog` lists them.
public struct PlatformDescriptor: Sendable {
    public let type: String
    /// The platform's tables (a static let of its folder: built when first asked for).
    let tables: @Sendable () -> PlatformSchema
    /// How the platform routes calls, from a provider's resources (`explain`, `test`, the
    /// plan's routing changes).
    public let routing: RoutingBuilder
    /// The driver of a provider, its transports made by `transport(setting)` for the URL
    /// setting each endpoint is at (`url`, MTT's `premedia_url`).
    let driver: @Sendable (ProviderConfig, RetryPolicy, (String) -> any HTTPTransport) -> any ProviderDriver

    /// What `telform init` writes for this platform: a provider on its simulator.
    public let starter: Starter

    public var schema: PlatformSchema { tables() }
}

/// A platform's start (`telform init`): one provider on the embedded simulator, with the real
/// server's settings shown commented out, a few resources, and routing tests that hold for
/// them. Its simulator's descriptor gives the seed.
public struct Starter: Sendable {
    /// The provider's name; its seed is `seeds/<provider>.json`.
    public let provider: String
    /// The provider's block under `providers:`, indented by four spaces below its name.
    public let config: String
    /// Its routing tests: items of the tests file's `tests:` list, indented by two spaces.
    public let tests: String
    /// Files under `secrets/` the config reads, each a fresh password of 20 of A-Z a-z 0-9.
    public var passwords: [String] = []
}

/// Every platform telform speaks, once: a new platform is one folder and one line here (its
/// simulator is listed in `SimulatorCatalog`, written separately from the document so it
/// cannot share the driver's mistakes).
public enum PlatformCatalog {
    /// In the order the documents list them.
    public static let entries: [PlatformDescriptor] = [
        EndpointsKinds.descriptor, VPBXKinds.descriptor, MTTKinds.descriptor, XiVOKinds.descriptor, MXProxyKinds.descriptor,
    ]

    public static let all: [PlatformSchema] = entries.map(\.schema)

    /// The provider types, in the order the documents list them, without building every
    /// platform's tables (a `validate` builds only the platforms it uses).
    public static let types = entries.map(\.type)

    /// One platform's tables, built when first asked for.
    public static func lazySchema(_ type: String) -> PlatformSchema? {
        entries.first { $0.type == type }?.schema
    }

    /// The platforms as the config loader looks them up.
    public static let lookup = PlatformLookup(types: types, schema: lazySchema)

    /// The routing model of a provider over `resources` (its file's or its live state's).
    public static func routing(_ provider: ProviderConfig, resources: [Resource]) -> (any RoutingModel)? {
        routingBuilder(provider.type)?(provider, resources)
    }

    /// The routing model builder of a provider type.
    public static func routingBuilder(_ type: String) -> RoutingBuilder? {
        entries.first { $0.type == type }?.routing
    }

    /// The platform of a provider type.
    public static func schema(_ type: String) -> PlatformSchema? {
        lazySchema(type)
    }
}
