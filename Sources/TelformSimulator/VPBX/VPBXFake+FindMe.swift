import TelformCore

/// Find-me rules, api-docs/001 section 4.11.
extension VPBXFake {
    func findMeRoute(method: String, parts: [String], body: JSONNode?, path: String) -> HTTPResponse {
        guard let user = abonent(parts[0]), let userID = user["userId"]?.int else {
            return Self.error(404, "Abonent \(parts[0]) not found", path)
        }
        if parts.count == 1 {
            guard method == "GET" else { return Self.error(405, "Request method '\(method)' is not supported", path) }
            let lists = findMe[userID] ?? [:]
            return .json(200, .object(["parallelRules", "sequentialRules", "redirectRules"].map { ($0, .array(lists[$0] ?? [])) }))
        }
        guard let list = Self.ruleLists[parts[1]] else { return Self.error(404, "Unknown rule type \(parts[1])", path) }
        var rules = findMe[userID]?[list] ?? []
        switch (method, parts.count) {
        case ("POST", 2):
            guard let body else { return Self.error(400, "Required request body is missing", path) }
            if let problem = ruleProblem(body, type: parts[1], user: user, creating: true) { return Self.error(400, problem, path) }
            let rule = stored(body, type: parts[1], id: newID(), previous: nil, creating: true)
            rules.append(rule)
            findMe[userID, default: [:]][list] = rules
            return .json(200, rule)
        case ("PUT", 3), ("DELETE", 3):
            guard let id = Int64(parts[2]), let index = rules.firstIndex(where: { $0["id"]?.int == id }) else {
                return Self.error(404, "Rule \(parts[2]) not found", path)
            }
            if method == "DELETE" {
                rules.remove(at: index)
                findMe[userID]?[list] = rules
                return HTTPResponse(status: 200)
            }
            guard let body else { return Self.error(400, "Required request body is missing", path) }
            if let problem = ruleProblem(body, type: parts[1], user: user, creating: false) { return Self.error(400, problem, path) }
            let rule = stored(body, type: parts[1], id: id, previous: rules[index], creating: false)
            rules[index] = rule
            findMe[userID]?[list] = rules
            return .json(200, rule)
        default:
            return Self.error(405, "Request method '\(method)' is not supported", path)
        }
    }

    /// The schedule a redirect rule body names. The create example (4.11.2) spells the field
    /// `schedudyId`, update (4.11.3) and GET `scheduleId`: a server built to the document
    /// reads each under its own spelling only.
    static func schedule(_ body: JSONNode, creating: Bool) -> JSONNode? {
        creating ? body["schedudyId"] : body["scheduleId"]
    }

    func ruleProblem(_ body: JSONNode, type: String, user: JSONNode, creating: Bool) -> String? {
        guard let name = body["ruleName"]?.string, !name.isEmpty else { return "ruleName: must not be empty" }
        if name.count > 30 { return "ruleName: length must be at most 30 characters (\(name.count))" }
        if type == "redirect" {
            let schedule = Self.schedule(body, creating: creating)
            if let schedule, !schedule.isNull {
                guard let id = schedule.int, visibleSchedules(toAbonent: user).contains(where: { $0["recordId"]?.int == id }) else {
                    return "scheduleId: schedule \(schedule.compact) is not available to abonent \(user["extension"]?.string ?? "")"
                }
            }
            if let timeout = body["ifNoAnswerTimeout"], !timeout.isNull, timeout.int == nil, timeout.string != "" {
                return "ifNoAnswerTimeout: expected a number of rings"
            }
            return nil
        }
        let numbers = body["ruleNumbers"]?.array ?? []
        // "ограничение 10 правил на один тип маршрутизации": read as ten numbers per rule.
        if numbers.count > 10 { return "ruleNumbers: at most 10 numbers per rule (\(numbers.count))" }
        for (index, number) in numbers.enumerated() {
            guard let text = number["number"]?.string, !text.isEmpty else { return "ruleNumbers[\(index)].number: must not be empty" }
            if let status = number["status"], status.bool == nil { return "ruleNumbers[\(index)].status: expected true or false" }
        }
        return nil
    }

    /// The rule as kept: server ids, numbers' `ruleId`s kept when sent, new ones assigned.
    func stored(_ body: JSONNode, type: String, id: Int64, previous: JSONNode?, creating: Bool) -> JSONNode {
        var pairs: [(String, JSONNode)] = [("id", .int(id)), ("ruleName", body["ruleName"] ?? .null), ("calledNumber", body["calledNumber"] ?? .null)]
        switch type {
        case "redirect":
            for key in ["alwaysRedirect", "ifBusyRedirect", "ifNoAnswerRedirect", "ifNoAnswerTimeout", "ifNoAccessRedirect", "conditional"] {
                pairs.append((key, body[key] ?? .null))
            }
            pairs.append(("scheduleId", Self.schedule(body, creating: creating) ?? .null))
        default:
            if type == "sequential" { pairs.append(("continueSearchIfBusy", body["continueSearchIfBusy"] ?? .bool(false))) }
            let known = Set((previous?["ruleNumbers"]?.array ?? []).compactMap { $0["ruleId"]?.int })
            let numbers = (body["ruleNumbers"]?.array ?? []).map { number -> JSONNode in
                var fields: [(String, JSONNode)] = []
                let kept = number["ruleId"]?.int.flatMap { known.contains($0) ? $0 : nil }
                fields.append(("ruleId", .int(kept ?? newID())))
                fields.append(("number", number["number"] ?? .null))
                fields.append(("status", number["status"] ?? .bool(true)))
                fields.append(("name", number["name"] ?? .null))
                if type == "sequential" { fields.append(("timeout", number["timeout"] ?? .null)) }
                return .object(fields)
            }
            pairs.append(("ruleNumbers", .array(numbers)))
        }
        return .object(pairs)
    }
}
