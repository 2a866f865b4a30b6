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
            FieldSchema.integer(
                "page_size", 1...10_000,
                "Endpoints asked for per page (limit). The document shows 100; a larger page reads faster where the server allows it (one that refuses it is read in pages of 100, with a warning)."
            )
            .defaulting(to: .int(Int64(EndpointsClient.documentedPageSize))),
        ],
        kinds: kinds.map(\.schema)
    )
}
