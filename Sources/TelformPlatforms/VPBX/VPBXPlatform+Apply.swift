import TelformCore

/// Changes → VPBX calls.
extension VPBXPlatform {
    public func apply(_ change: Change, live: LiveState) async throws {
        do {
            switch change.address.kind {
            case "schedules": try await applySchedule(change, live: live)
            case "find_me": try await applyRule(change, live: live)
            default: throw PlatformError(address: change.address.description, message: "unknown kind")
            }
        } catch {
            throw PlatformError.at(change.address.description, error)
        }
    }

    /// Where a declared schedule lives: `abonent/<userId>` or `group/<groupId>`, and who can read it.
    func schedulePath(_ resource: Resource, live: LiveState) throws -> (path: String, type: String, reader: String) {
        if let ext = resource.fields["abonent"]?.string, let id = live.lookups["abonent:\(ext)"] {
            return ("abonent/\(id)", "abonent", id)
        }
        if let name = resource.fields["group"]?.string, let id = live.lookups["group:\(name)"], let reader = live.lookups["reader:\(name)"] {
            return ("group/\(id)", "group", reader)
        }
        throw PlatformError(address: resource.address.description, message: "its owner was not resolved")
    }

    func applySchedule(_ change: Change, live: LiveState) async throws {
        switch change.action {
        case .create:
            guard let desired = change.desired else { return }
            let (path, type, reader) = try schedulePath(desired, live: live)
            let name = desired.fields["name"]?.string ?? ""
            _ = try await client.call("POST", "/api/schedules/\(path)", Self.scheduleBody(desired, recordID: nil), .create(readBack: { [client] in
                let found = try await client.schedules(visibleTo: reader).first { $0["name"]?.string == name && $0["type"]?.string == type }
                return found.map { .json(200, $0) }
            }))
        case .update:
            guard let desired = change.desired, let (path, record) = Self.split(live.ids[change.address]) else { return }
            _ = try await client.call("PUT", "/api/schedules/\(path)", Self.scheduleBody(desired, recordID: record))
        case .delete, .replace:
            guard let (path, record) = Self.split(live.ids[change.address]) else { return }
            // **Reading:** the document shows a delete with neither a query nor a body (4.12.6-7);
            // the record is named in both, so a server reading either finds it.
            do {
                _ = try await client.call("DELETE", "/api/schedules/\(path)?recordId=\(record)", .object([("recordId", .int(record))]))
            } catch let error as VPBXAPIError where error.status == 400 || error.status == 409 {
                // A known fix: a schedule still used by a rule the file does not plan (a user it
                // does not declare) cannot go; telform only orders the rules it reads.
                throw PlatformError(address: change.address.description, message: error.description
                    + "; if a find-me rule of a user this file does not declare still uses the schedule, declare that user's find_me (its rules are then planned before the delete) or set prune: {schedules: false} on provider \(provider.name)").caused(by: error)
            }
            if change.action == .replace, let desired = change.desired {
                let (path, _, _) = try schedulePath(desired, live: live)
                _ = try await client.call("POST", "/api/schedules/\(path)", Self.scheduleBody(desired, recordID: nil))
            }
        }
    }

    /// `abonent/<userId>/<recordId>` → (`abonent/<userId>`, recordId).
    static func split(_ id: String?) -> (String, Int64)? {
        guard let id, let slash = id.lastIndex(of: "/"), let record = Int64(id[id.index(after: slash)...]) else { return nil }
        return (String(id[..<slash]), record)
    }

    /// The full schedule body: every list is sent whole (4.12.5).
    static func scheduleBody(_ desired: Resource, recordID: Int64?) -> JSONNode {
        var pairs: [(String, JSONNode)] = []
        if let recordID { pairs.append(("recordId", .int(recordID))) }
        pairs.append(("name", .string(desired.fields["name"]?.string ?? "")))
        let workDays = (desired.fields["work_days"]?.list ?? []).map { day -> JSONNode in
            let days = VPBXCanonical.days(day["days"])
            var rule: [(String, JSONNode)]
            if day["all_day"]?.bool == true {
                rule = [("startTime", .string("00-00")), ("endTime", .string("23-59")), ("allDayEvent", .bool(true))]
            } else {
                rule = [("startTime", .string(Self.wireTime(day["from"]?.string))), ("endTime", .string(Self.wireTime(day["to"]?.string))), ("allDayEvent", .bool(false))]
            }
            for (index, name) in VPBXCanonical.wireDays.enumerated() { rule.append((name, .bool(days.contains(index)))) }
            return .object(rule)
        }
        pairs.append(("workDaysRules", .array(workDays)))
        pairs.append(("holidaysRules", .array((desired.fields["holidays"]?.list ?? []).compactMap(\.string).map {
            .object([("startDate", .string(VPBXCanonical.wireDate($0)))])
        })))
        pairs.append(("excludedDaysRules", .array((desired.fields["extra_workdays"]?.list ?? []).map { day in
            .object([("startDate", .string(VPBXCanonical.wireDate(day["date"]?.string ?? ""))), ("startTime", .string(Self.wireTime(day["from"]?.string))),
                     ("endTime", .string(Self.wireTime(day["to"]?.string)))])
        })))
        return .object(pairs)
    }

