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
        driver: { VPBXPlatform(provider: $0, transport: $2("url"), retry: $1) }, starter: starter)
}

extension VPBXKinds {
    /// `telform init`'s provider of this platform, on its simulator.
    static let starter = Starter(
        provider: "mts",
        config: """
                type: vpbx
                url: sim://mts                   # the embedded simulator, from seeds/mts.json; for your
                sim_seed: seeds/mts.json         #   account: url: https://vpbx.mts.ru (and no sim_seed)
                # token: ${env:MTS_TOKEN}        #   with its token (sent as X-AUTH-TOKEN)
                schedules:                       # only the declared abonents' schedules are owned
                  - name: office-hours
                    abonent: "201"
                    work_days:
                      - {days: mon-fri, from: "09:00", to: "18:00"}
                find_me:
                  - user: "201"                  # the user's whole rule set is owned
                    rules:
                      - name: Desk and mobile
                        type: parallel
                        numbers:
                          - {number: "201", name: Desk}
                          - {number: "79161234567", name: Mobile}
            """,
        tests: """
              - name: abonent 201 rings the desk and the mobile at once
                call: "201"
                at: "mon 10:00"
                expect: [ring: ["201", "79161234567"], then: undocumented]
            """,
        passwords: [])
}
