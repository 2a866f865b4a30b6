import TelformCore

/// The drivers telform has, by provider type.
public enum PlatformDrivers {
    public static let available = ["endpoints", "vpbx", "mtt", "xivo", "mxproxy"]

    /// The driver of a provider, its transports made by `transport(url)`; nil when the
    /// platform's calls are not built yet.
    public static func make(_ provider: ProviderConfig, retry: RetryPolicy = RetryPolicy(),
                            transport: (String) -> any HTTPTransport) -> (any ProviderDriver)? {
        let url = provider.settings["url"]?.string ?? ""
        switch provider.type {
        case "endpoints": return EndpointsPlatform(provider: provider, transport: transport(url), retry: retry)
        case "vpbx": return VPBXPlatform(provider: provider, transport: transport(url), retry: retry)
        case "mtt":
            let premedia = provider.settings["premedia_url"]?.string ?? url
            return MTTPlatform(provider: provider, classic: transport(url), premedia: transport(premedia), retry: retry)
        case "mxproxy": return MXProxyPlatform(provider: provider, transport: transport(url), retry: retry)
        case "xivo": return XiVOPlatform(provider: provider, transport: transport(url), retry: retry)
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
