import Foundation
import TelformCore

/// A simulated platform: answers requests and can dump its state.
public protocol SimulatedPlatform: SimulatorHandler {
    func snapshot() -> JSONNode
    /// The embedded simulator (`sim://`) opens with its own credentials whatever its seed
    /// lists, so a file's declared credentials (ignored there) never lock it.
    func admitDefaultCredentials()
}

/// The simulators telform has, by provider type; each serves under `/TYPE` over HTTP.
/// What telform knows of a platform's simulator, in one value: how a fake is made from a
/// state, the credentials it accepts out of the box, and the keys it keeps sealed on disk.
/// Each simulator's folder declares its own (`XiVOFake.descriptor`).
public struct SimulatorDescriptor: Sendable {
    public let type: String
    /// A fake from a state (or a seed); nil makes an empty one.
    let make: @Sendable (JSONNode?) throws -> SimulatedPlatform
    /// Credentials the fake accepts out of the box; a `sim://` provider that names none uses these.
    public let credentials: [String: String]
    /// The keys whose string values are sealed on disk (`SealedSecrets`), as `parent.key` or `key`.
    let sealed: Set<String>
    /// The seed of the platform's `telform init` provider (its `Starter`): the live state it
    /// starts from, which its resources and routing tests are written for.
    public let starterSeed: String
}

/// Every simulator, once: a new one is a folder and one line here.
public enum SimulatorCatalog {
    public static let entries: [SimulatorDescriptor] = [
        EndpointsFake.descriptor, VPBXFake.descriptor, MTTFake.descriptor, XiVOFake.descriptor, MXProxyFake.descriptor,
    ]

    public static let available = entries.map(\.type)

    /// A fake of `type` from a state (or a seed), or nil when that platform has no simulator yet.
    public static func make(_ type: String, state: JSONNode?) throws -> SimulatedPlatform? {
        try entries.first { $0.type == type }?.make(state)
    }

    /// The providers the embedded simulator serves: those whose url is `sim://NAME`.
    public static let serves: @Sendable (ProviderConfig) -> Bool = { $0.settings["url"]?.string?.hasPrefix("sim://") == true }

    /// Credentials the fakes accept out of the box, by type.
    public static let defaultCredentials: [String: [String: String]] = Dictionary(uniqueKeysWithValues: entries.map { ($0.type, $0.credentials) })
}

/// Keeps a fake's state in a JSON file: loaded at start, written after a change — and only
/// after a change: a call that changed nothing (a read, which JSON-RPC sends as POST, or a
/// refused write) rewrites no file.
///
/// Written behind the calls: a change marks the state dirty and a writer thread writes the
/// latest state a moment later (`settle`), so the calls of that moment cost one write, not one
/// per call (a whole-file rewrite per create made 10,000 creates quadratic; at 20 ms latency,
/// answers spread out and a write per few calls took more CPU than answering them). A write
/// costs time in proportion to the state, so the moment is at least `spacing` times the last
/// write's own time: writing takes a bounded share of the time however large the state grows
/// (10,000 creates in one burst would otherwise rewrite a growing file every 200 ms).
/// `flush()` waits until what has been answered is on disk; the command line flushes every
/// simulator before it exits and `sim serve` on `GET /_sim/flush` and on SIGINT or SIGTERM.
public final class PersistentPlatform: SimulatedPlatform, @unchecked Sendable {
    private let inner: SimulatedPlatform
    private let file: String
    private let secrets: SealedSecrets
    private let lock = NSLock()
    private let writer = DispatchQueue(label: "telform.sim.state-writer")
    private var dirty = false
    private var scheduled = false
    /// How long a change waits for the next ones before the state is written, at least.
    static let settle = 0.2
    /// ... and at least this many times as long as the last write took.
    static let spacing = 4.0
    /// Seconds the last write took (under `lock`).
    private var lastWriteSeconds = 0.0
    /// The state as last written, unsealed (sealing draws a fresh nonce each time), or as
    /// opened while nothing was written yet (taken when the first call that may change it
    /// comes: a read-only run keeps no copy). Under `lock`.
    private var written: JSONNode?
    private var baselineTaken = false

    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var registry: [PersistentPlatform] = []

    /// The SHA-256 of the seed a state was started from, kept beside it (`FILE.seed`): a seed
    /// that changed since, or a state made without it, is noticed.
    private let seedDigest: String?
    /// Why the state is used though the config names a seed it was not made from as the seed
    /// is now, and how to start over; nil when nothing is to be said.
    public let seedNotice: String?

