import Foundation
import TelformCore

/// The embedded simulator as a transport: `sim://NAME` requests go straight to the fake,
/// with the same outcomes (and faults) as over HTTP.
public struct SimulatorTransport: HTTPTransport {
    public let handler: SimulatorHandler
    /// The path of the endpoint this transport stands for (`/v1/api`), put before every
    /// request's path, as a URL's path is before it over HTTP.
    public let basePath: String

    public init(handler: SimulatorHandler, basePath: String = "") {
        self.handler = handler
        self.basePath = basePath
    }

    /// The transports of a `sim://NAME` provider, by URL setting: every endpoint is the one
    /// simulator, at the path of the setting's URL — for a `sim://` value, the path of the
    /// setting's default (MTT's classic endpoint is `/index.php`, its Premedia one `/v1/api`).
    /// So no driver knows about `sim://`.
    public static func endpoints(of provider: ProviderConfig, schema: PlatformSchema?, handler: SimulatorHandler) -> (String) -> any HTTPTransport {
        { setting in
            let field = schema?.settings.first { $0.name == setting }
            var url = provider.settings[setting]?.string ?? field?.defaultValue?.string ?? ""
            if url.hasPrefix("sim://") { url = field?.defaultValue?.string ?? "" }
            let path = URL(string: url)?.path ?? ""
            return SimulatorTransport(handler: handler, basePath: path == "/" ? "" : path)
        }
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var request = request
        if !basePath.isEmpty { request.path = basePath + request.path }
        switch handler.handle(request) {
        case .respond(let response): return response
        case .drop: throw TransportError.interrupted("the simulator dropped the connection")
        }
    }
}
