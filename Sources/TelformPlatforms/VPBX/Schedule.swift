import TelformCore

/// A schedule of an abonent or a group (api-docs/001 § 4.12): PLATFORMS.md § vpbx. Each
/// declared owner's schedules form a scope. Its three rule lists are the wire's quirks (days
/// as seven booleans, dates as `DD-MM-YYYY` objects), hooks here; compared as sets.
struct ScheduleKind: Kind {
    static let by = "VPBX"

    static let days = FieldSchema(
        "days",
        .choice([
            .string(StringRules(check: .weekDays)),
            .list(.string(StringRules(allowed: WeekDays.names)), ListRules(minItems: 1, itemNoun: "days")),
        ]), "Days of the week: mon-fri, sat, mon,wed,fri, all, or a list [mon, tue]."
    ).required()

    static let workDay = ObjectSchema(
        [
            days,
            .string("from", StringRules(check: .clockTime), "Start, HH:MM.", wire: "startTime"),
            .string("to", StringRules(check: .clockTime), "End, HH:MM.", wire: "endTime"),
            .bool("all_day", "The whole day (instead of from/to).", wire: "allDayEvent"),
        ],
        rules: [
            .custom { fields in
                if fields["all_day"]?.bool == true {
                    return ["from", "to"].filter { fields[$0] != nil }.map { ($0, "all_day: true takes no \($0)") }
                }
                return windowProblems(fields)
            }
        ])

    /// A window needs both ends, the start before the end.
    static func windowProblems(_ fields: [String: Value]) -> [(field: String, message: String)] {
        let missing = ["from", "to"].filter { fields[$0] == nil }
        if !missing.isEmpty { return missing.map { ($0, "is required (or write all_day: true)") } }
        guard let from = fields["from"]?.string.flatMap(ClockTime.minutes),
            let to = fields["to"]?.string.flatMap(ClockTime.minutes), from >= to
        else { return [] }
        return [("to", "ends at \(fields["to"]?.string ?? "") before it starts at \(fields["from"]?.string ?? ""); VPBX windows stay within one day")]
    }

    static let extraWorkday = ObjectSchema(
        [
            .string("date", StringRules(check: .calendarDate), "The date, YYYY-MM-DD (sent DD-MM-YYYY).", wire: "startDate").required(),
            .string("from", StringRules(check: .clockTime), "Start, HH:MM.", wire: "startTime").required(),
            .string("to", StringRules(check: .clockTime), "End, HH:MM.", wire: "endTime").required(),
        ], rules: [.custom(windowProblems)])

    static let table = ObjectSchema(
        [
            .string("name", StringRules(minLength: 1), "Schedule name, unique within its owner.", wire: "name").required(),
            .string("abonent", PlatformFields.extensionRules, "Owner: the abonent's short number (resolved through GET /api/abonents)."),
            .string("group", StringRules(minLength: 1), "Owner: a group's name (resolved through GET /api/groups)."),
            .list(
                "work_days", of: .object(workDay), ListRules(itemNoun: "work-day rules", order: .set), "Working hours by day of week (compared as a set).",
                wire: "workDaysRules"),
            .list(
                "holidays", of: .string(StringRules(check: .calendarDate)), ListRules(itemNoun: "holidays", order: .set), "Days off, YYYY-MM-DD.",
                wire: "holidaysRules"),
            .list(
                "extra_workdays", of: .object(extraWorkday), ListRules(itemNoun: "extra work days", order: .set), "Dates worked despite the weekly rules.",
                wire: "excludedDaysRules"),
        ], rules: [.exactlyOne(["abonent", "group"])])

    let schema = KindSchema(
        name: "schedules", doc: "Schedules of abonents and groups; each declared owner's schedules form a scope.",
        shape: .objects(table), keyFields: ["abonent|group", "name"]
    ) { fields in
        guard let name = fields["name"]?.string else { return nil }
        if let abonent = fields["abonent"]?.string { return [abonent, name] }
        if let group = fields["group"]?.string { return ["group:" + group, name] }
        return nil
    }

    /// The name; the three rule lists are hooks (times as `HH-MM`, dates as objects).
    static let codec = WireCodec(table, hooked: ["holidays", "work_days", "extra_workdays"])

    func canonical(_ resource: Resource, among desired: [Resource], live: LiveState) -> Resource {
        var resource = resource
        resource.fields["work_days"] = VPBXCanonical.workDays(declared: resource.fields["work_days"])
        resource.fields["extra_workdays"] = VPBXCanonical.extraWorkdays(
            (resource.fields["extra_workdays"]?.list ?? []).map { day in
                (date: day["date"]?.string ?? "", from: VPBXCanonical.time(day["from"]?.string), to: VPBXCanonical.time(day["to"]?.string))
            })
        return resource
    }

    func read(_ client: VPBXClient, provider: ProviderConfig, desired: [Resource], into state: inout LiveState) async throws {
        guard let directory = state.context as? VPBXDirectory else { return }
        func add(_ item: JSONNode, ownerKey: String, owner: (String, String), path: String) {
            guard let name = item["name"]?.string else { return }
            let address = Address(provider: provider.name, kind: schema.name, key: [ownerKey, name])
            let (id, rule) = ServerID.composite(path, ServerID.text(item["recordId"]))
            let added = state.add(Resource(address: address, fields: Self.fields(item, owner: owner)), id: id, rule: rule)
            if item["notBeRemoved"]?.bool == true { state.undeletable[added] = "a preset schedule the platform marks notBeRemoved" }
        }
        for ext in directory.owners.sorted() {
            guard let userID = directory.userIDs[ext] else { continue }
            for item in directory.visible[userID] ?? [] where item["type"]?.string == "abonent" {
                add(item, ownerKey: ext, owner: ("abonent", ext), path: "abonent/\(userID)")
            }
        }
        for name in directory.groups.sorted() {
            guard let reader = directory.readers[name], let groupID = directory.groupIDs[name] else { continue }
            for item in directory.visible[reader] ?? [] where item["type"]?.string == "group" {
                add(item, ownerKey: "group:\(name)", owner: ("group", name), path: "group/\(groupID)")
            }
        }
    }

