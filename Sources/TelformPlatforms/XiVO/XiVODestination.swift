import TelformCore

/// Where a XiVO dial action sends a call (a schedule's fallback, an incall's answer): one
/// spelling in the file for every destination, one wire shape.
///
/// **Reading** (api-docs/002 lines 1066-1069, xivo-ws `destination.py` and `test_schedule`):
/// - a call that ends is `{type: endcall, action: hangup|busy|congestion}` (hangup when left
///   out), sent as `actiontype: "endcall"` with `action`; `target` is refused beside it, since
///   a target's text in `actionarg1` would end the call with a hang-up whatever it says;
/// - a user, group, queue or voicemail target goes as the object's **id** in `actionarg1`
///   (`VoicemailDestination(voicemail_id)`: the box's id, not its mailbox), and is read back
///   as the file names it (line number, name, mailbox);
/// - view may answer the two as one `actiontype` (`"endcall:busy"`, as `fallback_action`
///   is): both shapes are read.
enum XiVOEndCall {
    static let endings = ["hangup", "busy", "congestion"]

    static let action = FieldSchema.string(
        "action", StringRules(allowed: endings),
        "With endcall: how the call ends (hangup when left out).", wire: "action")

    /// The rules of a destination's fields: `action` only with endcall, `target` only with the
    /// types that name one, and a clear word for the old `{type: endcall, target: busy}`.
    static func rules(targeted: [String]) -> [ObjectRule] {
        [
            .onlyWhen(field: "type", in: ["endcall"], fields: ["action"]),
            .onlyWhen(field: "type", in: targeted + ["endcall"], fields: ["target"]),
            .custom { fields in
                guard fields["type"]?.string == "endcall", fields["target"] != nil else { return [] }
                return [("target", "does not go with endcall: say how the call ends with action: hangup, busy or congestion")]
            },
        ]
    }

    /// The types whose target is an object telform names by its number or name.
    static let resolved: Set<String> = ["user", "group", "queue", "voicemail"]

    /// An endcall destination with its action made explicit (hangup), as read returns it.
    static func canonical(_ destination: Value) -> Value {
        guard var fields = destination.object, fields["type"]?.string == "endcall", fields["action"] == nil else { return destination }
        fields["action"] = .string("hangup")
        return .object(fields)
    }

    /// The type and the ending of a dial action, from `actiontype` ("endcall:busy" or
    /// "endcall") and `action`.
    static func split(_ actiontype: String, _ action: String?) -> (type: String?, action: String?) {
        let parts = actiontype.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return (actiontype, action) }
        return (parts[0], parts[1])
    }

    /// A wire target as the file names it: an id of a user, group, queue or box by its
    /// number or name (`#ID` when the server has no such object), anything else as it is.
    static func named(_ type: String, _ target: String, _ directory: XiVODirectory) -> String {
        guard resolved.contains(type) else { return target }
        return directory.name(type, id: target) ?? "#\(target)"
    }

    /// The destination read from a dial action (`actiontype`, `action`, `actionarg1`).
    static func read(_ dial: JSONNode?, _ directory: XiVODirectory) -> [String: Value] {
        let (type, action) = split(dial?["actiontype"]?.string ?? "none", dial?["action"]?.string)
        var fields: [String: Value] = ["type": .string(type ?? "none")]
        if type == "endcall" {
            fields["action"] = .string(action.flatMap { $0.isEmpty ? nil : $0 } ?? "hangup")
        } else if let target = WireValue.text(dial?["actionarg1"]).string {
            fields["target"] = .string(named(type ?? "none", target, directory))
        }
        return fields
    }

    /// The dial action to send for a declared destination (nil: `none`), its targets resolved
    /// to ids now; `argument2` adds the empty `actionarg2` incalls carry.
    static func dialaction(_ declared: [String: Value]?, client: XiVOClient, provider: String, argument2: Bool = false) async throws -> [(String, JSONNode)] {
        guard let declared, let type = declared["type"]?.string, type != "none" else { return [("actiontype", .string("none"))] }
        var pairs: [(String, JSONNode)] = [("actiontype", .string(type))]
        if type == "endcall" {
            pairs.append(("action", .string(declared["action"]?.string ?? "hangup")))
        } else if let target = declared["target"]?.string {
            let wire = resolved.contains(type) ? try await client.memberID(type, target, provider: provider) : target
            pairs.append(("actionarg1", .string(wire)))
            if argument2 { pairs.append(("actionarg2", .string(""))) }
        }
        return pairs
    }
}
