import TelformCore

/// The classic endpoint: follow-me (370-620), CallBack (1250-1590), call control (1590-2160).
extension MTTFake {
    static let classicDenied = Failure(code: -32002, message: "Permission denied", data: .string("You can not access to this sip_id"))

    func classic(_ method: String, _ params: JSONNode, customer: String) throws -> JSONNode {
        switch method {
        case "getFollowme":
            let sip = Self.text(params.array?.first ?? params["sip_id"])
            guard let sip, let account = accounts[sip] else {
                throw Failure(code: -32001, message: "Data not found", data: .string("This account does not exist"))
            }
            guard account.customer == customer else { throw Self.classicDenied }
            guard !account.followme.isEmpty else {
                throw Failure(code: -32001, message: "Data not found", data: .string("No followMe on this account"))
            }
            return .object([
                ("sip_id", .string(sip)), ("i_account", .string(account.iAccount)),
                ("followme_struct", .array([.int(Int64(account.followme.count)), .array(account.followme)])),
            ])
        case "setFollowme":
            guard let items = params.array, items.count == 2, let sip = Self.text(items[0]), let entries = items[1].array else {
                throw Failure(code: -32602, message: "Invalid params", data: .string("params: [sip_id, [followmeStruct]] expected"))
            }
            guard let account = accounts[sip] else { throw Failure(code: -32001, message: "Data not found", data: .string("This account does not exist")) }
            guard account.customer == customer else { throw Self.classicDenied }
            var stored: [JSONNode] = []
            for (index, entry) in entries.enumerated() {
                let number = Self.text(entry["redirect_number"]) ?? ""
                guard TextPattern("^[0-9]{10,15}$").matches(number) else {
                    throw Failure(code: -32602, message: "Invalid params", data: .string("redirect_number \(number) must be E.164 without +"))
                }
                let active = entry["active"]?.string ?? "Y"
                guard active == "Y" || active == "N" else { throw Failure(code: -32602, message: "Invalid params", data: .string("active must be Y or N")) }
                let period = entry["period"]?.string ?? "always"
                guard period == "always" || TextPattern("^([a-z]+\\{[^{}]+\\} ?)+(,([a-z]+\\{[^{}]+\\} ?)+)*$").matches(period) else {
                    throw Failure(code: -32602, message: "Invalid params", data: .string("period \(period) is not a valid period"))
                }
                let order = Self.text(entry["follow_order"]) ?? String(index + 1)
                stored.append(
                    .object([
                        ("I_FOLLOW_ORDER", .string(order)), ("ACTIVE", .string(active)),
                        ("NAME", .string(entry["name"]?.string ?? number)), ("REDIRECT_NUMBER", .string(number)),
                        ("PERIOD", .string(period)), ("PERIOD_DESCRIPTION", .string(entry["period_description"]?.string ?? period)),
                        ("TIMEOUT", .string(Self.text(entry["timeout"]) ?? "15")),
                    ]))
            }
            accounts[sip]?.followme = stored.sorted { (Int($0["I_FOLLOW_ORDER"]?.string ?? "") ?? 0) < (Int($1["I_FOLLOW_ORDER"]?.string ?? "") ?? 0) }
            return .object([("success", .int(1))])
        case "getAccountCustomFields":
            let sip = try account(Self.text(params["sip_id"]), customer: customer, denied: Self.agentDenied)
            let a = accounts[sip]
            return .object([
                (
                    "account_custom_fields",
                    .object([
                        ("GN_IP_IPCR", .string(a?.callControlURL ?? "")),
                        ("GN_IPCR_RESERVE", .string(a?.reserveNumber ?? "")),
                    ])
                ),
                ("i_account", .string(a?.iAccount ?? "")),
            ])
        case "updateCallControlURL":
            let sip = try account(Self.text(params["sip_id"]), customer: customer, denied: Self.agentDenied)
            let url = params["url"]?.string ?? ""
            guard url.isEmpty || TextPattern("^https?://[^\\s]+$").matches(url) else {
                throw Failure(code: -32602, message: "Invalid params", data: .string("url must be an http(s) URL or empty"))
            }
            accounts[sip]?.callControlURL = url
            return .object([("success", .int(1))])
        case "setReserveCallControlNumber":
            let sip = try account(Self.text(params["sip_id"]), customer: customer, denied: Self.agentDenied)
            let number = Self.text(params["number"]) ?? ""
            guard number.isEmpty || TextPattern("^[0-9]{10,15}$").matches(number) else {
                throw Failure(code: -32602, message: "Invalid params", data: .string("number must be E.164 without + or empty"))
            }
            accounts[sip]?.reserveNumber = number
            return .object([("success", .int(1))])
        case "setCallBackFollowme", "getCallBackFollowme", "deleteCallBackFollowme":
            return try callBack(method, params, customer: customer)
        default:
            throw Failure(code: -32601, message: "Method not found", data: .string("\(method) is not a method of this endpoint"))
        }
    }

    static let agentDenied = Failure(code: -32002, message: "Permission denied", data: .string("agent does not have access to this account"))

    func callBack(_ method: String, _ params: JSONNode, customer: String) throws -> JSONNode {
        guard let name = Self.text(params["customer_name"]) else {
            throw Failure(code: -32602, message: "Invalid params", data: .string("customer_name is required"))
        }
        guard name == customer else { throw Failure(code: -32002, message: "Permission denied", data: .string("You can not access to this customer")) }
        let current = customers[name]?.callback
        switch method {
        case "getCallBackFollowme":
            guard let current else { throw Failure(code: -32001, message: "Data not found", data: .string("Followme not found")) }
            return current
        case "deleteCallBackFollowme":
            guard current != nil else { throw Failure(code: -32001, message: "Data not found", data: .string("Followme not found")) }
            customers[name]?.callback = nil
            return .object([("success", .int(1))])
        default:
            if let current, !(current["callBackFollowmeStruct"]?.array ?? []).isEmpty {
                // The document's own refusal: the structure is not overwritten.
                return .object([("error", .int(1)), ("error_description", .string("Side A not clear. Delete before insert"))])
            }
            guard let entries = params["callBackFollowmeStruct"]?.array, !entries.isEmpty else {
                throw Failure(code: -32602, message: "Invalid params", data: .string("Invalid type"))
            }
            if let callerID = params["caller_id"]?.string, !callerID.isEmpty, !TextPattern("^7[0-9]{10}$").matches(callerID) {
                throw Self.invalid("V_REGEX_DO_NOT_MATCH", "caller_id", "The caller_id property must match regular expression /^7\\d{10}$/.")
            }
            customers[name]?.callback = .object([
                ("callBackFollowmeStruct", .array(entries)), ("caller_id", params["caller_id"] ?? .string("")),
                ("defaultBNumber", params["defaultBNumber"] ?? .string("")),
            ])
            return .object([("success", .int(1))])
        }
    }
}
