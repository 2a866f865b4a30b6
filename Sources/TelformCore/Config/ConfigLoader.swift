import Foundation

/// The provider types a loader knows and each one's tables, looked up by type (built when
/// first asked for, where the lookup allows).
public struct PlatformLookup: Sendable {
    public let types: [String]
    public let schema: @Sendable (String) -> PlatformSchema?

    public init(types: [String], schema: @escaping @Sendable (String) -> PlatformSchema?) {
        self.types = types
        self.schema = schema
    }

    public init(_ platforms: [PlatformSchema]) {
        types = platforms.map(\.type)
        schema = { type in platforms.first { $0.type == type } }
    }
}

/// Reads a config file and its includes into a `Config`, with every diagnostic of the run.
public struct ConfigLoader: Sendable {
    public let platforms: PlatformLookup
    public let environment: [String: String]
    public let mode: Typer.Mode
    /// Which providers an embedded simulator serves: it opens with its own credentials, so
    /// they need none, and only it reads a `sim_seed`. The loader knows no URL scheme; the
    /// command line, which owns the simulator, says (`SimulatorCatalog.serves`).
    public let simulated: @Sendable (ProviderConfig) -> Bool

    public init(
        platforms: [PlatformSchema], environment: [String: String], mode: Typer.Mode,
        simulated: @escaping @Sendable (ProviderConfig) -> Bool = { _ in false }
    ) {
        self.init(lookup: PlatformLookup(platforms), environment: environment, mode: mode, simulated: simulated)
    }

    public init(
        lookup platforms: PlatformLookup, environment: [String: String], mode: Typer.Mode,
        simulated: @escaping @Sendable (ProviderConfig) -> Bool = { _ in false }
    ) {
        self.platforms = platforms
        self.environment = environment
        self.mode = mode
        self.simulated = simulated
    }

