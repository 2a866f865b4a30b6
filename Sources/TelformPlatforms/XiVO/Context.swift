import TelformCore

/// A dialplan context (api-docs/002 § context): XiVO can add one but neither edit nor
/// delete it, so a difference is reported, never applied. Named, not numbered: its name is
/// its id. The `context` fields travel through the codec; includes and number ranges are hooks.
struct ContextKind: XiVOObjectKind {
    static let by = "XiVO"

    static let numberRange = ObjectSchema([
        .string("from", PlatformFields.extensionRules, "First number.", wire: "numberbeg").required(),
        .string("to", PlatformFields.extensionRules, "Last number (default: from).", wire: "numberend"),
    ])

    static let table = ObjectSchema([
        .string(
            "name", StringRules(minLength: 1, maxLength: 39, check: .regex("^[A-Za-z0-9_-]+$", "must use letters, digits, - and _"), by: by), "Context name.",
            wire: "name"
        ).required(),
        .string("display_name", "Display name.", wire: "displayname"),
        .string("entity", StringRules(minLength: 1), "Entity the context belongs to (required by XiVO).", wire: "entity").required(),
        .string("type", StringRules(allowed: ["internal", "incall", "outcall", "services", "others"]), "Context type (required by XiVO).", wire: "contexttype")
            .required(),
        .string("description", "Free text.", wire: "description"),
        .list("includes", of: .string(StringRules(minLength: 1)), ListRules(itemNoun: "includes"), "Contexts included.", wire: "contextinclude"),
        .object(
            "numbers",
            ObjectSchema(
                ["user", "group", "queue", "meetme", "incall"].map {
                    .list($0, of: .object(numberRange), ListRules(itemNoun: "ranges", order: .set), "Number ranges for \($0)s.")
                }), "Number ranges by use (contextnumbers)."),
    ])

    let schema = KindSchema(
        name: "contexts", doc: "Dialplan contexts (add only: changes are reported, never applied).",
        shape: .objects(table), keyFields: ["name"]
    ).onlyAdded()
    let object = "context"
    let idRule = ServerID.text
    let namedByKey = true

    static let codec = WireCodec(table, emptyIsAbsent: true, hooked: ["includes"])

    func canonical(_ resource: Resource, among desired: [Resource], live: LiveState) -> Resource {
        var resource = resource
        if let numbers = resource.fields["numbers"]?.object {
            resource.fields["numbers"] = .object(
                numbers.mapValues { ranges in
                    .list(
                        (ranges.list ?? []).map { range in
                            .object(["from": range["from"] ?? .null, "to": range["to"] ?? range["from"] ?? .null])
                        })
                })
        }
        return resource
    }

    /// **Reading:** the context list nests each item (`{"context": {"name": …}}`, xivo-ws
    /// test_from_list_obj_dict); a flat item is read too.
    func listedID(_ item: JSONNode) -> String? {
        WireValue.text(item["context"]?["name"] ?? item["name"]).string
    }

    func annotate(_ record: JSONNode, _ address: Address, _ state: inout LiveState) {
        state.undeletable[address] = "XiVO cannot delete contexts"
    }

    func resource(_ record: JSONNode, directory: XiVODirectory, provider: String) throws -> Resource? {
        let name = try XiVOWire.required(record["context"]?["name"], "context.name")
        let c = record["context"] ?? .null
        var numbers: [String: Value] = [:]
        for (use, ranges) in record["contextnumbers"]?.pairs ?? [] {
            let list = (ranges.array ?? []).map { r -> Value in
                let from = WireValue.text(r["numberbeg"])
                let to = WireValue.text(r["numberend"])
                return .object(["from": from, "to": to == .null ? from : to])
            }
            if !list.isEmpty { numbers[use] = .list(list) }
        }
        var fields = Self.codec.decode(c, missingIsNull: true)
        // **Reading:** view answers includes as `{context, include, priority}` records
        // (xivo-ws test_from_obj_dict), add takes names; a single record or names are read too.
        fields["includes"] = .list(Self.includes(record["contextinclude"]).map(Value.string))
        fields["numbers"] = .object(numbers)
        return Resource(address: address(provider, name), fields: fields)
    }

    /// Included context names, in priority order, from any of the shapes XiVO answers.
    static func includes(_ node: JSONNode?) -> [String] {
        let items: [JSONNode] = node?.array ?? (node?.pairs != nil ? [node!] : [])
        return items.sorted { (Int(WireValue.text($0["priority"]).string ?? "") ?? 0) < (Int(WireValue.text($1["priority"]).string ?? "") ?? 0) }
            .compactMap { $0.string ?? $0["include"]?.string ?? $0["name"]?.string }
    }

    func body(_ desired: Resource, client: XiVOClient, id: String?, changed: Set<String>?) async throws -> JSONNode {
        var f = desired.fields
        f["display_name"] = f["display_name"] ?? f["name"]
        var numbers: [(String, JSONNode)] = []
        for (use, ranges) in (f["numbers"]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
            // xivo-ws sends an incall range with its `didlength` (0: the whole number).
            numbers.append(
                (
                    use,
                    .array(
                        (ranges.list ?? []).map { r in
                            .object(
                                [("numberbeg", XiVOWire.text(r["from"])), ("numberend", XiVOWire.text(r["to"] ?? r["from"]))]
                                    + (use == "incall" ? [("didlength", .int(0))] : []))
                        })
                ))
        }
        return .object([
            ("context", .object(Self.codec.encode(f, explicitNull: Self.codec.names, absent: .string("")))),
            ("contextinclude", .array((f["includes"]?.list ?? []).map { XiVOWire.text($0) })), ("contextnumbers", .object(numbers)),
        ])
    }
}
