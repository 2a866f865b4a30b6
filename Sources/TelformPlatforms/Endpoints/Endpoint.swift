import TelformCore

/// A SIP endpoint of the tenant (api-docs/003): PLATFORMS.md § endpoints. All endpoints of
/// the tenant form one scope. The flat fields travel by their `wire` names through the codec
/// the table derives; the forwards (four cases of `cf_<case>_enabled`/`_dest`) are the one
/// nested shape, a hook here.
struct EndpointKind: Kind {
    static let by = "the endpoint API"

    static let table = ObjectSchema([
        .string("name", StringRules(minLength: 1), "Endpoint name, unique in the tenant; the resource key.", wire: "name").required(),
        .string(
            "extension", StringRules(check: .regex("^[0-9]{3}$", "must be exactly 3 digits (000-999)"), by: by, digits: true),
            "Internal number. GET does not return it, so plan cannot see a change to it, and it cannot be changed in place: push a change with `--replace ADDR` (a new endpoint).",
            wire: "extension"
        ).required().createOnly.writeOnly,
        .string(
            "password", StringRules(check: .regex("^[A-Za-z0-9]{20}$", "must be exactly 20 characters of A-Z, a-z and 0-9"), by: by),
            "SIP password. Never read back, so plan cannot see a change: push one with `--rotate ADDR`.", wire: "password"
        ).required().sensitive.writeOnly,
        .string("transport", "PJSIP transport name, e.g. transport-udp.", wire: "transport"),
        .list(
            "allow", of: .string(StringRules(minLength: 1)), ListRules(itemNoun: "codecs"), "Allowed codecs in order of preference (sent comma-joined).",
            wire: "allow"),
        .list("disallow", of: .string(StringRules(minLength: 1)), ListRules(itemNoun: "codecs"), "Disallowed codecs (sent comma-joined).", wire: "disallow"),
        .bool("direct_media", "Let media flow directly between endpoints.", wire: "direct_media"),
        .bool("rtp_symmetric", "Send RTP back where it came from.", wire: "rtp_symmetric"),
        .bool("force_rport", "Force rport on requests.", wire: "force_rport"),
        .bool("rewrite_contact", "Rewrite the Contact header with the source address.", wire: "rewrite_contact"),
        .bool("allow_long_distance", "Allow long-distance and mobile calls.", wire: "allow_long_distance"),
        .string("language", "Prompt language, e.g. en or ru.", wire: "language"),
        .string("outgoing_cli", "Caller id shown on outgoing calls.", wire: "outgoing_cli"),
        PlatformFields.forward(noAnswerTimeout: 5...120, by: by) { name in
            forwardCases.first { $0.name == name }?.wire ?? name
        },
    ])

    let schema = KindSchema(
        name: "endpoints", doc: "SIP endpoints of the tenant; all of them form one scope.",
        shape: .objects(table), keyFields: ["name"])

    /// **Reading:** the document gives the boolean fields no type, and PJSIP realtime stores
    /// them as "yes"/"no": sent so, a boolean field and a string field both accept them (and
    /// every spelling is read). Codec lists are sent comma-joined.
    static let codec = WireCodec(table, booleans: .yesNo, lists: .commaJoined)
    /// The same, for a server whose codec lists are JSON lists (`EndpointsWireForm`).
    static let arrayListsCodec = WireCodec(table, booleans: .yesNo, lists: .array)

    /// Forward cases: YAML name → wire prefix.
    static let forwardCases = [
        (name: "always", wire: "cf_unconditional"), (name: "unavailable", wire: "cf_unavailable"),
        (name: "no_answer", wire: "cf_noanswer"), (name: "busy", wire: "cf_busy"),
    ]
    /// Each case's wire keys, spelled once (not per endpoint read).
    static let forwardKeys = forwardCases.map { (name: $0.name, enabled: $0.wire + "_enabled", destination: $0.wire + "_dest") }

    /// A forward case left out of the file is disabled: made explicit (null), as read returns it.
    /// Every forward case off: one value shared by every endpoint without a forward (10,000
    /// endpoints held 20,000 copies of it, desired and live).
    static let noForwards = Value.object(Dictionary(uniqueKeysWithValues: forwardCases.map { ($0.name, Value.null) }))

    func canonical(_ resource: Resource, among desired: [Resource], live: LiveState) -> Resource {
        var resource = resource
        guard let declared = resource.fields["forward"]?.object, !declared.isEmpty else {
            resource.fields["forward"] = Self.noForwards
            return resource
        }
        var forward = declared
        for (name, _) in Self.forwardCases where forward[name] == nil { forward[name] = .null }
        resource.fields["forward"] = .object(forward)
        return resource
    }

    func read(_ client: EndpointsClient, provider: ProviderConfig, desired: [Resource], into state: inout LiveState) async throws {
        var client = client
        client.pageSize = provider.settings["page_size"]?.int.map(Int.init) ?? EndpointsClient.documentedPageSize
        do {
            try await readPages(client, provider: provider, into: &state)
        } catch let refused as EndpointsAPIError where refused.refusesLimit && client.pageSize > EndpointsClient.documentedPageSize && state.resources.isEmpty {
            // The server caps `limit` below the provider's page_size: the document's 100.
            let scope = "\(provider.name)/\(schema.name)"
            state.findings.append(
                Finding(
                    .warning, "page-size", at: scope,
                    "\(scope): the server refused limit=\(client.pageSize) (\(refused.message)); pages of \(EndpointsClient.documentedPageSize) were read instead: set page_size: \(EndpointsClient.documentedPageSize) or less"
                ))
            client.pageSize = EndpointsClient.documentedPageSize
            state.context = nil
            try await readPages(client, provider: provider, into: &state)
        }
    }

