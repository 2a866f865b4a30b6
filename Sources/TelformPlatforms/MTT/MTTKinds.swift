import Foundation
import TelformCore

/// MTT Telecom API "Gnezdo" (api-docs/004): PLATFORMS.md § mtt.
public enum MTTKinds {
    static let sipID = FieldSchema.string("sip_id", StringRules(check: .regex("^[0-9]{4,20}$", "must be a SIP id: 4 to 20 digits"), digits: true),
                                          "The SIP account (sip_id), e.g. 74951345897.").required()

    /// `caller_id` numbers: MTT wants a Russian number 7XXXXXXXXXX.
    static let callerID = StringRules(check: .regex("^7[0-9]{10}$", "must be 7 followed by 10 digits (e.g. 74951001010)"), digits: true)

    /// The platform's period notation, e.g. `hr{9-17}wd{mo-fr}`, windows joined by commas.
    static let rawPeriod = StringCheck(pattern: "^(always|([a-z]{2,3}\\{[^{}]+\\})+(,([a-z]{2,3}\\{[^{}]+\\})+)*)$") { text in
        TextPattern("^(always|((hr|min|wd|md|mo|yr)\\{[^{}]+\\})+(,((hr|min|wd|md|mo|yr)\\{[^{}]+\\})+)*)$").matches(text)
            ? nil : "\"\(text)\" is not a period; write always, a window {days, from, to}, or the platform notation such as hr{9-17}wd{mo-fr}"
    }

    static let window = ObjectSchema([
        FieldSchema("days", .choice([
            .string(StringRules(check: .weekDays)),
            .list(.string(StringRules(allowed: WeekDays.names)), ListRules(minItems: 1, itemNoun: "days")),
        ]), "Days of the week: mon-fri, sat, all, or a list [mon, tue] (default all)."),
        .string("from", StringRules(check: .clockTime), "Start, HH:MM.").required(),
        .string("to", StringRules(check: .clockTime), "End, HH:MM (24:00 for midnight); an end before the start crosses midnight into the next day.").required(),
    ], rules: [.custom { fields in
        // A window whose end is before its start runs past midnight into the next day
        // (PeriodSet.add); one that starts where it ends means nothing.
        guard let from = fields["from"]?.string, from == fields["to"]?.string else { return [] }
        return [("to", "the window starts and ends at \(from); write an end after the start (or before it, to cross midnight)")]
    }])

    static let period = FieldSchema("period", .choice([
        .string(StringRules(check: rawPeriod)),
        .object(window),
        .list(.object(window), ListRules(minItems: 1, itemNoun: "windows")),
    ]), "When this entry is active: always, a window {days, from, to}, a list of windows, or the platform notation. Compared by meaning.",
        wire: "period").defaulting(to: .string("always")).annotated { value in value.string.flatMap(PeriodSet.parse)?.windows }

    static let chainEntry = ObjectSchema([
        .string("number", PlatformFields.e164, "Number to ring, E.164 without +.", wire: "redirect_number").required(),
        .string("name", "Display name (default: the number).", wire: "name"),
        FieldSchema.integer("timeout", 1...600, "Seconds of ringing (default 15).", wire: "timeout").defaulting(to: .int(15)),
        FieldSchema.bool("active", "Whether the entry is used (default true).", wire: "active").defaulting(to: .bool(true)),
        period,
        FieldSchema.string("keep_original_cli", StringRules(allowed: ["Y", "N", "I"]),
                           "Caller id shown: Y the caller's, N the sip_id, I as premedia sets it. Not returned by getFollowme, so plan cannot see a change: push one with `--rotate ADDR`.",
                           wire: "keep_original_cli").writeOnly,
        FieldSchema.string("keep_original_cld", StringRules(allowed: ["Y", "N"]),
                           "Keep the called number. Not returned by getFollowme, so plan cannot see a change: push one with `--rotate ADDR`.", wire: "keep_original_cld").writeOnly,
    ])

    public static let followMe = ObjectSchema([
        sipID,
        .list("chain", of: .object(chainEntry), ListRules(itemNoun: "chain entries"), "Numbers rung in order (follow_order 1..n).", wire: "followmeStruct").required(),
    ])

