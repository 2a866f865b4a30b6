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
        driver: { MXProxyPlatform(provider: $0, transport: $2("url"), retry: $1) }, starter: starter)
}

extension MXProxyKinds {
    /// `telform init`'s provider of this platform, on its simulator.
    static let starter = Starter(
        provider: "mx",
        config: """
                type: mxproxy
                url: sim://mx                    # the embedded simulator, from seeds/mx.json; for your
                sim_seed: seeds/mx.json          #   gateway: url: https://... (and no sim_seed), with
                # client_id: your-app            #   the OAuth2 client and user:
                # client_secret: ${env:MX_CLIENT_SECRET}
                # username: you@example.com
                # password: ${env:MX_PASSWORD}
                conferences:
                  - name: Weekly sync
                    owner: "3044"                # the logged-in user (an extension or a jid)
                    access_id: 47281964
                    type: Once
                    start: "2026-12-01T10:00:00+03:00"
                    duration: 30                 # minutes
                call_mode:                       # cannot be read back: set on every apply
                  remote: true
                  device: "79031744445"
                  ring_delay: 1
                  vm_delay: 30
            """,
        tests: """
              - name: calls to the logged-in user ring the remote device, then voicemail
                call: self
                at: "mon 10:00"
                expect: [ring: "79031744445", seconds: 30, then: voicemail]
            """,
        passwords: [])
}
