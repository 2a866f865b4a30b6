import Foundation

/// The provider blocks and simulator seeds the end-to-end tests share: one spelling of each,
/// so a test says only what is particular to it.
enum SimConfigs {
    /// The variables the blocks below reference.
    static let environment = [
        "MX_SECRET": "sim-client-secret", "MX_PASSWORD": "sim-mx-password", "MTT_PASSWORD": "sim-mtt-password",
        "XIVO_PASSWORD": "ws-secret",
    ]

    /// An MX Proxy seed: the sim app and user, `contacts` and `conferences` as JSON lists.
    static func mxproxySeed(contacts: String = "[]", conferences: String = "[]") -> String {
        """
        {"apps": [{"client_id": "sim-client", "secret": "sim-client-secret"}],
         "users": [{"username": "sim@example.com", "password": "sim-mx-password", "jid": "43884851428118509"}],
         "contacts": \(contacts), "conferences": \(conferences)}
        """
    }

    /// A conference as the MX Proxy seed keeps it.
    static func liveConference(id: String, name: String, accessID: Int) -> String {
        #"{"Id": "\#(id)", "ownerId": 43884851428118509, "name": "\#(name)", "accessId": \#(accessID), "type": "Once", "startDate": 1700000000, "duration": 15, "waitForOwner": false, "delOnOwnerLeave": false, "ws": "None", "wsType": "Undefined"}"#
    }

    /// A whole config with one mxproxy provider `mx` whose kinds are `body` (indented 4).
    static func mxproxy(port: Int, _ body: String, policy: String? = nil) -> String {
        """
        version: 1
        \(policy.map { "policy: \($0)\n" } ?? "")providers:
          mx:
            type: mxproxy
            url: http://127.0.0.1:\(port)/mxproxy
            client_id: sim-client
            client_secret: ${env:MX_SECRET}
            username: sim@example.com
            password: ${env:MX_PASSWORD}
        \(body)
        """
    }

    /// A declared conference owned by the sim user.
    static func conference(_ name: String, accessID: Int) -> String {
        "      - {name: \(name), owner: \"43884851428118509\", access_id: \(accessID), type: Once, start: \"2023-11-14T22:13:20Z\", duration: 15}"
    }

    /// A whole config with one mtt provider `mtt` whose kinds are `body` (indented 4).
    static func mtt(port: Int, _ body: String) -> String {
        """
        version: 1
        providers:
          mtt:
            type: mtt
            url: http://127.0.0.1:\(port)/mtt/index.php
            premedia_url: http://127.0.0.1:\(port)/mtt/v1/api
            customer: "88314050000000"
            username: sim
            password: ${env:MTT_PASSWORD}
        \(body)
        """
    }

    /// A whole config with one xivo provider `xivo` whose kinds are `body` (indented 4).
    static func xivo(port: Int, _ body: String) -> String {
        """
        version: 1
        providers:
          xivo:
            type: xivo
            url: http://127.0.0.1:\(port)/xivo
            username: ws
            password: ${env:XIVO_PASSWORD}
        \(body)
        """
    }

    /// A whole config with one endpoints provider `office` (tenant acme) whose kinds are
    /// `body` (indented 4).
    static func endpoints(_ url: String, token: String = "sim-endpoints-token", policy: String? = nil, _ body: String) -> String {
        """
        version: 1
        \(policy.map { "policy: \($0)\n" } ?? "")providers:
          office:
            type: endpoints
            url: \(url)
            tenant: acme
            token: \(token)
        \(body)
        """
    }

    /// `count` declared endpoints `PREFIX1`..., extensions from `first`, password from ${env:PW}.
    static func declaredEndpoints(_ count: Int, prefix: String, first: Int = 101) -> String {
        "    endpoints:\n"
            + (0..<count).map { "      - {name: \(prefix)\($0 + 1), extension: \"\(first + $0)\", password: \"${env:PW}\"}" }.joined(separator: "\n")
    }

    static let sipPassword = ["PW": "Sip0Password0Twenty1"]

    /// A scratch folder holding `config` as its telform.yaml.
    static func folder(_ config: String) throws -> URL {
        let dir = try TelformProcess.scratch()
        try config.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        return dir
    }
}
