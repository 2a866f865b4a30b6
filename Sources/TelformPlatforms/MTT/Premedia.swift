import Foundation
import TelformCore

/// The Premedia settings of a sip_id (api-docs/004, on `premedia_url`): scenario, answer,
/// the prompts each side hears, and an optional Premedia follow-me. The scope is each
/// declared sip_id. The forward chain's entries travel through the codec their table
/// derives; the scenario (a name in the file, a number on the wire) and the prompts (bound
/// by their live names) are hooks.
struct PremediaKind: Kind {
    static let forwardEntry = ObjectSchema([
        .string("number", PlatformFields.e164, "Number to ring, E.164 without +.", wire: "redirect_number").required(),
        .string("name", "Display name.", wire: "name"),
        FieldSchema.integer("timeout", 1...600, "Seconds of ringing (default 15).", wire: "timeout").defaulting(to: .int(15)),
        FieldSchema.bool("active", "Whether the entry is used (default true).", wire: "active").defaulting(to: .bool(true)),
    ])

    static let table = ObjectSchema([
        MTTKinds.sipID,
        .string("scenario", StringRules(allowed: ["a", "b", "both"]), "Who hears prompts: a (caller), b (called) or both.", wire: "scenario_id").required(),
        .bool("answer", "Play prompts in the answered state.", wire: "answer"),
        FieldSchema.string("prompt_a", StringRules(minLength: 1), "Prompt played to side A (a declared prompt's name).").references(
            "prompts", by: .keyOrField("live_name")),
        FieldSchema.string("prompt_b", StringRules(minLength: 1), "Prompt played to side B (a declared prompt's name).").references(
            "prompts", by: .keyOrField("live_name")),
        .object(
            "forward",
            ObjectSchema([
                .string("sequence", StringRules(allowed: ["order", "random", "simultaneous"]), "How the chain is rung.", wire: "sequence").required(),
                .string("caller_id", MTTKinds.callerID, "Caller id shown to the called side.", wire: "caller_id"),
                .list("chain", of: .object(forwardEntry), ListRules(minItems: 1, itemNoun: "chain entries"), "Numbers to ring.", wire: "followmeStructure")
                    .required(),
            ]), "Premedia follow-me after the prompt."),
    ])

    let schema = KindSchema(name: "premedia", doc: "Premedia settings of declared accounts.", shape: .objects(table), keyFields: ["sip_id"]).perDeclaredKey()

    static let entryCodec = WireCodec(forwardEntry, booleans: .yN, emptyIsAbsent: true)
    static let scenarios: [String: Int64] = ["a": 1, "b": 2, "both": 3]

    /// A declared prompt's name becomes its live name (the prompts declared beside it come
    /// canonical: prompts are listed before premedia); a live name (what read returns, or
    /// canonical gave already) stays: canonical is idempotent.
    func canonical(_ resource: Resource, among desired: [Resource], live: LiveState) -> Resource {
        var resource = resource
        var fields = resource.fields
        var promptNames: [String: String] = [:]
        for prompt in desired where prompt.address.kind == "prompts" {
            if let name = prompt.address.key.last, let liveName = prompt.fields["live_name"]?.string {
                promptNames[name] = liveName
            }
        }
        for side in ["prompt_a", "prompt_b"] {
            fields[side] = fields[side]?.string.map { Value.string(promptNames[$0] ?? $0) } ?? .null
        }
        if var forward = fields["forward"]?.object {
            forward["caller_id"] = forward["caller_id"] ?? .null
            forward["chain"] = .list(
                (forward["chain"]?.list ?? []).map { entry in
                    var e = entry.object ?? [:]
                    e["name"] = e["name"] ?? e["number"] ?? .null
                    return .object(e)
                })
            fields["forward"] = .object(forward)
        }
        resource.fields = fields
        return resource
    }

    func read(_ client: MTTClient, provider: ProviderConfig, desired: [Resource], into state: inout LiveState) async throws {
        let unknown = UnknownAccounts()
        try await MTTClient.perAccount(desired, kind: schema.name, into: &state) { try await Self.read(client, $0, unknown: unknown) }
        for sip in unknown.list.sorted() {
            let address = Address(provider: provider.name, kind: schema.name, key: [sip])
            state.findings.append(
                Finding(
                    .warning, "premedia-not-found", at: address.description,
                    "\(address): the platform answers \"sip_id «\(sip)» not found\" for its Premedia settings, read as nothing configured; check the sip_id if it should have some"
                ))
        }
    }

