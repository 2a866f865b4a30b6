import Foundation
import TelformCore

/// Changes → MTT calls.
extension MTTPlatform {
    public func apply(_ change: Change, live: LiveState) async throws {
        do {
            switch change.address.kind {
            case "follow_me": try await applyFollowMe(change)
            case "prompts": try await applyPrompt(change)
            case "premedia": try await applyPremedia(change)
            case "blacklist": try await applyBlacklist(change)
            case "call_control": try await applyCallControl(change)
            case "callback_follow_me": try await applyCallBack(change)
            default: throw PlatformError(address: change.address.description, message: "unknown kind")
            }
        } catch {
            throw PlatformError.at(change.address.description, error)
        }
    }

    /// A repeated add or delete that finds its work done has reached the desired state.
    static func alreadyDone(_ error: Error, _ codes: [String]) -> Bool {
        guard let error = error as? JSONRPCError else { return false }
        return codes.contains { error.message.contains($0) }
    }

    func applyFollowMe(_ change: Change) async throws {
        let sip = change.address.key[0]
        // setFollowme replaces the whole chain. **Reading:** an empty chain is an empty list.
        let chain = change.action == .delete ? [] : (change.desired?.fields["chain"]?.list ?? [])
        let entries: [JSONNode] = chain.enumerated().map { index, entry in
            let period = entry["period"]?.string ?? "always"
            var pairs: [(String, JSONNode)] = [
                ("timeout", .int(entry["timeout"]?.int ?? 15)), ("redirect_number", .string(entry["number"]?.string ?? "")),
                ("name", .string(entry["name"]?.string ?? entry["number"]?.string ?? "")),
                ("active", .string(entry["active"]?.bool == false ? "N" : "Y")),
                ("period", .string(period)), ("period_description", .string(period == "always" ? "Always" : period)),
                ("follow_order", .int(Int64(index + 1))),
            ]
            for key in ["keep_original_cli", "keep_original_cld"] {
                if let value = entry[key]?.string { pairs.append((key, .string(value))) }
            }
            return .object(pairs)
        }
        _ = try await classic.call("setFollowme", .array([.string(sip), .array(entries)]))
    }

    func applyPrompt(_ change: Change) async throws {
        if change.action == .delete {
            guard let old = change.live?.fields["live_name"]?.string else { return }
            do {
                _ = try await premedia.call("deleteCustomerPrompt", .object([("customer_name", .string(customer)), ("prompt_name", .string(old))]))
            } catch where Self.alreadyDone(error, ["not found"]) {
                return
            }
            return
        }
        // create, or the first half of a replace: upload the new version; the old one is
        // deleted by the plan's cleanup change once every binding has moved.
        if let live = change.desired?.fields["live"]?.string {
            throw PlatformError(address: change.address.description, message: "the live prompt \(live) does not exist, and a prompt named by `live` cannot be uploaded; give file or text")
        }
        guard let desired = change.desired, let content = Self.promptContent(desired) else {
            throw PlatformError(address: change.address.description, message: "the prompt's file cannot be read")
        }
        let liveName = content.liveName
        let sentName = content.type == "text" ? String(liveName.dropFirst(4).dropLast(4)) : liveName
        let contents = content.type == "text" ? (desired.fields["text"]?.string ?? "") : Data(content.bytes).base64EncodedString()
        let params = JSONNode.object([("customer_name", .string(customer)), ("prompt_name", .string(sentName)),
                                      ("prompt_type", .string(content.type)), ("prompt_file_contents", .string(contents))])
        do {
            _ = try await premedia.call("createCustomerPrompt", params, .create(readBack: { [premedia, customer] in
                let list = try await premedia.call("getCustomerPrompts", .object([("customer_name", .string(customer))]))
                let found = (list["prompts_list"]?.array ?? []).contains { $0["name"]?.string == liveName }
                return found ? .json(200, .object([("jsonrpc", .string("2.0")), ("id", .string("0")), ("result", .object([("success", .bool(true))]))])) : nil
            }))
        } catch where Self.alreadyDone(error, ["already exists"]) {
            return    // the same content is already there under its content-addressed name
        }
    }

