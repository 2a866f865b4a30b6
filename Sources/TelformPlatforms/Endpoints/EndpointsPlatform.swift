import Foundation
import TelformCore

/// The endpoints platform: its client and its one kind.
typealias EndpointsPlatform = KindedPlatform<EndpointsClient>

extension KindedPlatform where Client == EndpointsClient {
    init(provider: ProviderConfig, transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy()) {
        let client = EndpointsClient(
            http: ResilientClient(transport: transport, policy: retry),
            tenant: provider.settings["tenant"]?.string ?? "",
            token: provider.settings["token"]?.string ?? "")
        self.init(
            provider: provider, schema: EndpointsKinds.platform, client: client, kinds: EndpointsKinds.kinds,
            failure: { EndpointsAPIError.failure($0, $1, reading: $2) })
    }
}

extension EndpointsAPIError {
    /// A failure at `address`: FastAPI's 422 details as `field: message` (wire names turned
    /// back into YAML paths), the status for any other refusal.
    static func failure(_ subject: PlatformError.Subject, _ error: Error, reading: Bool) -> PlatformError {
        switch error {
        case let error as EndpointsAPIError:
            let status = error.status == 422 && !reading ? "" : " (HTTP \(error.status))"
            return PlatformError(subject, (reading ? "reading failed: " : "") + error.message + status).caused(by: error)
        case let error as PlatformError:
            return error
        case let error as TransportError where !reading:
            return PlatformError(subject, error.description)
        default:
            return PlatformError(subject, reading ? "reading failed: \(error)" : "\(error)")
        }
    }

    /// 422 details as `field: message`.
    var message: String {
        problems.map { field, message in
            guard let field else { return message }
            return "\(Self.yamlPath(ofWire: field)): \(message)"
        }.joined(separator: "; ")
    }

    static func yamlPath(ofWire wire: String) -> String {
        for (name, prefix) in EndpointKind.forwardCases where wire.hasPrefix(prefix) {
            return wire.hasSuffix("_timeout") ? "forward.\(name).timeout" : "forward.\(name).to"
        }
        return EndpointKind.codec.fields.first { $0.wire == wire }?.name ?? wire
    }
}

extension EndpointsKinds {
    /// The platform as the catalog lists it: its tables, its routing model, its driver.
    static let descriptor = PlatformDescriptor(
        type: "endpoints", tables: { platform }, routing: { EndpointRouting(provider: $0, resources: $1) },
        driver: { EndpointsPlatform(provider: $0, transport: $2("url"), retry: $1) }, starter: starter)
}

extension EndpointsKinds {
    /// `telform init`'s provider of this platform, on its simulator.
    static let starter = Starter(
        provider: "office",
        config: """
                type: endpoints
                url: sim://office                # the embedded simulator, from seeds/office.json; for your
                sim_seed: seeds/office.json      #   server: url: https://pbx.example.com/api (and no sim_seed)
                # token: ${env:OFFICE_TOKEN}     #   with its token, from the environment (never in the file)
                tenant: acme                     # the {tenant_id} of the API's paths
                endpoints:                       # declared, the kind is owned: live endpoints not listed are deleted
                  - name: reception
                    extension: "101"             # three digits; never read back
                    password: ${file:secrets/reception.password}   # 20 of A-Z a-z 0-9; written, never read back
                    forward:
                      busy: {to: "102"}
                      no_answer: {to: "102", timeout: 20}
                  - name: sales
                    extension: "102"
                    password: ${file:secrets/sales.password}
            """,
        tests: """
              - name: reception rings 20 s, then sales; busy goes to sales
                call: "101"
                at: "mon 10:00"
                expect: [ring: "101", seconds: 20, busy: "102", then: "102"]
            """,
        passwords: ["reception.password", "sales.password"])
}