    static func fields(_ item: JSONNode, owner: (String, String)) -> [String: Value] {
        var fields = codec.decode(item)
        fields[owner.0] = .string(owner.1)
        fields["work_days"] = VPBXCanonical.workDays(wire: item["workDaysRules"]?.array ?? [])
        fields["holidays"] = .list((item["holidaysRules"]?.array ?? []).compactMap { VPBXCanonical.yamlDate($0["startDate"]?.string).map(Value.string) })
        fields["extra_workdays"] = VPBXCanonical.extraWorkdays(
            (item["excludedDaysRules"]?.array ?? []).compactMap { day in
                VPBXCanonical.yamlDate(day["startDate"]?.string).map {
                    (date: $0, from: VPBXCanonical.time(day["startTime"]?.string), to: VPBXCanonical.time(day["endTime"]?.string))
                }
            })
        return fields
    }

    /// The full schedule body: every list is sent whole (4.12.5).
    static func body(_ desired: Resource, recordID: Int64?) -> JSONNode {
        var pairs: [(String, JSONNode)] = []
        if let recordID { pairs.append(("recordId", .int(recordID))) }
        pairs += codec.encode(desired.fields)
        let workDays = (desired.fields["work_days"]?.list ?? []).map { day -> JSONNode in
            let days = WeekDays.days(day["days"])
            var rule: [(String, JSONNode)]
            if day["all_day"]?.bool == true {
                rule = [("startTime", .string("00-00")), ("endTime", .string("23-59")), ("allDayEvent", .bool(true))]
            } else {
                rule = [
                    ("startTime", .string(wireTime(day["from"]?.string))), ("endTime", .string(wireTime(day["to"]?.string))), ("allDayEvent", .bool(false)),
                ]
            }
            for (index, name) in VPBXCanonical.wireDays.enumerated() { rule.append((name, .bool(days.contains(index)))) }
            return .object(rule)
        }
        pairs.append(("workDaysRules", .array(workDays)))
        pairs.append(
            (
                "holidaysRules",
                .array(
                    (desired.fields["holidays"]?.list ?? []).compactMap(\.string).map {
                        .object([("startDate", .string(VPBXCanonical.wireDate($0)))])
                    })
            ))
        pairs.append(
            (
                "excludedDaysRules",
                .array(
                    (desired.fields["extra_workdays"]?.list ?? []).map { day in
                        .object([
                            ("startDate", .string(VPBXCanonical.wireDate(day["date"]?.string ?? ""))), ("startTime", .string(wireTime(day["from"]?.string))),
                            ("endTime", .string(wireTime(day["to"]?.string))),
                        ])
                    })
            ))
        return .object(pairs)
    }

    /// **Reading:** every write example in the document spells a time `HH-MM` (4.12.2-5;
    /// reads may show `HH:MM`, and both are read): `09:00` is sent as `09-00`.
    static func wireTime(_ time: String?) -> String {
        (time ?? "").replacingOccurrences(of: ":", with: "-")
    }

    /// `abonent/<userId>/<recordId>` → (`abonent/<userId>`, recordId).
    static func split(_ id: String?) -> (String, Int64)? {
        guard let id, let slash = id.lastIndex(of: "/"), let record = Int64(id[id.index(after: slash)...]) else { return nil }
        return (String(id[..<slash]), record)
    }

    static func directory(_ live: LiveState, _ change: Change) throws -> VPBXDirectory {
        guard let directory = live.context as? VPBXDirectory else {
            throw PlatformError(change.address, "its owner was not resolved")
        }
        return directory
    }

    func create(_ client: VPBXClient, _ change: Change, live: LiveState) async throws {
        guard let desired = change.desired else { return }
        let (path, type, reader) = try Self.directory(live, change).schedulePath(desired)
        let name = desired.fields["name"]?.string ?? ""
        _ = try await client.call(
            "POST", "/api/schedules/\(path)", Self.body(desired, recordID: nil),
            .create(readBack: { [client] in
                let found = try await client.schedules(visibleTo: reader).first { $0["name"]?.string == name && $0["type"]?.string == type }
                return found.map(ReadBack.found)
            }))
    }

    func update(_ client: VPBXClient, _ change: Change, live: LiveState) async throws {
        guard let desired = change.desired, let (path, record) = Self.split(try liveID(change, live)) else { return }
        _ = try await client.call("PUT", "/api/schedules/\(path)", Self.body(desired, recordID: record))
    }

    func delete(_ client: VPBXClient, _ change: Change, live: LiveState) async throws {
        guard let (path, record) = Self.split(try liveID(change, live)) else { return }
        // **Reading:** the document shows a delete with neither a query nor a body (4.12.6-7);
        // the record is named in both, so a server reading either finds it.
        do {
            _ = try await client.call("DELETE", "/api/schedules/\(path)?recordId=\(record)", .object([("recordId", .int(record))]))
        } catch let error as VPBXAPIError where error.status == 400 || error.status == 409 {
            // A known fix: a schedule still used by a rule the file does not plan (a user it
            // does not declare) cannot go; telform only orders the rules it reads.
            throw PlatformError(
                change.address,
                error.description
                    + "; if a find-me rule of a user this file does not declare still uses the schedule, declare that user's find_me (its rules are then planned before the delete) or set prune: {schedules: false} on provider \(change.address.provider)"
            ).caused(by: error)
        }
    }
}
