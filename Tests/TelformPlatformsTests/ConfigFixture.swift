import Foundation
import TelformCore
import TelformPlatforms
import TelformSimulator

/// Writes config files into a fresh folder and loads them the way `telform validate` does.
/// Diagnostics come back as their printed lines, with the folder's path removed.
struct ConfigFixture {
    let directory: String

    init(files: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("telform-\(UUID().uuidString)").path
        for (name, text) in files {
            let path = directory + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    func load(_ root: String = "telform.yaml", environment: [String: String] = [:], mode: Typer.Mode = .validate) -> (Config, [String]) {
        let loader = ConfigLoader(platforms: PlatformCatalog.all, environment: environment, mode: mode, simulated: SimulatorCatalog.serves)
        let result = loader.load(path: directory + "/" + root)
        return (result.config, result.diagnostics.map { $0.description.replacingOccurrences(of: directory + "/", with: "") })
    }

    /// Loads one file's text; the common case.
    static func load(_ text: String, environment: [String: String] = [:], mode: Typer.Mode = .validate) throws -> (Config, [String]) {
        try ConfigFixture(files: ["telform.yaml": text]).load(environment: environment, mode: mode)
    }
}

/// An endpoints provider block around the given endpoint lines (indented under `endpoints:`).
func endpointsConfig(_ endpoints: String) -> String {
    """
    version: 1
    providers:
      office:
        type: endpoints
        url: sim://office
        tenant: acme
        endpoints:
    \(endpoints)
    """
}

extension Config {
    func fields(_ address: String) -> [String: Value]? {
        providers.flatMap(\.resources).first { $0.address.description == address }?.fields
    }
}
