import Foundation
import TelformCore

/// The MTT platform: follow-me chains, prompts, premedia, blacklist, call control, CallBack —
/// a client of two JSON-RPC endpoints and six kinds.
typealias MTTPlatform = KindedPlatform<MTTClient>

extension KindedPlatform where Client == MTTClient {
    init(provider: ProviderConfig, classic: any HTTPTransport, premedia: any HTTPTransport, retry: RetryPolicy = RetryPolicy()) {
        let user = provider.settings["username"]?.string
        let password = provider.settings["password"]?.string
        // Each transport stands for its endpoint's URL, path included.
        let client = MTTClient(
            classic: JSONRPCClient(http: ResilientClient(transport: classic, policy: retry), path: "", username: user, password: password),
            premedia: JSONRPCClient(http: ResilientClient(transport: premedia, policy: retry), path: "", username: user, password: password),
            customer: provider.settings["customer"]?.string ?? "")
        self.init(provider: provider, schema: MTTKinds.platform, client: client, kinds: MTTKinds.kinds)
    }
}

extension MTTKinds {
    /// The platform as the catalog lists it: its tables, its routing model, its driver.
    static let descriptor = PlatformDescriptor(
        type: "mtt", tables: { platform }, routing: { MTTRouting(provider: $0, resources: $1) },
        driver: { MTTPlatform(provider: $0, classic: $2("url"), premedia: $2("premedia_url"), retry: $1) }, starter: starter)
}

extension MTTKinds {
    /// `telform init`'s provider of this platform, on its simulator.
    static let starter = Starter(
        provider: "mtt",
        config: """
                type: mtt
                url: sim://mtt                   # the embedded simulator (both JSON-RPC endpoints), from
                sim_seed: seeds/mtt.json         #   seeds/mtt.json; for your account: url: https://... and
                # username: your-login           #   premedia_url, with HTTP Basic username and
                # password: ${env:MTT_PASSWORD}  #   password (and no sim_seed)
                customer: "88314050000000"       # the account (customer_name)
                follow_me:
                  - sip_id: "74951345897"        # the chain of each declared sip_id is owned
                    chain:                       # rung in list order
                      - {number: "79684881033", timeout: 15, period: {days: mon-fri, from: "09:00", to: "18:00"}}
                      - {number: "79636793312", name: Mobile, period: always}
                blacklist: ["79266966166"]       # the account's global black list
            """,
        tests: """
              - name: weekdays ring the office, then the mobile
                call: "74951345897"
                at: "wed 10:00"
                expect: [ring: ["79684881033", "79636793312"], then: undocumented]
              - name: a blacklisted caller is rejected
                call: "74951345897"
                at: "wed 10:00"
                from: "79266966166"
                expect: [then: reject]
            """,
        passwords: [])
}
