import TelformCore

/// MX Proxy 2.1 (api-docs/000): PLATFORMS.md § mxproxy. A client and two kinds.
public enum MXProxyKinds {
    static let kinds: [any Kind<MXProxyClient>] = [ConferenceKind(), CallModeKind()]

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
        kinds: kinds.map(\.schema)
    )
}
