import TelformCore

/// The multi-tenant SIP endpoint API (api-docs/003): PLATFORMS.md § endpoints. A client and
/// one kind.
public enum EndpointsKinds {
    static let kinds: [any Kind<EndpointsClient>] = [EndpointKind()]

    public static let platform = PlatformSchema(
        type: "endpoints",
        doc: "Multi-tenant SIP endpoint API (Asterisk PJSIP): SIP endpoints of one tenant.",
        settings: [
            PlatformFields.url("Base URL of the API, or sim://NAME for the embedded simulator."),
            .string("tenant", StringRules(minLength: 1), "The tenant (organization) id, the {tenant_id} path part.").required(),
            PlatformFields.secret("token", "API token, sent as Authorization: Bearer."),
        ],
        kinds: kinds.map(\.schema)
    )
}
