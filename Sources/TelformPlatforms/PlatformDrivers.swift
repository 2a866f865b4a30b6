import TelformCore

/// The drivers telform has, by provider type, from the catalog.
public enum PlatformDrivers {
    public static var available: [String] { PlatformCatalog.all.map(\.type) }

    /// The driver of a provider, its transports made by `transport(setting)` for each URL
    /// setting it calls; nil for a type the catalog does not list.
    public static func make(
        _ provider: ProviderConfig, retry: RetryPolicy = RetryPolicy(),
        transport: (String) -> any HTTPTransport
    ) -> (any ProviderDriver)? {
        PlatformCatalog.entries.first { $0.type == provider.type }?.driver(provider, retry, transport)
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
