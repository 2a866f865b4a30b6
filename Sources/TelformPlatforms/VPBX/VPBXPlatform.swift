import Foundation
import TelformCore

/// The VPBX platform: schedules and find-me rules of declared abonents and groups.
typealias VPBXPlatform = KindedPlatform<VPBXClient>

extension KindedPlatform where Client == VPBXClient {
    init(provider: ProviderConfig, transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy()) {
        let client = VPBXClient(http: ResilientClient(transport: transport, policy: retry), token: provider.settings["token"]?.string ?? "")
        self.init(
            provider: provider, schema: VPBXKinds.platform, client: client, kinds: VPBXKinds.kinds,
            directory: { client, kinds, desired in try await VPBXDirectory.read(client, provider: provider, kinds: kinds, desired: desired) },
            exportScope: { client, provider, kinds in
                // Export covers the account: every abonent's schedules and find-me rules,
                // and the schedules of every group that has an abonent.
                let abonents = try await client.abonents()
                let groupIDs = Set(abonents.compactMap { $0["groupId"]?.int })
                let groups = kinds.contains("schedules") ? try await client.groups().filter { $0["id"]?.int.map(groupIDs.contains) ?? false } : []
                var everyone = provider
                everyone.declaredGroups["find_me"] = abonents.compactMap { $0["extension"]?.string }
                // One stand-in schedule per group puts the group's schedules in the read's scope.
                let scopes = groups.compactMap { $0["name"]?.string }.map { name in
                    Resource(address: Address(provider: provider.name, kind: "schedules", key: ["group:\(name)", ""]), fields: ["group": .string(name)])
                }
                return (everyone, scopes)
            })
    }
}

extension VPBXKinds {
    /// The platform as the catalog lists it: its tables, its routing model, its driver.
    static let descriptor = PlatformDescriptor(
        type: "vpbx", tables: { platform }, routing: { VPBXRouting(provider: $0, resources: $1) },
        driver: { VPBXPlatform(provider: $0, transport: $2("url"), retry: $1) })
}
