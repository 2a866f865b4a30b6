import TelformCore

/// XiVO web services (api-docs/002): PLATFORMS.md § xivo.
public enum XiVOKinds {
    static let by = "XiVO"
    static let range = StringRules(check: .regex("^[0-9]{1,2}(-[0-9]{1,2})?(,[0-9]{1,2}(-[0-9]{1,2})?)*$", "must be numbers or ranges such as 1-5 or 1,3,5"))

    public static let user = ObjectSchema([
        .string("firstname", StringRules(minLength: 1), "First name.", wire: "firstname").required(),
        .string("lastname", "Last name.", wire: "lastname"),
        .integer("entity_id", 1...1_000_000, "Entity the user belongs to (sent as 1 when left out, as xivo-ws does).", wire: "entityid"),
        .string("language", StringRules(check: .regex("^[a-z]{2}_[A-Z]{2}$", "must be a locale such as fr_FR or en_US")), "Prompt language, e.g. fr_FR.", wire: "language"),
        .integer("ring_seconds", 0...3600, "Seconds to ring before no-answer.", wire: "ringseconds"),
        .integer("simult_calls", 1...100, "Simultaneous calls.", wire: "simultcalls"),
        .string("mobile_phone_number", PlatformFields.dialRules(), "Mobile number.", wire: "mobilephonenumber"),
        .string("caller_id", "Caller id, e.g. \"Alice\" <1001>.", wire: "callerid"),
        .string("music_on_hold", "Music-on-hold class.", wire: "musiconhold"),
        .bool("dnd", "Do not disturb.", wire: "enablednd"),
        .bool("enable_transfer", "Allow transfers.", wire: "enablexfer"),
        .bool("call_record", "Record calls.", wire: "callrecord"),
        .object("forward", ObjectSchema([
            .object("unconditional", ObjectSchema([.string("to", PlatformFields.dialRules(), "Destination.", wire: "destunc").required()]), "Forward every call (enableunc)."),
            .object("busy", ObjectSchema([.string("to", PlatformFields.dialRules(), "Destination.", wire: "destbusy").required()]), "Forward when busy (enablebusy)."),
            .object("no_answer", ObjectSchema([.string("to", PlatformFields.dialRules(), "Destination.", wire: "destrna").required()]), "Forward when not answered (enablerna)."),
        ]), "Call forwarding; a case left out is disabled."),
        .object("line", ObjectSchema([
            .string("protocol", StringRules(allowed: ["sip", "iax", "sccp"]), "Line protocol.", wire: "protocol").required(),
            FieldSchema.string("context", StringRules(minLength: 1), "Dialplan context (default: default).", wire: "context").defaulting(to: .string("default")),
            .string("number", PlatformFields.extensionRules, "The line's number; with the context, the user's key.", wire: "number").required(),
        ]), "The user's phone line (sent as linefeatures only when it changes).").required(),
        .object("voicemail", ObjectSchema([
            .string("mailbox", PlatformFields.extensionRules, "Mailbox number.", wire: "mailbox").required(),
            FieldSchema.string("password", StringRules(check: .regex("^[0-9]{1,16}$", "must be digits")), "Voicemail PIN.", wire: "password").sensitive,
            .string("email", StringRules(check: .regex("^[^@\\s]+@[^@\\s]+$", "must be an e-mail address")), "Where messages are mailed.", wire: "email"),
        ]), "The user's voicemail box; `voicemail: null` removes it.").removable,
    ], rules: [.custom { fields in
        // xivo-ws refuses a voicemail without a language ("language must be set when adding
        // voicemail"); the server sets the box's locale from it.
        guard fields["voicemail"]?.object != nil, fields["language"] == nil else { return [] }
        return [("language", "is required with a voicemail (XiVO sets the box's locale from the user's language)")]
    }])

