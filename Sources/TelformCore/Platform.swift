/// What every platform implements: live reads into canonical resources, and changes into
/// wire calls. Diffing, ordering, safety, rendering and execution are the core's.
public protocol ProviderDriver: Sendable {
    var provider: ProviderConfig { get }
    var schema: PlatformSchema { get }

    /// The declared resources as the platform means them: defaults the API applies made
    /// explicit, values normalised the way `read` normalises live ones, so no change shows
    /// twice. One step over the whole declared set, after the read: it may use what the other
    /// declared resources say and what the read found (`live`), and nothing else — no state
    /// kept in the driver, no file read.
    ///
    /// Contracts (the conformance suite checks them for every kind):
    /// - idempotent: `canonical(canonical(d)) == canonical(d)`;
    /// - a fixed point of read: `canonical(read().resources) == read().resources`.
    func canonical(_ desired: [Resource], live: LiveState) -> [Resource]

    /// One declared resource in canonical form, alone (nothing else declared, nothing read).
    func canonical(_ desired: Resource) -> Resource

    /// Reads the live objects of the declared kinds, in the scopes the file owns.
    ///
    /// Contracts: sends reads only, and never changes the platform; a declared scope with no
    /// live objects reads as no resources, not an error; two reads with nothing changed in
    /// between return the same state.
    func read(kinds: [String], desired: [Resource]) async throws -> LiveState

    /// Carries out one change against the platform (several calls for a replace or rotate).
    ///
    /// Contract: applying a change a second time (after a retry whose outcome was unknown)
    /// converges: the next plan is empty either way.
    func apply(_ change: Change, live: LiveState) async throws

    /// The live state of `kinds` in the config language, for `telform export`: as much of
    /// the account as the platform can enumerate, plus the scopes the file declares.
    func export(kinds: [String]) async throws -> Export
}

extension ProviderDriver {
    /// Each resource on its own, for platforms whose canonical form needs nothing else.
    public func canonical(_ desired: [Resource], live: LiveState) -> [Resource] {
        desired.map(canonical)
    }

    /// The resource canonical among no others.
    public func canonical(_ desired: Resource) -> Resource {
        canonical([desired], live: LiveState()).first ?? desired
    }
}

/// Live state written back in the config language.
public struct Export: Sendable {
    /// A `${env:NAME}` written for a value the API does not return or that is secret.
    public struct Placeholder: Sendable {
        public var variable: String
        /// What it stands for, for the file's comment.
        public var what: String
        /// The resource and the field path it stands in (nil for a provider setting).
        public var address: Address?
        public var path: String
    }

    /// Kind name → its YAML value (a list, or a mapping for one-per-provider kinds).
    public var kinds: [(String, Value)] = []
    public var placeholders: [Placeholder] = []

    public init() {}

    /// A placeholder for `path` of `address` (or a provider setting), remembered for the comment.
    public mutating func placeholder(_ parts: [String], _ what: String, at address: Address? = nil, path: String) -> Value {
        let name = parts.joined(separator: "_").uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        placeholders.append(Placeholder(variable: name, what: what, address: address, path: path))
        return .string("${env:\(name)}")
    }

    /// Fields without nulls, empty mappings or empty lists (what the file leaves out).
    public static func trimmed(_ fields: [String: Value]) -> [String: Value] {
        fields.compactMapValues { value in
            switch value {
            case .null: return nil
            case .object(let inner):
                let t = trimmed(inner)
                return t.isEmpty ? nil : .object(t)
            case .list(let items):
                return .list(items.map { item in item.object.map { .object(trimmed($0)) } ?? item })
            default: return value
            }
        }
    }
}

/// The live objects of one provider, with what the platform needs to address them.
public struct LiveState: Sendable {
    public var resources: [Resource]
    /// Server ids by address, for updates and deletes.
    public var ids: [Address: String]
    /// Objects that exist but are not telform's to delete, with the platform's reason (VPBX `notBeRemoved`).
    public var undeletable: [Address: String]
    /// What an update of a live object would also do, for the plan to warn (XiVO: editing a
    /// user drops its group and queue memberships).
    public var cautions: [Address: String] = [:]
    /// Live objects that share their key with one read before them, by their own address
    /// (`… [id N]`): the address they duplicate. The plan deletes them where the kind is
    /// pruned and refuses otherwise; they are never silently dropped.
    public var duplicates: [Address: Address] = [:]
    /// Live objects whose server id telform will not put in a URL, with why: a plan that
    /// would update or delete one is refused.
    public var unusable: [Address: String] = [:]
    /// What the platform's read resolved once for its kinds' later steps (canonical, apply),
    /// typed by the platform: VPBX's abonent and group ids, XiVO's users, groups and queues,
    /// MX Proxy's extension → jid contacts. Never a string-keyed lookup.
    public var context: (any Sendable)?
    /// What the read found that the plan must say, beside the objects: a live object telform
    /// read but cannot key (a XiVO user without a line), named so that it is never silently
    /// left out.
    public var findings: [Finding] = []

    public init(resources: [Resource] = [], ids: [Address: String] = [:], undeletable: [Address: String] = [:]) {
        self.resources = resources
        self.ids = ids
        self.undeletable = undeletable
    }

