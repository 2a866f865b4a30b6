import Foundation
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `telform sim serve` as a child process on a free port; the port is read from its first line.
final class SimServer {
    let process = Process()
    let port: Int
    /// "https" when started with a certificate (`--tls-cert`), else "http".
    let scheme: String
    /// Where the server keeps its state files.
    let stateRoot: URL

    /// The state folder, once the server has written every change it answered (it writes
    /// behind the calls): read state files through this.
    var stateDirectory: URL {
        flush()
        return stateRoot
    }

    let logFile: URL

    /// `states` are written as `<type>.json` into the state folder first: the server starts from
    /// them. With `tls` (a PEM certificate chain and its key) it serves https.
    init(faults: String? = nil, states: [String: String] = [:], latencyMilliseconds: Int = 0, tls: (certificate: String, key: String)? = nil) throws {
        let scratch = try TelformProcess.scratch()
        stateRoot = scratch.appendingPathComponent("state")
        let stateDirectory = stateRoot
        logFile = scratch.appendingPathComponent("requests.log")
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        for (type, text) in states {
            try text.write(to: stateDirectory.appendingPathComponent("\(type).json"), atomically: true, encoding: .utf8)
        }
        process.executableURL = TelformProcess.binary
        process.arguments =
            ["sim", "serve", "--port", "0", "--state", stateDirectory.path, "--log", logFile.path, "--latency", String(latencyMilliseconds)]
            + (faults.map { ["--faults", $0] } ?? []) + (tls.map { ["--tls-cert", $0.certificate, "--tls-key", $0.key] } ?? [])
        scheme = tls == nil ? "http" : "https"
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for the port, never for a fixed time: the first line names it once it listens.
        var line = Data()
        let handle = out.fileHandleForReading
        while !line.contains(0x0A) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "\(scheme)://127.0.0.1:"), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) else {
            process.terminate()
            throw NSError(domain: "SimServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "no port in \(text)"])
        }
        self.port = port
    }

    var endpointsURL: String { "\(scheme)://127.0.0.1:\(port)/endpoints" }
    var vpbxURL: String { "\(scheme)://127.0.0.1:\(port)/vpbx" }

    /// The requests received so far, `METHOD PATH STATUS` each.
    func requests() throws -> [String] {
        try String(contentsOf: logFile, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// `GET /_sim/flush`: answered once the server's state is on disk.
    func flush() {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/_sim/flush")!)
        request.timeoutInterval = 10
        let done = DispatchSemaphore(value: 0)
        let task = URLSession.shared.dataTask(with: request) { _, _, _ in done.signal() }
        task.resume()
        done.wait()
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    /// Every file the server wrote, as text.
    func stateText() throws -> String {
        let files = try FileManager.default.contentsOfDirectory(at: stateDirectory, includingPropertiesForKeys: nil).filter { $0.pathExtension == "json" }
        return try files.map { try String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
    }

    /// One platform's state file, parsed.
    func state(_ type: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: stateDirectory.appendingPathComponent("\(type).json")))
    }
}
