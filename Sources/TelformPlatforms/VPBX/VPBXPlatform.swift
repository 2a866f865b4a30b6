import Foundation
import TelformCore

/// The VPBX platform: schedules and find-me rules of declared abonents and groups.
public struct VPBXPlatform: ProviderDriver {
    public let provider: ProviderConfig
    public let schema = VPBXKinds.platform
    let client: VPBXClient

    public init(provider: ProviderConfig, transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy()) {
        self.init(provider: provider, client: VPBXClient(http: ResilientClient(transport: transport, policy: retry), token: provider.settings["token"]?.string ?? ""))
    }

    init(provider: ProviderConfig, client: VPBXClient) {
        self.provider = provider
        self.client = client
    }

    static let redirectFields = ["always", "if_busy", "if_no_answer", "if_unreachable", "no_answer_rings", "conditional", "schedule"]

    public func canonical(_ desired: Resource) -> Resource {
        var resource = desired
        var fields = desired.fields
        switch desired.address.kind {
        case "schedules":
            fields["work_days"] = VPBXCanonical.workDays(declared: fields["work_days"])
            fields["holidays"] = VPBXCanonical.sortedStrings(fields["holidays"]?.list?.compactMap(\.string) ?? [])
            fields["extra_workdays"] = VPBXCanonical.extraWorkdays((fields["extra_workdays"]?.list ?? []).map { day in
                (date: day["date"]?.string ?? "", from: VPBXCanonical.time(day["from"]?.string), to: VPBXCanonical.time(day["to"]?.string))
            })
        case "find_me":
            // A rule is sent whole, so it is managed whole: what the file leaves out is absent.
            let type = fields["type"]?.string ?? ""
            if fields["called_number"] == nil { fields["called_number"] = .null }
            if type == "redirect" {
                for name in Self.redirectFields where fields[name] == nil { fields[name] = .null }
            } else {
                fields["numbers"] = .list((fields["numbers"]?.list ?? []).map { number in
                    var entry: [String: Value] = ["number": number["number"] ?? .null, "name": number["name"] ?? .null,
                                                  "active": number["active"] ?? .bool(true)]
                    if type == "sequential" { entry["rings"] = number["rings"] ?? .null }
                    return .object(entry)
                })
                if type == "sequential" && fields["continue_if_busy"] == nil { fields["continue_if_busy"] = .bool(false) }
            }
        default:
            break
        }
        resource.fields = fields
        return resource
    }

    /// The platform's users and groups, read once per plan.
    struct Directory {
        var userIDs: [String: String] = [:]     // extension → userId
        var groupOf: [String: String] = [:]     // userId → groupId
        var groupIDs: [String: String] = [:]    // group name → id
    }


    public func read(kinds: [String], desired: [Resource]) async throws -> LiveState {
        let scope = "\(provider.name)/\(kinds.joined(separator: ","))"
        do {
            return try await readLive(kinds: kinds, desired: desired)
        } catch {
            throw PlatformError.at(scope, error)
        }
    }