    /// Adds a live object read with its server id: a second object with the same key gets an
    /// address of its own (`KEY [id N]`) and is listed in `duplicates`; an id `rule` refuses
    /// is kept out of `ids` and listed in `unusable`. Returns the address used.
    @discardableResult
    public mutating func add(_ resource: consuming Resource, id: String, rule: ServerID = .digits) -> Address {
        var resource = resource
        let original = resource.address
        if ids[original] != nil || unusable[original] != nil {
            var key = original.key
            key[key.count - 1] += " [id \(ServerID.shown(id))]"
            resource.address = Address(provider: original.provider, kind: original.kind, key: key)
            duplicates[resource.address] = original
        }
        resources.append(resource)
        if let problem = rule.problem(id) {
            unusable[resource.address] = problem
        } else {
            ids[resource.address] = id
        }
        return resource.address
    }

    /// Every server id of `original`'s key: its own first, then its duplicates'.
    public func ids(sharingKeyWith original: Address) -> [String] {
        ([original] + duplicates.filter { $0.value == original }.map(\.key).sorted()).map { ids[$0] ?? "?" }
    }

    /// A digest of the live objects, to recognise a plan made against other live state.
    public var fingerprint: String {
        fingerprints(kinds: []).all
    }

    static func line(_ resource: Resource) -> String {
        var out = resource.address.description
        out += "\t"
        Value.object(resource.fields).describe(into: &out)
        return out
    }

    /// The digest of the lines sorted and joined by newlines, hashed line by line.
    static func digest(lines: [String]) -> String {
        var hasher = SHA256.Hasher()
        for (index, line) in lines.sorted().enumerated() {
            if index > 0 { hasher.update("\n") }
            hasher.update(line)
        }
        return String(SHA256.hex(digest: hasher.finalize()).prefix(16))
    }

    /// `fingerprint`, and the digest of each of `kinds` (the scope a saved plan checks again
    /// at apply), each resource described once for both.
    public func fingerprints(kinds: [String]) -> (all: String, byKind: [String: String]) {
        let lines = resources.map { ($0.address.kind, Self.line($0)) }
        var byKind: [String: String] = [:]
        let grouped = Dictionary(grouping: lines, by: \.0)
        for kind in kinds { byKind[kind] = Self.digest(lines: (grouped[kind] ?? []).map(\.1)) }
        // One kind read holds every line: its digest is the whole one.
        if grouped.count == 1, let only = grouped.keys.first, let digest = byKind[only] { return (digest, byKind) }
        return (Self.digest(lines: lines.map(\.1)), byKind)
    }
}

/// A failure reported by a platform, with the resource's address and the platform's own message.
public struct PlatformError: Error, Sendable, CustomStringConvertible {
    /// What failed, typed: one resource, or a scope (a provider, a kind's scope of it) when
    /// the failure is not one resource's.
    public enum Subject: Sendable, Hashable, CustomStringConvertible {
        case resource(Address)
        case scope(String)

        public var description: String {
            switch self {
            case .resource(let address): return address.description
            case .scope(let text): return text
            }
        }
    }

    public var subject: Subject
    /// The subject as printed.
    public var address: String { subject.description }
    public var message: String
    /// The HTTP call that failed (`GET https://host/path`) and its status, when one did.
    public var call: String?
    public var status: Int?
    public var refusesCredentials = false

    /// A failure of a scope. `message` is made fit to print (`ServerText.excerpt`): it may
    /// quote a server.
    public init(address: String, message: String) {
        self.init(.scope(address), message)
    }

    /// A failure of one resource.
    public init(_ address: Address, _ message: String) {
        self.init(.resource(address), message)
    }

    public init(_ subject: Subject, _ message: String) {
        self.subject = subject
        self.message = ServerText.excerpt(message, limit: 1000)
    }

    public var description: String { "\(address): \(message)" }

    /// The failure as a finding: an error about its subject, coded by its HTTP status.
    public var finding: Finding {
        Finding(.error, status.map { "http-\($0)" } ?? "platform", at: address, description)
    }

    /// A call's failure at `subject`: a PlatformError as it is; any other error by its
    /// description, which for the platforms' API errors is the platform's own message.
    public static func at(_ subject: Subject, _ error: Error) -> PlatformError {
        (error as? PlatformError) ?? PlatformError(subject, "\(error)").caused(by: error)
    }

    public static func at(_ address: String, _ error: Error) -> PlatformError {
        at(.scope(address), error)
    }

    /// The same error, carrying the failed call of `error` when it has one.
    public func caused(by error: Error) -> PlatformError {
        guard let failure = error as? CallFailure else { return self }
        var copy = self
        copy.call = failure.call
        copy.status = failure.status
        copy.refusesCredentials = failure.refusesCredentials
        return copy
    }
}

/// An API error that knows the call it answered (from `HTTPResponse.call`).
public protocol CallFailure: Error {
    var call: String? { get }
    var status: Int { get }
    /// The server refused the provider's credentials (a 401 or 403; an OAuth token
    /// endpoint answers a wrong password with 400, RFC 6749 §5.2).
    var refusesCredentials: Bool { get }
}

extension CallFailure {
    public var refusesCredentials: Bool { status == 401 || status == 403 }
}
