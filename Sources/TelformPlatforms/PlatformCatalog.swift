import TelformCore

/// Every platform telform speaks, once: its schema and how its driver is made. A new
/// platform is one folder and one entry here (its simulator registers in
/// `SimulatorCatalog`, written separately from the document so it cannot share the
/// driver's mistakes).
public enum PlatformCatalog {
    public struct Entry: Sendable {
        public let type: String
        /// The platform's tables, built when first asked for.
        public var schema: PlatformSchema { PlatformCatalog.lazySchema(type)! }
        /// How the platform routes calls, from a provider's resources (`explain`, `test`, the
        /// plan's routing changes).
        public let routing: RoutingBuilder
        /// The driver of a provider, its transports made by `transport(setting)` for the URL
        /// setting each endpoint is at (`url`, MTT's `premedia_url`).
        let make: @Sendable (ProviderConfig, RetryPolicy, (String) -> any HTTPTransport) -> any ProviderDriver
    }

    /// In the order the documents list them.
    public static let entries: [Entry] = [
        Entry(type: "endpoints", routing: { EndpointRouting(provider: $0, resources: $1) }) {
            EndpointsPlatform(provider: $0, transport: $2("url"), retry: $1)
        },
        Entry(type: "vpbx", routing: { VPBXRouting(provider: $0, resources: $1) }) { VPBXPlatform(provider: $0, transport: $2("url"), retry: $1) },
        Entry(type: "mtt", routing: { MTTRouting(provider: $0, resources: $1) }) {
            MTTPlatform(provider: $0, classic: $2("url"), premedia: $2("premedia_url"), retry: $1)
        },
        Entry(type: "xivo", routing: { XiVORouting(provider: $0, resources: $1) }) { XiVOPlatform(provider: $0, transport: $2("url"), retry: $1) },
        Entry(type: "mxproxy", routing: { MXProxyRouting(provider: $0, resources: $1) }) { MXProxyPlatform(provider: $0, transport: $2("url"), retry: $1) },
    ]

    public static let all: [PlatformSchema] = entries.map(\.schema)

    /// The provider types, in the order the documents list them, without building every
    /// platform's tables (a `validate` builds only the platforms it uses).
    public static let types = entries.map(\.type)

    /// One platform's tables, built when first asked for.
    public static func lazySchema(_ type: String) -> PlatformSchema? {
        switch type {
        case "endpoints": return EndpointsKinds.platform
        case "vpbx": return VPBXKinds.platform
        case "mtt": return MTTKinds.platform
        case "xivo": return XiVOKinds.platform
        case "mxproxy": return MXProxyKinds.platform
        default: return nil
        }
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
