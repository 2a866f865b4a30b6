import Foundation
import TelformCore
import TelformPlatforms
import TelformSimulator

/// `telform validate [-c FILE]`: every diagnostic, one per line; exit 1 on any error.
enum ValidateCommand {
    static func run(_ arguments: Arguments) -> Int32 {
        let path = arguments.value(Flag.config) ?? "telform.yaml"
        let loader = ConfigLoader(
            lookup: PlatformCatalog.lookup, environment: ProcessInfo.processInfo.environment, mode: .validate, simulated: SimulatorCatalog.serves)
        let result = loader.load(path: path)
        Terminal.diagnostics(result.diagnostics, verbose: arguments.has(Flag.verbose))
        if arguments.has(Flag.files) {
            for file in files(result.config) { Terminal.out(file) }
        }
        let errors = result.diagnostics.filter { $0.severity == .error }.count
        let warnings = result.diagnostics.count - errors
        if !arguments.has(Flag.quiet) {
            let resources = result.config.providers.reduce(0) { $0 + $1.resources.count }
            let name = path == "-" ? "<stdin>" : path
            if errors == 0 {
                Terminal.message(
                    "\(name): valid: \(plural(result.config.providers.count, "provider")), \(plural(resources, "resource")), \(plural(warnings, "warning"))")
            } else {
                Terminal.message("\(name): \(plural(errors, "error")), \(plural(warnings, "warning"))")
            }
        }
        return errors == 0 ? 0 : 1
    }

    /// Every file the config reads (`filesRead`), once each, relative to the working folder
    /// when below it.
    static func files(_ config: Config) -> [String] {
        let here = FileManager.default.currentDirectoryPath
        var seen = Set<String>()
        return config.filesRead.compactMap { path in
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            let shown = absolute.hasPrefix(here + "/") ? String(absolute.dropFirst(here.count + 1)) : absolute
            return seen.insert(shown).inserted ? shown : nil
        }
    }

    static func plural(_ n: Int, _ word: String) -> String {
        "\(n) \(word)\(n == 1 ? "" : "s")"
    }
}
