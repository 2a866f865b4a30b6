import TelformCore

/// The logged-in user's call mode (api-docs/000, PATCH /calls): one per login, and not
/// readable, so sent on every apply (`set on apply`) and checked against the reply.
struct CallModeKind: Kind {
    static let table = ObjectSchema(
        [
            .bool("remote", "Calls ring a remote device (true) or the local client (false).", wire: "remote").required(),
            .string("device", "The device (number or name) for remote mode.", wire: "device"),
            // **Reading** (mdigger/mxproxy mxconn.go `SetCallMode`): 0 is dropped before MX
            // (`omitempty`) while the reply still says 0, so the PBX would use its own default.
            FieldSchema.integer("ring_delay", 0...600, "Seconds before the device rings, 1 or more (default 1; 0 never reaches MX).", wire: "ringDelay")
                .defaulting(to: .int(1)),
            FieldSchema.integer("vm_delay", 0...600, "Seconds before voicemail, 1 or more (default 30; 0 never reaches MX).", wire: "vmDelay").defaulting(
                to: .int(30)),
        ],
        rules: [
            .custom { fields in
                var problems: [(field: String, message: String)] = []
                if fields["remote"]?.bool == true && fields["device"] == nil { problems.append(("device", "is required when remote is true")) }
                for (name, fallback) in [("ring_delay", 1), ("vm_delay", 30)] where fields[name]?.int == 0 {
                    problems.append(
                        (
                            name,
                            "0 never reaches MX (the proxy leaves it out), so the PBX would keep its own default while the reply says 0: give 1 or more (the default is \(fallback))"
                        ))
                }
                return problems
            }
        ])

    let schema = KindSchema(
        name: "call_mode", doc: "Call mode of the logged-in user; not readable, so set on every apply.",
        shape: .single(table), keyFields: ["user"], singleKey: .constant("self")
    ).unreadable()

    static let codec = WireCodec(table)

    /// Never called: the kind is not readable.
    func read(_ client: MXProxyClient, provider: ProviderConfig, desired: [Resource], into state: inout LiveState) async throws {}

    func create(_ client: MXProxyClient, _ change: Change, live: LiveState) async throws {
        try await update(client, change, live: live)
    }

    func update(_ client: MXProxyClient, _ change: Change, live: LiveState) async throws {
        var fields = change.desired?.fields ?? [:]
        fields["remote"] = .bool(fields["remote"]?.bool ?? false)
        var body = Self.codec.encode(fields)
        // **Reading:** the request example names the device `device`, the parameter list
        // `deviceName`: both are sent, so a server reading either finds it.
        if let device = fields["device"]?.string, let at = body.firstIndex(where: { $0.0 == "device" }) {
            body.insert(("deviceName", .string(device)), at: at + 1)
        }
        let reply = try await client.call("PATCH", "/calls", .object(body))
        try Self.check(reply, sent: fields)
    }

    /// There is no call to delete a call mode.
    func delete(_ client: MXProxyClient, _ change: Change, live: LiveState) async throws {}

    /// "В ответ возвращается полный список параметров, использованных при установке режима":
    /// the reply's `callMode` must say what was sent (the defaults 1 and 30 where nothing was).
    static func check(_ reply: JSONNode, sent fields: [String: Value]) throws {
        let mode = try WireShape.object(reply["callMode"], "PATCH /calls")
        var differences: [String] = []
        if mode["remote"]?.bool != (fields["remote"]?.bool ?? false) { differences.append("remote \(mode["remote"]?.compact ?? "missing")") }
        if let device = fields["device"]?.string, (mode["device"] ?? mode["deviceName"])?.string != device {
            differences.append("device \((mode["device"] ?? mode["deviceName"])?.compact ?? "missing")")
        }
        if mode["ringDelay"]?.int != (fields["ring_delay"]?.int ?? 1) { differences.append("ringDelay \(mode["ringDelay"]?.compact ?? "missing")") }
        if mode["vmDelay"]?.int != (fields["vm_delay"]?.int ?? 30) { differences.append("vmDelay \(mode["vmDelay"]?.compact ?? "missing")") }
        guard differences.isEmpty else {
            throw PlatformError(address: "call_mode", message: "the platform set another call mode than was sent: \(differences.joined(separator: ", "))")
        }
    }
}
