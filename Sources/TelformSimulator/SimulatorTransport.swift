import TelformCore

/// The embedded simulator as a transport: `sim://NAME` requests go straight to the fake,
/// with the same outcomes (and faults) as over HTTP.
public struct SimulatorTransport: HTTPTransport {
    public let handler: SimulatorHandler

    public init(handler: SimulatorHandler) {
        self.handler = handler
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        switch handler.handle(request) {
        case .respond(let response): return response
        case .drop: throw TransportError.interrupted("the simulator dropped the connection")
        }
    }
}
