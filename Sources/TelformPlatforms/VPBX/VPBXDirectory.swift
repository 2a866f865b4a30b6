import TelformCore

/// What a VPBX read resolves once for both kinds: the abonents and groups the file names, by
/// their server ids, who can read a group's schedules, and the schedules each of them sees.
/// Kept typed in `LiveState.context`; apply finds its owners' ids here.
struct VPBXDirectory: Sendable {
    /// Extension → userId, for every abonent the file names (a schedule owner or a find-me user).
    var userIDs: [String: String] = [:]
    /// Group name → id, for every group that owns a declared schedule.
    var groupIDs: [String: String] = [:]
    /// Group name → the userId of an abonent of it. **Reading:** group schedules are read
    /// through any abonent of the group.
    var readers: [String: String] = [:]
    /// userId → every schedule that abonent sees (its own and its group's), read once.
    var visible: [String: [JSONNode]] = [:]
    /// Abonents whose schedules the file owns, groups whose schedules it owns, users whose
    /// find-me rules it owns.
    var owners: Set<String> = []
    var groups: Set<String> = []
    var findMeUsers: Set<String> = []

    /// Where a declared schedule lives: `abonent/<userId>` or `group/<groupId>`, and who can read it.
    func schedulePath(_ resource: Resource) throws -> (path: String, type: String, reader: String) {
        if let ext = resource.fields["abonent"]?.string, let id = userIDs[ext] {
            return ("abonent/\(id)", "abonent", id)
        }
        if let name = resource.fields["group"]?.string, let id = groupIDs[name], let reader = readers[name] {
            return ("group/\(id)", "group", reader)
        }
        throw PlatformError(resource.address, "its owner was not resolved")
    }

    /// The scope of `kinds` for the declared resources: every abonent the provider names (as a
    /// schedule owner or a find-me user) and every group that owns a declared schedule. No one
    /// else is read.
    static func read(_ client: VPBXClient, provider: ProviderConfig, kinds: [String], desired: [Resource]) async throws -> VPBXDirectory {
        var directory = VPBXDirectory()
        var allUsers: [String: String] = [:]
        var groupOf: [String: String] = [:]
        for abonent in try await client.abonents() {
            guard let ext = abonent["extension"]?.string, let id = abonent["userId"]?.int else { continue }
            allUsers[ext] = String(id)
            if let group = abonent["groupId"]?.int { groupOf[String(id)] = String(group) }
        }
        let schedules = desired.filter { $0.address.kind == "schedules" }
        directory.findMeUsers =
            kinds.contains("find_me")
            ? Set((provider.declaredGroups["find_me"] ?? []) + desired.filter { $0.address.kind == "find_me" }.compactMap { $0.address.key.first })
            : []
        directory.owners = kinds.contains("schedules") ? Set(schedules.compactMap { $0.fields["abonent"]?.string }).union(directory.findMeUsers) : []
        directory.groups = Set(schedules.compactMap { $0.fields["group"]?.string })
        var allGroups: [String: String] = [:]
        if !directory.groups.isEmpty {
            for group in try await client.groups() {
                if let name = group["name"]?.string, let id = group["id"]?.int { allGroups[name] = String(id) }
            }
        }
        for ext in directory.owners.union(directory.findMeUsers).sorted() {
            guard let id = allUsers[ext] else {
                let resource = desired.first { $0.address.key.first == ext }
                throw PlatformError(
                    resource.map { .resource($0.address) } ?? .scope("\(provider.name)/\(ext)"),
                    "no abonent with extension \(ext) (GET /api/abonents)")
            }
            if let problem = ServerID.digits.problem(id) {
                throw PlatformError(address: "\(provider.name)/abonents/\(ext)", message: problem)
            }
            directory.userIDs[ext] = id
        }
        for name in directory.groups.sorted() {
            guard let id = allGroups[name] else {
                let resource = schedules.first { $0.fields["group"]?.string == name }
                throw PlatformError(resource.map { .resource($0.address) } ?? .scope(provider.name), "no group named \(name) (GET /api/groups)")
            }
            if let problem = ServerID.digits.problem(id) {
                throw PlatformError(address: "\(provider.name)/groups/\(name)", message: problem)
            }
            directory.groupIDs[name] = id
            guard let reader = groupOf.filter({ $0.value == id }).keys.sorted().first else {
                let resource = schedules.first { $0.fields["group"]?.string == name }
                throw PlatformError(
                    resource.map { .resource($0.address) } ?? .scope(provider.name),
                    "group \(name) has no abonent, and its schedules can only be read through one")
            }
            directory.readers[name] = reader
        }
        let readers = Set(Array(directory.userIDs.values) + Array(directory.readers.values)).sorted()
        let lists = try await BoundedConcurrency.map(readers) { try await client.schedules(visibleTo: $0) }
        directory.visible = Dictionary(uniqueKeysWithValues: zip(readers, lists))
        return directory
    }
}
