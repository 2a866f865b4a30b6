/// A plan: the ordered changes of every provider read, with what refuses or warns.
public struct Plan: Sendable {
    public struct ProviderPlan: Sendable {
        public var name: String
        public var type: String
        public var url: String
        public var liveCount: Int
        public var fingerprint: String
        public var changes: [Change]
        public var kinds: [KindSchema]
        /// Per declared kind, the digest of its live objects as read.
        public var scopeFingerprints: [String: String] = [:]
        /// Declared keys held by more than one live object: every server id, the one kept first.
        public var duplicates: [(address: Address, ids: [String])] = []

        public init(name: String, type: String, url: String, liveCount: Int, fingerprint: String, changes: [Change], kinds: [KindSchema]) {
            self.name = name
            self.type = type
            self.url = url
            self.liveCount = liveCount
            self.fingerprint = fingerprint
            self.changes = changes
            self.kinds = kinds
        }

        public func kind(_ name: String) -> KindSchema? {
            kinds.first { $0.name == name }
        }
    }

    public var providers: [ProviderPlan]
    /// Reasons apply will refuse (safety thresholds, protected resources), shown up front.
    public var refusals: [String]
    /// Refusals that `--allow-deletes` lifts (the safety thresholds).
    /// Over `max_update_percent`: lifted by `--allow-updates` alone.
    public var updateRefusals: [String] = []
    public var thresholdRefusals: [String]
    public var warnings: [String]
    /// What makes the plan itself wrong to act on (a declared key held by several live objects,
    /// a server id telform will not use): plan exits 1 and apply refuses.
    public var errors: [String] = []
    /// `--target` patterns in effect: the plan covers only what they match (and what that needs).
    public var targets: [String] = []
    /// What the reader should know about this plan (write-only fields no plan can compare).
    public var notes: [String] = []
    public var readSeconds: Double

    public init(providers: [ProviderPlan] = [], refusals: [String] = [], thresholdRefusals: [String] = [],
                warnings: [String] = [], readSeconds: Double = 0) {
        self.providers = providers
        self.refusals = refusals
        self.thresholdRefusals = thresholdRefusals
        self.warnings = warnings
        self.readSeconds = readSeconds
    }

    public var changes: [Change] { providers.flatMap(\.changes) }
    /// Changes that count: what the platform reports differs (not the blind re-sends of
    /// unreadable kinds).
    public var hasChanges: Bool { changes.contains { !$0.blind && !$0.reportOnly } }

    /// What apply carries out (report-only differences are shown, not executed).
    public var executable: Plan {
        var copy = self
        copy.providers = providers.map { provider in
            var p = provider
            p.changes = provider.changes.filter { !$0.reportOnly }
            return p
        }
        return copy
    }
    public var liveCount: Int { providers.reduce(0) { $0 + $1.liveCount } }

    /// Changes by action; the cleanup half of a replace is part of the replace.
    public func count(_ action: ChangeAction) -> Int {
        Self.count(action, in: changes)
    }

    /// The one way every rendering counts: a report-only difference and a setting sent again
    /// blind are not creates, updates or deletes.
    public static func count(_ action: ChangeAction, in changes: [Change]) -> Int {
        changes.filter { $0.action == action && !$0.cleanup && !$0.blind && !$0.reportOnly }.count
    }

    /// "Plan: 2 to create, 2 to update, 1 to delete." (replaces counted apart when present).
    public var summaryLine: String {
        let blind = changes.filter(\.blind).count, reported = changes.filter(\.reportOnly).count
        let resend = (blind == 0 ? "" : " \(blind) unreadable setting\(blind == 1 ? "" : "s") will be sent again.")
            + (reported == 0 ? "" : " \(reported) difference\(reported == 1 ? "" : "s") can only be reported.")
        guard hasChanges else { return "No changes. The live state matches the configuration." + resend }
        var parts = ["\(count(.create)) to create", "\(count(.update)) to update", "\(count(.delete)) to delete"]
        if count(.replace) > 0 { parts.insert("\(count(.replace)) to replace", at: 0) }
        return "Plan: " + parts.joined(separator: ", ") + "." + resend
    }
}