    /// Opens the state at `file`, or starts it from `seed` (or empty) when there is none. The
    /// state file is written only once a call changes something: a run that fails, or only
    /// reads, leaves none, and the next one starts from the seed again.
    public init(type: String, file: String, seed: String?, embedded: Bool = false) throws {
        let directory = (file as NSString).deletingLastPathComponent
        secrets = try SealedSecrets(type: type, directory: directory.isEmpty ? "." : directory)
        var state: JSONNode?
        let seedBytes = seed.flatMap { FileManager.default.contents(atPath: $0) }
        if let data = FileManager.default.contents(atPath: file) {
            state = try JSONParser.parse(Array(data))
            seedDigest = nil
            let recorded = (try? String(contentsOfFile: file + ".seed", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            if let seed, let seedBytes, recorded != SHA256.hex(Array(seedBytes)) {
                let why = recorded == nil ? "the state was not made from it" : "the seed changed since the state was made from it"
                seedNotice = "the simulator's state \(file) is used, not the seed \(seed) (\(why)); to start again from the seed, delete \(file)"
            } else {
                seedNotice = nil
            }
        } else if let seed {
            guard let seedBytes else { throw SimulatorStateError("cannot read the seed \(seed)") }
            state = try JSONParser.parse(Array(seedBytes))
            // A state of another platform, or none, would start an empty simulator unnoticed.
            let platform = state?["platform"]?.string
            guard platform == type else {
                throw SimulatorStateError(
                    "the seed \(seed) is \(platform.map { "a \($0) state" } ?? "not a simulator state (it has no \"platform\")"); this provider is \(type): its seed starts {\"platform\": \"\(type)\", …} (docs/simulator.md shows each platform's)"
                )
            }
            seedDigest = SHA256.hex(Array(seedBytes))
            seedNotice = nil
        } else {
            seedDigest = nil
            seedNotice = nil
        }
        guard let fake = try SimulatorCatalog.make(type, state: state.map(secrets.open)) else {
            throw SimulatorStateError("the \(type) platform has no simulator yet; simulated: \(SimulatorCatalog.available.joined(separator: ", "))")
        }
        if embedded { fake.admitDefaultCredentials() }
        inner = fake
        self.file = file
        Self.registryLock.withLock { Self.registry.append(self) }
    }

    public func snapshot() -> JSONNode { inner.snapshot() }

    public func admitDefaultCredentials() { inner.admitDefaultCredentials() }

    public func handle(_ request: HTTPRequest) -> SimulatorOutcome {
        if request.method != "GET" {
            lock.withLock {
                if !baselineTaken {
                    written = inner.snapshot()
                    baselineTaken = true
                }
            }
        }
        let outcome = inner.handle(request)
        if request.method != "GET" {
            let delay: Double? = lock.withLock {
                dirty = true
                defer { scheduled = true }
                return scheduled ? nil : max(Self.settle, Self.spacing * lastWriteSeconds)
            }
            if let delay { writer.asyncAfter(deadline: .now() + delay) { [self] in try? writeIfDirty() } }
        }
        return outcome
    }

    /// Waits until every answered change is on disk.
    public func flush() throws {
        try writer.sync { try writeIfDirty() }
    }

    /// Flushes every simulator this process opened.
    public static func flushAll() {
        for platform in registryLock.withLock({ registry }) { try? platform.flush() }
    }

    /// On the writer queue: the latest state, if a change came since the last write.
    private func writeIfDirty() throws {
        let pending: Bool = lock.withLock {
            defer {
                dirty = false
                scheduled = false
            }
            return dirty
        }
        if pending { try write(onlyIfChanged: true) }
    }

    private func write(onlyIfChanged: Bool) throws {
        let started = DispatchTime.now().uptimeNanoseconds
        let snapshot = inner.snapshot()
        if onlyIfChanged, let written = lock.withLock({ written }), snapshot == written { return }
        let directory = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let seedDigest, !FileManager.default.fileExists(atPath: file) {
            try Data((seedDigest + "\n").utf8).write(to: URL(fileURLWithPath: file + ".seed"), options: .atomic)
        }
        try Data((secrets.seal(snapshot).rendered() + "\n").utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        lock.withLock {
            written = snapshot
            baselineTaken = true
            lastWriteSeconds = seconds
        }
    }
}

/// Serves every simulated platform under its own path prefix (`/endpoints/...`).
public final class SimulatorRouter: SimulatorHandler, @unchecked Sendable {
    private let platforms: [String: SimulatorHandler]

    public init(platforms: [String: SimulatorHandler]) {
        self.platforms = platforms
    }

    public func handle(_ request: HTTPRequest) -> SimulatorOutcome {
        let trimmed = request.path.drop { $0 == "/" }
        let prefix = String(trimmed.prefix { $0 != "/" && $0 != "?" })
        guard let platform = platforms[prefix] else {
            return .respond(
                .json(
                    404,
                    .object([("detail", .string("no simulator at /\(prefix); serving " + platforms.keys.sorted().map { "/" + $0 }.joined(separator: ", ")))])))
        }
        var inner = request
        inner.path = String(trimmed.dropFirst(prefix.count))
        if inner.path.isEmpty || inner.path.hasPrefix("?") { inner.path = "/" + inner.path }
        return platform.handle(inner)
    }
}
