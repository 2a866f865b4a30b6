import Foundation
import TelformCore

/// The Premedia endpoint: prompts and account settings (3055-3815), premedia follow-me
/// (3815-4040) and the Global Black List (4170-4400).
extension MTTFake {
    static let premediaDenied = record(
        -32002, "Permission denied", "C_PERMISSION_DENIED", "common\\models\\premedia\\api\\Account",
        "You don't have access to this common\\models\\premedia\\api\\Account «». ")

    func premedia(_ method: String, _ params: JSONNode, customer: String) throws -> JSONNode {
        let ok = JSONNode.object([("success", .bool(true))])
        switch method {
        case "createCustomerPrompt", "getCustomerPrompts", "deleteCustomerPrompt":
            let name = Self.text(params["customer_name"]) ?? ""
            // The document answers an unknown customer with -32601 here.
            guard name == customer, customers[name] != nil else {
                throw Self.notFound("customer_name", name, code: method == "createCustomerPrompt" ? -32601 : -32001)
            }
            return try prompts(method, params, customer: name)
        case "updatePremediaAccountSettings":
            let sip = try account(Self.text(params["sip_id"]), customer: customer, denied: Self.premediaDenied)
            let scenario = Self.text(params["scenario_id"]) ?? ""
            guard let id = Int64(scenario), (1...3).contains(id) else { throw Self.notFound("scenario_id", scenario) }
            if let answer = params["answer"], !answer.isNull {
                let value = Self.text(answer) ?? (answer.bool.map { $0 ? "1" : "0" } ?? "?")
                guard value == "0" || value == "1" else {
                    throw Self.invalid("V_VALUE_NOT_IN_LIST", "answer", "answer \(value) must be one of those valid values 0,1.")
                }
                accounts[sip]?.answer = value == "1"
            }
            accounts[sip]?.scenario = id
            accounts[sip]?.premedia = true
            return ok
        case "setAccountPrompt", "unsetAccountPrompt":
            let sip = try account(Self.text(params["sip_id"]), customer: customer, denied: Self.premediaDenied)
            let side = params["side"]?.string ?? ""
            guard side == "A" || side == "B" else {
                throw Self.invalid("V_VALUE_NOT_IN_LIST", "side", "side \(side) must be one of those valid values A, B.")
            }
            var prompt: String?
            if method == "setAccountPrompt" {
                let name = Self.text(params["prompt_name"]) ?? ""
                guard customers[customer]?.prompts.contains(where: { $0["name"]?.string == name }) == true else { throw Self.notFound("prompt_name", name) }
                prompt = name
            }
            if side == "A" { accounts[sip]?.aPrompt = prompt } else { accounts[sip]?.bPrompt = prompt }
            return ok
        case "getPremediaAccountSettings":
            let sip = try account(Self.text(params["sip_id"]), customer: customer, denied: Self.premediaDenied)
            guard let a = accounts[sip] else { throw Self.notFound("sip_id", sip) }
            guard a.premedia else { throw Self.noPremedia }
            func binding(_ name: String?) -> JSONNode {
                guard let name, let prompt = customers[customer]?.prompts.first(where: { $0["name"]?.string == name }) else { return .null }
                return .object([("id", prompt["id"] ?? .null), ("name", .string(name))])
            }
            return .object([
                ("sip_id", .string(sip)), ("answer", .bool(a.answer)), ("diversion", .bool(true)), ("scenario_id", .int(a.scenario)),
                ("scenario_name", .string("Premedia \(a.scenario)")),
                ("prompts", .object([("a_prompt", binding(a.aPrompt)), ("b_prompt", binding(a.bPrompt))])),
            ])
        case "setFollowme":
            let sip = try account(Self.text(params["sip_id"]), customer: customer, denied: Self.premediaDenied)
            let sequence = params["sequence"]?.string ?? "Order"
            guard ["Order", "Random", "Simultaneous"].contains(sequence) else {
                throw Self.invalid("V_VALUE_NOT_IN_LIST", "sequence", "sequence \(sequence) must be one of those valid values Order, Random, Simultaneous.")
            }
            let callerID = params["caller_id"]?.string ?? ""
            if !callerID.isEmpty && !TextPattern("^7[0-9]{10}$").matches(callerID) {
                throw Self.invalid("V_REGEX_DO_NOT_MATCH", "caller_id", "The caller_id property must match regular expression /^7\\d{10}$/.")
            }
            let entries = (params["followmeStructure"]?.array ?? []).enumerated().map { index, entry -> JSONNode in
                .object([
                    ("redirect_number", .string(Self.text(entry["redirect_number"]) ?? "")), ("name", .string(entry["name"]?.string ?? "")),
                    ("active", .string(entry["active"]?.string ?? "Y")), ("follow_order", .string(Self.text(entry["follow_order"]) ?? String(index + 1))),
                    ("timeout", .string(Self.text(entry["timeout"]) ?? "15")),
                ])
            }
            accounts[sip]?.forward = .object([("sequence", .string(sequence)), ("caller_id", .string(callerID)), ("followmeStructure", .array(entries))])
            return .object([("success", .int(1))])
        case "getFollowmeAccountSettings":
            let sip = try account(Self.text(params["sip_id"]), customer: customer, denied: Self.premediaDenied)
            guard accounts[sip]?.premedia != false else { throw Self.noPremedia }
            let forward = accounts[sip]?.forward ?? .object([])
            return .object([("sip_id", .string(sip))] + (forward.pairs ?? []))
        case "addGBLRule", "deleteGBLRule":
            let rule = Self.text(params["gbl_rule"]) ?? ""
            guard TextPattern("^[0-9]{5,15}$").matches(rule) else {
                throw Self.invalid("V_REGEX_DO_NOT_MATCH", "gbl_rule", "gbl_rule «\(rule)» is not a phone number.")
            }
            let present = customers[customer]?.gbl.contains(rule) ?? false
            if method == "addGBLRule" {
                guard !present else { throw Self.invalid("V_VALUE_ALREADY_EXISTS", "gbl_rule", "gbl_rule «\(rule)» already exists.") }
                customers[customer]?.gbl.append(rule)
            } else {
                guard present else { throw Self.notFound("gbl_rule", rule) }
                customers[customer]?.gbl.removeAll { $0 == rule }
            }
            return .object([("success", .int(1))])
        case "getGBLRules":
            // The document answers the numbers as JSON numbers, as a bare list in one example
            // and under `gbl_rules` in its field table.
            let numbers = JSONNode.array((customers[customer]?.gbl ?? []).map { Int64($0).map(JSONNode.int) ?? .string($0) })
            return customers[customer]?.gblShape == "object" ? .object([("gbl_rules", numbers)]) : numbers
        default:
            throw Failure(code: -32601, message: "Method not found", data: .string("\(method) is not a method of this endpoint"))
        }
    }

