import TelformCore

/// The drivers telform has, by provider type.
public enum PlatformDrivers {
    public static let available = ["endpoints", "vpbx"]

    /// The driver of a provider over a transport, or nil when the platform's calls are not built yet.
    public static func make(_ provider: ProviderConfig, transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy()) -> (any ProviderDriver)? {
        switch provider.type {
        case "endpoints": return EndpointsPlatform(provider: provider, transport: transport, retry: retry)
        case "vpbx": return VPBXPlatform(provider: provider, transport: transport, retry: retry)
        default: return nil
        }
    }

    /// Field names whose values traces must mask, across every platform's tables.
    public static var sensitiveWireFields: Set<String> {
        var names: Set<String> = ["password", "token", "client_secret", "access_token", "refresh_token"]
        for platform in PlatformCatalog.all {
            for field in platform.settings where field.isSensitive { names.insert(field.wire ?? field.name) }
            for kind in platform.kinds {
                for path in kind.declaredPaths {
                    guard let field = kind.field(path: path), field.isSensitive || field.flags.contains(.sensitiveWithCredentials) else { continue }
                    names.insert(field.wire ?? field.name)
                }
            }
        }
        return names
    }
}
