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
        driver: { XiVOPlatform(provider: $0, transport: $2("url"), retry: $1) }, starter: starter)
}

extension XiVOKinds {
    /// `telform init`'s provider of this platform, on its simulator.
    static let starter = Starter(
        provider: "xivo",
        config: """
                type: xivo
                url: sim://xivo                  # the embedded simulator, from seeds/xivo.json; for your
                sim_seed: seeds/xivo.json        #   server: url: https://xivo.example (and no sim_seed)
                # username: telform              #   with HTTP Basic username and password, unless it
                # password: ${env:XIVO_PASSWORD} #   trusts this host
                users:                           # key: line number @ context (1001@default)
                  - firstname: Alice
                    ring_seconds: 30
                    forward:
                      no_answer: {to: "1002"}
                    line: {protocol: sip, context: default, number: "1001"}
                  - firstname: Bob
                    line: {protocol: sip, context: default, number: "1002"}
                incalls:                         # key: exten @ context
                  - exten: "0140000000"
                    context: from-extern
                    destination: {type: user, target: "1001"}
            """,
        tests: """
              - name: the main number rings Alice, then Bob
                call: "0140000000"
                at: "mon 10:00"
                expect: [ring: "1001", seconds: 30, then: "1002"]
            """,
        passwords: [])
}