    public static let prompt = ObjectSchema([
        .string("name", StringRules(minLength: 1, maxLength: 64, check: .regex("^[A-Za-z0-9_.-]+$", "must use letters, digits, ., - and _ only"), by: "MTT"),
                "Prompt name; the live name is content-addressed (<name>-<hash>.mp3).").required(),
        // Neither is returned: the content is compared through the content-addressed live name.
        FieldSchema.string("file", StringRules(minLength: 1, check: .regex("(?i)\\.mp3$", "must be an .mp3 file")), "An mp3 file, relative to the config, uploaded base64.").writeOnly.seenIndirectly,
        FieldSchema.string("text", StringRules(minLength: 1, maxLength: 1000, by: "MTT"), "Text spoken by text-to-speech.").writeOnly.seenIndirectly,
        FieldSchema.string("live", StringRules(minLength: 1, check: .regex("(?i)\\.mp3$", "must be a live prompt name ending in .mp3")),
                           "An existing live prompt kept as it is (what export writes: the platform has no download call).").writeOnly.seenIndirectly,
    ], rules: [.exactlyOne(["file", "text", "live"])])

    static let forwardEntry = ObjectSchema([
        .string("number", PlatformFields.e164, "Number to ring, E.164 without +.", wire: "redirect_number").required(),
        .string("name", "Display name.", wire: "name"),
        FieldSchema.integer("timeout", 1...600, "Seconds of ringing (default 15).", wire: "timeout").defaulting(to: .int(15)),
        FieldSchema.bool("active", "Whether the entry is used (default true).", wire: "active").defaulting(to: .bool(true)),
    ])

    public static let premedia = ObjectSchema([
        sipID,
        .string("scenario", StringRules(allowed: ["a", "b", "both"]), "Who hears prompts: a (caller), b (called) or both.", wire: "scenario_id").required(),
        .bool("answer", "Play prompts in the answered state.", wire: "answer"),
        FieldSchema.string("prompt_a", StringRules(minLength: 1), "Prompt played to side A (a declared prompt's name).").references("prompts"),
        FieldSchema.string("prompt_b", StringRules(minLength: 1), "Prompt played to side B (a declared prompt's name).").references("prompts"),
        .object("forward", ObjectSchema([
            .string("sequence", StringRules(allowed: ["order", "random", "simultaneous"]), "How the chain is rung.", wire: "sequence").required(),
            .string("caller_id", callerID, "Caller id shown to the called side.", wire: "caller_id"),
            .list("chain", of: .object(forwardEntry), ListRules(minItems: 1, itemNoun: "chain entries"), "Numbers to ring.", wire: "followmeStructure").required(),
        ]), "Premedia follow-me after the prompt."),
    ])

    public static let callControl = ObjectSchema([
        sipID,
        FieldSchema.string("url", StringRules(check: .httpURL), "URL the platform asks for routing on each incoming call; sensitive when it carries credentials.",
                           wire: "GN_IP_IPCR").flagged(.sensitiveWithCredentials),
        .string("reserve_number", PlatformFields.e164, "Fallback number when the URL fails.", wire: "GN_IPCR_RESERVE"),
    ], rules: [.custom { fields in
        fields["url"] == nil && fields["reserve_number"] == nil ? [("url", "give url, reserve_number or both")] : []
    }])

    static let callbackEntry = ObjectSchema([
        .string("number", PlatformFields.e164, "Number to ring on leg A.", wire: "redirect_number").required(),
        .string("name", "Symbolic name (sales, boss).", wire: "name"),
        .integer("timeout", 1...600, "Seconds of ringing.", wire: "timeout"),
        FieldSchema.string("queue", StringRules(allowed: ["ringall", "linear"]), "ringall: all at once; linear: one by one.", wire: "type")
            .defaulting(to: .string("ringall")),
    ])

    static let callbackMessage = ObjectSchema([
        .string("side", StringRules(allowed: ["A", "B"]), "Leg that hears it.", wire: "side").required(),
        .string("text", StringRules(minLength: 1), "Text spoken by text-to-speech.", wire: "value"),
        .string("file", StringRules(minLength: 1), "A prompt file set with SetCallBackPrompt.", wire: "value"),
    ], rules: [.exactlyOne(["text", "file"])])

    public static let callbackFollowMe = ObjectSchema([
        .string("caller_id", callerID, "Number shown to leg B.", wire: "caller_id"),
        .string("default_b_number", PlatformFields.e164, "Leg B number when none is given.", wire: "defaultBNumber"),
        .list("chain", of: .object(callbackEntry), ListRules(minItems: 1, itemNoun: "chain entries"), "Leg A numbers, in order.", wire: "callBackFollowmeStruct").required(),
        .list("messages", of: .object(callbackMessage), ListRules(maxItems: 2, itemNoun: "messages"), "What each leg hears."),
    ])

