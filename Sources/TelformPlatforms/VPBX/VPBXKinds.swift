import TelformCore

/// MTS Virtual PBX API CRM (api-docs/001, sections 4.4, 4.10-4.12): PLATFORMS.md § vpbx.
public enum VPBXKinds {
    static let by = "VPBX"

    static let days = FieldSchema("days", .choice([
        .string(StringRules(check: .weekDays)),
        .list(.string(StringRules(allowed: WeekDays.names)), ListRules(minItems: 1, itemNoun: "days")),
    ]), "Days of the week: mon-fri, sat, mon,wed,fri, all, or a list [mon, tue].").required()

    static let workDay = ObjectSchema([
        days,
        .string("from", StringRules(check: .clockTime), "Start, HH:MM.", wire: "startTime"),
        .string("to", StringRules(check: .clockTime), "End, HH:MM.", wire: "endTime"),
        .bool("all_day", "The whole day (instead of from/to).", wire: "allDayEvent"),
    ], rules: [.custom { fields in
        if fields["all_day"]?.bool == true {
            return ["from", "to"].filter { fields[$0] != nil }.map { ($0, "all_day: true takes no \($0)") }
        }
        return windowProblems(fields)
    }])

    /// A window needs both ends, the start before the end.
    static func windowProblems(_ fields: [String: Value]) -> [(field: String, message: String)] {
        let missing = ["from", "to"].filter { fields[$0] == nil }
        if !missing.isEmpty { return missing.map { ($0, "is required (or write all_day: true)") } }
        guard let from = fields["from"]?.string.flatMap(ClockTime.minutes),
              let to = fields["to"]?.string.flatMap(ClockTime.minutes), from >= to else { return [] }
        return [("to", "ends at \(fields["to"]?.string ?? "") before it starts at \(fields["from"]?.string ?? ""); VPBX windows stay within one day")]
    }

    static let extraWorkday = ObjectSchema([
        .string("date", StringRules(check: .calendarDate), "The date, YYYY-MM-DD (sent DD-MM-YYYY).", wire: "startDate").required(),
        .string("from", StringRules(check: .clockTime), "Start, HH:MM.", wire: "startTime").required(),
        .string("to", StringRules(check: .clockTime), "End, HH:MM.", wire: "endTime").required(),
    ], rules: [.custom(windowProblems)])

    public static let schedule = ObjectSchema([
        .string("name", StringRules(minLength: 1), "Schedule name, unique within its owner.", wire: "name").required(),
        .string("abonent", PlatformFields.extensionRules, "Owner: the abonent's short number (resolved through GET /api/abonents)."),
        .string("group", StringRules(minLength: 1), "Owner: a group's name (resolved through GET /api/groups)."),
        .list("work_days", of: .object(workDay), ListRules(itemNoun: "work-day rules"), "Working hours by day of week (compared as a set).", wire: "workDaysRules"),
        .list("holidays", of: .string(StringRules(check: .calendarDate)), ListRules(itemNoun: "holidays"), "Days off, YYYY-MM-DD.", wire: "holidaysRules"),
        .list("extra_workdays", of: .object(extraWorkday), ListRules(itemNoun: "extra work days"), "Dates worked despite the weekly rules.", wire: "excludedDaysRules"),
    ], rules: [.exactlyOne(["abonent", "group"])])

    static let ruleNumber = ObjectSchema([
        .string("number", PlatformFields.dialRules(by: by), "Number to ring.", wire: "number").required(),
        .string("name", "Short description of the number.", wire: "name"),
        FieldSchema.bool("active", "Whether this number is rung (default true).", wire: "status").defaulting(to: .bool(true)),
        .integer("rings", 1...99, "Rings before moving on (sequential rules only).", wire: "timeout"),
    ])

    static let redirectFields = ["always", "if_busy", "if_no_answer", "if_unreachable", "no_answer_rings", "conditional", "schedule"]