    func readLive(kinds: [String], desired: [Resource]) async throws -> LiveState {
        var directory = Directory()
        for abonent in try await client.abonents() {
            guard let ext = abonent["extension"]?.string, let id = abonent["userId"]?.int else { continue }
            directory.userIDs[ext] = String(id)
            if let group = abonent["groupId"]?.int { directory.groupOf[String(id)] = String(group) }
        }
        let schedules = desired.filter { $0.address.kind == "schedules" }
        let findMeUsers = kinds.contains("find_me")
            ? Set((provider.declaredGroups["find_me"] ?? []) + desired.filter { $0.address.kind == "find_me" }.compactMap { $0.address.key.first })
            : []
        // The schedules scope: every abonent the provider names (as a schedule owner or a
        // find-me user) and every group that owns a declared schedule. No one else is read.
        let owners = kinds.contains("schedules") ? Set(schedules.compactMap { $0.fields["abonent"]?.string }).union(findMeUsers) : []
        let groupNames = Set(schedules.compactMap { $0.fields["group"]?.string })
        if !groupNames.isEmpty {
            for group in try await client.groups() {
                if let name = group["name"]?.string, let id = group["id"]?.int { directory.groupIDs[name] = String(id) }
            }
        }
        var state = LiveState()
        for ext in owners.union(findMeUsers).sorted() {
            guard let id = directory.userIDs[ext] else {
                let resource = desired.first { $0.address.key.first == ext }
                throw PlatformError(address: resource?.address.description ?? "\(provider.name)/\(ext)",
                                    message: "no abonent with extension \(ext) (GET /api/abonents)")
            }
            if let problem = ServerID.digits.problem(id) {
                throw PlatformError(address: "\(provider.name)/abonents/\(ext)", message: problem)
            }
            state.lookups["abonent:\(ext)"] = id
        }
        for name in groupNames.sorted() {
            guard let id = directory.groupIDs[name] else {
                let resource = schedules.first { $0.fields["group"]?.string == name }
                throw PlatformError(address: resource?.address.description ?? provider.name, message: "no group named \(name) (GET /api/groups)")
            }
            if let problem = ServerID.digits.problem(id) {
                throw PlatformError(address: "\(provider.name)/groups/\(name)", message: problem)
            }
            state.lookups["group:\(name)"] = id
            // **Reading:** group schedules are read through any abonent of the group.
            guard let reader = directory.groupOf.filter({ $0.value == id }).keys.sorted().first else {
                let resource = schedules.first { $0.fields["group"]?.string == name }
                throw PlatformError(address: resource?.address.description ?? provider.name,
                                    message: "group \(name) has no abonent, and its schedules can only be read through one")
            }
            state.lookups["reader:\(name)"] = reader
        }
        // Every schedule each needed abonent sees (its own and its group's), read once.
        let readers = Set(owners.union(findMeUsers).compactMap { directory.userIDs[$0] } + groupNames.compactMap { state.lookups["reader:\($0)"] }).sorted()
        let client = self.client
        let lists = try await BoundedConcurrency.map(readers) { try await client.schedules(visibleTo: $0) }
        let visible = Dictionary(uniqueKeysWithValues: zip(readers, lists))
        if kinds.contains("schedules") {
            readSchedules(owners: owners, groups: groupNames, visible: visible, into: &state)
        }
        if kinds.contains("find_me") {
            let users = findMeUsers.sorted().compactMap { ext in state.lookups["abonent:\(ext)"].map { (ext, $0) } }
            let rules = try await BoundedConcurrency.map(users) { try await client.findMe($0.1) }
            for ((ext, userID), rule) in zip(users, rules) {
                readRules(rule, ext: ext, userID: userID, visible: visible[userID] ?? [], into: &state)
            }
            try checkScheduleReferences(desired: desired, visible: visible, state: state)
        }
        return state
    }

    func readSchedules(owners: Set<String>, groups: Set<String>, visible: [String: [JSONNode]], into state: inout LiveState) {
        func add(_ item: JSONNode, ownerKey: String, owner: (String, String), path: String) {
            guard let name = item["name"]?.string else { return }
            let address = Address(provider: provider.name, kind: "schedules", key: [ownerKey, name])
            let (id, rule) = ServerID.composite(path, ServerID.text(item["recordId"]))
            let added = state.add(Resource(address: address, fields: Self.scheduleFields(item, owner: owner)), id: id, rule: rule)
            if item["notBeRemoved"]?.bool == true { state.undeletable[added] = "a preset schedule the platform marks notBeRemoved" }
        }
        for ext in owners.sorted() {
            guard let userID = state.lookups["abonent:\(ext)"] else { continue }
            for item in visible[userID] ?? [] where item["type"]?.string == "abonent" {
                add(item, ownerKey: ext, owner: ("abonent", ext), path: "abonent/\(userID)")
            }
        }
        for name in groups.sorted() {
            guard let reader = state.lookups["reader:\(name)"], let groupID = state.lookups["group:\(name)"] else { continue }
            for item in visible[reader] ?? [] where item["type"]?.string == "group" {
                add(item, ownerKey: "group:\(name)", owner: ("group", name), path: "group/\(groupID)")
            }
        }
    }

    static func scheduleFields(_ item: JSONNode, owner: (String, String)) -> [String: Value] {
        [
            "name": .string(item["name"]?.string ?? ""),
            owner.0: .string(owner.1),
            "work_days": VPBXCanonical.workDays(wire: item["workDaysRules"]?.array ?? []),
            "holidays": VPBXCanonical.sortedStrings((item["holidaysRules"]?.array ?? []).compactMap { VPBXCanonical.yamlDate($0["startDate"]?.string) }),
            "extra_workdays": VPBXCanonical.extraWorkdays((item["excludedDaysRules"]?.array ?? []).compactMap { day in
                VPBXCanonical.yamlDate(day["startDate"]?.string).map {
                    (date: $0, from: VPBXCanonical.time(day["startTime"]?.string), to: VPBXCanonical.time(day["endTime"]?.string))
                }
            }),
        ]
    }

