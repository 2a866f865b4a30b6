import TelformCore

/// Live reads of every MTT kind, in the scopes the file declares.
extension MTTPlatform {
    public func read(kinds: [String], desired: [Resource]) async throws -> LiveState {
        var state = LiveState()
        func declared(_ kind: String) -> [Resource] { desired.filter { $0.address.kind == kind } }
        for kind in kinds {
            do {
                switch kind {
                case "follow_me": state.resources += try await perAccount(declared(kind), Self.readFollowMe)
                case "prompts": try await readPrompts(desired: declared(kind).map(canonical), into: &state)
                case "premedia": state.resources += try await perAccount(declared(kind), Self.readPremedia)
                case "blacklist": try await readBlacklist(into: &state)
                case "call_control": state.resources += try await perAccount(declared(kind), Self.readCallControl)
                case "callback_follow_me": try await readCallBack(into: &state)
                default: break
                }
            } catch {
                throw PlatformError.at("\(provider.name)/\(kind)", error)
            }
        }
        return state
    }

    /// One read per declared account, at most four at a time.
    func perAccount(_ declared: [Resource], _ read: @escaping @Sendable (MTTPlatform, Address) async throws -> Resource?) async throws -> [Resource] {
        let platform = self
        return try await BoundedConcurrency.map(declared.map(\.address)) { try await read(platform, $0) }.compactMap { $0 }
    }

    func address(_ kind: String, _ key: String) -> Address {
        Address(provider: provider.name, kind: kind, key: [key])
    }

    static func readFollowMe(_ platform: MTTPlatform, _ address: Address) async throws -> Resource? {
        let sip = address.key[0]
        let result: JSONNode
        do {
            result = try await platform.classic.call("getFollowme", .array([.string(sip)]))
        } catch let error as JSONRPCError where error.code == -32001 && error.message == "No followMe on this account" {
            return nil    // an empty chain: nothing live
        }
        let entries = (result["followme_struct"]?.array?.last?.array ?? []).sorted {
            (Int(MTTPlatform.text($0["I_FOLLOW_ORDER"]).string ?? "") ?? 0) < (Int(MTTPlatform.text($1["I_FOLLOW_ORDER"]).string ?? "") ?? 0)
        }
        let chain: [Value] = entries.map { e in
            .object(["number": Self.text(e["REDIRECT_NUMBER"]), "name": Self.text(e["NAME"]), "timeout": Self.number(e["TIMEOUT"]),
                     "active": Self.yesNo(e["ACTIVE"]), "period": .string(PeriodSet.canonical(.string(e["PERIOD"]?.string ?? "always")))])
        }
        guard !chain.isEmpty else { return nil }
        return Resource(address: address, fields: ["sip_id": .string(sip), "chain": .list(chain)])
    }

    func readPrompts(desired: [Resource], into state: inout LiveState) async throws {
        let result = try await premedia.call("getCustomerPrompts", .object([("customer_name", .string(customer))]))
        let wanted = Set(desired.compactMap { $0.fields["live_name"]?.string })
        var claimed = Set<String>()
        // Several versions of one name: the one the file wants (or else the first) keeps the
        // name as its key; the others are keyed by their live names, and so pruned.
        let items = try WireShape.list(result["prompts_list"], "getCustomerPrompts").compactMap { $0["name"]?.string }
        for live in items.sorted(by: { (wanted.contains($0) ? 0 : 1, $0) < (wanted.contains($1) ? 0 : 1, $1) }) {
            let parsed = Self.parseLiveName(live)
            let key = parsed.addressed && !claimed.contains(parsed.name) ? parsed.name : live
            claimed.insert(key)
            state.resources.append(Resource(address: address("prompts", key), fields: [
                "name": .string(key), "type": .string(parsed.type), "live_name": .string(live),
            ]))
            state.ids[address("prompts", key)] = live
        }
    }

