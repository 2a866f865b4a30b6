import Foundation

/// A plan: the ordered changes of every provider read, with what refuses or warns.
public struct Plan: Sendable {
    public struct ProviderPlan: Sendable {
        public var name: String
        public var type: String
        public var url: String
        public var liveCount: Int
        /// The digest of every live object as read (a saved plan checks it again).
        public var fingerprint: String { digests.value.all }
        public var changes: [Change]
        public var kinds: [KindSchema]
        /// Per declared kind, the digest of its live objects as read.
        public var scopeFingerprints: [String: String] { digests.value.byKind }
        /// Computed when first asked for: only saved and JSON plans show them, and a text plan
        /// need not describe and hash every live object.
        private let digests: LiveDigests
        /// Declared keys held by more than one live object: every server id, the one kept first.
        public var duplicates: [(address: Address, ids: [String])] = []
        /// The settings whose value the file reads from elsewhere, as written
        /// (`token: ${env:OFFICE_TOKEN}`): which secrets go to `url`, for the reviewer.
        public var reads: [String] = []

        public init(name: String, type: String, url: String, liveCount: Int, fingerprint: String, changes: [Change], kinds: [KindSchema]) {
            self.init(name: name, type: type, url: url, liveCount: liveCount, digests: LiveDigests { (fingerprint, [:]) }, changes: changes, kinds: kinds)
        }

        public init(name: String, type: String, url: String, liveCount: Int, digests: LiveDigests, changes: [Change], kinds: [KindSchema]) {
            self.name = name
            self.type = type
            self.url = url
            self.liveCount = liveCount
            self.digests = digests
            self.changes = changes
            self.kinds = kinds
        }

        public func kind(_ name: String) -> KindSchema? {
            kinds.first { $0.name == name }
        }
    }

    public var providers: [ProviderPlan]
    /// Everything the plan found that is not a change, in the order found.
    public var findings: [Finding] = []
    /// The numbers whose routing the plan changes (computed by the caller, which knows the
    /// platforms' routing models).
    public var routing: [RoutingChange] = []

    public mutating func add(_ finding: Finding) {
        findings.append(finding)
    }

    func summaries(_ severity: Finding.Severity, liftedBy flag: String? = nil) -> [String] {
        findings.filter { $0.severity == severity && $0.liftedBy == flag }.map(\.summary)
    }

    /// Reasons apply will refuse that no flag lifts (protected resources), shown up front.
    public var refusals: [String] { summaries(.refusal) }
    /// Refusals that `--allow-deletes` lifts (the delete threshold).
    public var thresholdRefusals: [String] { summaries(.refusal, liftedBy: "--allow-deletes") }
    /// Over `max_update_percent`: lifted by `--allow-updates` alone.
    public var updateRefusals: [String] { summaries(.refusal, liftedBy: "--allow-updates") }
    public var warnings: [String] { summaries(.warning) }
    /// What makes the plan itself wrong to act on (a declared key held by several live objects,
    /// a server id telform will not use): plan exits 1 and apply refuses.
    public var errors: [String] { summaries(.error) }
    /// What the reader should know about this plan (write-only fields no plan can compare).
    public var notes: [String] { summaries(.note) }

    /// Every refusal, as every output of the plan shows them: those no flag lifts, then the
    /// delete threshold's, then the update threshold's.
    public var allRefusals: [String] { refusals(lifting: []) }

    /// The refusals apply makes, with the flags given lifted.
    /// Those no flag lifts first, then the delete threshold's, then the update threshold's.
    public func refusals(lifting flags: Set<String>) -> [String] {
        refusals + (flags.contains("--allow-deletes") ? [] : thresholdRefusals) + (flags.contains("--allow-updates") ? [] : updateRefusals)
    }

    /// `--target` patterns in effect: the plan covers only what they match (and what that needs).
    public var targets: [String] = []
    public var readSeconds: Double

    public init(providers: [ProviderPlan] = [], findings: [Finding] = [], readSeconds: Double = 0) {
        self.providers = providers
        self.findings = findings
        self.readSeconds = readSeconds
    }

    public var changes: [Change] { providers.flatMap(\.changes) }
    /// Changes that count: what the platform reports differs (not the blind re-sends of
    /// unreadable kinds).
    public var hasChanges: Bool { providers.contains { $0.changes.contains { $0.effect.counts } } }

    /// What apply carries out (report-only differences are shown, not executed).
    public var executable: Plan {
        var copy = self
        copy.providers = providers.map { provider in
            var p = provider
            p.changes = provider.changes.filter { $0.effect.executes }
            return p
        }
        return copy
    }
    public var liveCount: Int { providers.reduce(0) { $0 + $1.liveCount } }

    /// What a list of changes holds, counted once for every rendering (the summary line, the
    /// Markdown table, the JSON summary): the cleanup half of a replace is part of the
    /// replace; a report-only difference and a setting sent again blind are counted apart.
    public struct Tally: Sendable, Equatable {
        public var create = 0, update = 0, delete = 0, replace = 0, reportOnly = 0, sentBlind = 0

        public init(_ changes: [Change]) {
            for change in changes {
                switch change.effect {
                case .create: create += 1
                case .update: update += 1
                case .delete: delete += 1
                case .replace, .replaceCreatingFirst: replace += 1
                case .cleanup: break
                case .sendBlind: sentBlind += 1
                case .reportOnly: reportOnly += 1
                }
            }
        }
    }

    public var tally: Tally { Tally(changes) }

    /// "Plan: 2 to create, 2 to update, 1 to delete." (replaces counted apart when present).
    public var summaryLine: String {
        let tally = self.tally
        let resend =
            (tally.sentBlind == 0 ? "" : " \(tally.sentBlind) unreadable setting\(tally.sentBlind == 1 ? "" : "s") will be sent again.")
            + (tally.reportOnly == 0 ? "" : " \(tally.reportOnly) difference\(tally.reportOnly == 1 ? "" : "s") can only be reported.")
        guard hasChanges else { return "No changes. The live state matches the configuration." + resend }
        var parts = ["\(tally.create) to create", "\(tally.update) to update", "\(tally.delete) to delete"]
        if tally.replace > 0 { parts.insert("\(tally.replace) to replace", at: 0) }
        return "Plan: " + parts.joined(separator: ", ") + "." + resend
    }
}

/// A provider's live digests, computed once, when first asked for.
public typealias LiveDigests = Once<(all: String, byKind: [String: String])>

/// A value computed once, when first asked for (digests only a saved or JSON plan prints).
public final class Once<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var make: (() -> T)?
    private var made: T?

    public init(_ make: @escaping () -> T) {
        self.make = make
    }

    public var value: T {
        lock.lock()
        defer { lock.unlock() }
        if let made { return made }
        let value = make!()
        made = value
        make = nil
        return value
    }
}
