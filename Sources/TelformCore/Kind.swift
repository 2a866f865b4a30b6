/// One kind of one platform, in one type: its table, the canonical form of its resources,
/// its read of a scope, its calls, and its export. A platform is a client plus a list of
/// kinds (`KindedPlatform`); the core dispatches to a kind by its table's name, so a kind
/// no platform lists is an error, never a silent success.
///
/// Contracts (the conformance suite checks them for every kind of the catalog):
/// - `canonical` is idempotent, and a fixed point of `read`: what read returns is canonical;
/// - `read` sends reads only and changes nothing; a scope with no live objects reads as none;
/// - `create`, `update` and `delete` carry out one change; applying a change a second time
///   (a retry whose first outcome was unknown) converges: the next plan is empty either way.
public protocol Kind<Client>: Sendable {
    /// The platform's session: authentication, wire calls, error shapes.
    associatedtype Client: Sendable

    /// The table: key, fields, types, limits, wire names, flags, references.
    var schema: KindSchema { get }

    /// One declared resource as the platform means it, seeing the other declared resources
    /// (those of the kinds its platform lists before it already canonical) and what the read
    /// found. Default: as declared.
    func canonical(_ resource: Resource, among desired: [Resource], live: LiveState) -> Resource

    /// Reads this kind's live objects in the scopes the file owns, into `state` (which holds
    /// what the platform's directory read resolved, in `state.context`).
    func read(_ client: Client, provider: ProviderConfig, desired: [Resource], into state: inout LiveState) async throws

    func create(_ client: Client, _ change: Change, live: LiveState) async throws
    func update(_ client: Client, _ change: Change, live: LiveState) async throws
    func delete(_ client: Client, _ change: Change, live: LiveState) async throws

    /// A replace. Default: delete the live object (unless the kind creates first, its cleanup
    /// deleting the old one later), then create.
    func replace(_ client: Client, _ change: Change, live: LiveState) async throws

    /// Live resources of this kind in the config language (a list, or a mapping for a
    /// one-per-provider kind), seeing the whole live state read for the export. Default:
    /// their fields without what the file leaves out.
    func export(_ resources: [Resource], live: LiveState, provider: ProviderConfig, into export: inout Export) -> Value?
}

extension Kind {
    public func canonical(_ resource: Resource, among desired: [Resource], live: LiveState) -> Resource {
        resource
    }

    public func export(_ resources: [Resource], live: LiveState, provider: ProviderConfig, into export: inout Export) -> Value? {
        switch schema.shape {
        case .scalars(_, let field):
            return .list(resources.compactMap { $0.fields[field] })
        case .single:
            return resources.first.map { .object(Export.trimmed($0.fields)) }
        case .objects, .grouped:
            return .list(resources.map { .object(Export.trimmed($0.fields)) })
        }
    }

    public func replace(_ client: Client, _ change: Change, live: LiveState) async throws {
        if !schema.createBeforeDelete, live.ids[change.address] != nil { try await delete(client, change, live: live) }
        try await create(client, change, live: live)
    }

    /// The server id of the change's live object, or a failure naming the address.
    public func liveID(_ change: Change, _ live: LiveState) throws -> String {
        guard let id = live.ids[change.address] else { throw PlatformError(change.address, "no live id") }
        return id
    }
}

/// A platform made of kinds: a client, its kinds in the order they are read and listed, and
/// what it reads once for all of them (a directory of users or contacts). Implements the
/// driver protocol by dispatching on each change's kind.
public struct KindedPlatform<Client: Sendable>: ProviderDriver {
    public let provider: ProviderConfig
    public let schema: PlatformSchema
    public let client: Client
    public let kinds: [any Kind<Client>]
    /// Read once before the kinds read, when any is declared: what they share (a directory),
    /// kept typed in `LiveState.context`.
    public let directory: (@Sendable (Client, [String], [Resource]) async throws -> (any Sendable)?)?
    /// How a failure of this platform's calls reads: the address it happened at, the error,
    /// and whether it happened while reading.
    public let failure: @Sendable (PlatformError.Subject, Error, Bool) -> PlatformError
    /// What export reads when the account holds more than the file declares (every user of
    /// the account, not only the declared ones): the provider and declared resources whose
    /// scope covers it. Default: the file's own.
    public let exportScope: (@Sendable (Client, ProviderConfig, [String]) async throws -> (ProviderConfig, [Resource]))?