    func readRules(_ rules: JSONNode, ext: String, userID: String, visible: [JSONNode], into state: inout LiveState) {
        let scheduleNames = Dictionary(visible.compactMap { s -> (Int64, String)? in
            guard let id = s["recordId"]?.int, let name = s["name"]?.string else { return nil }
            return (id, name)
        }, uniquingKeysWith: { a, _ in a })
        for (type, list) in [("parallel", "parallelRules"), ("sequential", "sequentialRules"), ("redirect", "redirectRules")] {
            for rule in rules[list]?.array ?? [] {
                guard let name = rule["ruleName"]?.string else { continue }
                let address = Address(provider: provider.name, kind: "find_me", key: [ext, type, name])
                var fields: [String: Value] = ["user": .string(ext), "type": .string(type), "name": .string(name),
                                               "called_number": VPBXCanonical.text(rule["calledNumber"])]
                if type == "redirect" {
                    fields["always"] = VPBXCanonical.text(rule["alwaysRedirect"])
                    fields["if_busy"] = VPBXCanonical.text(rule["ifBusyRedirect"])
                    fields["if_no_answer"] = VPBXCanonical.text(rule["ifNoAnswerRedirect"])
                    fields["if_unreachable"] = VPBXCanonical.text(rule["ifNoAccessRedirect"])
                    fields["no_answer_rings"] = VPBXCanonical.rings(rule["ifNoAnswerTimeout"])
                    fields["conditional"] = VPBXCanonical.text(rule["conditional"])
                    if let schedule = rule["scheduleId"]?.int {
                        fields["schedule"] = .string(scheduleNames[schedule] ?? "#\(schedule)")
                    } else {
                        fields["schedule"] = .null
                    }
                } else {
                    fields["numbers"] = .list((rule["ruleNumbers"]?.array ?? []).map { number in
                        var entry: [String: Value] = ["number": VPBXCanonical.text(number["number"]), "name": VPBXCanonical.text(number["name"]),
                                                      "active": .bool(number["status"]?.bool ?? true)]
                        if type == "sequential" { entry["rings"] = VPBXCanonical.rings(number["timeout"]) }
                        return .object(entry)
                    })
                    if type == "sequential" { fields["continue_if_busy"] = .bool(rule["continueSearchIfBusy"]?.bool ?? false) }
                }
                let (id, idRule) = ServerID.composite("\(userID)/\(type)", ServerID.text(rule["id"]))
                state.add(Resource(address: address, fields: fields), id: id, rule: idRule)
            }
        }
    }

    /// A redirect rule may name a schedule declared in the file or one that exists live only
    /// (a preset); one that exists nowhere is a plan error.
    func checkScheduleReferences(desired: [Resource], visible: [String: [JSONNode]], state: LiveState) throws {
        let declared = desired.filter { $0.address.kind == "schedules" }
        for rule in desired where rule.address.kind == "find_me" {
            guard let name = rule.fields["schedule"]?.string, let ext = rule.address.key.first else { continue }
            let isDeclared = declared.contains { s in
                s.address.key.last == name && (s.address.key.first == ext || s.address.key.first?.hasPrefix("group:") == true)
            }
            let userID = state.lookups["abonent:\(ext)"] ?? ""
            let isLive = (visible[userID] ?? []).contains { $0["name"]?.string == name }
            if !isDeclared && !isLive {
                // Where the file names it, and the nearest name the file or the platform has.
                let candidates = declared.filter { $0.address.key.first == ext || $0.address.key.first?.hasPrefix("group:") == true }.compactMap(\.address.key.last)
                    + (visible[userID] ?? []).compactMap { $0["name"]?.string }
                let where_ = rule.node?["schedule"].map { "\($0.mark): \(rule.path).schedule: " } ?? ""
                let hint = Suggestion.closest(to: name, in: candidates).map { "; did you mean \"\($0)\"?" } ?? ""
                throw PlatformError(address: rule.address.description,
                                    message: "\(where_)schedule \"\(name)\" exists nowhere: not declared for abonent \(ext) or a group, and not live\(hint)")
            }
        }
    }
}
