import TelformCore

/// Every platform telform speaks, in the order documents list them.
public enum PlatformCatalog {
    public static let all: [PlatformSchema] = [
        EndpointsKinds.platform,
        VPBXKinds.platform,
        MTTKinds.platform,
        XiVOKinds.platform,
        MXProxyKinds.platform,
    ]

    /// The platform of a provider type.
    public static func schema(_ type: String) -> PlatformSchema? {
        all.first { $0.type == type }
    }
}
