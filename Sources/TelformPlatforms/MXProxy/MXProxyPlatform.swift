import Foundation
import TelformCore

/// The MX Proxy platform: its client, its contacts directory (read once, for conference
/// owners) and its two kinds.
typealias MXProxyPlatform = KindedPlatform<MXProxyClient>

extension KindedPlatform where Client == MXProxyClient {
    init(provider: ProviderConfig, transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy()) {
        let http = ResilientClient(transport: transport, policy: retry)
        func setting(_ name: String) -> String { provider.settings[name]?.string ?? "" }
        let client = MXProxyClient(
            http: http,
            auth: MXProxyAuth(
                http: http, clientID: setting("client_id"), clientSecret: setting("client_secret"),
                username: setting("username"), password: setting("password")))
        self.init(
            provider: provider, schema: MXProxyKinds.platform, client: client, kinds: MXProxyKinds.kinds,
            directory: { client, kinds, _ in
                var contacts = MXProxyContacts(try await client.contacts())
                // Conferences are listed for the logged-in user only: who that is.
                if kinds.contains("conferences") { contacts.me = try await client.me() }
                return contacts
            })
    }
}

extension MXProxyKinds {
    /// The platform as the catalog lists it: its tables, its routing model, its driver.
    static let descriptor = PlatformDescriptor(
        type: "mxproxy", tables: { platform }, routing: { MXProxyRouting(provider: $0, resources: $1) },
        driver: { MXProxyPlatform(provider: $0, transport: $2("url"), retry: $1) })
}