    /// How to repeat a call that sets `fields` of `change`'s resource. The platform refuses
    /// some repeats (a second setCallBackFollowme: "Delete before insert") and a repeat is
    /// never known to be harmless, so when the outcome is unknown (the connection dropped
    /// after sending, a gateway error) the resource is read back: the call is done when those
    /// fields read as desired, and sent again only when they do not.
    func verified(_ change: Change, _ fields: Set<String>, read: @escaping @Sendable (MTTPlatform) async throws -> Resource?) -> Idempotency {
        guard let desired = change.desired, let kind = schema.kind(change.address.kind) else { return .idempotent }
        let platform = self
        return .create(readBack: {
            guard let live = try await read(platform) else { return nil }
            let differing = Diff.fields(desired: desired, live: live, kind: kind).map { String($0.path.split(separator: ".")[0]) }
            guard fields.isDisjoint(with: differing) else { return nil }
            return .json(200, .object([("jsonrpc", .string("2.0")), ("result", .object([("success", .int(1))]))]))
        })
    }

    func applyPremedia(_ change: Change) async throws {
        guard let desired = change.desired else { return }
        let sip = change.address.key[0]
        let changed = Set(change.changedPaths.map { String($0.split(separator: ".")[0]) })
        let everything = change.action == .create
        let scenarios = ["a": 1, "b": 2, "both": 3]
        if everything || changed.contains("scenario") || changed.contains("answer") {
            var params: [(String, JSONNode)] = [("sip_id", .string(sip)),
                                                ("scenario_id", .int(Int64(scenarios[desired.fields["scenario"]?.string ?? "a"] ?? 1)))]
            if let answer = desired.fields["answer"]?.bool { params.append(("answer", .int(answer ? 1 : 0))) }
            _ = try await premedia.call("updatePremediaAccountSettings", .object(params),
                                        verified(change, ["scenario", "answer"]) { try await MTTPlatform.readPremedia($0, change.address) })
        }
        for (field, side) in [("prompt_a", "A"), ("prompt_b", "B")] where everything || changed.contains(field) {
            if let name = desired.fields[field]?.string {
                _ = try await premedia.call("setAccountPrompt", .object([("sip_id", .string(sip)), ("prompt_name", .string(name)), ("side", .string(side))]),
                                            verified(change, [field]) { try await MTTPlatform.readPremedia($0, change.address) })
            } else {
                _ = try await premedia.call("unsetAccountPrompt", .object([("sip_id", .string(sip)), ("side", .string(side))]),
                                            verified(change, [field]) { try await MTTPlatform.readPremedia($0, change.address) })
            }
        }
        if let forward = desired.fields["forward"]?.object, everything || changed.contains("forward") {
            let entries: [JSONNode] = (forward["chain"]?.list ?? []).enumerated().map { index, entry in
                .object([("redirect_number", .string(entry["number"]?.string ?? "")), ("name", .string(entry["name"]?.string ?? "")),
                         ("active", .string(entry["active"]?.bool == false ? "N" : "Y")), ("timeout", .int(entry["timeout"]?.int ?? 15)),
                         ("follow_order", .int(Int64(index + 1)))])
            }
            var params: [(String, JSONNode)] = [("sip_id", .string(sip)), ("sequence", .string((forward["sequence"]?.string ?? "order").capitalized))]
            if let callerID = forward["caller_id"]?.string { params.append(("caller_id", .string(callerID))) }
            params.append(("followmeStructure", .array(entries)))
            _ = try await premedia.call("setFollowme", .object(params),
                                        verified(change, ["forward"]) { try await MTTPlatform.readPremedia($0, change.address) })
        }
    }

