import TelformCore

/// A call pickup group (api-docs/002 § pickup): no edit call, so a change is a replace. Its
/// flat fields travel through the codec; members and pickers (users, groups or queues by id
/// on the wire, by number or name in the file) are a hook, compared as sets (the table says so).
struct PickupKind: XiVOObjectKind {
    static let member = ObjectSchema(
        [
            FieldSchema.string("user", PlatformFields.extensionRules, "A user, by line number.").references("users", declaredOnly: false, by: .keyBeforeAt),
            .string("group", StringRules(minLength: 1), "A group, by name."),
            .string("queue", StringRules(minLength: 1), "A queue, by name."),
        ], rules: [.exactlyOne(["user", "group", "queue"])])

    static let table = ObjectSchema([
        .string("name", StringRules(minLength: 1), "Pickup group name.", wire: "name").required(),
        .string("description", "Free text.", wire: "description"),
        .list("members", of: .object(member), ListRules(itemNoun: "members", order: .set), "Whose calls can be picked up (category member)."),
        .list("pickers", of: .object(member), ListRules(itemNoun: "pickers", order: .set), "Who can pick up (category pickup)."),
    ])

    let schema = KindSchema(name: "pickups", doc: "Call pickup groups (no edit: a change is a replace).", shape: .objects(table), keyFields: ["name"])
        .immutable()
    let object = "pickup"
    /// What it names: its members and pickers: users, groups and queues.
    let names: XiVODirectory.Names = [.targets]

    static let codec = WireCodec(table, emptyIsAbsent: true)
    static let sides = [(field: "members", category: "member", wire: "members"), (field: "pickers", category: "pickup", wire: "pickups")]

    func targets(_ resource: Resource) -> [XiVOTarget] {
        Self.sides.flatMap { side in
            (resource.fields[side.field]?.list ?? []).enumerated().flatMap { index, member in
                ["user", "group", "queue"].filter { member[$0] != nil }.map { type in
                    XiVOTarget(
                        type: type, name: member[type]?.string, node: resource.node?[side.field]?.items?[index][type],
                        path: "\(resource.path).\(side.field)[\(index)].\(type)")
                }
            }
        }
    }

    func resource(_ record: JSONNode, directory: XiVODirectory, provider: String) throws -> Resource? {
        let name = try XiVOWire.required(record["pickup"]?["name"], "pickup.name")
        let p = record["pickup"] ?? .null
        func named(_ member: JSONNode) -> Value? {
            guard let type = member["membertype"]?.string, let id = WireValue.text(member["memberid"]).string else { return nil }
            return .object([type: .string(directory.name(type, id: id) ?? "#\(id)")])
        }
        var fields = Self.codec.decode(p, missingIsNull: true)
        for side in Self.sides { fields[side.field] = .list((record[side.wire]?.array ?? []).compactMap(named)) }
        return Resource(address: address(provider, name), fields: fields)
    }

    func body(_ desired: Resource, client: XiVOClient, id: String?, changed: Set<String>?) async throws -> JSONNode {
        let f = desired.fields
        var members: [JSONNode] = []
        for side in Self.sides {
            for member in f[side.field]?.list ?? [] {
                guard let (type, name) = ["user", "group", "queue"].compactMap({ t in member[t]?.string.map { (t, $0) } }).first else { continue }
                let id = try await client.memberID(type, name, provider: desired.address.provider)
                members.append(
                    .object([("category", .string(side.category)), ("membertype", .string(type)), ("memberid", Int64(id).map(JSONNode.int) ?? .string(id))]))
            }
        }
        // The current web services refuse a pickup without `entity_id` (pickup/config.inc ~40,
        // since 2014); the document's server takes it and keeps what it knows.
        return .object(Self.codec.encode(f, explicitNull: Self.codec.names, absent: .string("")) + [("entity_id", .int(1)), ("members", .array(members))])
    }
}