    public static let rule = ObjectSchema([
        .string("name", StringRules(minLength: 1, maxLength: 30, by: by), "Rule name, at most 30 characters.", wire: "ruleName").required(),
        .string("type", StringRules(allowed: ["parallel", "sequential", "redirect"]), "parallel, sequential or redirect.").required(),
        .string("called_number", PlatformFields.dialRules(), "The called number the rule applies to (FMC subscribers only).", wire: "calledNumber"),
        .list("numbers", of: .object(ruleNumber), ListRules(maxItems: 10, itemNoun: "numbers", by: by),
              "Numbers to ring, in order; at most 10.", wire: "ruleNumbers"),
        .bool("continue_if_busy", "Keep hunting when the main number is busy (sequential only).", wire: "continueSearchIfBusy"),
        .string("always", PlatformFields.dialRules(), "Redirect every call here.", wire: "alwaysRedirect"),
        .string("if_busy", PlatformFields.dialRules(), "Redirect when busy.", wire: "ifBusyRedirect"),
        .string("if_no_answer", PlatformFields.dialRules(), "Redirect when not answered.", wire: "ifNoAnswerRedirect"),
        .string("if_unreachable", PlatformFields.dialRules(), "Redirect when unreachable.", wire: "ifNoAccessRedirect"),
        .integer("no_answer_rings", 1...99, "Rings before the no-answer redirect.", wire: "ifNoAnswerTimeout"),
        .string("conditional", "Conditional redirect expression, as the platform stores it.", wire: "conditional"),
        FieldSchema.string("schedule", StringRules(minLength: 1), "Name of a schedule of the same user (or its group) during which the rule applies.",
                           wire: "scheduleId").references("schedules", declaredOnly: false),
    ], rules: [
        .onlyWhen(field: "type", in: ["parallel", "sequential"], fields: ["numbers"]),
        .requiredWhen(field: "type", in: ["parallel", "sequential"], fields: ["numbers"]),
        .onlyWhen(field: "type", in: ["sequential"], fields: ["continue_if_busy"]),
        .onlyWhen(field: "type", in: ["redirect"], fields: redirectFields),
        .custom { fields in
            guard fields["type"]?.string != "sequential", let numbers = fields["numbers"]?.list,
                  numbers.contains(where: { $0["rings"] != nil }) else { return [] }
            return [("numbers", "rings applies only to sequential rules")]
        },
    ])

    public static let findMeUser = ObjectSchema([
        .string("user", PlatformFields.extensionRules, "The abonent's short number (resolved through GET /api/abonents).").required(),
        .list("rules", of: .object(rule), ListRules(itemNoun: "rules"), "The user's find-me rules; the user's whole rule set is owned.").required(),
    ])

    public static let platform = PlatformSchema(
        type: "vpbx",
        doc: "MTS Virtual PBX (API CRM): schedules and find-me rules of declared users.",
        settings: [
            PlatformFields.url("Base URL of the API (https://vpbx.mts.ru), or sim://NAME."),
            PlatformFields.secret("token", "API token, sent as the X-AUTH-TOKEN header."),
        ],
        kinds: [
            KindSchema(name: "schedules", doc: "Schedules of abonents and groups; each declared owner's schedules form a scope.",
                       shape: .objects(schedule), keyFields: ["abonent|group", "name"]) { fields in
                guard let name = fields["name"]?.string else { return nil }
                if let abonent = fields["abonent"]?.string { return [abonent, name] }
                if let group = fields["group"]?.string { return ["group:" + group, name] }
                return nil
            },
            KindSchema(name: "find_me", doc: "Find-me rules by user; each declared user's rules form a scope.",
                       shape: .grouped(findMeUser, members: "rules"), keyFields: ["user", "type", "name"]),
        ],
        checks: [scheduleReferences]
    )

    /// A redirect rule's schedule should be declared for its user or a group; a preset
    /// (`notBeRemoved`) schedule exists live only, so an undeclared one is a warning here and
    /// an error at plan time when it exists nowhere (PLATFORMS.md).
    static let scheduleReferences: ProviderCheck = { context in
        let schedules = context.provider.resources(of: "schedules")
        return context.provider.resources(of: "find_me").compactMap { rule in
            guard let name = rule.fields["schedule"]?.string, let user = rule.fields["user"]?.string,
                  let mark = rule.mark(of: "schedule") else { return nil }
            let declared = schedules.contains { schedule in
                schedule.address.key.last == name
                    && (schedule.address.key.first == user || schedule.address.key.first?.hasPrefix("group:") == true)
            }
            guard !declared else { return nil }
            return Diagnostic(.warning, mark, rule.path + ".schedule",
                              "schedule \"\(name)\" is not declared for abonent \(user) or a group; plan will look for it live (a preset schedule) and fail if it exists nowhere")
        }
    }
}