    static func readPremedia(_ platform: MTTPlatform, _ address: Address) async throws -> Resource? {
        let sip = address.key[0]
        let premedia = platform.premedia
        let settings: JSONNode
        do {
            settings = try await premedia.call("getPremediaAccountSettings", .object([("sip_id", .string(sip))]))
        } catch let error as JSONRPCError where Self.nothingConfigured(error) {
            return nil    // an account without Premedia: nothing live
        }
        let scenarios: [Int64: String] = [1: "a", 2: "b", 3: "both"]
        var fields: [String: Value] = [
            "sip_id": .string(sip),
            "scenario": Self.number(settings["scenario_id"]).int.flatMap { scenarios[$0] }.map(Value.string) ?? .null,
            "answer": .bool(settings["answer"]?.bool ?? (settings["answer"]?.int == 1)),
            "prompt_a": Self.text(settings["prompts"]?["a_prompt"]?["name"]),
            "prompt_b": Self.text(settings["prompts"]?["b_prompt"]?["name"]),
        ]
        let forward: JSONNode
        do {
            forward = try await premedia.call("getFollowmeAccountSettings", .object([("sip_id", .string(sip))]))
        } catch let error as JSONRPCError where Self.nothingConfigured(error) {
            forward = .object([])    // no forward configured
        }
        let chain: [Value] = (forward["followmeStructure"]?.array ?? []).sorted {
            (Self.number($0["follow_order"]).int ?? 0) < (Self.number($1["follow_order"]).int ?? 0)
        }.map { e in
            .object(["number": Self.text(e["redirect_number"]), "name": Self.text(e["name"]), "timeout": Self.number(e["timeout"]),
                     "active": Self.yesNo(e["active"])])
        }
        if !chain.isEmpty {
            fields["forward"] = .object(["sequence": .string((forward["sequence"]?.string ?? "Order").lowercased()),
                                         "caller_id": Self.text(forward["caller_id"]), "chain": .list(chain)])
        }
        return Resource(address: address, fields: fields)
    }

    func readBlacklist(into state: inout LiveState) async throws {
        // **Reading:** numbers come as JSON numbers or strings; compared as digit strings.
        for item in try Self.blacklistRules(try await premedia.call("getGBLRules", .object([]))) {
            guard case .string(let number) = Self.text(item) else { continue }
            state.resources.append(Resource(address: address("blacklist", number), fields: ["number": .string(number)]))
        }
    }

    /// **Reading:** "Data not found" (-32001) with a reason that names no parameter ("No
    /// followMe on this account", "Followme not found", "No Premedia on this account") is the
    /// platform saying that nothing is configured; one naming a parameter ("sip_id «…» not
    /// found.") is a real error.
    static func nothingConfigured(_ error: JSONRPCError) -> Bool {
        error.code == -32001 && !error.message.contains("«") && error.message != "Data not found"
    }

    /// **Reading:** `getGBLRules` answers a bare list in one example and `{gbl_rules: [...]}`
    /// in another: both are read; anything else is an error (never an empty blacklist).
    static func blacklistRules(_ result: JSONNode) throws -> [JSONNode] {
        if let list = result.array { return list }
        return try WireShape.list(result["gbl_rules"], "getGBLRules")
    }

    static func readCallControl(_ platform: MTTPlatform, _ address: Address) async throws -> Resource? {
        let sip = address.key[0]
        let result = try await platform.classic.call("getAccountCustomFields", .object([("sip_id", .string(sip))]))
        let fields = result["account_custom_fields"]
        let url = Self.text(fields?["GN_IP_IPCR"]), reserve = Self.text(fields?["GN_IPCR_RESERVE"])
        guard url != .null || reserve != .null else { return nil }
        return Resource(address: address, fields: ["sip_id": .string(sip), "url": url, "reserve_number": reserve])
    }

    func readCallBack(into state: inout LiveState) async throws {
        let result: JSONNode
        do {
            result = try await classic.call("getCallBackFollowme", .object([("customer_name", .string(customer))]))
        } catch let error as JSONRPCError where error.code == -32001 {
            return
        }
        var chain: [Value] = [], messages: [Value] = []
        let entries = (result["callBackFollowmeStruct"]?.array ?? []).sorted { (Self.number($0["order"]).int ?? 0) < (Self.number($1["order"]).int ?? 0) }
        for entry in entries {
            let type = (entry["type"]?.string ?? "").lowercased()
            if let side = entry["side"]?.string, type == "text" || type == "file" {
                messages.append(.object(["side": .string(side), type: Self.text(entry["value"])]))
            } else {
                // **Reading:** the document spells linear "Lineral" and "linal"; all read as linear.
                chain.append(.object(["number": Self.text(entry["redirect_number"]), "name": Self.text(entry["name"]),
                                      "timeout": Self.number(entry["timeout"]), "queue": .string(type == "ringall" ? "ringall" : "linear")]))
            }
        }
        let address = address("callback_follow_me", customer)
        state.resources.append(Resource(address: address, fields: [
            "caller_id": Self.text(result["caller_id"]), "default_b_number": Self.text(result["defaultBNumber"]),
            "chain": .list(chain), "messages": .list(messages),
        ]))
    }
}
