import Foundation
import TelformCore
import TelformPlatforms
import TelformSimulator

/// `telform export --provider NAME [--kind K]... [-o FILE]`: one provider's live state in the
/// config language. Planning the export against the platform it came from plans no changes.
enum ExportCommand {
    static func run(_ arguments: Arguments) async -> Int32 {
        guard let name = arguments.value(Flag.exportProvider) else {
            // Which providers there are, from the file alone (no variable needed to list them).
            let path = arguments.value(Flag.config) ?? "telform.yaml"
            let loaded = ConfigLoader(lookup: PlatformCatalog.lookup, environment: [:], mode: .validate, simulated: SimulatorCatalog.serves).load(path: path)
            let providers = loaded.config.providers.map { "\($0.name) (\($0.type))" }
            Terminal.error(
                "export: name the provider to export with --provider NAME"
                    + (providers.isEmpty ? " (\(path) declares none)" : "; \(path) declares \(providers.joined(separator: ", "))"))
            return 1
        }
        guard var workspace = Workspace.load(arguments, readOnly: true) else { return 1 }
        do {
            try workspace.connect(providers: [name], verbose: arguments.has(Flag.verbose))
        } catch {
            Terminal.error("\(error)")
            return 1
        }
        guard let driver = workspace.drivers[name], let provider = workspace.config.provider(name) else { return 1 }
        let allKinds = driver.schema.kinds.map(\.name)
        let given = arguments.values(Flag.kind)
        let kinds = given.isEmpty ? allKinds : given
        if let bad = kinds.first(where: { !allKinds.contains($0) }) {
            Terminal.error("export: \(provider.type) has no kind \"\(bad)\"; kinds: \(allKinds.joined(separator: ", "))")
            return 1
        }
        let export: Export
        let watch = Workspace.slowRead(arguments).map { SlowWatch<String>(after: 10, report: $0) }
        watch?.begin(0, "\(name): reading \(kinds.joined(separator: ", "))")
        defer { watch?.stop() }
        do {
            export = try await driver.export(kinds: kinds)
        } catch {
            Terminal.error("\(error)")
            return 1
        }
        let text = ExportText.render(export, provider: provider, schema: driver.schema)
        if let file = arguments.value(Flag.output) {
            do {
                try Terminal.save(text, to: file)
            } catch {
                Terminal.error("cannot write \(file): \(error.localizedDescription)")
                return 1
            }
            Terminal.message("Exported \(name) to \(file).")
        } else {
            Terminal.write(text)
        }
        return 0
    }
}
