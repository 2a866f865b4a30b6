import Foundation
import TelformCore

/// Appends `METHOD PATH STATUS` for every request to a file (`sim serve --log FILE`), so tests
/// and people can see the order of calls the simulator received; for JSON-RPC the method
/// name follows the path (`POST /mtt/v1/api createCustomerPrompt 200`). Bodies are never written.
public final class RequestJournal: SimulatorHandler, @unchecked Sendable {
    private let inner: SimulatorHandler
    private let handle: FileHandle
    private let lock = NSLock()

    public init(_ inner: SimulatorHandler, file: String) throws {
        self.inner = inner
        if !FileManager.default.fileExists(atPath: file) {
            _ = FileManager.default.createFile(atPath: file, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: file) else { throw SimulatorStateError("cannot write the log \(file)") }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    public func handle(_ request: HTTPRequest) -> SimulatorOutcome {
        let outcome = inner.handle(request)
        let status: String
        switch outcome {
        case .respond(let response): status = String(response.status)
        case .drop(let processed): status = processed ? "dropped-after" : "dropped"
        }
        let rpc = request.body.flatMap { try? JSONParser.parse(Array($0)) }?["method"]?.string.map { " " + $0 } ?? ""
        lock.withLock { handle.write(Data("\(request.method) \(request.path)\(rpc) \(status)\n".utf8)) }
        return outcome
    }
}