    /// **Reading** (PLATFORMS.md § premedia): an account without Premedia settings answers the
    /// document's not-found shapes, also `V_VALUE_NOT_FOUND` "sip_id «…» not found." (api-docs/004
    /// lines 3616-3631): nothing configured for that sip_id, noted in `unknown` so the plan
    /// warns naming it (a typo stays visible). The apply's own errors stay errors.
    static func read(_ client: MTTClient, _ address: Address, unknown: UnknownAccounts? = nil) async throws -> Resource? {
        let sip = address.key[0]
        let settings: JSONNode
        do {
            settings = try await client.premedia.call("getPremediaAccountSettings", .object([("sip_id", .string(sip))]))
        } catch let error as JSONRPCError where MTTClient.nothingConfigured(error) {
            return nil  // an account without Premedia: nothing live
        } catch let error as JSONRPCError where unknown != nil && MTTClient.sipNotFound(error, sip) {
            unknown?.add(sip)
            return nil
        }
        let scenario = WireValue.integer(settings["scenario_id"]).int.flatMap { id in scenarios.first { $0.value == id }?.key }
        var fields: [String: Value] = [
            "sip_id": .string(sip),
            "scenario": scenario.map(Value.string) ?? .null,
            "answer": .bool(WireCodec.bool(settings["answer"]) ?? false),
            "prompt_a": WireValue.text(settings["prompts"]?["a_prompt"]?["name"]),
            "prompt_b": WireValue.text(settings["prompts"]?["b_prompt"]?["name"]),
        ]
        let forward: JSONNode
        do {
            forward = try await client.premedia.call("getFollowmeAccountSettings", .object([("sip_id", .string(sip))]))
        } catch let error as JSONRPCError where MTTClient.nothingConfigured(error) {
            forward = .object([])  // no forward configured
        }
        let chain: [Value] = (forward["followmeStructure"]?.array ?? []).sorted {
            (WireValue.integer($0["follow_order"]).int ?? 0) < (WireValue.integer($1["follow_order"]).int ?? 0)
        }.map { e in
            var entry = entryCodec.decode(e, missingIsNull: true)
            entry["active"] = .bool(WireCodec.bool(e["active"]) ?? true)
            return .object(entry)
        }
        if !chain.isEmpty {
            fields["forward"] = .object([
                "sequence": .string((forward["sequence"]?.string ?? "Order").lowercased()),
                "caller_id": WireValue.text(forward["caller_id"]), "chain": .list(chain),
            ])
        }
        return Resource(address: address, fields: fields)
    }

    func create(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        try await update(client, change, live: live)
    }

    /// Only what changed is sent (everything on a create), each call read back when its
    /// outcome is unknown.
    func update(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        guard let desired = change.desired else { return }
        let sip = change.address.key[0]
        let changed = Set(change.changedPaths.map { String($0.split(separator: ".")[0]) })
        let everything = change.action == .create
        let schema = self.schema
        func verified(_ fields: Set<String>) -> Idempotency {
            MTTClient.verified(change, fields, kind: schema) { try await Self.read(client, change.address) }
        }
        if everything || changed.contains("scenario") || changed.contains("answer") {
            var params: [(String, JSONNode)] = [
                ("sip_id", .string(sip)), ("scenario_id", .int(Self.scenarios[desired.fields["scenario"]?.string ?? "a"] ?? 1)),
            ]
            if let answer = desired.fields["answer"]?.bool { params.append(("answer", .int(answer ? 1 : 0))) }
            _ = try await client.premedia.call("updatePremediaAccountSettings", .object(params), verified(["scenario", "answer"]))
        }
        for (field, side) in [("prompt_a", "A"), ("prompt_b", "B")] where everything || changed.contains(field) {
            if let name = desired.fields[field]?.string {
                _ = try await client.premedia.call(
                    "setAccountPrompt", .object([("sip_id", .string(sip)), ("prompt_name", .string(name)), ("side", .string(side))]),
                    verified([field]))
            } else {
                _ = try await client.premedia.call("unsetAccountPrompt", .object([("sip_id", .string(sip)), ("side", .string(side))]), verified([field]))
            }
        }
        if let forward = desired.fields["forward"]?.object, everything || changed.contains("forward") {
            let entries: [JSONNode] = (forward["chain"]?.list ?? []).enumerated().map { index, entry in
                var values = entry.object ?? [:]
                values["name"] = values["name"] ?? .string("")
                values["timeout"] = values["timeout"] ?? .int(15)
                values["active"] = values["active"] ?? .bool(true)
                return .object(Self.entryCodec.encode(values) + [("follow_order", .int(Int64(index + 1)))])
            }
            var params: [(String, JSONNode)] = [("sip_id", .string(sip)), ("sequence", .string((forward["sequence"]?.string ?? "order").capitalized))]
            if let callerID = forward["caller_id"]?.string { params.append(("caller_id", .string(callerID))) }
            params.append(("followmeStructure", .array(entries)))
            _ = try await client.premedia.call("setFollowme", .object(params), verified(["forward"]))
        }
    }

    /// The scope is the declared sip_id: a premedia is never deleted, only changed.
    func delete(_ client: MTTClient, _ change: Change, live: LiveState) async throws {}

    /// Prompts named as the file names them (by their keys among the live prompts).
    func export(_ resources: [Resource], live: LiveState, provider: ProviderConfig, into export: inout Export) -> Value? {
        let promptNames = Dictionary(
            live.resources.filter { $0.address.kind == "prompts" }.compactMap { p in
                p.fields["live_name"]?.string.map { ($0, p.address.key[0]) }
            }, uniquingKeysWith: { a, _ in a })
        return .list(
            resources.map { resource in
                var fields = Export.trimmed(resource.fields)
                for side in ["prompt_a", "prompt_b"] {
                    fields[side] = fields[side]?.string.map { Value.string(promptNames[$0] ?? $0) }
                }
                return .object(fields)
            })
    }
}

/// The sip_ids a read found "not found", gathered from the reads that run at once.
final class UnknownAccounts: @unchecked Sendable {
    private let lock = NSLock()
    private var found: [String] = []

    func add(_ sip: String) { lock.withLock { found.append(sip) } }
    var list: [String] { lock.withLock { found } }
}