    static let opened = ObjectSchema([
        .string("hours", StringRules(check: .regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", "must be HH:MM-HH:MM")), "Opening hours, e.g. 08:00-12:00.", wire: "hours").required(),
        FieldSchema.string("weekdays", range, "Week days, 1 (Monday) to 7, e.g. 1-5.", wire: "weekdays").defaulting(to: .string("1-7")),
        FieldSchema.string("monthdays", range, "Days of the month, e.g. 1-31.", wire: "monthdays").defaulting(to: .string("1-31")),
        FieldSchema.string("months", range, "Months, e.g. 1-12.", wire: "months").defaulting(to: .string("1-12")),
    ])

    static let action = ObjectSchema([
        .string("type", StringRules(allowed: ["none", "endcall", "user", "group", "queue", "voicemail", "schedule", "extension", "application"]),
                "What happens: endcall, user, group, queue, voicemail...", wire: "actiontype").required(),
        .string("target", "The target: a user's line number, a group or queue name, a number.", wire: "actionarg1"),
        .string("action", StringRules(allowed: ["hangup", "busy", "congestion"]), "With endcall: how the call ends (hangup when left out).", wire: "action"),
    ])

    public static let schedule = ObjectSchema([
        .string("name", StringRules(minLength: 1), "Schedule name.", wire: "name").required(),
        .string("timezone", StringRules(minLength: 1), "Time zone, e.g. Europe/Paris (required by XiVO).", wire: "timezone").required(),
        .string("description", "Free text.", wire: "description"),
        .list("opened", of: .object(opened), ListRules(itemNoun: "opening periods"), "When the schedule is open.", wire: "opened"),
        .object("fallback", action, "Where calls go while closed (schedule_fallback)."),
    ])

    public static let incall = ObjectSchema([
        .string("exten", PlatformFields.dialRules(), "The incoming number.", wire: "exten").required(),
        .string("context", StringRules(minLength: 1), "Incoming-call context, e.g. from-extern.", wire: "context").required(),
        .object("destination", ObjectSchema([
            .string("type", StringRules(allowed: ["user", "group", "queue", "voicemail", "endcall"]), "Destination kind.", wire: "actiontype").required(),
            FieldSchema.string("target", "A user's line number, a group or queue name, a mailbox.", wire: "actionarg1").references("users", declaredOnly: false),
        ], rules: [.requiredWhen(field: "type", in: ["user", "group", "queue", "voicemail"], fields: ["target"])]), "Where the call goes.").required(),
    ])

    static let numberRange = ObjectSchema([
        .string("from", PlatformFields.extensionRules, "First number.", wire: "numberbeg").required(),
        .string("to", PlatformFields.extensionRules, "Last number (default: from).", wire: "numberend"),
    ])

    public static let context = ObjectSchema([
        .string("name", StringRules(minLength: 1, maxLength: 39, check: .regex("^[A-Za-z0-9_-]+$", "must use letters, digits, - and _"), by: by), "Context name.", wire: "name").required(),
        .string("display_name", "Display name.", wire: "displayname"),
        .string("entity", StringRules(minLength: 1), "Entity the context belongs to (required by XiVO).", wire: "entity").required(),
        .string("type", StringRules(allowed: ["internal", "incall", "outcall", "services", "others"]), "Context type (required by XiVO).", wire: "contexttype").required(),
        .string("description", "Free text.", wire: "description"),
        .list("includes", of: .string(StringRules(minLength: 1)), ListRules(itemNoun: "includes"), "Contexts included.", wire: "contextinclude"),
        .object("numbers", ObjectSchema(["user", "group", "queue", "meetme", "incall"].map {
            .list($0, of: .object(numberRange), ListRules(itemNoun: "ranges"), "Number ranges for \($0)s.")
        }), "Number ranges by use (contextnumbers)."),
    ])

    static let pickupMember = ObjectSchema([
        FieldSchema.string("user", PlatformFields.extensionRules, "A user, by line number.").references("users", declaredOnly: false),
        .string("group", StringRules(minLength: 1), "A group, by name."),
        .string("queue", StringRules(minLength: 1), "A queue, by name."),
    ], rules: [.exactlyOne(["user", "group", "queue"])])

    public static let pickup = ObjectSchema([
        .string("name", StringRules(minLength: 1), "Pickup group name.", wire: "name").required(),
        .string("description", "Free text.", wire: "description"),
        .list("members", of: .object(pickupMember), ListRules(itemNoun: "members"), "Whose calls can be picked up (category member)."),
        .list("pickers", of: .object(pickupMember), ListRules(itemNoun: "pickers"), "Who can pick up (category pickup)."),
    ])

    public static let parkingLot = ObjectSchema([
        .string("name", StringRules(minLength: 1), "Parking lot name.", wire: "name").required(),
        .string("context", StringRules(minLength: 1), "Context.", wire: "context").required(),
        .string("extension", PlatformFields.extensionRules, "Number to dial to park.", wire: "extension").required(),
        .integer("positions", 1...1000, "Parking positions.", wire: "positions").required(),
        .integer("next", 0...1, "1: park on the next free position.", wire: "next"),
        .bool("commented", "Disabled.", wire: "commented"),
    ])

    public static let queueSkill = ObjectSchema([
        .string("name", StringRules(minLength: 1), "Skill name.", wire: "name").required(),
        .string("description", "Free text.", wire: "description"),
        .string("printscreen", StringRules(maxLength: 4, by: by), "Short label, under 5 characters.", wire: "printscreen"),
        .string("category", StringRules(minLength: 1), "Category (created when missing).", wire: "category_name").required(),
    ])

    public static let platform = PlatformSchema(
        type: "xivo",
        doc: "XiVO web services: users, schedules, incoming calls, contexts, pickups, parking lots, queue skills.",
        settings: [
            PlatformFields.url("https://host of the XiVO server, or sim://NAME."),
            PlatformFields.login("username", "HTTP Basic user (leave out when the server trusts this host).").required(false),
            PlatformFields.secret("password", "HTTP Basic password.").required(false),
        ],
        kinds: [
            KindSchema(name: "users", doc: "Users with their line and voicemail.", shape: .objects(user), keyFields: ["line.number@line.context"]) { fields in
                guard let number = fields["line"]?["number"]?.string else { return nil }
                return [number + "@" + (fields["line"]?["context"]?.string ?? "default")]
            },
            KindSchema(name: "schedules", doc: "Schedules (no edit: a change is a replace).", shape: .objects(schedule), keyFields: ["name"]).immutable(),
            KindSchema(name: "incalls", doc: "Incoming call routes.", shape: .objects(incall), keyFields: ["exten@context"]) { fields in
                guard let exten = fields["exten"]?.string, let context = fields["context"]?.string else { return nil }
                return [exten + "@" + context]
            },
            KindSchema(name: "contexts", doc: "Dialplan contexts (add only: changes are reported, never applied).", shape: .objects(context), keyFields: ["name"]).onlyAdded(),
            KindSchema(name: "pickups", doc: "Call pickup groups (no edit: a change is a replace).", shape: .objects(pickup), keyFields: ["name"]).immutable(),
            KindSchema(name: "parking_lots", doc: "Parking lots.", shape: .objects(parkingLot), keyFields: ["name"]),
            KindSchema(name: "queue_skills", doc: "Call-center queue skills (no edit: a change is a replace).", shape: .objects(queueSkill), keyFields: ["name"]).immutable(),
        ]
    )
}
