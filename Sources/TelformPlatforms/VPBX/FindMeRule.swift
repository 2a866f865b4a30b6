import TelformCore

/// A find-me rule of a user (api-docs/001 § 4.11): PLATFORMS.md § vpbx. Written grouped by
/// user; each declared user's rules form a scope. The fields, the numbers' too, travel
/// through the codec the table derives; a kept number's `ruleId` (so the platform edits it
/// rather than recreates it) and the schedule (a name in the file, a record id on the wire)
/// are hooks.
struct FindMeRuleKind: Kind {
    static let by = "VPBX"

    static let number = ObjectSchema([
        .string("number", PlatformFields.dialRules(by: by), "Number to ring.", wire: "number").required(),
        .string("name", "Short description of the number.", wire: "name"),
        FieldSchema.bool("active", "Whether this number is rung (default true).", wire: "status").defaulting(to: .bool(true)),
        .integer("rings", 1...99, "Rings before moving on (sequential rules only).", wire: "timeout"),
    ])

    static let redirectFields = ["always", "if_busy", "if_no_answer", "if_unreachable", "no_answer_rings", "conditional", "schedule"]

    static let rule = ObjectSchema(
        [
            .string("name", StringRules(minLength: 1, maxLength: 30, by: by), "Rule name, at most 30 characters.", wire: "ruleName").required(),
            .string("type", StringRules(allowed: ["parallel", "sequential", "redirect"]), "parallel, sequential or redirect.").required(),
            .string("called_number", PlatformFields.dialRules(), "The called number the rule applies to (FMC subscribers only).", wire: "calledNumber"),
            .list(
                "numbers", of: .object(number), ListRules(maxItems: 10, itemNoun: "numbers", by: by),
                "Numbers to ring, in order; at most 10.", wire: "ruleNumbers"),
            FieldSchema.bool("continue_if_busy", "Keep hunting when the main number is busy (sequential only).", wire: "continueSearchIfBusy")
                .defaulting(to: .bool(false)),
            .string("always", PlatformFields.dialRules(), "Redirect every call here.", wire: "alwaysRedirect"),
            .string("if_busy", PlatformFields.dialRules(), "Redirect when busy.", wire: "ifBusyRedirect"),
            .string("if_no_answer", PlatformFields.dialRules(), "Redirect when not answered.", wire: "ifNoAnswerRedirect"),
            .string("if_unreachable", PlatformFields.dialRules(), "Redirect when unreachable.", wire: "ifNoAccessRedirect"),
            .integer("no_answer_rings", 1...99, "Rings before the no-answer redirect.", wire: "ifNoAnswerTimeout"),
            .string("conditional", "Conditional redirect expression, as the platform stores it.", wire: "conditional"),
            FieldSchema.string(
                "schedule", StringRules(minLength: 1),
                "Name of a schedule of the same user (or its group) during which the rule applies. Redirect rules only: the document gives parallel and sequential rules no scheduleId (4.11), so a ring that depends on the hours is a redirect rule with this schedule.",
                wire: "scheduleId"
            ).references("schedules", declaredOnly: false),
        ],
        rules: [
            .onlyWhen(field: "type", in: ["parallel", "sequential"], fields: ["numbers"]),
            .requiredWhen(field: "type", in: ["parallel", "sequential"], fields: ["numbers"]),
            .onlyWhen(field: "type", in: ["sequential"], fields: ["continue_if_busy"]),
            .onlyWhen(field: "type", in: ["redirect"], fields: redirectFields.filter { $0 != "schedule" }),
            .custom { fields in
                guard let type = fields["type"]?.string, type != "redirect", fields["schedule"] != nil else { return [] }
                return [
                    (
                        "schedule",
                        "applies only when type is redirect, not \(type): the document gives \(type) rules no scheduleId (api-docs/001 4.11); for a ring that depends on the hours, add a redirect rule with this schedule (e.g. always: a number) beside this one"
                    )
                ]
            },
            .custom { fields in
                guard fields["type"]?.string != "sequential", let numbers = fields["numbers"]?.list,
                    numbers.contains(where: { $0["rings"] != nil })
                else { return [] }
                return [("numbers", "rings applies only to sequential rules")]
            },
        ])

    static let user = ObjectSchema([
        .string("user", PlatformFields.extensionRules, "The abonent's short number (resolved through GET /api/abonents).").required(),
        .list("rules", of: .object(rule), ListRules(itemNoun: "rules"), "The user's find-me rules; the user's whole rule set is owned.").required(),
    ])

    let schema = KindSchema(
        name: "find_me", doc: "Find-me rules by user; each declared user's rules form a scope.",
        shape: .grouped(user, members: "rules"), keyFields: ["user", "type", "name"])

    /// **Reading:** empty strings and null read the same (absent). The schedule is a hook.
    static let codec = WireCodec(rule, emptyIsAbsent: true, hooked: ["schedule"])

    /// The fields of a number of a rule of `type`: `rings` counts only in a sequential rule
    /// (the table's check says so to the file).
    static func numberFields(_ type: String) -> [FieldSchema] {
        number.fields.filter { $0.name != "rings" || type == "sequential" }
    }

