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
        ],
        kinds: kinds.map(\.schema)
    )
}
