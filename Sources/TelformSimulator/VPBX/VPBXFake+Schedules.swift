import TelformCore

/// Schedules, api-docs/001 section 4.12.
extension VPBXFake {
    static let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// The schedules an abonent sees: its own and its group's.
    func visibleSchedules(toAbonent abonent: JSONNode) -> [JSONNode] {
        let user = abonent["userId"]?.int
        let group = abonent["groupId"]?.int
        return schedules.filter { s in
            (s["type"]?.string == "abonent" && s["ownerId"]?.int == user) || (s["type"]?.string == "group" && group != nil && s["ownerId"]?.int == group)
        }
    }

    static func published(_ schedule: JSONNode) -> JSONNode {
        .object((schedule.pairs ?? []).filter { $0.0 != "ownerId" })
    }

    func schedulesRoute(method: String, owner: String, id: String, body: JSONNode?, query: [String: String], path: String) -> HTTPResponse {
        guard owner == "abonent" || owner == "group" else { return Self.error(404, "No handler for \(path)", path) }
        let ownerNode = owner == "abonent" ? abonent(id) : group(id)
        guard let ownerNode, let ownerID = owner == "abonent" ? ownerNode["userId"]?.int : ownerNode["id"]?.int else {
            return Self.error(404, "\(owner == "abonent" ? "Abonent" : "Group") \(id) not found", path)
        }
        switch method {
        case "GET" where owner == "abonent":
            let visible = visibleSchedules(toAbonent: ownerNode).map(Self.published)
            // The document's example answers one schedule as an object, not a list.
            return .json(200, visible.count == 1 ? visible[0] : .array(visible))
        case "POST":
            guard let body else { return Self.error(400, "Required request body is missing", path) }
            if let problem = Self.scheduleProblem(body) { return Self.error(400, problem, path) }
            let schedule = JSONNode.object([
                ("recordId", .int(newID())), ("name", body["name"] ?? .null), ("notBeRemoved", .bool(false)), ("type", .string(owner)),
                ("ownerId", .int(ownerID)), ("workDaysRules", body["workDaysRules"] ?? .array([])),
                ("holidaysRules", body["holidaysRules"] ?? .array([])), ("excludedDaysRules", body["excludedDaysRules"] ?? .array([])),
            ])
            schedules.append(schedule)
            return .json(200, Self.published(schedule))
        case "PUT", "DELETE":
            // A delete's record: the document shows no body for DELETE (4.12.6-7); it is read
            // from the query, or from a body as PUT sends it.
            let queried = query["recordId"].flatMap { Int64($0) }
            guard let recordID = (method == "DELETE" ? queried : nil) ?? body?["recordId"]?.int else { return Self.error(400, "recordId is required", path) }
            guard let index = schedules.firstIndex(where: { $0["recordId"]?.int == recordID && $0["type"]?.string == owner && $0["ownerId"]?.int == ownerID })
            else {
                return Self.error(404, "Schedule \(recordID) not found", path)
            }
            if method == "DELETE" { return deleteSchedule(at: index, path: path) }
            guard let body else { return Self.error(400, "Required request body is missing", path) }
            if let problem = Self.scheduleProblem(body) { return Self.error(400, problem, path) }
            // "список событий при обновлении передается полностью": the lists are replaced whole.
            var schedule = schedules[index]
            for key in ["name", "workDaysRules", "holidaysRules", "excludedDaysRules"] {
                schedule = schedule.setting(key, body[key] ?? .array([]))
            }
            schedules[index] = schedule
            return .json(200, Self.published(schedule))
        default:
            return Self.error(405, "Request method '\(method)' is not supported", path)
        }
    }

    func deleteSchedule(at index: Int, path: String) -> HTTPResponse {
        let schedule = schedules[index]
        let recordID = schedule["recordId"]?.int
        if schedule["notBeRemoved"]?.bool == true {
            return Self.error(400, "Schedule \"\(schedule["name"]?.string ?? "")\" is preset (notBeRemoved) and cannot be removed", path)
        }
        // Not in the document: a schedule a redirect rule still uses cannot go (as a portal keeps
        // its references whole); it makes the order telform must keep visible.
        for (user, lists) in findMe {
            for rule in lists["redirectRules"] ?? [] where rule["scheduleId"]?.int == recordID && recordID != nil {
                return Self.error(
                    400, "Schedule \"\(schedule["name"]?.string ?? "")\" is used by find-me rule \"\(rule["ruleName"]?.string ?? "")\" of abonent \(user)", path
                )
            }
        }
        schedules.remove(at: index)
        return HTTPResponse(status: 200)
    }

    /// What is wrong with a schedule body, if anything.
    static func scheduleProblem(_ body: JSONNode) -> String? {
        guard let name = body["name"]?.string, !name.isEmpty else { return "name: must not be empty" }
        for (index, rule) in (body["workDaysRules"]?.array ?? []).enumerated() {
            let allDay = rule["allDayEvent"]?.bool ?? false
            for key in ["startTime", "endTime"] {
                let value = rule[key]
                if value == nil || value?.isNull == true {
                    if !allDay && key == "startTime" { return "workDaysRules[\(index)].startTime: must not be null" }
                    continue
                }
                guard let text = value?.string, time(text) != nil else { return "workDaysRules[\(index)].\(key): expected HH-MM" }
            }
            for day in days where rule[day] != nil && rule[day]?.bool == nil {
                return "workDaysRules[\(index)].\(day): expected true or false"
            }
        }
        for (index, rule) in (body["holidaysRules"]?.array ?? []).enumerated() where date(rule["startDate"]?.string) == nil {
            return "holidaysRules[\(index)].startDate: expected DD-MM-YYYY"
        }
        for (index, rule) in (body["excludedDaysRules"]?.array ?? []).enumerated() {
            if date(rule["startDate"]?.string) == nil { return "excludedDaysRules[\(index)].startDate: expected DD-MM-YYYY" }
            for key in ["startTime", "endTime"] where rule[key]?.string.flatMap(time) == nil {
                return "excludedDaysRules[\(index)].\(key): expected HH-MM"
            }
        }
        return nil
    }

    /// `HH-MM`, as every write example in the document spells a time (4.12.2-5); minutes
    /// since midnight. Reads may show `HH:MM` (a seed keeps what it was given).
    static func time(_ text: String) -> Int? {
        guard text.count == 5, Array(text)[2] == "-" else { return nil }
        return ClockTime.minutes(text.replacingOccurrences(of: "-", with: ":"))
    }

    /// `DD-MM-YYYY`.
    static func date(_ text: String?) -> CalendarDate? {
        guard let parts = text?.split(separator: "-"), parts.count == 3 else { return nil }
        return CalendarDate("\(parts[2])-\(parts[1])-\(parts[0])")
    }
}