    /// The rule whole, as it is sent and compared: every field of the table that applies to
    /// its type, its default or null where the file has none, and each number likewise from
    /// the number's table. What the file leaves out is cleared on the platform, and the plan
    /// shows it.
    static func whole(_ given: [String: Value]) -> [String: Value] {
        let type = given["type"]?.string ?? ""
        var fields = given
        for field in rule.fields where fields[field.name] == nil { fields[field.name] = field.defaultValue ?? .null }
        fields = rule.applicable(fields)
        if let numbers = fields["numbers"]?.list {
            let table = numberFields(type)
            fields["numbers"] = .list(
                numbers.map { entry in
                    let values = entry.object ?? [:]
                    return .object(Dictionary(uniqueKeysWithValues: table.map { ($0.name, values[$0.name] ?? $0.defaultValue ?? .null) }))
                })
        }
        return fields
    }

    func canonical(_ resource: Resource, among desired: [Resource], live: LiveState) -> Resource {
        var resource = resource
        resource.fields = Self.whole(resource.fields)
        return resource
    }

    func read(_ client: VPBXClient, provider: ProviderConfig, desired: [Resource], into state: inout LiveState) async throws {
        guard let directory = state.context as? VPBXDirectory else { return }
        let users = directory.findMeUsers.sorted().compactMap { ext in directory.userIDs[ext].map { (ext, $0) } }
        let rules = try await BoundedConcurrency.map(users) { try await client.findMe($0.1) }
        for ((ext, userID), list) in zip(users, rules) {
            readRules(list, ext: ext, userID: userID, visible: directory.visible[userID] ?? [], provider: provider.name, into: &state)
        }
        try Self.checkScheduleReferences(desired: desired, directory: directory)
    }

    func readRules(_ rules: JSONNode, ext: String, userID: String, visible: [JSONNode], provider: String, into state: inout LiveState) {
        let scheduleNames = Dictionary(
            visible.compactMap { s -> (Int64, String)? in
                guard let id = s["recordId"]?.int, let name = s["name"]?.string else { return nil }
                return (id, name)
            }, uniquingKeysWith: { a, _ in a })
        for (type, list) in [("parallel", "parallelRules"), ("sequential", "sequentialRules"), ("redirect", "redirectRules")] {
            for rule in rules[list]?.array ?? [] {
                guard let name = rule["ruleName"]?.string else { continue }
                let address = Address(provider: provider, kind: schema.name, key: [ext, type, name])
                var fields = Self.codec.decode(rule, missingIsNull: true)
                fields["user"] = .string(ext)
                fields["type"] = .string(type)
                fields["name"] = .string(name)
                // **Reading:** a rule or a number that leaves out a field with a default (a
                // number's `status`, `continueSearchIfBusy`) has the default.
                for field in Self.rule.fields where fields[field.name] == .null { fields[field.name] = field.defaultValue ?? .null }
                if let numbers = fields["numbers"]?.list {
                    fields["numbers"] = .list(
                        numbers.map { entry in
                            var values = entry.object ?? [:]
                            for field in Self.number.fields where values[field.name] == .null { values[field.name] = field.defaultValue ?? .null }
                            return .object(values)
                        })
                }
                fields = Self.whole(fields)
                if type == "redirect" {
                    fields["schedule"] = rule["scheduleId"]?.int.map { .string(scheduleNames[$0] ?? "#\($0)") } ?? .null
                }
                let (id, idRule) = ServerID.composite("\(userID)/\(type)", ServerID.text(rule["id"]))
                state.add(Resource(address: address, fields: fields), id: id, rule: idRule)
            }
        }
    }

    /// A redirect rule may name a schedule declared in the file or one that exists live only
    /// (a preset); one that exists nowhere is a plan error.
    static func checkScheduleReferences(desired: [Resource], directory: VPBXDirectory) throws {
        let declared = desired.filter { $0.address.kind == "schedules" }
        for rule in desired where rule.address.kind == "find_me" {
            guard let name = rule.fields["schedule"]?.string, let ext = rule.address.key.first else { continue }
            let isDeclared = declared.contains { s in
                s.address.key.last == name && (s.address.key.first == ext || s.address.key.first?.hasPrefix("group:") == true)
            }
            let visible = directory.visible[directory.userIDs[ext] ?? ""] ?? []
            let isLive = visible.contains { $0["name"]?.string == name }
            if !isDeclared && !isLive {
                // Where the file names it, and the nearest name the file or the platform has.
                let candidates =
                    declared.filter { $0.address.key.first == ext || $0.address.key.first?.hasPrefix("group:") == true }.compactMap(\.address.key.last)
                    + visible.compactMap { $0["name"]?.string }
                let place = rule.node?["schedule"].map { "\($0.mark): \(rule.path).schedule: " } ?? ""
                let hint = Suggestion.closest(to: name, in: candidates).map { "; did you mean \"\($0)\"?" } ?? ""
                throw PlatformError(
                    rule.address,
                    "\(place)schedule \"\(name)\" exists nowhere: not declared for abonent \(ext) or a group, and not live\(hint)")
            }
        }
    }

