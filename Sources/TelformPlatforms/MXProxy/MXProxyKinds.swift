import Foundation
import TelformCore

/// MX Proxy 2.1 (api-docs/000): PLATFORMS.md § mxproxy.
public enum MXProxyKinds {
    /// ISO-8601 with a zone (`2026-03-02T10:00:00+03:00` or `...Z`): sent as epoch seconds.
    static let isoTimestamp = StringCheck(pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})$") { text in
        let formatter = ISO8601DateFormatter()
        let withSeconds = text.count > 16 && text[text.index(text.startIndex, offsetBy: 16)] == ":"
        formatter.formatOptions = withSeconds ? [.withInternetDateTime] : [.withFullDate, .withTime, .withColonSeparatorInTime, .withTimeZone, .withDashSeparatorInDate]
        return formatter.date(from: text) == nil
            ? "\"\(text)\" is not an ISO-8601 time with a zone, e.g. 2026-03-02T10:00:00+03:00" : nil
    }

    public static let conference = ObjectSchema([
        .string("name", StringRules(minLength: 1), "Conference name; the resource key.", wire: "name").required(),
        .string("owner", StringRules(minLength: 1), "Owner: an extension (resolved through GET /contacts) or a jid.", wire: "ownerId").required(),
        .integer("access_id", 0...999_999_999, "Conference ID callers enter.", wire: "accessId"),
        .string("type", StringRules(minLength: 1), "Conference type as MX names it, e.g. Once.", wire: "type"),
        .string("start", StringRules(check: isoTimestamp), "Start, ISO-8601 with zone (sent as epoch seconds).", wire: "startDate"),
        .integer("duration", 1...100_000, "Duration in minutes.", wire: "duration"),
        .bool("wait_for_owner", "Callers wait until the owner joins.", wire: "waitForOwner"),
        .bool("delete_on_owner_leave", "End the conference when the owner leaves.", wire: "delOnOwnerLeave"),
        .string("ws", "Web session, e.g. None.", wire: "ws"),
        .string("ws_type", "Web session type, e.g. Undefined.", wire: "wsType"),
    ])

    public static let callMode = ObjectSchema([
        .bool("remote", "Calls ring a remote device (true) or the local client (false).", wire: "remote").required(),
        .string("device", "The device (number or name) for remote mode.", wire: "device"),
        FieldSchema.integer("ring_delay", 0...600, "Seconds before the device rings (default 1).", wire: "ringDelay").defaulting(to: .int(1)),
        FieldSchema.integer("vm_delay", 0...600, "Seconds before voicemail (default 30).", wire: "vmDelay").defaulting(to: .int(30)),
    ], rules: [.custom { fields in
        fields["remote"]?.bool == true && fields["device"] == nil ? [("device", "is required when remote is true")] : []
    }])

    public static let platform = PlatformSchema(
        type: "mxproxy",
        doc: "MX Proxy 2.1 (Zultys MX gateway): conferences and the logged-in user's call mode.",
        settings: [
            PlatformFields.url("Base URL of MX Proxy, or sim://NAME."),
            PlatformFields.login("client_id", "OAuth2 client id."),
            PlatformFields.secret("client_secret", "OAuth2 client secret."),
            PlatformFields.login("username", "The MX user."),
            PlatformFields.secret("password", "The MX user's password."),
        ],
        kinds: [
            KindSchema(name: "conferences", doc: "Conferences of the logged-in user.", shape: .objects(conference), keyFields: ["name"]),
            KindSchema(name: "call_mode", doc: "Call mode of the logged-in user; not readable, so set on every apply.",
                       shape: .single(callMode), keyFields: ["user"], singleKey: .constant("self")).unreadable(),
        ]
    )
}
