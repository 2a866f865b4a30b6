import TelformCore

/// A parking lot (api-docs/002 § parkinglot). Every field travels through the codec the
/// table derives; `commented` goes as 1 or 0.
struct ParkingLotKind: XiVOObjectKind {
    static let table = ObjectSchema([
        .string("name", StringRules(minLength: 1), "Parking lot name.", wire: "name").required(),
        .string("context", StringRules(minLength: 1), "Context.", wire: "context").required(),
        .string("extension", PlatformFields.extensionRules, "Number to dial to park.", wire: "extension").required(),
        .integer("positions", 1...1000, "Parking positions.", wire: "positions").required(),
        .integer("next", 0...1, "1: park on the next free position.", wire: "next"),
        .bool("commented", "Disabled.", wire: "commented"),
    ])

    let schema = KindSchema(name: "parking_lots", doc: "Parking lots.", shape: .objects(table), keyFields: ["name"])
    let object = "parkinglot"

    static let codec = WireCodec(table, booleans: .oneZero, emptyIsAbsent: true)

    /// **Reading:** parking lots are listed, then viewed one by one like every other object
    /// (the list may answer summaries).
    func resource(_ record: JSONNode, directory: XiVODirectory, provider: String) throws -> Resource? {
        let name = try XiVOWire.required(record["name"], "name")
        return Resource(address: address(provider, name), fields: Self.codec.decode(record, missingIsNull: true))
    }

    func body(_ desired: Resource, client: XiVOClient, id: String?, changed: Set<String>?) async throws -> JSONNode {
        var f = desired.fields
        f["next"] = f["next"] ?? .int(0)
        f["commented"] = f["commented"] ?? .bool(false)
        // **Reading:** the document's edit URL carries no `&id=`: the id goes in the body as
        // well as in the query, so a server reading either finds the lot.
        let id = id.map { [("id", Int64($0).map(JSONNode.int) ?? .string($0))] } ?? []
        return .object(id + Self.codec.encode(f, explicitNull: Self.codec.names, absent: .string("")))
    }
}
