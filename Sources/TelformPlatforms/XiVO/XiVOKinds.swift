import TelformCore

/// XiVO web services (api-docs/002): PLATFORMS.md § xivo. A client, a directory of users,
/// groups and queues, and seven kinds.
public enum XiVOKinds {
    static let kinds: [any Kind<XiVOClient>] = [UserKind(), XiVOScheduleKind(), IncallKind(), ContextKind(), PickupKind(), ParkingLotKind(), QueueSkillKind()]

    public static let platform = PlatformSchema(
        type: "xivo",
        doc: "XiVO web services: users, schedules, incoming calls, contexts, pickups, parking lots, queue skills.",
        settings: [
            PlatformFields.url("https://host of the XiVO server, or sim://NAME."),
            PlatformFields.login("username", "HTTP Basic user (leave out when the server trusts this host).").required(false),
            PlatformFields.secret("password", "HTTP Basic password.").required(false),
            FieldSchema.string(
                "web_services", StringRules(allowed: XiVOWebServices.allCases.map(\.rawValue)),
                "Which web services the server runs: document (api-docs/002 and xivo-ws, the default) or current (the web interface's last code, 2019: see docs/readings.md)."
            )
            .defaulting(to: .string(XiVOWebServices.document.rawValue)),
        ],
        kinds: kinds.map(\.schema)
    )
}

/// The XiVO web services a server runs. The document describes those of its era (xivo-ws's
/// tests); the web interface's later code (wazo-platform/xivo-web-interface, last commit
/// d8ca970, 2019) changed users, voicemails, lines, schedules, pickups, contexts and parking
/// lots. docs/readings.md lists each change with the commit that made it.
enum XiVOWebServices: String, CaseIterable, Sendable {
    case document
    case current
}