    /// The user's id and the rule's path part.
    static func user(_ change: Change, _ live: LiveState) throws -> (userID: String, type: String) {
        guard let ext = change.address.key.first, let type = change.address.key.dropFirst().first,
            let userID = (live.context as? VPBXDirectory)?.userIDs[ext]
        else {
            throw PlatformError(change.address, "its user was not resolved")
        }
        return (userID, type)
    }

    func create(_ client: VPBXClient, _ change: Change, live: LiveState) async throws {
        guard let desired = change.desired else { return }
        let (userID, type) = try Self.user(change, live)
        let body = try await Self.body(desired, client: client, userID: userID, id: nil, liveNumbers: [])
        let name = desired.address.key.last ?? ""
        _ = try await client.call(
            "POST", "/api/findMe/\(userID)/\(type)", body,
            .create(readBack: { [client] in
                let rules = try await client.findMe(userID)["\(type)Rules"]?.array ?? []
                return rules.first { $0["ruleName"]?.string == name }.map(ReadBack.found)
            }))
    }

    func update(_ client: VPBXClient, _ change: Change, live: LiveState) async throws {
        let (userID, type) = try Self.user(change, live)
        guard let desired = change.desired, let id = ScheduleKind.split(try liveID(change, live))?.1 else { return }
        // Numbers that stay keep their ruleId, so the platform edits rather than recreates them.
        let current = try await client.findMe(userID)["\(type)Rules"]?.array?.first { $0["id"]?.int == id }
        let body = try await Self.body(desired, client: client, userID: userID, id: id, liveNumbers: current?["ruleNumbers"]?.array ?? [])
        _ = try await client.call("PUT", "/api/findMe/\(userID)/\(type)/\(id)", body)
    }

    func delete(_ client: VPBXClient, _ change: Change, live: LiveState) async throws {
        let (userID, type) = try Self.user(change, live)
        guard let id = ScheduleKind.split(try liveID(change, live))?.1 else { return }
        _ = try await client.call("DELETE", "/api/findMe/\(userID)/\(type)/\(id)")
    }

    /// The whole rule (`whole`): every field that applies to its type, null where the file has none.
    static func body(_ desired: Resource, client: VPBXClient, userID: String, id: Int64?, liveNumbers: [JSONNode]) async throws -> JSONNode {
        let fields = whole(desired.fields)
        let type = fields["type"]?.string ?? ""
        var pairs: [(String, JSONNode)] = []
        if let id { pairs.append(("id", .int(id))) }
        // **Reading:** ifNoAnswerTimeout and the texts are sent as values or null.
        pairs += codec.encode(fields, only: Set(fields.keys), explicitNull: Set(fields.keys)).map { wire, node in
            guard wire == "ruleNumbers", case .array(let numbers) = node else { return (wire, node) }
            // A number that stays keeps its ruleId, so the platform edits rather than recreates it.
            var unused = liveNumbers
            return (
                wire,
                .array(
                    numbers.map { number in
                        guard let index = unused.firstIndex(where: { $0["number"]?.string == number["number"]?.string }),
                            let ruleID = unused[index]["ruleId"]?.int, case .object(let pairs) = number
                        else { return number }
                        unused.remove(at: index)
                        return .object([("ruleId", .int(ruleID))] + pairs)
                    })
            )
        }
        if type == "redirect" {
            var scheduleID: JSONNode = .null
            if let name = fields["schedule"]?.string {
                // Looked up now: the schedule may have been created moments ago by this apply.
                let visible = try await client.schedules(visibleTo: userID)
                let match =
                    visible.first { $0["name"]?.string == name && $0["type"]?.string == "abonent" }
                    ?? visible.first { $0["name"]?.string == name }
                guard let record = match?["recordId"]?.int else {
                    throw PlatformError(desired.address, "schedule \"\(name)\" is not available to this abonent")
                }
                scheduleID = .int(record)
            }
            // **Reading:** the create example spells `schedudyId` (4.11.2), update and GET
            // `scheduleId` (4.11.3): both are sent, so a server reading either spelling sees it.
            pairs.append(("scheduleId", scheduleID))
            pairs.append(("schedudyId", scheduleID))
        }
        return .object(pairs)
    }

    /// Rules grouped under their users, in the order of the users the read covered.
    func export(_ resources: [Resource], live: LiveState, provider: ProviderConfig, into export: inout Export) -> Value? {
        var byUser: [String: [Value]] = [:]
        for rule in resources {
            var fields = Export.trimmed(rule.fields)
            fields["user"] = nil
            if let numbers = fields["numbers"]?.list {
                fields["numbers"] = .list(numbers.map { .object(Export.trimmed($0.object ?? [:])) })
            }
            byUser[rule.address.key[0], default: []].append(.object(fields))
        }
        let users = provider.declaredGroups["find_me"] ?? byUser.keys.sorted()
        return .list(
            users.filter { byUser[$0] != nil }.map { user in
                .object(["user": .string(user), "rules": .list(byUser[user] ?? [])])
            })
    }
}
