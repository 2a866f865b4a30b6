/// The JSON plan (`--format json` and saved plans): a versioned document, secrets masked.
/// The schema is documented in docs/plan-json.md.
public struct PlanJSON: Sendable {
    public static let formatVersion: Int64 = 1
    public let configDigest: String
    /// For a saved plan: the config file it was made from and the options it was made with.
    public let configPath: String?
    public let options: JSONNode?
    /// For a saved plan: the key of its secrets' digests (`secret_salt`, `secret_digests`), so
    /// that `apply --reviewed` can tell whether a secret it would send is the one reviewed.
    public let secretSalt: [UInt8]?

    public init(configDigest: String, configPath: String? = nil, options: JSONNode? = nil, secretSalt: [UInt8]? = nil) {
        self.configDigest = configDigest
        self.configPath = configPath
        self.options = options
        self.secretSalt = secretSalt
    }

    /// A new random key for a saved plan's secret digests.
    public static func newSalt() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    public func render(_ plan: Plan) -> JSONNode {
        var head: [(String, JSONNode)] = [("format_version", .int(Self.formatVersion)), ("config_digest", .string(configDigest))]
        if let configPath { head.append(("config_path", .string(configPath))) }
        if let options { head.append(("options", options)) }
        if let secretSalt { head.append(("secret_salt", .string(SHA256.hex(digest: secretSalt)))) }
        let tally = plan.tally
        return .object(
            head + [
                (
                    "providers",
                    .array(
                        plan.providers.map { p in
                            .object([
                                ("name", .string(p.name)), ("type", .string(p.type)), ("url", .string(p.url)),
                                ("reads", .array(p.reads.map(JSONNode.string))),
                                ("live_objects", .int(Int64(p.liveCount))), ("live_fingerprint", .string(p.fingerprint)),
                                ("scopes", .object(p.scopeFingerprints.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                            ])
                        })
                ),
                ("changes", .array(plan.providers.flatMap { p in p.changes.map { change(change: $0, provider: p) } })),
                (
                    "summary",
                    .object([
                        ("create", .int(Int64(tally.create))), ("update", .int(Int64(tally.update))),
                        ("delete", .int(Int64(tally.delete))), ("replace", .int(Int64(tally.replace))),
                        ("report_only", .int(Int64(tally.reportOnly))), ("sent_again", .int(Int64(tally.sentBlind))),
                    ])
                ),
                ("warnings", .array(plan.warnings.map(JSONNode.string))),
                ("targets", .array(plan.targets.map(JSONNode.string))),
                ("errors", .array(plan.errors.map(JSONNode.string))),
                ("notes", .array(plan.notes.map(JSONNode.string))),
                ("refusals", .array(plan.allRefusals.map(JSONNode.string))),
                ("findings", .array(plan.findings.map(\.json))),
                ("routing", .array(plan.routing.map(\.json))),
            ])
    }

    func change(change: Change, provider: Plan.ProviderPlan) -> JSONNode {
        let kind = provider.kind(change.address.kind)
        func masked(_ resource: Resource?) -> JSONNode {
            guard let resource else { return .null }
            return .object(
                Value.flatten(resource.fields).sorted { $0.0 < $1.0 }.filter { $0.0 != "protect" }.map { path, value in
                    (path, ValueDisplay.json(path, value, kind: kind))
                })
        }
        var pairs: [(String, JSONNode)] = [
            ("id", .string(change.id)),
            ("address", .string(change.address.description)),
            ("action", .string(change.action.rawValue)),
            ("effect", .string(change.effect.rawValue)),
            ("before", masked(change.live)),
            ("after", masked(change.desired)),
            ("changed", .array(change.changedPaths.map(JSONNode.string))),
            ("depends_on", .array(change.dependsOn.map { .string($0.description) })),
        ]
        if let secretSalt, let desired = change.desired {
            // Each masked value of `after`, as HMAC-SHA-256 of its JSON under the plan's salt.
            let digests = Value.flatten(desired.fields).sorted { $0.0 < $1.0 }.compactMap { path, value -> (String, JSONNode)? in
                guard ValueDisplay.masked(path, value, kind: kind) != value else { return nil }
                let digest = SHA256.hmac(key: secretSalt, ValueDisplay.json(value).compactBytes)
                return (path, .string("hmac-sha256:" + SHA256.hex(digest: digest)))
            }
            if !digests.isEmpty { pairs.append(("secret_digests", .object(digests))) }
        }
        if let reason = change.reason { pairs.append(("reason", .string(reason))) }
        if change.rotate { pairs.append(("rotate", .bool(true))) }
        if change.cleanup { pairs.append(("cleanup", .bool(true))) }
        if change.blind { pairs.append(("blind", .bool(true))) }
        if change.reportOnly { pairs.append(("report_only", .bool(true))) }
        return .object(pairs)
    }
}
