import Foundation
import TelformCore

/// `apply --reviewed PLAN.json`: a plan saved on a pull request and reviewed there, held
/// against the plan made now (on the merge commit). Apply goes ahead only when the two plan
/// the same changes: the same addresses, effects, values to send (secrets by their digests
/// under the reviewed plan's salt), the same old values where a field changes, and the same
/// provider types and URLs.
struct ReviewedPlan {
    let saved: SavedPlan
    /// The salt of the reviewed plan's secret digests; nil when it has none (not saved by
    /// `plan -o`, or by a telform older than --reviewed).
    let salt: [UInt8]?

    init(saved: SavedPlan) {
        self.saved = saved
        salt = saved.json["secret_salt"]?.string.flatMap(SHA256.bytes(hex:)).flatMap { $0.count == 16 ? $0 : nil }
    }

    /// The flags of a reviewed plan that apply takes over, unless given: its targets and
    /// providers. Its config path is not: the reviewed plan was made on another checkout.
    func arguments(over given: Arguments) -> Arguments {
        var arguments = given
        for (key, flag) in SavedPlan.savedFlags {
            let kept = saved.json["options"]?[key]?.array?.compactMap(\.string) ?? []
            if !kept.isEmpty && !given.has(flag) { arguments.set(flag, kept) }
        }
        return arguments
    }

    /// How the plan made now differs from the reviewed one, one line each; empty when every
    /// change planned now is a reviewed change, the same in every respect. `now` is the new
    /// plan rendered with the reviewed plan's salt. A reviewed change not planned now is no
    /// difference (an apply that stopped halfway made it already, or the state holds it):
    /// `inPlace` lists them.
    func compare(with now: JSONNode) -> (differences: [String], inPlace: [String]) {
        let reviewedChanges = Self.byID(saved.json["changes"]?.array ?? [])
        let nowChanges = Self.byID(now["changes"]?.array ?? [])
        var lines: [String] = []
        // Providers with changes in either plan: the same type, at the same URL.
        let touched = Set(
            (Array(reviewedChanges.values) + Array(nowChanges.values)).compactMap { $0["address"]?.string?.split(separator: "/").first.map(String.init) })
        let reviewedProviders = Self.providers(saved.json)
        let nowProviders = Self.providers(now)
        for name in touched.sorted() {
            for key in ["type", "url", "reads"] {
                let before = reviewedProviders[name]?[key].map(Self.shown)
                let after = nowProviders[name]?[key].map(Self.shown)
                if before != after {
                    lines.append("~ provider \(name): \(key) reviewed \(before ?? "(none)"), now \(after ?? "(none)")")
                }
            }
        }
        for (id, change) in nowChanges.sorted(by: { $0.key < $1.key }) where reviewedChanges[id] == nil {
            lines.append("+ \(id): \(Self.label(change)), planned now, not in the reviewed plan")
        }
        var inPlace: [String] = []
        for (id, change) in reviewedChanges.sorted(by: { $0.key < $1.key }) {
            guard let current = nowChanges[id] else {
                inPlace.append("\(id) (\(Self.label(change)))")
                continue
            }
            lines += Self.fieldDifferences(id, reviewed: change, now: current)
        }
        return (lines, inPlace)
    }

    static func byID(_ changes: [JSONNode]) -> [String: JSONNode] {
        var out: [String: JSONNode] = [:]
        for change in changes {
            if let id = change["id"]?.string { out[id] = change }
        }
        return out
    }

    static func providers(_ plan: JSONNode) -> [String: JSONNode] {
        var out: [String: JSONNode] = [:]
        for provider in plan["providers"]?.array ?? [] {
            if let name = provider["name"]?.string { out[name] = provider }
        }
        return out
    }

    /// A provider's value as a line: a string as it is, a list of strings joined.
    static func shown(_ node: JSONNode) -> String {
        if let list = node.array { return list.isEmpty ? "(nothing)" : list.compactMap(\.string).joined(separator: ", ") }
        return node.string ?? node.compact
    }

    static func label(_ change: JSONNode) -> String {
        change["effect"]?.string ?? change["action"]?.string ?? "?"
    }

    /// The flags a change's meaning hangs on, beside its effect.
    static let flags = ["rotate", "cleanup", "blind", "report_only"]

    static func fieldDifferences(_ id: String, reviewed: JSONNode, now: JSONNode) -> [String] {
        var lines: [String] = []
        for key in ["action", "effect"] + flags where reviewed[key]?.compact != now[key]?.compact {
            lines.append("~ \(id): \(key) reviewed \(reviewed[key]?.compact ?? "(none)"), now \(now[key]?.compact ?? "(none)")")
        }
        let reviewedChanged = Set(reviewed["changed"]?.array?.compactMap(\.string) ?? [])
        let nowChanged = Set(now["changed"]?.array?.compactMap(\.string) ?? [])
        if reviewedChanged != nowChanged {
            lines.append(
                "~ \(id): fields changed: reviewed \(reviewedChanged.sorted().joined(separator: ", ")), now \(nowChanged.sorted().joined(separator: ", "))")
        }
        // What is sent: every field of `after`, secrets by digest.
        let reviewedSecrets = reviewed["secret_digests"]
        let nowSecrets = now["secret_digests"]
        for path in Self.paths(reviewed["after"], now["after"]) {
            let secret = reviewedSecrets?[path] != nil || nowSecrets?[path] != nil
            if secret {
                if reviewedSecrets?[path]?.string != nowSecrets?[path]?.string {
                    lines.append("~ \(id): \(path): the secret to send is not the one reviewed (compared by digest)")
                }
            } else if reviewed["after"]?[path]?.compact != now["after"]?[path]?.compact {
                lines.append("~ \(id): \(path): reviewed \(reviewed["after"]?[path]?.compact ?? "(none)"), now \(now["after"]?[path]?.compact ?? "(none)")")
            }
        }
        // The old values the review saw replaced.
        for path in nowChanged.intersection(reviewedChanged).sorted() where reviewed["before"]?[path]?.compact != now["before"]?[path]?.compact {
            lines.append(
                "~ \(id): \(path) was \(reviewed["before"]?[path]?.compact ?? "(none)") when reviewed, is \(now["before"]?[path]?.compact ?? "(none)") now")
        }
        return lines
    }

    /// The keys of two objects (nil: none), sorted.
    static func paths(_ a: JSONNode?, _ b: JSONNode?) -> [String] {
        Set((a?.pairs ?? []).map(\.0) + (b?.pairs ?? []).map(\.0)).sorted()
    }
}
