import Foundation
import TelformCore
import TelformSimulator

/// `telform sim serve`: every simulated platform over HTTP (or https) on 127.0.0.1, each under `/TYPE`.
enum SimCommand {
    nonisolated(unsafe) static var signalSources: [DispatchSourceSignal] = []

    static func run(_ arguments: Arguments) async -> Int32 {
        guard let port = UInt16(arguments.value(Flag.port) ?? "8080") else {
            Terminal.error("sim serve: --port takes a number 0..65535 (0 picks a free port)")
            return 1
        }
        guard let latency = Double(arguments.value(Flag.latency) ?? "0"), latency >= 0 else {
            Terminal.error("sim serve: --latency takes milliseconds")
            return 1
        }
        let plan: FaultPlan
        do {
            plan = try arguments.value(Flag.faults).map(FaultPlan.init(spec:)) ?? FaultPlan()
        } catch {
            Terminal.error("sim serve: \(error)")
            return 1
        }
        let stateDirectory = arguments.value(Flag.state) ?? ".telform/sim-serve"
        var platforms: [String: SimulatorHandler] = [:]
        do {
            for type in SimulatorCatalog.available {
                platforms[type] = try PersistentPlatform(type: type, file: stateDirectory + "/\(type).json", seed: nil)
            }
        } catch {
            Terminal.error("sim serve: \(error)")
            return 1
        }
        var handler: SimulatorHandler = FaultInjector(SimulatorRouter(platforms: platforms), plan: plan, latency: latency / 1000)
        if let log = arguments.value(Flag.log) {
            do {
                handler = try RequestJournal(handler, file: log)
            } catch {
                Terminal.error("sim serve: \(error)")
                return 1
            }
        }
        // `GET /_sim/flush` answers once every answered change is on disk (the state is written
        // behind the calls); SIGINT and SIGTERM flush, then end the server.
        handler = FlushRoute(handler)
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { Telform.end(0) }
            source.resume()
            SimCommand.signalSources.append(source)
        }
        let server: HTTPServer
        let scheme: String
        do {
            let tls: ServerTLS?
            switch (arguments.value(Flag.tlsCert), arguments.value(Flag.tlsKey)) {
            case (nil, nil): tls = nil
            case (let certificate?, let key?): tls = try ServerTLS(certificate: certificate, key: key)
            default:
                Terminal.error("sim serve: --tls-cert and --tls-key go together (the certificate chain and its key, PEM)")
                return 1
            }
            scheme = tls == nil ? "http" : "https"
            server = try HTTPServer(port: port, handler: handler, tls: tls)
        } catch {
            Terminal.error("sim serve: \(error)")
            return 1
        }
        server.start()
        // The first line says where it listens; tests read the port from it.
        Terminal.out("listening on \(scheme)://127.0.0.1:\(server.port)")
        // Each simulator, with the credentials it accepts out of the box (docs/simulator.md).
        for simulator in SimulatorCatalog.entries.sorted(by: { $0.type < $1.type }) {
            let credentials = simulator.credentials.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            Terminal.message(
                "  \(simulator.type): \(scheme)://127.0.0.1:\(server.port)/\(simulator.type) (state in \(stateDirectory)/\(simulator.type).json; "
                    + (credentials.isEmpty ? "no credentials needed" : "accepts " + credentials.joined(separator: ", ")) + ")")
        }
        while true {
            try? await Task.sleep(nanoseconds: 3_600_000_000_000)
        }
    }
}

/// `GET /_sim/flush`: every simulator's state on disk, then 200 (no fault, latency or log).
struct FlushRoute: SimulatorHandler {
    let inner: SimulatorHandler

    init(_ inner: SimulatorHandler) { self.inner = inner }

    func handle(_ request: HTTPRequest) -> SimulatorOutcome {
        guard request.path == "/_sim/flush" else { return inner.handle(request) }
        PersistentPlatform.flushAll()
        return .respond(HTTPResponse(status: 200))
    }
}
