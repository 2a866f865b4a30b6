import TelformCore

/// The CallBack leg-A structure of the account (api-docs/004 `getCallBackFollowme`,
/// `setCallBackFollowme`, `deleteCallBackFollowme`, on `url`): one per account, keyed by the
/// customer. The platform refuses to overwrite ("Side A not clear. Delete before insert"),
/// so an update is delete-then-set. Chain entries and messages share one wire list.
struct CallBackFollowMeKind: Kind {
    static let entry = ObjectSchema([
        .string("number", PlatformFields.e164, "Number to ring on leg A.", wire: "redirect_number").required(),
        .string("name", "Symbolic name (sales, boss).", wire: "name"),
        .integer("timeout", 1...600, "Seconds of ringing.", wire: "timeout"),
        FieldSchema.string("queue", StringRules(allowed: ["ringall", "linear"]), "ringall: all at once; linear: one by one.", wire: "type")
            .defaulting(to: .string("ringall")),
    ])

    static let message = ObjectSchema(
        [
            .string("side", StringRules(allowed: ["A", "B"]), "Leg that hears it.", wire: "side").required(),
            .string("text", StringRules(minLength: 1), "Text spoken by text-to-speech.", wire: "value"),
            .string("file", StringRules(minLength: 1), "A prompt file set with SetCallBackPrompt.", wire: "value"),
        ], rules: [.exactlyOne(["text", "file"])])

    static let table = ObjectSchema([
        .string("caller_id", MTTKinds.callerID, "Number shown to leg B.", wire: "caller_id"),
        .string("default_b_number", PlatformFields.e164, "Leg B number when none is given.", wire: "defaultBNumber"),
        .list("chain", of: .object(entry), ListRules(minItems: 1, itemNoun: "chain entries"), "Leg A numbers, in order.", wire: "callBackFollowmeStruct")
            .required(),
        .list("messages", of: .object(message), ListRules(maxItems: 2, itemNoun: "messages", order: .keyed("side")), "What each leg hears."),
    ])

    let schema = KindSchema(
        name: "callback_follow_me", doc: "The CallBack leg-A structure; one per account.",
        shape: .single(table), keyFields: ["customer"], singleKey: .providerSetting("customer"))

    /// The chain is a hook: each entry is sent with its `order`.
    static let codec = WireCodec(table, emptyIsAbsent: true, hooked: ["chain"])
    /// The queue (`type`) is a hook: the document spells linear three ways.
    static let entryCodec = WireCodec(entry, emptyIsAbsent: true, hooked: ["queue"])

    func canonical(_ resource: Resource, among desired: [Resource], live: LiveState) -> Resource {
        var resource = resource
        resource.fields["caller_id"] = resource.fields["caller_id"] ?? .null
        resource.fields["default_b_number"] = resource.fields["default_b_number"] ?? .null
        resource.fields["chain"] = .list(
            (resource.fields["chain"]?.list ?? []).map { entry in
                var e = entry.object ?? [:]
                for key in ["name", "timeout"] where e[key] == nil { e[key] = .null }
                return .object(e)
            })
        resource.fields["messages"] = resource.fields["messages"] ?? .list([])
        return resource
    }

    func read(_ client: MTTClient, provider: ProviderConfig, desired: [Resource], into state: inout LiveState) async throws {
        if let resource = try await Self.read(client, provider: provider.name) { state.add(resource, id: client.customer, rule: .text) }
    }

    static func read(_ client: MTTClient, provider: String) async throws -> Resource? {
        let result: JSONNode
        do {
            result = try await client.classic.call("getCallBackFollowme", .object([("customer_name", .string(client.customer))]))
        } catch let error as JSONRPCError where error.code == -32001 {
            return nil
        }
        var chain: [Value] = []
        var messages: [Value] = []
        let entries = (result["callBackFollowmeStruct"]?.array ?? []).sorted {
            (WireValue.integer($0["order"]).int ?? 0) < (WireValue.integer($1["order"]).int ?? 0)
        }
        for entry in entries {
            let type = (entry["type"]?.string ?? "").lowercased()
            if let side = entry["side"]?.string, type == "text" || type == "file" {
                messages.append(.object(["side": .string(side), type: WireValue.text(entry["value"])]))
            } else {
                // **Reading:** the document spells linear "Lineral" and "linal"; all read as linear.
                var fields = entryCodec.decode(entry, missingIsNull: true)
                fields["queue"] = .string(type == "ringall" ? "ringall" : "linear")
                chain.append(.object(fields))
            }
        }
        var fields = codec.decode(result, missingIsNull: true)
        fields["chain"] = .list(chain)
        fields["messages"] = .list(messages)
        return Resource(address: Address(provider: provider, kind: "callback_follow_me", key: [client.customer]), fields: fields)
    }

    func create(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        try await set(client, change)
    }

    /// The platform refuses to overwrite: delete first, then set.
    func update(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        try await clear(client)
        try await set(client, change)
    }

    func replace(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        try await update(client, change, live: live)
    }

    func delete(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        try await clear(client)
    }

    func clear(_ client: MTTClient) async throws {
        do {
            _ = try await client.classic.call("deleteCallBackFollowme", .object([("customer_name", .string(client.customer))]))
        } catch  where MTTClient.alreadyDone(error, ["Followme not found"]) {}
    }

    func set(_ client: MTTClient, _ change: Change) async throws {
        guard let desired = change.desired else { return }
        var order: Int64 = 0
        var entries: [JSONNode] = []
        for entry in desired.fields["chain"]?.list ?? [] {
            order += 1
            // **Reading:** the examples spell the linear queue "linal"; telform sends that.
            entries.append(
                .object(
                    [("order", .int(order))] + Self.entryCodec.encode(entry.object ?? [:])
                        + [("type", .string(entry["queue"]?.string == "linear" ? "linal" : "ringall"))]))
        }
        for message in desired.fields["messages"]?.list ?? [] {
            order += 1
            let type = message["text"] != nil ? "text" : "file"
            entries.append(
                .object([
                    ("order", .int(order)), ("type", .string(type)), ("value", .string(message[type]?.string ?? "")),
                    ("side", .string(message["side"]?.string ?? "A")),
                ]))
        }
        var fields = desired.fields
        fields["chain"] = nil
        let pairs: [(String, JSONNode)] =
            [("customer_name", .string(client.customer)), ("callBackFollowmeStruct", .array(entries))] + Self.codec.encode(fields)
        let schema = self.schema
        let provider = change.address.provider
        _ = try await client.classic.call(
            "setCallBackFollowme", .object(pairs),
            MTTClient.verified(change, ["chain", "messages", "caller_id", "default_b_number"], kind: schema) {
                try await Self.read(client, provider: provider)
            })
    }

    /// Without messages, the key is left out.
    func export(_ resources: [Resource], live: LiveState, provider: ProviderConfig, into export: inout Export) -> Value? {
        guard let resource = resources.first else { return .object([:]) }
        var fields = Export.trimmed(resource.fields)
        if (fields["messages"]?.list ?? []).isEmpty { fields["messages"] = nil }
        return .object(fields)
    }
}
