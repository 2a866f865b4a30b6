import Foundation
import TelformCore
import TelformPlatforms

/// `telform test [-c FILE] [--tests FILE] [--live]`: checks a routing tests file against the
/// file's resources (or the live state); every failure with its position and the actual
/// route; exit 1 on any failure.
enum TestCommand {
    /// `vpbx.yaml` → `vpbx.tests.yaml`, beside it.
    static func defaultTests(for config: String) -> String {
        let stem = config.hasSuffix(".yaml") ? String(config.dropLast(5)) : config.hasSuffix(".yml") ? String(config.dropLast(4)) : config
        return stem + ".tests.yaml"
    }

    static func run(_ arguments: Arguments) async -> Int32 {
        let config = arguments.value(Flag.config) ?? "telform.yaml"
        let path = arguments.value(Flag.tests) ?? defaultTests(for: config)
        guard let data = FileManager.default.contents(atPath: path) else {
            Terminal.error(
                "test: cannot read the tests file \(path)"
                    + (arguments.value(Flag.tests) == nil ? " (the default beside \(config); name another with --tests FILE)" : ""))
            return 1
        }
        let file = RoutingTestFile(text: String(decoding: data, as: UTF8.self), file: path)
        for diagnostic in file.diagnostics { Terminal.diagnostic(diagnostic.description) }
        guard file.diagnostics.isEmpty else {
            Terminal.error("test: the tests file has errors; nothing was checked")
            return 1
        }
        guard let sources = await RoutingSources.load(arguments, command: "test") else { return 1 }
        var passed = 0
        var failed = 0
        var skipped = 0
        // With --provider, a test of another provider (named, or routed by none selected) is
        // skipped, not failed: that provider was not asked for.
        let selected = arguments.values(Flag.provider)
        for test in file.cases {
            let candidates = sources.models.filter { test.provider == nil || $0.provider.name == test.provider }
            let routed = candidates.compactMap { source in source.model.route(test.call, at: test.at, caller: test.caller).map { (source.provider.name, $0) } }
            var problem: String?
            var actual: String?
            if let provider = test.provider, !sources.providers.contains(provider) {
                problem = "no provider named \(provider) (providers: \(sources.providers.joined(separator: ", ")))"
            } else if !selected.isEmpty, test.provider.map({ !selected.contains($0) }) ?? routed.isEmpty {
                skipped += 1
                if !arguments.has(Flag.quiet) {
                    Terminal.out(
                        "skip \(test.mark): \(test.title): \(test.provider.map { "provider \($0) is not selected" } ?? "no selected provider routes \(test.call)")"
                    )
                }
                continue
            } else if routed.isEmpty {
                problem = "no provider routes \(test.call)"
            } else if routed.count > 1 {
                problem = "\(test.call) is routed by \(routed.map(\.0).joined(separator: " and ")): say which with provider:"
            } else {
                actual = routed[0].1.route.text
                problem = test.failure(routed[0].1.route)
            }
            if let problem {
                failed += 1
                Terminal.out("FAIL \(test.mark): \(test.title): \(problem)")
                if let actual { Terminal.out("       route: \(actual)") }
            } else {
                passed += 1
                if !arguments.has(Flag.quiet) { Terminal.out("ok   \(test.mark): \(test.title)") }
            }
        }
        Terminal.out(
            "Tests: \(passed) passed, \(failed) failed\(skipped > 0 ? ", \(skipped) skipped" : "") (\(sources.origin == "live" ? "the live state" : "the file's resources"))."
        )
        return failed == 0 ? 0 : 1
    }
}
