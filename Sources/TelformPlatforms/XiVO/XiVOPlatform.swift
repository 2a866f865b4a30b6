import Foundation
import TelformCore

/// The XiVO platform: users, schedules, incoming calls, contexts, pickups, parking lots, skills.
public struct XiVOPlatform: ProviderDriver {
    public let provider: ProviderConfig
    public let schema = XiVOKinds.platform
    let client: XiVOClient

    public init(provider: ProviderConfig, transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy()) {
        self.provider = provider
        var authorization: String?
        if let user = provider.settings["username"]?.string, let password = provider.settings["password"]?.string {
            authorization = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        }
        client = XiVOClient(http: ResilientClient(transport: transport, policy: retry), authorization: authorization)
    }

    static let objects = ["users": "users", "schedules": "schedule", "incalls": "incall", "contexts": "context",
                          "pickups": "pickup", "parking_lots": "parkinglot", "queue_skills": "queueskills"]

    public func canonical(_ desired: Resource) -> Resource {
        var resource = desired
        switch desired.address.kind {
        case "users":
            var forward = desired.fields["forward"]?.object ?? [:]
            for case_ in ["unconditional", "busy", "no_answer"] where forward[case_] == nil { forward[case_] = .null }
            resource.fields["forward"] = .object(forward)
        case "schedules":
            resource.fields["opened"] = .list((desired.fields["opened"]?.list ?? []).map { Self.opened($0.object ?? [:]) })
        case "contexts":
            if let numbers = desired.fields["numbers"]?.object {
                resource.fields["numbers"] = .object(numbers.mapValues { ranges in
                    .list((ranges.list ?? []).map { range in
                        .object(["from": range["from"] ?? .null, "to": range["to"] ?? range["from"] ?? .null])
                    })
                })
            }
        case "pickups":
            for side in ["members", "pickers"] {
                resource.fields[side] = .list(Self.sortedMembers(desired.fields[side]?.list ?? []))
            }
        default:
            break
        }
        return resource
    }

    /// `08: 00-12: 00` (the document's spelling) and `08:00-12:00` are one thing.
    static func opened(_ fields: [String: Value]) -> Value {
        var out = fields
        if let hours = fields["hours"]?.string { out["hours"] = .string(hours.replacingOccurrences(of: " ", with: "")) }
        return .object(out)
    }

    static func sortedMembers(_ members: [Value]) -> [Value] {
        members.sorted { $0.description < $1.description }
    }

    static func text(_ node: JSONNode?) -> Value {
        WireValue.text(node)
    }

    static func int(_ node: JSONNode?) -> Value {
        WireValue.integer(node)
    }

    /// XiVO writes booleans as true/false, 0/1 or "0"/"1".
    static func bool(_ node: JSONNode?) -> Value {
        if let b = node?.bool { return .bool(b) }
        if let i = node?.int { return .bool(i != 0) }
        if let s = node?.string { return .bool(s == "1" || s.lowercased() == "true" || s.lowercased() == "yes") }
        return .null
    }

}