    func applyBlacklist(_ change: Change) async throws {
        let number = change.address.key[0]
        let params = JSONNode.object([("gbl_rule", .string(number))])
        do {
            if change.action == .delete {
                _ = try await premedia.call("deleteGBLRule", params)
            } else {
                _ = try await premedia.call("addGBLRule", params, .create(readBack: { [premedia] in
                    let all = try MTTPlatform.blacklistRules(try await premedia.call("getGBLRules", .object([])))
                    return all.contains { MTTPlatform.text($0) == .string(number) } ? .json(200, .object([("result", .object([("success", .int(1))]))])) : nil
                }))
            }
        } catch where Self.alreadyDone(error, change.action == .delete ? ["not found"] : ["already exists"]) {
            return
        }
    }

    func applyCallControl(_ change: Change) async throws {
        let sip = change.address.key[0]
        let fields = change.action == .delete ? [:] : (change.desired?.fields ?? [:])
        let changed = Set(change.changedPaths)
        let all = change.action != .update
        if all || changed.contains("url") {
            // "для обнуления передается пустое значение": an empty string clears it.
            _ = try await classic.call("updateCallControlURL", .object([("sip_id", .string(sip)), ("url", .string(fields["url"]?.string ?? ""))]),
                                       verified(change, ["url"]) { try await MTTPlatform.readCallControl($0, change.address) })
        }
        if all || changed.contains("reserve_number") {
            _ = try await classic.call("setReserveCallControlNumber", .object([("sip_id", .string(sip)), ("number", .string(fields["reserve_number"]?.string ?? ""))]),
                                       verified(change, ["reserve_number"]) { try await MTTPlatform.readCallControl($0, change.address) })
        }
    }

    func applyCallBack(_ change: Change) async throws {
        let params = JSONNode.object([("customer_name", .string(customer))])
        // The platform refuses to overwrite ("Side A not clear. Delete before insert"): an
        // update deletes first, then sets.
        if change.action == .delete || change.action == .update || change.action == .replace {
            do {
                _ = try await classic.call("deleteCallBackFollowme", params)
            } catch where Self.alreadyDone(error, ["Followme not found"]) {}
            if change.action == .delete { return }
        }
        guard let desired = change.desired else { return }
        var order: Int64 = 0
        var entries: [JSONNode] = []
        for entry in desired.fields["chain"]?.list ?? [] {
            order += 1
            var pairs: [(String, JSONNode)] = [("order", .int(order))]
            if let timeout = entry["timeout"]?.int { pairs.append(("timeout", .int(timeout))) }
            pairs.append(("redirect_number", .string(entry["number"]?.string ?? "")))
            // **Reading:** the examples spell the linear queue "linal"; telform sends that.
            pairs.append(("type", .string(entry["queue"]?.string == "linear" ? "linal" : "ringall")))
            if let name = entry["name"]?.string { pairs.append(("name", .string(name))) }
            entries.append(.object(pairs))
        }
        for message in desired.fields["messages"]?.list ?? [] {
            order += 1
            let type = message["text"] != nil ? "text" : "file"
            entries.append(.object([("order", .int(order)), ("type", .string(type)), ("value", .string(message[type]?.string ?? "")),
                                    ("side", .string(message["side"]?.string ?? "A"))]))
        }
        var pairs: [(String, JSONNode)] = [("customer_name", .string(customer)), ("callBackFollowmeStruct", .array(entries))]
        if let callerID = desired.fields["caller_id"]?.string { pairs.append(("caller_id", .string(callerID))) }
        if let b = desired.fields["default_b_number"]?.string { pairs.append(("defaultBNumber", .string(b))) }
        _ = try await classic.call("setCallBackFollowme", .object(pairs), verified(change, ["chain", "messages", "caller_id", "default_b_number"]) { platform in
            var state = LiveState()
            try await platform.readCallBack(into: &state)
            return state.resources.first
        })
    }
}