    /// **Reading:** every write example in the document spells a time `HH-MM` (4.12.2-5;
    /// reads may show `HH:MM`, and both are read): `09:00` is sent as `09-00`.
    static func wireTime(_ time: String?) -> String {
        (time ?? "").replacingOccurrences(of: ":", with: "-")
    }

    func applyRule(_ change: Change, live: LiveState) async throws {
        guard let ext = change.address.key.first, let type = change.address.key.dropFirst().first,
              let userID = live.lookups["abonent:\(ext)"] else {
            throw PlatformError(address: change.address.description, message: "its user was not resolved")
        }
        let base = "/api/findMe/\(userID)/\(type)"
        switch change.action {
        case .create:
            guard let desired = change.desired else { return }
            let body = try await ruleBody(desired, userID: userID, id: nil, liveNumbers: [])
            let name = desired.address.key.last ?? ""
            _ = try await client.call("POST", base, body, .create(readBack: { [client] in
                let rules = try await client.findMe(userID)["\(type)Rules"]?.array ?? []
                return rules.first { $0["ruleName"]?.string == name }.map { .json(200, $0) }
            }))
        case .update:
            guard let desired = change.desired, let id = live.ids[change.address].flatMap({ Self.split($0)?.1 }) else { return }
            // Numbers that stay keep their ruleId, so the platform edits rather than recreates them.
            let current = try await client.findMe(userID)["\(type)Rules"]?.array?.first { $0["id"]?.int == id }
            let body = try await ruleBody(desired, userID: userID, id: id, liveNumbers: current?["ruleNumbers"]?.array ?? [])
            _ = try await client.call("PUT", "\(base)/\(id)", body)
        case .delete, .replace:
            guard let id = live.ids[change.address].flatMap({ Self.split($0)?.1 }) else { return }
            _ = try await client.call("DELETE", "\(base)/\(id)")
            if change.action == .replace, let desired = change.desired {
                _ = try await client.call("POST", base, try await ruleBody(desired, userID: userID, id: nil, liveNumbers: []))
            }
        }
    }

    func ruleBody(_ desired: Resource, userID: String, id: Int64?, liveNumbers: [JSONNode]) async throws -> JSONNode {
        let fields = desired.fields
        func text(_ name: String) -> JSONNode { fields[name]?.string.map(JSONNode.string) ?? .null }
        var pairs: [(String, JSONNode)] = []
        if let id { pairs.append(("id", .int(id))) }
        pairs.append(("ruleName", text("name")))
        pairs.append(("calledNumber", text("called_number")))
        if fields["type"]?.string == "redirect" {
            pairs += [("alwaysRedirect", text("always")), ("ifBusyRedirect", text("if_busy")), ("ifNoAnswerRedirect", text("if_no_answer")),
                      // **Reading:** ifNoAnswerTimeout is sent as an integer or null.
                      ("ifNoAnswerTimeout", fields["no_answer_rings"]?.int.map(JSONNode.int) ?? .null),
                      ("ifNoAccessRedirect", text("if_unreachable")), ("conditional", text("conditional"))]
            var scheduleID: JSONNode = .null
            if let name = fields["schedule"]?.string {
                // Looked up now: the schedule may have been created moments ago by this apply.
                let visible = try await client.schedules(visibleTo: userID)
                let match = visible.first { $0["name"]?.string == name && $0["type"]?.string == "abonent" }
                    ?? visible.first { $0["name"]?.string == name }
                guard let record = match?["recordId"]?.int else {
                    throw PlatformError(address: desired.address.description, message: "schedule \"\(name)\" is not available to this abonent")
                }
                scheduleID = .int(record)
            }
            // **Reading:** the create example spells `schedudyId` (4.11.2), update and GET
            // `scheduleId` (4.11.3): both are sent, so a server reading either spelling sees it.
            pairs.append(("scheduleId", scheduleID))
            pairs.append(("schedudyId", scheduleID))
        } else {
            var unused = liveNumbers
            let numbers = (fields["numbers"]?.list ?? []).map { number -> JSONNode in
                var entry: [(String, JSONNode)] = []
                let text = number["number"]?.string ?? ""
                if let index = unused.firstIndex(where: { $0["number"]?.string == text }), let ruleID = unused[index]["ruleId"]?.int {
                    entry.append(("ruleId", .int(ruleID)))
                    unused.remove(at: index)
                }
                entry.append(("number", .string(text)))
                entry.append(("status", .bool(number["active"]?.bool ?? true)))
                entry.append(("name", number["name"]?.string.map(JSONNode.string) ?? .null))
                if fields["type"]?.string == "sequential" { entry.append(("timeout", number["rings"]?.int.map(JSONNode.int) ?? .null)) }
                return .object(entry)
            }
            if fields["type"]?.string == "sequential" { pairs.append(("continueSearchIfBusy", .bool(fields["continue_if_busy"]?.bool ?? false))) }
            pairs.append(("ruleNumbers", .array(numbers)))
        }
        return .object(pairs)
    }
}
