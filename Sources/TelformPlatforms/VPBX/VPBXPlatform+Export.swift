import TelformCore

extension VPBXPlatform {
    /// Every abonent's schedules and find-me rules, and every group's schedules.
    public func export(kinds: [String]) async throws -> Export {
        var export = Export()
        let abonents = try await client.abonents()
        let extensions = abonents.compactMap { $0["extension"]?.string }
        let groupIDs = Set(abonents.compactMap { $0["groupId"]?.int })
        let groups = kinds.contains("schedules") ? try await client.groups().filter { $0["id"]?.int.map(groupIDs.contains) ?? false } : []
        var everyone = provider
        everyone.declaredGroups["find_me"] = extensions
        // One stand-in schedule per group puts the group's schedules in the read's scope.
        let scopes = groups.compactMap { $0["name"]?.string }.map { name in
            Resource(address: Address(provider: provider.name, kind: "schedules", key: ["group:\(name)", ""]), fields: ["group": .string(name)])
        }
        let live = try await VPBXPlatform(provider: everyone, client: client).read(kinds: kinds, desired: scopes)
        let resources = live.resources.sorted { $0.address < $1.address }
        if kinds.contains("schedules") {
            export.kinds.append(("schedules", .list(resources.filter { $0.address.kind == "schedules" }.map { Self.exportedSchedule($0.fields) })))
        }
        if kinds.contains("find_me") {
            var byUser: [String: [Value]] = [:]
            for rule in resources where rule.address.kind == "find_me" {
                var fields = Export.trimmed(rule.fields)
                fields["user"] = nil
                if var numbers = fields["numbers"]?.list {
                    numbers = numbers.map { .object(Export.trimmed($0.object ?? [:])) }
                    fields["numbers"] = .list(numbers)
                }
                byUser[rule.address.key[0], default: []].append(.object(fields))
            }
            export.kinds.append(("find_me", .list(extensions.filter { byUser[$0] != nil }.map { user in
                .object(["user": .string(user), "rules": .list(byUser[user] ?? [])])
            })))
        }
        return export
    }

    /// Canonical schedule fields back in the config language: canonical values are in its
    /// shape already, so only what the file leaves out goes.
    static func exportedSchedule(_ fields: [String: Value]) -> Value {
        let out = Export.trimmed(fields)
        return .object(out)
    }
}
