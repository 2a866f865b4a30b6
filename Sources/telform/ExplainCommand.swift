import Foundation
import TelformCore
import TelformPlatforms
import TelformSimulator

/// `telform explain NUMBER [--at WHEN] [--from CALLER] [--live]`: what happens to a call to
/// NUMBER, from the file's resources (no network) or, with `--live`, from the live state.
enum ExplainCommand {
    static func run(_ arguments: Arguments) async -> Int32 {
        guard let number = arguments.positionals.first else {
            Terminal.error("explain: which number? usage: telform explain NUMBER [--at 'sat 10:00'] [--live]")
            return 1
        }
        let format = arguments.value(Flag.explainFormat) ?? "text"
        guard ["text", "json"].contains(format) else {
            Terminal.error("explain: unknown format \"\(format)\"; use text or json")
            return 1
        }
        var at: Moment?
        if let text = arguments.value(Flag.at) {
            guard let moment = Moment.parse(text) else {
                Terminal.error("explain: --at \(text): expected a week day or a date, then a time: 'sat 10:00', 'monday 09:30', '2026-01-01 10:00'")
                return 1
            }
            at = moment
        }
        guard let sources = await RoutingSources.load(arguments, command: "explain") else { return 1 }
        let caller = arguments.value(Flag.from)
        let explanations = sources.models.compactMap { source in
            Explanation(
                provider: source.provider.name, platform: source.provider.type, source: sources.origin,
                model: source.model, number: number, at: at, caller: caller)
        }
        guard !explanations.isEmpty else {
            let known = sources.models.flatMap { $0.model.numbers.map(\.number) }
            let hint = Suggestion.closest(to: number, in: known).map { "; did you mean \($0)?" } ?? ""
            Terminal.error("explain: no provider routes \(number)\(hint) (numbers routed: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
            return 1
        }
        if format == "json" {
            let document = JSONNode.object([("format_version", .int(1)), ("explanations", .array(explanations.map(\.json)))])
            Terminal.out(document.rendered())
        } else {
            Terminal.out(explanations.map(\.text).joined(separator: "\n"), terminator: "")
        }
        return 0
    }
}

/// The routing models of the selected providers, over the file's resources or the live state.
struct RoutingSources {
    struct Source {
        var provider: ProviderConfig
        var model: any RoutingModel
    }

    var models: [Source]
    /// `file` or `live`.
    var origin: String
    /// Every provider of the configuration, selected or not.
    var providers: [String] = []

    static func load(_ arguments: Arguments, command: String) async -> RoutingSources? {
        let selected = arguments.values(Flag.provider)
        if arguments.has(Flag.explainLive) {
            guard var workspace = Workspace.load(arguments, readOnly: true) else { return nil }
            do {
                try workspace.connect(providers: selected, verbose: arguments.has(Flag.verbose))
            } catch {
                Terminal.error("\(error)")
                return nil
            }
            let (live, errors, _) = await workspace.readAll(slow: Workspace.slowRead(arguments))
            guard errors.isEmpty else {
                for error in errors { Terminal.error(error) }
                return nil
            }
            let models = workspace.config.providers.compactMap { provider -> Source? in
                guard let state = live[provider.name] else { return nil }
                let schema = PlatformCatalog.schema(provider.type)
                var declared: [Address: Resource] = [:]
                for resource in provider.resources { declared[resource.address] = resource }
                let resources = state.resources.map { resource in
                    declared[resource.address].map { resource.withWriteOnly(from: $0, kind: schema?.kind(resource.address.kind)) } ?? resource
                }
                guard let model = PlatformCatalog.routing(provider, resources: resources) else { return nil }
                return Source(provider: provider, model: model)
            }
            return RoutingSources(models: models, origin: "live", providers: workspace.config.providers.map(\.name))
        }
        // The file alone: no secret is needed, so unset variables are not errors here.
        let path = arguments.value(Flag.config) ?? "telform.yaml"
        let loader = ConfigLoader(
            lookup: PlatformCatalog.lookup, environment: ProcessInfo.processInfo.environment, mode: .validate, simulated: SimulatorCatalog.serves)
        let result = loader.load(path: path)
        let errors = result.diagnostics.filter { $0.severity == .error }
        for diagnostic in errors { Terminal.diagnostic(diagnostic.description) }
        guard errors.isEmpty else {
            Terminal.error("\(command): the configuration has errors")
            return nil
        }
        // A name the file does not declare may exist live; the file alone cannot say where a
        // call goes then.
        let undeclared = result.diagnostics.filter { $0.code == .undeclaredReference }
        guard undeclared.isEmpty else {
            for diagnostic in undeclared { Terminal.diagnostic(diagnostic.description) }
            Terminal.error(
                "\(command): the file names \(undeclared.count == 1 ? "an object" : "objects") it does not declare (above), so it cannot tell where calls go; declare \(undeclared.count == 1 ? "it" : "them"), or read the live state: telform \(command) --live"
            )
            return nil
        }
        let unknown = selected.filter { result.config.provider($0) == nil }
        guard unknown.isEmpty else {
            Terminal.error(
                "\(command): no provider named \(unknown.joined(separator: ", ")) in the configuration (providers: \(result.config.providers.map(\.name).joined(separator: ", ")))"
            )
            return nil
        }
        let models = result.config.providers.compactMap { provider -> Source? in
            guard selected.isEmpty || selected.contains(provider.name),
                let model = PlatformCatalog.routing(provider, resources: provider.resources)
            else { return nil }
            return Source(provider: provider, model: model)
        }
        return RoutingSources(models: models, origin: "file", providers: result.config.providers.map(\.name))
    }
}