    func prompts(_ method: String, _ params: JSONNode, customer: String) throws -> JSONNode {
        switch method {
        case "getCustomerPrompts":
            return .object([("prompts_list", .array(customers[customer]?.prompts ?? []))])
        case "createCustomerPrompt":
            var name = params["prompt_name"]?.string ?? ""
            let type = params["prompt_type"]?.string ?? "file"
            let contents = params["prompt_file_contents"]?.string ?? ""
            let fileID: String
            if type == "text" {
                // The platform names text prompts TTS_<name>.mp3 itself.
                if name.hasSuffix(".mp3") { name.removeLast(4) }
                name = "TTS_\(name).mp3"
                fileID = String(SHA256.hex(contents).prefix(32))
            } else if type == "file" {
                guard name.lowercased().hasSuffix(".mp3") else {
                    throw Self.invalid("V_VALUE_INVALID", "prompt_name", "prompt_name «\(name)» must have the mp3 extension.")
                }
                guard let bytes = Data(base64Encoded: contents), Self.looksLikeMP3(Array(bytes)) else {
                    throw Self.invalid("V_VALUE_INVALID", "prompt_file_contents", "prompt_file_contents is not a base64 mp3 file.")
                }
                fileID = String(SHA256.hex(Array(bytes)).prefix(32))
            } else {
                throw Self.invalid("V_VALUE_NOT_IN_LIST", "prompt_type", "prompt_type \(type) must be one of those valid values file, text.")
            }
            guard !name.isEmpty else { throw Self.invalid("V_VALUE_REQUIRED", "prompt_name", "prompt_name is required.") }
            if customers[customer]?.prompts.contains(where: { $0["name"]?.string == name }) == true {
                throw Self.invalid("V_VALUE_ALREADY_EXISTS", "prompt_name", "prompt_name «\(name)» already exists.")
            }
            let id = customers[customer]?.nextPromptID ?? 1
            customers[customer]?.nextPromptID = id + 1
            customers[customer]?.prompts.append(.object([("id", .int(id)), ("name", .string(name)), ("file_id", .string(fileID))]))
            return .object([("success", .bool(true))])
        default:
            let name = params["prompt_name"]?.string ?? ""
            guard customers[customer]?.prompts.contains(where: { $0["name"]?.string == name }) == true else { throw Self.notFound("prompt_name", name) }
            if let user = accounts.sorted(by: { $0.key < $1.key }).first(where: { $0.value.aPrompt == name || $0.value.bPrompt == name }) {
                throw Self.invalid("V_VALUE_IN_USE", "prompt_name", "prompt_name «\(name)» is bound to sip_id «\(user.key)».")
            }
            customers[customer]?.prompts.removeAll { $0["name"]?.string == name }
            return .object([("success", .bool(true))])
        }
    }

    /// An ID3 tag or an MPEG audio frame sync.
    static func looksLikeMP3(_ bytes: [UInt8]) -> Bool {
        if bytes.count >= 3, bytes[0] == 0x49, bytes[1] == 0x44, bytes[2] == 0x33 { return true }
        return bytes.count >= 2 && bytes[0] == 0xFF && (bytes[1] & 0xE0) == 0xE0
    }
}
