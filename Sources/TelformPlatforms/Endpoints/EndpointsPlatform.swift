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
        driver: { EndpointsPlatform(provider: $0, transport: $2("url"), retry: $1) })
}
