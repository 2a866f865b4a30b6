import TelformCore

/// The account's Global Black List (api-docs/004 `getGBLRules`, `addGBLRule`,
/// `deleteGBLRule`, on `premedia_url`): numbers, each a resource keyed by itself.
struct BlacklistKind: Kind {
    let schema = KindSchema(
        name: "blacklist", doc: "The account's Global Black List: numbers, E.164 without +.",
        shape: .scalars(.string(PlatformFields.e164), field: "number"), keyFields: ["number"])

    func read(_ client: MTTClient, provider: ProviderConfig, desired: [Resource], into state: inout LiveState) async throws {
        // **Reading:** numbers come as JSON numbers or strings; compared as digit strings.
        for item in try Self.rules(try await client.premedia.call("getGBLRules", .object([]))) {
            guard case .string(let number) = WireValue.text(item) else { continue }
            state.add(
                Resource(address: Address(provider: provider.name, kind: schema.name, key: [number]), fields: ["number": .string(number)]), id: number,
                rule: .text)
        }
    }

    /// **Reading:** `getGBLRules` answers a bare list in one example and `{gbl_rules: [...]}`
    /// in another: both are read; anything else is an error (never an empty blacklist).
    static func rules(_ result: JSONNode) throws -> [JSONNode] {
        if let list = result.array { return list }
        return try WireShape.list(result["gbl_rules"], "getGBLRules")
    }

    func create(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        let number = change.address.key[0]
        do {
            _ = try await client.premedia.call(
                "addGBLRule", .object([("gbl_rule", .string(number))]),
                .create(readBack: {
                    let all = try Self.rules(try await client.premedia.call("getGBLRules", .object([])))
                    return all.contains { WireValue.text($0) == .string(number) } ? .confirmed : nil
                }))
        } catch  where MTTClient.alreadyDone(error, ["already exists"]) {
            return
        }
    }

    /// A number is only its key: nothing to update.
    func update(_ client: MTTClient, _ change: Change, live: LiveState) async throws {}

    func delete(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        do {
            _ = try await client.premedia.call("deleteGBLRule", .object([("gbl_rule", .string(change.address.key[0]))]))
        } catch  where MTTClient.alreadyDone(error, ["not found"]) {
            return
        }
    }
}
