import TelformCore

/// A call-center queue skill (api-docs/002 § queueskills): no edit call (a change is a
/// replace) and no view call (the list's items are the records). Every field travels
/// through the codec the table derives.
struct QueueSkillKind: XiVOObjectKind {
    static let table = ObjectSchema([
        .string("name", StringRules(minLength: 1), "Skill name.", wire: "name").required(),
        .string("description", "Free text.", wire: "description"),
        .string("printscreen", StringRules(maxLength: 4, by: "XiVO"), "Short label, under 5 characters.", wire: "printscreen"),
        .string("category", StringRules(minLength: 1), "Category (created when missing).", wire: "category_name").required(),
    ])

    let schema = KindSchema(
        name: "queue_skills", doc: "Call-center queue skills (no edit: a change is a replace).",
        shape: .objects(table), keyFields: ["name"]
    ).immutable()
    let object = "queueskills"
    let viewed = false

    static let codec = WireCodec(table, emptyIsAbsent: true)

    func resource(_ record: JSONNode, directory: XiVODirectory, provider: String) throws -> Resource? {
        let name = try XiVOWire.required(record["name"], "name")
        return Resource(address: address(provider, name), fields: Self.codec.decode(record, missingIsNull: true))
    }

    /// **Reading:** the current web services' skills list never returns `printscreen`
    /// (queue/datastorage/sql.inc ~166): a declared one would plan a replace on every run.
    func unreturned(_ record: JSONNode) -> [String] {
        record["printscreen"] == nil ? ["printscreen"] : []
    }

    func body(_ desired: Resource, client: XiVOClient, id: String?, changed: Set<String>?) async throws -> JSONNode {
        .object(Self.codec.encode(desired.fields, explicitNull: Self.codec.names, absent: .string("")))
    }
}
