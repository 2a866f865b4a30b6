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
}
