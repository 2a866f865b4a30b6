import TelformCore

/// A XiVO schedule (api-docs/002 § schedule): no edit call, so a change is a replace. Its
/// `schedule` fields and each opening period travel through codecs the tables derive; the
/// fallback (a dial action naming a user, group or queue by id) is a hook.
struct XiVOScheduleKind: XiVOObjectKind {
    static let range = StringRules(check: .regex("^[0-9]{1,2}(-[0-9]{1,2})?(,[0-9]{1,2}(-[0-9]{1,2})?)*$", "must be numbers or ranges such as 1-5 or 1,3,5"))

    static let opened = ObjectSchema([
        .string(
            "hours", StringRules(check: .regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", "must be HH:MM-HH:MM")),
            "Opening hours, e.g. 08:00-12:00.", wire: "hours"
        ).required(),
        FieldSchema.string("weekdays", range, "Week days, 1 (Monday) to 7, e.g. 1-5.", wire: "weekdays").defaulting(to: .string("1-7")),
        FieldSchema.string("monthdays", range, "Days of the month, e.g. 1-31.", wire: "monthdays").defaulting(to: .string("1-31")),
        FieldSchema.string("months", range, "Months, e.g. 1-12.", wire: "months").defaulting(to: .string("1-12")),
    ])

    static let action = ObjectSchema(
        [
            .string(
                "type", StringRules(allowed: ["none", "endcall", "user", "group", "queue", "voicemail", "schedule", "extension", "application"]),
                "What happens: endcall, user, group, queue, voicemail...", wire: "actiontype"
            ).required(),
            // A user or a box is made before the schedule that names it (the wire carries its id).
            FieldSchema.string(
                "target", "The target: a user's line number, a group or queue name, a voicemail's mailbox (MAILBOX or MAILBOX@CONTEXT), a number.",
                wire: "actionarg1"
            ).references("users", declaredOnly: false, by: .keyBeforeAt),
            XiVOEndCall.action,
        ], rules: XiVOEndCall.rules(targeted: ["user", "group", "queue", "voicemail", "schedule", "extension", "application"]))

    static let table = ObjectSchema([
        .string("name", StringRules(minLength: 1), "Schedule name.", wire: "name").required(),
        .string("timezone", StringRules(minLength: 1), "Time zone, e.g. Europe/Paris (required by XiVO).", wire: "timezone").required(),
        .string("description", "Free text.", wire: "description"),
        .integer("entity_id", 1...1_000_000, "Entity the schedule belongs to (sent as 1 when left out, as users' entity is).", wire: "entity_id"),
        .list("opened", of: .object(opened), ListRules(itemNoun: "opening periods", order: .set), "When the schedule is open.", wire: "opened"),
        .object("fallback", action, "Where calls go while closed (schedule_fallback)."),
    ])

    let schema = KindSchema(name: "schedules", doc: "Schedules (no edit: a change is a replace).", shape: .objects(table), keyFields: ["name"]).immutable()
    let object = "schedule"
    /// What it names: its fallback: a user, group, queue or voicemail box.
    let names: XiVODirectory.Names = [.targets, .voicemails]

    /// `entity_id` is sent as a JSON number (as xivo-ws does): a hook. So are the opening
    /// periods, whose absent fields are sent as empty strings and whose hours are checked.
    static let codec = WireCodec(table, emptyIsAbsent: true, hooked: ["entity_id", "opened"])
    static let openedCodec = WireCodec(opened, emptyIsAbsent: true)

    func canonical(_ resource: Resource, among desired: [Resource], live: LiveState) -> Resource {
        var resource = resource
        resource.fields["opened"] = .list((resource.fields["opened"]?.list ?? []).map { Self.opened($0.object ?? [:]) })
        if let fallback = resource.fields["fallback"] { resource.fields["fallback"] = XiVOEndCall.canonical(fallback) }
        return resource
    }

    /// `08: 00-12: 00` (the document's spelling) and `08:00-12:00` are one thing.
    static func opened(_ fields: [String: Value]) -> Value {
        var out = fields
        if let hours = fields["hours"]?.string { out["hours"] = .string(hours.replacingOccurrences(of: " ", with: "")) }
        return .object(out)
    }

    func targets(_ resource: Resource) -> [XiVOTarget] {
        let fallback = resource.fields["fallback"]
        return [
            XiVOTarget(
                type: fallback?["type"]?.string, name: fallback?["target"]?.string,
                node: resource.node?["fallback"]?["target"], path: resource.path + ".fallback.target")
        ]
    }

    func resource(_ record: JSONNode, directory: XiVODirectory, provider: String) throws -> Resource? {
        let name = try XiVOWire.required(record["schedule"]?["name"], "schedule.name")
        let s = record["schedule"] ?? .null
        var fields = Self.codec.decode(s, missingIsNull: true)
        fields["entity_id"] = WireValue.integer(s["entity_id"])
        fields["opened"] = .list((record["opened"]?.array ?? []).map { Self.opened(Self.openedCodec.decode($0, missingIsNull: true)) })
        if let fallback = Self.fallback(record, directory: directory) { fields["fallback"] = fallback }
        return Resource(address: address(provider, name), fields: fields)
    }

    /// **Reading:** view answers a schedule's fallback inside `schedule`: `fallback_action`
    /// ("endcall:hangup", "user"), `fallback_actionid` (the target's id) — the dialaction's own
    /// fields come back null (xivo-ws test_from_obj_dict). The dialaction is read when they are
    /// absent. User, group and queue ids are named as the file names them.
    static func fallback(_ record: JSONNode, directory: XiVODirectory) -> Value? {
        let schedule = record["schedule"]
        let fields: [String: Value]
        if let text = schedule?["fallback_action"]?.string, !text.isEmpty {
            fields = XiVOEndCall.read(.object([("actiontype", .string(text)), ("actionarg1", schedule?["fallback_actionid"] ?? .null)]), directory)
        } else {
            fields = XiVOEndCall.read(record["dialaction"]?["schedule_fallback"], directory)
        }
        return fields["type"] == .string("none") ? nil : .object(fields)
    }

    func body(_ desired: Resource, client: XiVOClient, id: String?, changed: Set<String>?) async throws -> JSONNode {
        let f = desired.fields
        // xivo-ws sends `entity_id` with every schedule (later web services refuse one
        // without it): the file's, or 1, as for users.
        let schedule = Self.codec.encode(f, explicitNull: Self.codec.names, absent: .string("")) + [("entity_id", .int(f["entity_id"]?.int ?? 1))]
        var pairs: [(String, JSONNode)] = [("schedule", .object(schedule))]
        let fallback = try await XiVOEndCall.dialaction(f["fallback"]?.object, client: client, provider: desired.address.provider)
        pairs.append(("dialaction", .object([("schedule_fallback", .object(fallback))])))
        pairs.append(
            (
                "opened",
                .array(
                    (f["opened"]?.list ?? []).map { o in
                        .object(Self.openedCodec.encode(o.object ?? [:], explicitNull: Self.openedCodec.names, absent: .string("")))
                    })
            ))
        return .object(pairs)
    }
}