    /// Every endpoint, page by page. An item without a name is an error naming it, never
    /// skipped (skipped, a declared endpoint would be planned as a second one). The form
    /// the server answers codec lists in is kept, to write them so (`EndpointsWireForm`).
    func readPages(_ client: EndpointsClient, provider: ProviderConfig, into state: inout LiveState) async throws {
        let (providerName, kindName) = (provider.name, schema.name)
        try await client.forEach({ item -> Result<(Resource, String, listsAsArrays: Bool?), WireShape.Unexpected> in
            // Without a name there is no key: an error. An id telform cannot use makes the
            // object unusable (named by the plan), never skipped.
            guard let name = item["name"]?.string, !name.isEmpty else {
                return .failure(WireShape.Unexpected(call: "GET " + client.base + "/", got: "an endpoint without a name: \(ServerText.excerpt(item.compact))"))
            }
            let id = item["id"]
            let lists = [item["allow"], item["disallow"]].compactMap { $0 }.first { !$0.isNull }.map { $0.array != nil }
            return .success(
                (Resource(address: Address(provider: providerName, kind: kindName, key: [name]), fields: Self.fields(fromWire: item)), ServerID.text(id), lists)
            )
        }) { read in
            let (resource, id, lists) = try read.get()
            state.add(resource, id: id, rule: .text)
            if let lists, state.context == nil { state.context = EndpointsWireForm(listsAsArrays: lists) }
        }
    }

    /// Wire → canonical: the codec's flat fields, and the forwards (a case that is off reads
    /// as null, the canonical form of one the file leaves out).
    static func fields(fromWire item: JSONNode) -> [String: Value] {
        var fields = codec.decode(item)
        var forward: [String: Value] = [:]
        for (name, enabled, destination) in forwardKeys {
            guard WireCodec.bool(item[enabled]) == true else {
                forward[name] = .null
                continue
            }
            var target: [String: Value] = ["to": .string(item[destination]?.string ?? "")]
            if name == "no_answer", let timeout = item["cf_noanswer_timeout"]?.int { target["timeout"] = .int(timeout) }
            forward[name] = .object(target)
        }
        fields["forward"] = forward.values.allSatisfy({ $0 == .null }) ? Self.noForwards : .object(forward)
        return fields
    }

    /// Canonical → wire: every field (create), or those under the changed paths (update).
    /// **Reading:** the document gives `allow`/`disallow` no type: PJSIP keeps them as
    /// comma-joined text, a server typed `list[str]` wants JSON lists. They are written in the
    /// form the server answered them in, comma-joined where it has shown neither.
    static func wire(_ fields: [String: Value], only paths: Set<String>?, listsAsArrays: Bool = false) -> JSONNode {
        let top = paths.map { Set($0.map { String($0.prefix { $0 != "." }) }) }
        var pairs = (listsAsArrays ? arrayListsCodec : codec).encode(fields, only: top)
        let forward = fields["forward"]?.object ?? [:]
        for (name, wire) in forwardCases
        where paths.map({ $0.contains { $0 == "forward" || $0 == "forward.\(name)" || $0.hasPrefix("forward.\(name).") } }) ?? true {
            guard let value = forward[name] else { continue }
            if let target = value.object {
                pairs.append(("\(wire)_enabled", .string("yes")))
                pairs.append(("\(wire)_dest", .string(target["to"]?.string ?? "")))
                if name == "no_answer", let timeout = target["timeout"]?.int { pairs.append(("cf_noanswer_timeout", .int(timeout))) }
            } else {
                pairs.append(("\(wire)_enabled", .string("no")))
            }
        }
        return .object(pairs)
    }

    func create(_ client: EndpointsClient, _ change: Change, live: LiveState) async throws {
        guard let desired = change.desired else { return }
        _ = try await client.create(Self.wire(desired.fields, only: nil, listsAsArrays: EndpointsWireForm.arrays(live)), name: desired.address.key[0])
    }

    func update(_ client: EndpointsClient, _ change: Change, live: LiveState) async throws {
        let id = try liveID(change, live)
        if !change.fields.isEmpty {
            try await client.update(
                id: id, Self.wire(change.desired?.fields ?? [:], only: Set(change.changedPaths), listsAsArrays: EndpointsWireForm.arrays(live)))
        }
        if change.rotate, let password = change.desired?.fields["password"]?.string {
            try await client.setPassword(id: id, password)
        }
    }

    func delete(_ client: EndpointsClient, _ change: Change, live: LiveState) async throws {
        try await client.delete(id: try liveID(change, live))
    }

    /// The API returns neither the extension nor the password: both are written as
    /// `${env:...}` placeholders.
    func export(_ resources: [Resource], live: LiveState, provider: ProviderConfig, into export: inout Export) -> Value? {
        .list(
            resources.map { resource in
                let name = resource.address.key[0]
                var fields = Export.trimmed(resource.fields)
                fields["extension"] = export.placeholder(
                    [provider.name, name, "extension"], "the extension of \(resource.address) (the API does not return it)", at: resource.address,
                    path: "extension")
                fields["password"] = export.placeholder(
                    [provider.name, name, "password"], "the SIP password of \(resource.address) (never returned)", at: resource.address, path: "password")
                return .object(fields)
            })
    }
}

/// The form a server answered codec lists in, learned by the read (kept typed in
/// `LiveState.context`).
struct EndpointsWireForm: Sendable {
    var listsAsArrays: Bool

    static func arrays(_ live: LiveState) -> Bool {
        (live.context as? EndpointsWireForm)?.listsAsArrays ?? false
    }
}
