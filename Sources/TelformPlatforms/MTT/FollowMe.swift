import TelformCore

/// The classic follow-me chain of a sip_id (api-docs/004 `getFollowme` / `setFollowme`, on
/// `url`): PLATFORMS.md § mtt. The scope is each declared sip_id; `setFollowme` replaces the
/// whole chain. Chain entries travel through the codec their table derives (read back in
/// capitals); the period (windows compiled to the platform's notation) is a hook.
struct FollowMeKind: Kind {
    /// The platform's period notation, e.g. `hr{9-17}wd{mo-fr}`, windows joined by commas.
    static let rawPeriod = StringCheck(pattern: "^(always|([a-z]{2,3}\\{[^{}]+\\})+(,([a-z]{2,3}\\{[^{}]+\\})+)*)$") { text in
        TextPattern("^(always|((hr|min|wd|md|mo|yr)\\{[^{}]+\\})+(,((hr|min|wd|md|mo|yr)\\{[^{}]+\\})+)*)$").matches(text)
            ? nil : "\"\(text)\" is not a period; write always, a window {days, from, to}, or the platform notation such as hr{9-17}wd{mo-fr}"
    }

    static let window = ObjectSchema(
        [
            FieldSchema(
                "days",
                .choice([
                    .string(StringRules(check: .weekDays)),
                    .list(.string(StringRules(allowed: WeekDays.names)), ListRules(minItems: 1, itemNoun: "days")),
                ]), "Days of the week: mon-fri, sat, all, or a list [mon, tue] (default all)."),
            .string("from", StringRules(check: .clockTime), "Start, HH:MM.").required(),
            .string("to", StringRules(check: .clockTime), "End, HH:MM (24:00 for midnight); an end before the start crosses midnight into the next day.")
                .required(),
        ],
        rules: [
            .custom { fields in
                // A window whose end is before its start runs past midnight into the next day
                // (PeriodSet.add); one that starts where it ends means nothing.
                guard let from = fields["from"]?.string, from == fields["to"]?.string else { return [] }
                return [("to", "the window starts and ends at \(from); write an end after the start (or before it, to cross midnight)")]
            }
        ])

    static let period = FieldSchema(
        "period",
        .choice([
            .string(StringRules(check: rawPeriod)),
            .object(window),
            .list(.object(window), ListRules(minItems: 1, itemNoun: "windows")),
        ]), "When this entry is active: always, a window {days, from, to}, a list of windows, or the platform notation. Compared by meaning.",
        wire: "period"
    ).defaulting(to: .string("always")).annotated { value in value.string.flatMap(PeriodSet.parse)?.windows }

    static let entry = ObjectSchema([
        .string("number", PlatformFields.e164, "Number to ring, E.164 without +.", wire: "redirect_number").required(),
        .string("name", "Display name (default: the number).", wire: "name"),
        FieldSchema.integer("timeout", 1...600, "Seconds of ringing (default 15).", wire: "timeout").defaulting(to: .int(15)),
        FieldSchema.bool("active", "Whether the entry is used (default true).", wire: "active").defaulting(to: .bool(true)),
        period,
        FieldSchema.string(
            "keep_original_cli", StringRules(allowed: ["Y", "N", "I"]),
            "Caller id shown: Y the caller's, N the sip_id, I as premedia sets it. Not returned by getFollowme, so plan cannot see a change: push one with `--rotate ADDR`.",
            wire: "keep_original_cli"
        ).writeOnly,
        FieldSchema.string(
            "keep_original_cld", StringRules(allowed: ["Y", "N"]),
            "Keep the called number. Not returned by getFollowme, so plan cannot see a change: push one with `--rotate ADDR`.", wire: "keep_original_cld"
        ).writeOnly,
    ])

    static let table = ObjectSchema([
        MTTKinds.sipID,
        .list("chain", of: .object(entry), ListRules(itemNoun: "chain entries"), "Numbers rung in order (follow_order 1..n).", wire: "followmeStruct")
            .required(),
    ])

    let schema = KindSchema(
        name: "follow_me", doc: "Classic follow-me chains; each declared sip_id's chain is owned.",
        shape: .objects(table), keyFields: ["sip_id"]
    ).perDeclaredKey()

    /// Y/N flags; the period is a hook.
    static let codec = WireCodec(entry, booleans: .yN, emptyIsAbsent: true, hooked: ["period"])

    func canonical(_ resource: Resource, among desired: [Resource], live: LiveState) -> Resource {
        var resource = resource
        resource.fields["chain"] = .list(
            (resource.fields["chain"]?.list ?? []).map { entry in
                var e = entry.object ?? [:]
                e["name"] = e["name"] ?? e["number"] ?? .null
                e["period"] = .string(PeriodSet.canonical(e["period"]))
                return .object(e)
            })
        return resource
    }

    func read(_ client: MTTClient, provider: ProviderConfig, desired: [Resource], into state: inout LiveState) async throws {
        try await MTTClient.perAccount(desired, kind: schema.name, into: &state) { try await Self.read(client, $0) }
    }

    /// **Reading:** `getFollowme` answers `followme_struct: [count, [entries]]`, the entries'
    /// fields in capitals; error -32001 "No followMe on this account" is an empty chain.
    static func read(_ client: MTTClient, _ address: Address) async throws -> Resource? {
        let sip = address.key[0]
        let result: JSONNode
        do {
            result = try await client.classic.call("getFollowme", .array([.string(sip)]))
        } catch let error as JSONRPCError where error.code == -32001 && error.message == "No followMe on this account" {
            return nil  // an empty chain: nothing live
        }
        let entries = (result["followme_struct"]?.array?.last?.array ?? []).map(\.lowercasedKeys).sorted {
            (WireValue.integer($0["i_follow_order"]).int ?? 0) < (WireValue.integer($1["i_follow_order"]).int ?? 0)
        }
        let chain: [Value] = entries.map { e in
            var fields = codec.decode(e, missingIsNull: true)
            fields["active"] = .bool(WireCodec.bool(e["active"]) ?? true)
            fields["period"] = .string(PeriodSet.canonical(.string(e["period"]?.string ?? "always")))
            for name in ["keep_original_cli", "keep_original_cld"] { fields[name] = nil }
            return .object(fields)
        }
        guard !chain.isEmpty else { return nil }
        return Resource(address: address, fields: ["sip_id": .string(sip), "chain": .list(chain)])
    }

    func create(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        try await set(client, change)
    }

    func update(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        try await set(client, change)
    }

    func delete(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        try await set(client, change)
    }

    /// `setFollowme` replaces the whole chain. **Reading:** an empty chain is an empty list.
    func set(_ client: MTTClient, _ change: Change) async throws {
        let chain = change.action == .delete ? [] : (change.desired?.fields["chain"]?.list ?? [])
        let entries: [JSONNode] = chain.enumerated().map { index, entry in
            var values = entry.object ?? [:]
            values["name"] = values["name"] ?? values["number"]
            values["timeout"] = values["timeout"] ?? .int(15)
            values["active"] = values["active"] ?? .bool(true)
            let period = entry["period"]?.string ?? "always"
            return .object(
                Self.codec.encode(values) + [
                    ("period", .string(period)), ("period_description", .string(period == "always" ? "Always" : period)),
                    ("follow_order", .int(Int64(index + 1))),
                ])
        }
        _ = try await client.classic.call("setFollowme", .array([.string(change.address.key[0]), .array(entries)]))
    }
}