    public struct Result: Sendable {
        public var config: Config
        public var diagnostics: [Diagnostic]
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// Loads `path` (`-` reads standard input, named `<stdin>` in diagnostics).
    public func load(path: String) -> Result {
        func failed(_ file: String, _ line: Int, _ column: Int, _ message: String) -> Result {
            Result(config: Config(), diagnostics: [Diagnostic(.error, Mark(file: file, line: line, column: column), "", message)])
        }
        func decoded(_ bytes: [UInt8], file: String, directory: String) -> Result {
            // UTF-8 checked on the bytes, which are parsed as they are (no text made of them).
            if let invalid = ConfigBytes.invalid(bytes) { return failed(file, invalid.line, invalid.column, invalid.message) }
            return load(utf8: bytes, file: file, baseDirectory: directory)
        }
        if path == "-" {
            guard let bytes = ConfigBytes.standardInput() else {
                return failed("<stdin>", 1, 1, "standard input holds more than \(ConfigBytes.standardInputLimit >> 20) MiB, the most -c - reads")
            }
            return decoded(bytes, file: "<stdin>", directory: FileManager.default.currentDirectoryPath)
        }
        if let what = ConfigBytes.irregular(path) { return failed(path, 1, 1, "\(path) is \(what), not a config file") }
        if !FileManager.default.fileExists(atPath: path) {
            let folder = URL(fileURLWithPath: (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
                .standardizedFileURL.path
            return failed(path, 1, 1, "no \((path as NSString).lastPathComponent) in \(folder); pass -c FILE to name the config")
        }
        guard let bytes = ConfigBytes.contents(path) else {
            return failed(path, 1, 1, "cannot read the config file")
        }
        let directory = (path as NSString).deletingLastPathComponent
        return decoded(bytes, file: path, directory: directory.isEmpty ? "." : directory)
    }

    public func load(text: String, file: String, baseDirectory: String) -> Result {
        load(utf8: Array(text.utf8), file: file, baseDirectory: baseDirectory)
    }

    /// Loads a root file's bytes, known to be UTF-8.
    func load(utf8 bytes: [UInt8], file: String, baseDirectory: String) -> Result {
        var session = LoadSession(loader: self, baseDirectory: baseDirectory)
        let config = session.run(root: bytes, rootFile: file)
        return Result(config: config, diagnostics: session.diagnostics.sorted)
    }
}

/// One run of the loader: the files read so far and everything found in them.
struct LoadSession {
    let loader: ConfigLoader
    let baseDirectory: String
    var diagnostics = DiagnosticList()
    var typer: Typer
    var files: [String] = []
    var sources: [[UInt8]] = []
    /// The root file and the included ones, each in one spelling.
    var rootCanonical = ""
    var seenCanonical: Set<String> = []

    init(loader: ConfigLoader, baseDirectory: String) {
        self.loader = loader
        self.baseDirectory = baseDirectory
        typer = Typer(interpolator: Interpolator(baseDirectory: baseDirectory, environment: loader.environment), mode: loader.mode)
    }

    static let rootKeys = ["version", "include", "policy", "providers"]
    static let includedKeys = ["version", "providers"]

    mutating func run(root rootBytes: [UInt8], rootFile: String) -> Config {
        var config = Config()
        rootCanonical = rootFile == "<stdin>" ? "" : ConfigBytes.canonical(rootFile, relativeTo: ".")
        guard let root = parse(rootBytes, file: rootFile) else { return config }
        var fragments: [ProviderFragment] = []
        var sawVersion = false
        for pair in root.pairs ?? [] {
            switch pair.key {
            case "version":
                sawVersion = true
                readVersion(pair)
            case "include":
                for (file, node) in includes(pair.value) {
                    fragments += providerFragments(in: node, file: file, rootFile: false)
                }
            case "policy":
                config.policy = policy(pair.value)
            case "providers":
                break
            default:
                diagnostics.error(pair.keyMark, pair.key, Suggestion.unknownKey(pair.key, among: Self.rootKeys))
            }
        }
        if root.pairs != nil && !sawVersion {
            diagnostics.error(root.mark, "version", "is required; write version: 1")
        }
        fragments = providerFragments(in: root, file: rootFile, rootFile: true) + fragments
        config.providers = assemble(fragments)
        config.files = files
        config.sources = sources
        config.referencedFiles = typer.filesNamed.sorted()
        config.localFiles = typer.localFilesNamed
        diagnostics.append(contentsOf: typer.diagnostics.items)
        typer = Typer(interpolator: typer.interpolator, mode: typer.mode)
        return config
    }

    /// Parses one file; reports and returns nil when it holds no mapping.
    mutating func parse(_ bytes: [UInt8], file: String) -> YAMLNode? {
        files.append(file)
        sources.append(bytes)
        let (root, found) = YAMLParser(file: file).parse(utf8: bytes)
        diagnostics.append(contentsOf: found)
        guard let root else {
            if !found.contains(where: { $0.severity == .error }) {
                diagnostics.error(Mark(file: file, line: 1, column: 1), "", "the file is empty; expected version: 1 and providers:")
            }
            return nil
        }
        guard root.pairs != nil else {
            diagnostics.error(root.mark, "", "expected a mapping with version: and providers:, got \(root.kindName)")
            return nil
        }
        return root
    }

    mutating func readVersion(_ pair: YAMLPair) {
        guard let value = typer.value(pair.value, .integer(IntegerRules()), path: "version") else { return }
        if value != .int(1) {
            diagnostics.error(pair.value.mark, "version", "version \(value) is not supported; this telform reads version: 1")
        }
    }

    static let policySchema = ObjectSchema([
        .integer("max_delete_percent", 0...100, "Refuse an apply that deletes more than this share of one (provider, kind)."),
        .integer("max_update_percent", 0...100, "Refuse an apply that updates more than this share of one (provider, kind)."),
        .integer("min_existing", 0...1_000_000, "Thresholds apply only to kinds with at least this many live objects."),
        .integer("parallelism", 1...64, "Calls in flight at once in an apply (default 8); --parallelism overrides it."),
        .integer("provider_parallelism", 1...64, "Calls in flight at once toward one provider (default 4): what one API is asked to bear."),
        .integer("http_timeout", 1...600, "Seconds one HTTP call may take, first byte to last, before it counts as failed (default 30)."),
        .integer("max_response_mb", 1...4096, "The largest response body one call may return, in MiB (default 64); a larger one fails the call."),
        .list(
            "file_roots", of: .string(StringRules(minLength: 1)), ListRules(itemNoun: "folders"),
            "Folders besides this file's own that ${file:} may read (relative to it, or absolute). Without them, a ${file:} outside this file's folder is an error: see docs/security.md, Untrusted pull requests."
        ),
    ])

    mutating func policy(_ node: YAMLNode) -> Policy {
        var policy = Policy()
        guard let fields = typer.object(node, Self.policySchema, path: "policy") else { return policy }
        if let v = fields["max_delete_percent"]?.int { policy.maxDeletePercent = Int(v) }
        if let v = fields["max_update_percent"]?.int { policy.maxUpdatePercent = Int(v) }
        if let v = fields["min_existing"]?.int { policy.minExisting = Int(v) }
        if let v = fields["parallelism"]?.int { policy.parallelism = Int(v) }
        if let v = fields["provider_parallelism"]?.int { policy.providerParallelism = Int(v) }
        if let v = fields["http_timeout"]?.int { policy.httpTimeout = Int(v) }
        if let v = fields["max_response_mb"]?.int { policy.maxResponseMegabytes = Int(v) }
        for folder in fields["file_roots"]?.list?.compactMap(\.string) ?? [] { typer.interpolator.allow(folder) }
        return policy
    }

    /// Expands `include:` globs (relative to the root file's folder) and parses each file.
    mutating func includes(_ node: YAMLNode) -> [(String, YAMLNode)] {
        let patterns: [(String, Mark)]
        if let text = node.scalar, !node.isNull {
            patterns = [(text, node.mark)]
        } else if let items = node.items {
            patterns = items.compactMap { item in
                guard let text = item.scalar else {
                    diagnostics.error(item.mark, "include", "expected a file pattern, got \(item.kindName)")
                    return nil
                }
                return (text, item.mark)
            }
        } else {
            diagnostics.error(node.mark, "include", "expected a file pattern or a list of them, got \(node.kindName)")
            return []
        }
        var result: [(String, YAMLNode)] = []
        for (pattern, mark) in patterns {
            let matches = FileGlob.expand(pattern, in: baseDirectory)
            if matches.isEmpty {
                diagnostics.warning(mark, "include", "\"\(pattern)\" matches no file")
            }
            for relative in matches {
                // Diagnostics name files as the user would open them from here.
                let display = baseDirectory == "." ? relative : baseDirectory + "/" + relative
                // One file, whatever the spelling (`./telform.yaml`, `../dir/telform.yaml`, a link).
                let canonical = ConfigBytes.canonical(display, relativeTo: ".")
                if canonical == rootCanonical {
                    diagnostics.error(mark, "include", "\"\(pattern)\" includes the root file itself")
                    continue
                }
                guard !files.contains(display), seenCanonical.insert(canonical).inserted else { continue }
                if let what = ConfigBytes.irregular(display) {
                    diagnostics.error(mark, "include", "\(display) is \(what), not a config file")
                    continue
                }
                guard let bytes = ConfigBytes.contents(display) else {
                    diagnostics.error(mark, "include", "cannot read \(display)")
                    continue
                }
                if let invalid = ConfigBytes.invalid(bytes) {
                    diagnostics.error(Mark(file: display, line: invalid.line, column: invalid.column), "", invalid.message)
                    continue
                }
                guard let root = parse(bytes, file: display) else { continue }
                for pair in root.pairs ?? [] where !Self.includedKeys.contains(pair.key) {
                    let message =
                        Self.rootKeys.contains(pair.key)
                        ? "\(pair.key): is allowed in the root file only"
                        : Suggestion.unknownKey(pair.key, among: Self.includedKeys)
                    diagnostics.error(pair.keyMark, pair.key, message)
                }
                if let version = root.pairs?.first(where: { $0.key == "version" }) { readVersion(version) }
                result.append((display, root))
            }
        }
        return result
    }

    /// The provider blocks of one file.
    mutating func providerFragments(in root: YAMLNode, file: String, rootFile: Bool) -> [ProviderFragment] {
        guard let providers = root["providers"] else {
            if rootFile { diagnostics.error(root.mark, "providers", "is required: declare at least one provider") }
            return []
        }
        guard let pairs = providers.pairs else {
            diagnostics.error(providers.mark, "providers", "expected a mapping of provider names to blocks, got \(providers.kindName)")
            return []
        }
        var result: [ProviderFragment] = []
        for pair in pairs {
            let path = "providers.\(pair.key)"
            guard TextPattern("^[A-Za-z0-9][A-Za-z0-9_-]*$").matches(pair.key) else {
                diagnostics.error(pair.keyMark, path, "a provider name uses letters, digits, - and _ only (it starts every address)")
                continue
            }
            guard pair.value.pairs != nil else {
                diagnostics.error(pair.value.mark, path, "expected a provider block (a mapping), got \(pair.value.kindName)")
                continue
            }
            result.append(ProviderFragment(name: pair.key, node: pair.value, keyMark: pair.keyMark, file: file))
        }
        return result
    }
}

/// One provider block as written in one file.
struct ProviderFragment {
    var name: String
    var node: YAMLNode
    var keyMark: Mark
    var file: String
}