    public init(
        provider: ProviderConfig, schema: PlatformSchema, client: Client, kinds: [any Kind<Client>],
        directory: (@Sendable (Client, [String], [Resource]) async throws -> (any Sendable)?)? = nil,
        failure: @escaping @Sendable (PlatformError.Subject, Error, Bool) -> PlatformError = { subject, error, _ in PlatformError.at(subject, error) },
        exportScope: (@Sendable (Client, ProviderConfig, [String]) async throws -> (ProviderConfig, [Resource]))? = nil
    ) {
        self.provider = provider
        self.schema = schema
        self.client = client
        self.kinds = kinds
        self.directory = directory
        self.failure = failure
        self.exportScope = exportScope
    }

    func kind(_ name: String) throws -> any Kind<Client> {
        guard let kind = kinds.first(where: { $0.schema.name == name }) else {
            throw PlatformError(address: "\(provider.name)/\(name)", message: "the \(provider.type) platform has no kind \(name)")
        }
        return kind
    }

    /// Kind by kind, in the platform's order: a kind sees the kinds listed before it in their
    /// canonical form (an MTT premedia names its prompts by the live names canonical gave
    /// them, without hashing their files again).
    public func canonical(_ desired: [Resource], live: LiveState) -> [Resource] {
        var result = desired
        let byKind = Dictionary(grouping: desired.indices, by: { desired[$0].address.kind })
        for kind in kinds {
            guard let indexes = byKind[kind.schema.name] else { continue }
            // Made against a snapshot, which is gone before they are put in place: the
            // resources are replaced in place, not the whole list copied first.
            let made: [Resource] = {
                let among = result
                return indexes.map { kind.canonical(desired[$0], among: among, live: live) }
            }()
            if indexes.count == result.count {
                result = made  // every resource is of this kind (in order): the list is the one made
            } else {
                for (index, resource) in zip(indexes, made) { result[index] = resource }
            }
        }
        return result
    }

    public func read(kinds names: [String], desired: [Resource]) async throws -> LiveState {
        var state = LiveState()
        let declared = kinds.filter { names.contains($0.schema.name) && $0.schema.readable }
        guard !declared.isEmpty else { return state }
        if let directory {
            do {
                state.context = try await directory(client, names, desired)
            } catch {
                throw failure(.scope("\(provider.name)/\(declared.map(\.schema.name).joined(separator: ","))"), error, true)
            }
        }
        for kind in declared {
            do {
                try await kind.read(client, provider: provider, desired: desired, into: &state)
            } catch {
                throw failure(.scope("\(provider.name)/\(kind.schema.name)"), error, true)
            }
        }
        return state
    }

    public func apply(_ change: Change, live: LiveState) async throws {
        let kind = try kind(change.address.kind)
        do {
            switch change.action {
            case .create: try await kind.create(client, change, live: live)
            case .update: try await kind.update(client, change, live: live)
            case .delete:
                // Deleting what is already gone reaches the desired state.
                guard live.ids[change.address] != nil else { return }
                try await kind.delete(client, change, live: live)
            case .replace: try await kind.replace(client, change, live: live)
            }
        } catch {
            throw failure(.resource(change.address), error, false)
        }
    }

    public func export(kinds names: [String]) async throws -> Export {
        var export = Export()
        // In the order asked for (`--kind`, or the file's).
        let wanted = names.compactMap { name in kinds.first { $0.schema.name == name && $0.schema.readable } }
        let (scoped, desired) = try await exportScope?(client, provider, wanted.map(\.schema.name)) ?? (provider, provider.resources)
        let reader = KindedPlatform(provider: scoped, schema: schema, client: client, kinds: kinds, directory: directory, failure: failure)
        let live = try await reader.read(kinds: wanted.map(\.schema.name), desired: desired)
        for kind in wanted {
            let resources = live.resources.filter { $0.address.kind == kind.schema.name }.sorted { $0.address < $1.address }
            // A one-per-provider kind the account has not set exports nothing.
            if let value = kind.export(resources, live: live, provider: scoped, into: &export) { export.kinds.append((kind.schema.name, value)) }
        }
        return export
    }
}
