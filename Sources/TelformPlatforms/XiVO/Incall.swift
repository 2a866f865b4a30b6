import TelformCore

/// An incoming call route (api-docs/002 § incall), keyed `exten@context`. Its `incall`
/// fields travel through the codec; the destination (a dial action naming a user, group or
/// queue by id) is a hook.
struct IncallKind: XiVOObjectKind {
    static let destination = ObjectSchema([
        .string("type", StringRules(allowed: ["user", "group", "queue", "voicemail", "endcall"]), "Destination kind.", wire: "actiontype").required(),
        FieldSchema.string("target", "A user's line number, a group or queue name, a mailbox.", wire: "actionarg1").references("users", declaredOnly: false, by: .keyBeforeAt),
    ], rules: [.requiredWhen(field: "type", in: ["user", "group", "queue", "voicemail"], fields: ["target"])])

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

    static let codec = WireCodec(table, emptyIsAbsent: true)

    func targets(_ resource: Resource) -> [XiVOTarget] {
        let destination = resource.fields["destination"]
        return [XiVOTarget(type: destination?["type"]?.string, name: destination?["target"]?.string,
                           node: resource.node?["destination"]?["target"], path: resource.path + ".destination.target")]
    }

    func resource(_ record: JSONNode, directory: XiVODirectory, provider: String) -> Resource? {
        guard let incall = record["incall"], let exten = incall["exten"]?.string, let context = incall["context"]?.string else { return nil }
        let answer = record["dialaction"]?["answer"]
        let type = answer?["actiontype"]?.string ?? "none"
        var target = WireValue.text(answer?["actionarg1"])
        // A user target is named by line number, a group or queue by name: the wire has ids.
        if let id = target.string, let name = directory.name(type, id: id) { target = .string(name) }
        var fields = Self.codec.decode(incall, missingIsNull: true)
        fields["destination"] = .object(["type": .string(type), "target": target])
        return Resource(address: address(provider, "\(exten)@\(context)"), fields: fields)
    }

    func body(_ desired: Resource, client: XiVOClient, id: String?, changed: Set<String>?) async throws -> JSONNode {
        let f = desired.fields
        let destination = f["destination"]?.object ?? [:]
        let type = destination["type"]?.string ?? "endcall"
        var target = XiVOWire.text(destination["target"])
        if ["user", "group", "queue"].contains(type), let name = destination["target"]?.string {
            target = .string(try await client.memberID(type, name, provider: desired.address.provider))
        }
        return .object([("incall", .object(Self.codec.encode(f, explicitNull: Self.codec.names, absent: .string("")))),
                        ("dialaction", .object([("answer", .object([("actiontype", .string(type)), ("actionarg1", target), ("actionarg2", .string(""))]))]))])
    }
}
