import TelformCore

/// The multi-tenant SIP endpoint API (api-docs/003): PLATFORMS.md § endpoints.
public enum EndpointsKinds {
    static let by = "the endpoint API"

    public static let endpoint = ObjectSchema([
        .string("name", StringRules(minLength: 1), "Endpoint name, unique in the tenant; the resource key.", wire: "name").required(),
        .string("extension", StringRules(check: .regex("^[0-9]{3}$", "must be exactly 3 digits (000-999)"), by: by, digits: true),
                "Internal number. GET does not return it, so plan cannot see a change to it, and it cannot be changed in place: push a change with `--replace ADDR` (a new endpoint).",
                wire: "extension").required().createOnly.writeOnly,
        .string("password", StringRules(check: .regex("^[A-Za-z0-9]{20}$", "must be exactly 20 characters of A-Z, a-z and 0-9"), by: by),
                "SIP password. Never read back, so plan cannot see a change: push one with `--rotate ADDR`.", wire: "password").required().sensitive.writeOnly,
        .string("transport", "PJSIP transport name, e.g. transport-udp.", wire: "transport"),
        .list("allow", of: .string(StringRules(minLength: 1)), ListRules(itemNoun: "codecs"), "Allowed codecs in order of preference (sent comma-joined).", wire: "allow"),
        .list("disallow", of: .string(StringRules(minLength: 1)), ListRules(itemNoun: "codecs"), "Disallowed codecs (sent comma-joined).", wire: "disallow"),
        .bool("direct_media", "Let media flow directly between endpoints.", wire: "direct_media"),
        .bool("rtp_symmetric", "Send RTP back where it came from.", wire: "rtp_symmetric"),
        .bool("force_rport", "Force rport on requests.", wire: "force_rport"),
        .bool("rewrite_contact", "Rewrite the Contact header with the source address.", wire: "rewrite_contact"),
        .bool("allow_long_distance", "Allow long-distance and mobile calls.", wire: "allow_long_distance"),
        .string("language", "Prompt language, e.g. en or ru.", wire: "language"),
        .string("outgoing_cli", "Caller id shown on outgoing calls.", wire: "outgoing_cli"),
        PlatformFields.forward(noAnswerTimeout: 5...120, by: by) { name in
            ["always": "cf_unconditional", "unavailable": "cf_unavailable", "no_answer": "cf_noanswer", "busy": "cf_busy"][name] ?? name
        },
    ])

    public static let platform = PlatformSchema(
        type: "endpoints",
        doc: "Multi-tenant SIP endpoint API (Asterisk PJSIP): SIP endpoints of one tenant.",
        settings: [
            PlatformFields.url("Base URL of the API, or sim://NAME for the embedded simulator."),
            .string("tenant", StringRules(minLength: 1), "The tenant (organization) id, the {tenant_id} path part.").required(),
            PlatformFields.secret("token", "API token, sent as Authorization: Bearer."),
        ],
        kinds: [
            KindSchema(name: "endpoints", doc: "SIP endpoints of the tenant; all of them form one scope.",
                       shape: .objects(endpoint), keyFields: ["name"]),
        ]
    )
}
