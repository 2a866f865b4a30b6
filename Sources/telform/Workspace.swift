import Foundation
import TelformCore
import TelformHTTP
import TelformPlatforms
import TelformSimulator

/// What plan and apply share: the loaded config, a driver per provider, the live reads.
struct Workspace {
    let config: Config
    let configDirectory: String
    /// The files, and what they resolve to (interpolated secrets included): a saved plan
    /// keeps only this digest, never a value. Computed when a saved or JSON plan asks for it:
    /// a text plan does not need it.
    let digest: Once<String>
    var configDigest: String { digest.value }
    var drivers: [String: any ProviderDriver] = [:]
    /// Where sim:// providers keep their state; nil: `.telform/sim` beside the config.
    var simulatorStates: String?

    /// The flags of the resource field at `path` below a provider (`endpoints[0].password`,
    /// `users[1].voicemail.password`), if it is one.
    static func flags(_ path: String, type: String) -> FieldSchema.Flags? {
        let kindName = String(path.prefix { $0 != "." && $0 != "[" })
        guard let kind = PlatformCatalog.schema(type)?.kinds.first(where: { $0.name == kindName }),
            let bracket = path.range(of: "].")
        else { return nil }
        let field = path[bracket.upperBound...].replacingOccurrences(of: #"\[[0-9]+\]"#, with: "", options: .regularExpression)
        return kind.field(path: field)?.flags
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Loads the config in strict mode; prints its diagnostics; nil when it has errors. With
    /// `readOnly` (drift, export, `test --live`, `explain --live`: nothing is sent), a
    /// write-only field's unset variable or missing file is not needed: it is never read back.
    ///
    /// With `onSimulators` (`plan --on-simulators`), every provider is planned against its
    /// embedded simulator, started from its `sim_seed` (or empty) in a folder of its own that
    /// is never kept: no url is called, and no credential or secret (sensitive field) is needed.
    static func load(_ arguments: Arguments, readOnly: Bool = false, onSimulators: Bool = false) -> Workspace? {
        let path = arguments.value(Flag.config) ?? "telform.yaml"
        let loader = ConfigLoader(
            lookup: PlatformCatalog.lookup, environment: ProcessInfo.processInfo.environment, mode: .strict,
            simulated: { onSimulators || SimulatorCatalog.serves($0) })
        var result = loader.load(path: path)
        if onSimulators {
            for index in result.config.providers.indices {
                result.config.providers[index].settings["url"] = .string("sim://" + result.config.providers[index].name)
            }
        }
        // `--provider NAME`: only the named providers are read, so only their variables are
        // needed; another provider's unset variable or missing file is not a finding here.
        // A sim:// provider ignores its declared credentials: their variables are not needed.
        // Nor are, on the simulators, the values of secrets (sensitive or write-only fields).
        let selected = arguments.values(Flag.provider)
        var secret: FieldSchema.Flags = readOnly ? [.writeOnly] : []
        if onSimulators { secret.formUnion([.sensitive, .writeOnly, .sensitiveWithCredentials]) }
        result.diagnostics.removeAll { diagnostic in
            guard diagnostic.code == .unresolvedReference, diagnostic.path.hasPrefix("providers.") else { return false }
            let rest = diagnostic.path.dropFirst("providers.".count)
            let name = String(rest.prefix { $0 != "." && $0 != "[" })
            if !selected.isEmpty && !selected.contains(name) { return true }
            guard let provider = result.config.provider(name) else { return false }
            let setting = String(rest.dropFirst(name.count + 1))
            if Self.flags(setting, type: provider.type).map({ !$0.isDisjoint(with: secret) }) == true { return true }
            guard SimulatorCatalog.serves(provider) else { return false }
            return PlatformCatalog.schema(provider.type)?.settings.contains { $0.name == setting && $0.flags.contains(.credential) } ?? false
        }
        Terminal.diagnostics(result.diagnostics, verbose: arguments.has(Flag.verbose))
        guard !result.hasErrors else {
            Terminal.error("the configuration has errors; nothing was read or changed")
            return nil
        }
        let directory =
            path == "-"
            ? FileManager.default.currentDirectoryPath
            : ((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
        // The files' contents in their order, not the spelling of their paths: a plan made
        // from `-c endpoints.yaml` here applies from another folder as `-c dir/endpoints.yaml`.
        // The bytes this run loaded (not the files read again), whenever it is computed.
        let config = result.config
        let digest = Once<String> {
            var digestInput = ""
            for bytes in config.sources {
                digestInput += String(decoding: bytes, as: UTF8.self) + "\n\u{0}\n"
            }
            for provider in config.providers {
                digestInput += "\(provider.name)\t\(Value.object(provider.settings))\n"
                for resource in provider.resources { digestInput += "\(resource.address)\t\(Value.object(resource.fields))\n" }
            }
            return "sha256:" + SHA256.hex(digestInput)
        }
        var workspace = Workspace(config: result.config, configDirectory: directory, digest: digest)
        if onSimulators {
            workspace.simulatorStates = NSTemporaryDirectory() + "telform-on-simulators-\(getpid())"
        }
        return workspace
    }

    /// Builds a driver for each selected provider: the embedded simulator for sim://, HTTP otherwise.
    mutating func connect(providers names: [String], verbose: Bool) throws {
        let unknown = names.filter { config.provider($0) == nil }
        guard unknown.isEmpty else {
            let providers = config.providers.map(\.name)
            let hint = unknown.count == 1 ? Suggestion.closest(to: unknown[0], in: providers).map { "; did you mean \"\($0)\"?" } ?? "" : ""
            throw Failure(
                description:
                    "no provider named \(unknown.joined(separator: ", ")) in the configuration (providers: \(providers.joined(separator: ", ")))\(hint)")
        }
        let trace = verbose ? HTTPTrace(sensitiveFields: PlatformDrivers.sensitiveWireFields) { Terminal.message($0) } : nil
        for var provider in config.providers where names.isEmpty || names.contains(provider.name) {
            guard let url = provider.settings["url"]?.string else { continue }
            let transport: (String) -> any HTTPTransport
            if SimulatorCatalog.serves(provider) {
                let name = String(url.dropFirst("sim://".count))
                let file = (simulatorStates ?? configDirectory + "/.telform/sim") + "/\(name).json"
                do {
                    // Every endpoint of a sim:// provider is the one simulator (MTT has two), each
                    // at its own path.
                    let simulator = try PersistentPlatform(type: provider.type, file: file, seed: provider.simSeed, embedded: true)
                    if let notice = simulator.seedNotice { Terminal.message("telform: warning: \(provider.name): \(notice)") }
                    transport = SimulatorTransport.endpoints(of: provider, schema: PlatformCatalog.schema(provider.type), handler: simulator)
                } catch {
                    throw Failure(description: "\(provider.name): \(error)")
                }
                // The embedded simulator opens with its own credentials: the file's are ignored.
                for setting in PlatformCatalog.schema(provider.type)?.settings ?? [] where setting.flags.contains(.credential) {
                    provider.settings[setting.name] = SimulatorCatalog.defaultCredentials[provider.type]?[setting.name].map(Value.string)
                }
            } else {
                let timeout = TimeInterval(config.policy.httpTimeout)
                let limit = config.policy.maxResponseMegabytes << 20
                let connections = config.policy.providerParallelism
                let labelled = trace?.labelled(provider.name)
                let settings = provider.settings
                let tls = provider.tls
                transport = { setting in
                    CurlTransport(
                        baseURL: settings[setting]?.string ?? "", timeout: timeout, trace: labelled, maxResponseBytes: limit, connections: connections, tls: tls
                    )
                }
            }
            guard let driver = PlatformDrivers.make(provider, transport: transport) else {
                throw Failure(
                    description:
                        "\(provider.name): the \(provider.type) platform's calls are not built yet; available: \(PlatformDrivers.available.joined(separator: ", "))"
                )
            }
            drivers[provider.name] = driver
        }
    }

    /// Reads every provider's live state concurrently.
    /// A read still going after 10 s says so (unless -q), as a slow apply call does.
    static func slowRead(_ arguments: Arguments) -> (@Sendable (String, TimeInterval) -> Void)? {
        if arguments.has(Flag.quiet) { return nil }
        return { what, waited in Terminal.stillWaiting(on: what, waited) }
    }

    ///
    /// A provider still being read after `slowAfter` seconds is reported to `slow` (and again
    /// every `slowAfter` seconds), as apply reports a slow call: a long read is not a hang.
    func readAll(
        progress: (@Sendable (String) -> Void)? = nil, slowAfter: TimeInterval = 10, slow: (@Sendable (String, TimeInterval) -> Void)? = nil
    ) async -> (live: [String: LiveState], errors: [String], seconds: Double) {
        let started = Date()
        var live: [String: LiveState] = [:]
        var errors: [String] = []
        let watch = slow.map { SlowWatch<String>(after: slowAfter, report: $0) }
        defer { watch?.stop() }
        await withTaskGroup(of: TaskResult<String, Result<LiveState, Error>>.self) { group in
            for (index, (name, driver)) in drivers.sorted(by: { $0.key < $1.key }).enumerated() {
                let desired = driver.provider.resources
                let kinds = driver.provider.declaredKinds
                group.addTask {
                    watch?.begin(index, "\(name): reading \(kinds.joined(separator: ", "))")
                    defer { watch?.end(index) }
                    do {
                        let started = Date()
                        let state = try await driver.read(kinds: kinds, desired: desired)
                        progress?(
                            "  read \(name) (\(kinds.joined(separator: ", "))): \(state.resources.count) live object\(state.resources.count == 1 ? "" : "s") in \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
                        )
                        return TaskResult(name, .success(state))
                    } catch {
                        return TaskResult(name, .failure(error))
                    }
                }
            }
            for await finished in group {
                let name = finished.key
                switch finished.value {
                case .success(let state): live[name] = state
                case .failure(let error as PlatformError): errors.append(error.description + Self.leads(error, reading: true, drivers[name]))
                case .failure(let error): errors.append("\(name): reading live state failed: \(ServerText.excerpt("\(error)", limit: 1000))")
                }
            }
        }
        return (live, errors.sorted(), Date().timeIntervalSince(started))
    }

    /// Lines under a failed call that lead to the fix: the call made (method, URL without
    /// credentials, status), and the setting to look at, by its position in the file — the
    /// credentials on a 401 or 403, the url on a 404 while reading.
    static func leads(_ error: PlatformError, reading: Bool, _ driver: (any ProviderDriver)?) -> String {
        var lines: [String] = []
        if let call = error.call { lines.append("  call: \(call)" + (error.status.map { " -> HTTP \($0)" } ?? "")) }
        guard let driver else { return lines.map { "\n" + $0 }.joined() }
        let provider = driver.provider
        // An untrusted certificate: the setting it was refused for, and where the fix goes.
        if error.description.contains(TransportError.untrustedCertificate), let (mark, text) = provider.settingSources["url"] {
            lines.append(
                "  for \(mark): providers.\(provider.name).url (\(text)); add tls: {ca_file: ...} or tls: {pinned_public_key: ...} to providers.\(provider.name)"
            )
        }
        // No connection: the url setting it was made for (the one whose host the error names,
        // where a provider has several).
        if error.description.contains(TransportError.unreachablePrefix) {
            let urls = driver.schema.settings.map(\.name).filter { $0 == "url" || $0.hasSuffix("_url") }
            let named = urls.first { name in
                guard let host = provider.settings[name]?.string.flatMap({ URLComponents(string: $0)?.host }) else { return false }
                return error.description.contains(host)
            }
            if let name = named ?? urls.first, let (mark, text) = provider.settingSources[name] {
                lines.append("  for \(mark): providers.\(provider.name).\(name) (\(text)); check that the server is up and reachable from here")
            }
        }
        guard let status = error.status else { return lines.map { "\n" + $0 }.joined() }
        func source(_ name: String) -> String? {
            guard let (mark, text) = provider.settingSources[name] else { return nil }
            let sensitive = driver.schema.settings.first { $0.name == name }?.isSensitive ?? false
            // A secret written in the file itself is never shown; a ${env:...} is.
            let shown = sensitive && !text.contains("${") ? "written in the file" : text
            return "\(mark): providers.\(provider.name).\(name) (\(shown))"
        }
        if error.refusesCredentials {
            let names = driver.schema.settings.filter { $0.flags.contains(.credential) || $0.isSensitive }.map(\.name)
            let found = names.compactMap(source)
            lines.append(
                found.isEmpty
                    ? "  the server refused the credentials, and this provider sets none"
                    : "  the server refused the credentials; check " + found.joined(separator: ", "))
            // A 403 may be a token that is good but not for this tenant.
            if status == 403, let tenant = source("tenant") {
                lines.append("  or the credentials may not reach this tenant; check \(tenant)")
            }
        } else if status == 404, reading, let url = source("url") {
            lines.append("  a 404 on a read: the url may carry a wrong path; check \(url)")
        }
        return lines.map { "\n" + $0 }.joined()
    }

    /// The plan of every connected provider, in config order.
    /// With `routing`, also the numbers whose routing the plan changes (for the outputs that
    /// show them).
    func plan(live: [String: LiveState], options: Planner.Options, seconds: Double, routing: Bool = true) -> Plan {
        let inputs = config.providers.compactMap { provider -> Planner.Input? in
            guard let driver = drivers[provider.name], let state = live[provider.name] else { return nil }
            return Planner.Input(
                provider: provider, platform: driver.schema,
                desired: driver.canonical(provider.resources, live: state), live: state)
        }
        var plan = Planner(policy: config.policy, options: options).plan(inputs, readSeconds: seconds)
        for providerPlan in plan.providers where routing {
            guard let provider = config.provider(providerPlan.name), let state = live[provider.name],
                let routing = PlatformCatalog.routingBuilder(provider.type)
            else { continue }
            plan.routing += RoutingChange.of(
                provider: provider, live: state.resources, changes: providerPlan.changes, kinds: providerPlan.kinds, routing: routing)
        }
        return plan
    }
}