    public static let platform = PlatformSchema(
        type: "mtt",
        doc: "MTT Telecom API (Gnezdo): follow-me, premedia prompts and settings, blacklist, call control.",
        settings: [
            PlatformFields.url("JSON-RPC endpoint for follow-me and call control, or sim://NAME.", default: "https://webapicommon.mtt.ru/index.php"),
            FieldSchema.string("premedia_url", StringRules(check: .apiURL), "JSON-RPC endpoint for prompts, premedia and blacklist.")
                .defaulting(to: .string("https://gapi.mtt.ru:6443/v1/api")),
            .string("customer", StringRules(minLength: 1), "The account (customer_name).").required(),
            PlatformFields.login("username", "HTTP Basic user."),
            PlatformFields.secret("password", "HTTP Basic password."),
        ],
        kinds: [
            KindSchema(name: "follow_me", doc: "Classic follow-me chains; each declared sip_id's chain is owned.",
                       shape: .objects(followMe), keyFields: ["sip_id"]).perDeclaredKey(),
            KindSchema(name: "prompts", doc: "Premedia prompts of the account (content-addressed live names).",
                       shape: .objects(prompt), keyFields: ["name"]).immutable(createBeforeDelete: true),
            KindSchema(name: "premedia", doc: "Premedia settings of declared accounts.", shape: .objects(premedia), keyFields: ["sip_id"]).perDeclaredKey(),
            KindSchema(name: "blacklist", doc: "The account's Global Black List: numbers, E.164 without +.",
                       shape: .scalars(.string(PlatformFields.e164), field: "number"), keyFields: ["number"]),
            KindSchema(name: "call_control", doc: "Call-control URL and reserve number of declared accounts.",
                       shape: .objects(callControl), keyFields: ["sip_id"]).perDeclaredKey(),
            KindSchema(name: "callback_follow_me", doc: "The CallBack leg-A structure; one per account.",
                       shape: .single(callbackFollowMe), keyFields: ["customer"], singleKey: .providerSetting("customer")),
        ],
        checks: [followMeOnce, promptFiles, callControlPort]
    )

    /// A sip_id has one follow-me: classic `follow_me` or `premedia.forward`, not both.
    static let followMeOnce: ProviderCheck = { context in
        let classic = context.provider.resources(of: "follow_me")
        let forwarded = context.provider.resources(of: "premedia").filter { $0.fields["forward"] != nil }
        var found: [Diagnostic] = []
        for a in classic {
            for b in forwarded where a.address.key == b.address.key {
                guard let ma = a.mark(of: "sip_id"), let mb = b.node?["forward"]?.mark else { continue }
                found.append(Diagnostic(.error, ma, a.path + ".sip_id", "sip_id \(a.address.key[0]) also has a premedia forward (at \(mb)); one account has one follow-me"))
                found.append(Diagnostic(.error, mb, b.path + ".forward", "sip_id \(b.address.key[0]) also has a follow_me chain (at \(ma)); one account has one follow-me"))
            }
        }
        return found
    }

    /// "По умолчанию в запросах в сторону API клиента открыты только 80 и 443 порты": a
    /// call-control URL on another port may never be reached; a warning, since the platform
    /// can open others on request.
    static let callControlPort: ProviderCheck = { context in
        context.provider.resources(of: "call_control").compactMap { resource in
            guard let text = resource.fields["url"]?.string, let mark = resource.mark(of: "url"),
                  let url = URL(string: text), let port = url.port, port != 80, port != 443 else { return nil }
            return Diagnostic(.warning, mark, resource.path + ".url",
                              "port \(port): the platform opens only ports 80 and 443 toward a customer's API by default (api-docs/004); ask MTT to open it, or use 80 or 443")
        }
    }

    /// Prompt files live beside the config and are read at plan time; a missing one is an error now.
    static let promptFiles: ProviderCheck = { context in
        context.provider.resources(of: "prompts").compactMap { prompt in
            guard let file = prompt.fields["file"]?.string, let mark = prompt.mark(of: "file") else { return nil }
            let path = file.hasPrefix("/") ? file : (mark.directory ?? context.baseDirectory) + "/" + file
            return FileManager.default.fileExists(atPath: path) ? nil
                : Diagnostic(.error, mark, prompt.path + ".file", "file \(file) not found (paths are relative to the file that names them)")
        }
    }
}
