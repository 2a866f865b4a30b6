import Foundation
import TelformCore

/// The XiVO platform: users, schedules, incoming calls, contexts, pickups, parking lots,
/// skills — a client, a directory of users, groups and queues read once, and seven kinds.
typealias XiVOPlatform = KindedPlatform<XiVOClient>

extension KindedPlatform where Client == XiVOClient {
    init(provider: ProviderConfig, transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy()) {
        var authorization: String?
        if let user = provider.settings["username"]?.string, let password = provider.settings["password"]?.string {
            authorization = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        }
        let webServices = provider.settings["web_services"]?.string.flatMap(XiVOWebServices.init(rawValue:)) ?? .document
        let client = XiVOClient(http: ResilientClient(transport: transport, policy: retry), authorization: authorization, webServices: webServices)
        self.init(
            provider: provider, schema: XiVOKinds.platform, client: client, kinds: XiVOKinds.kinds,
            directory: { client, kinds, desired in try await XiVODirectory.read(client, names: XiVODirectory.names(of: kinds), desired: desired) })
    }
}

extension XiVOKinds {
    /// The platform as the catalog lists it: its tables, its routing model, its driver.
    static let descriptor = PlatformDescriptor(
        type: "xivo", tables: { platform }, routing: { XiVORouting(provider: $0, resources: $1) },
        driver: { XiVOPlatform(provider: $0, transport: $2("url"), retry: $1) })
}
