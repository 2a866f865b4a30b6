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
        driver: { MTTPlatform(provider: $0, classic: $2("url"), premedia: $2("premedia_url"), retry: $1) })
}
