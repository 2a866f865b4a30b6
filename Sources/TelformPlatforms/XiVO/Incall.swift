import TelformCore

/// An incoming call route (api-docs/002 § incall), keyed `exten@context`. Its `incall`
/// fields travel through the codec; the destination (a dial action naming a user, group or
/// queue by id) is a hook.
struct IncallKind: XiVOObjectKind {
    static let destination = ObjectSchema(
        [
            .string("type", StringRules(allowed: ["user", "group", "queue", "voicemail", "endcall"]), "Destination kind.", wire: "actiontype").required(),
            FieldSchema.string("target", "A user's line number, a group or queue name, a voicemail's mailbox (MAILBOX or MAILBOX@CONTEXT).", wire: "actionarg1")
                .references("users", declaredOnly: false, by: .keyBeforeAt),
            XiVOEndCall.action,
        ],
        rules: [.requiredWhen(field: "type", in: ["user", "group", "queue", "voicemail"], fields: ["target"])]
            + XiVOEndCall.rules(targeted: ["user", "group", "queue", "voicemail"]))

    static let table = ObjectSchema([
        .string("exten", PlatformFields.dialRules(), "The incoming number.", wire: "exten").required(),
        .string("context", StringRules(minLength: 1), "Incoming-call context, e.g. from-extern.", wire: "context").required(),
        .object("destination", destination, "Where the call goes.").required(),
    ])

    let schema = KindSchema(name: "incalls", doc: "Incoming call routes.", shape: .objects(table), keyFields: ["exten@context"]) { fields in
        guard let exten = fields["exten"]?.string, let context = fields["context"]?.string else { return nil }
        return [exten + "@" + context]
    }
    let object = "incall"
    /// What it names: its destination: a user, group, queue or voicemail box.
    let names: XiVODirectory.Names = [.targets, .voicemails]

    static let codec = WireCodec(table, emptyIsAbsent: true)

    func targets(_ resource: Resource) -> [XiVOTarget] {
        let destination = resource.fields["destination"]
        return [
            XiVOTarget(
                type: destination?["type"]?.string, name: destination?["target"]?.string,
                node: resource.node?["destination"]?["target"], path: resource.path + ".destination.target")
        ]
    }

    func canonical(_ resource: Resource, among desired: [Resource], live: LiveState) -> Resource {
        var resource = resource
        if let destination = resource.fields["destination"] { resource.fields["destination"] = XiVOEndCall.canonical(destination) }
        return resource
    }

    func resource(_ record: JSONNode, directory: XiVODirectory, provider: String) throws -> Resource? {
        let exten = try XiVOWire.required(record["incall"]?["exten"], "incall.exten")
        let context = try XiVOWire.required(record["incall"]?["context"], "incall.context")
        var fields = Self.codec.decode(record["incall"] ?? .null, missingIsNull: true)
        fields["destination"] = .object(XiVOEndCall.read(record["dialaction"]?["answer"], directory))
        return Resource(address: address(provider, "\(exten)@\(context)"), fields: fields)
    }

    func body(_ desired: Resource, client: XiVOClient, id: String?, changed: Set<String>?) async throws -> JSONNode {
        let f = desired.fields
        let answer = try await XiVOEndCall.dialaction(f["destination"]?.object, client: client, provider: desired.address.provider, argument2: true)
        return .object([
            ("incall", .object(Self.codec.encode(f, explicitNull: Self.codec.names, absent: .string("")))),
            ("dialaction", .object([("answer", .object(answer))])),
        ])
    }
}
