import Foundation
import TelformCore

/// A plan saved by `plan -o FILE` and applied by `apply FILE`: what was reviewed is what is
/// applied, or nothing is.
struct SavedPlan {
    let json: JSONNode
    /// The folder of the plan file: a relative `config_path` is relative to it.
    var directory = "."

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func load(_ path: String) throws -> SavedPlan {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "cannot read the plan file \(path)") }
        guard let json = try? JSONParser.parse(Array(data)), json["changes"] != nil else {
            throw Failure(description: "\(path) is not a telform plan file")
        }
        guard json["format_version"]?.int == PlanJSON.formatVersion else {
            throw Failure(
                description: "\(path) has plan format_version \(json["format_version"]?.compact ?? "?"); this telform reads \(PlanJSON.formatVersion)")
        }
        let folder = (path as NSString).deletingLastPathComponent
        return SavedPlan(json: json, directory: folder.isEmpty ? "." : folder)
    }

    /// The config's path as a plan file keeps it: relative to the plan file's folder when the
    /// config lies under it (the pair can move together), absolute otherwise.
    static func configPath(_ config: String, planFile: String) -> String {
        let absolute = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
        let configAbsolute = absolute(config)
        let planFolder = absolute((planFile as NSString).deletingLastPathComponent.isEmpty ? "." : (planFile as NSString).deletingLastPathComponent)
        return configAbsolute.hasPrefix(planFolder + "/") ? String(configAbsolute.dropFirst(planFolder.count + 1)) : configAbsolute
    }

    /// The options a plan was made with, saved so apply plans the same way.
    static func options(_ arguments: Arguments) -> JSONNode {
        .object(savedFlags.map { key, flag in (key, .array(arguments.values(flag).map(JSONNode.string))) })
    }

    /// The flags a saved plan keeps, under their keys in its `options`.
    static let savedFlags = [("target", Flag.target), ("replace", Flag.replace), ("rotate", Flag.rotate), ("provider", Flag.provider)]

    /// The arguments apply runs with: the saved config path and options, unless given anew.
    func arguments(over given: Arguments) -> Arguments {
        var arguments = given
        arguments.positionals = []
        if arguments.value(Flag.config) == nil, let path = json["config_path"]?.string {
            arguments.set(Flag.config, [path.hasPrefix("/") || directory == "." ? path : directory + "/" + path])
        }
        for (key, flag) in Self.savedFlags {
            let saved = json["options"]?[key]?.array?.compactMap(\.string) ?? []
            if !saved.isEmpty { arguments.set(flag, saved) }
        }
        return arguments
    }

    /// Why the plan no longer describes what apply would do, if it does not.
    func staleness(configDigest: String, plan: Plan) -> [String] {
        var reasons: [String] = []
        if json["config_digest"]?.string != configDigest {
            reasons.append("the configuration changed since the plan was made")
        }
        for provider in json["providers"]?.array ?? [] {
            guard let name = provider["name"]?.string else { continue }
            let now = plan.providers.first { $0.name == name }
            for (kind, fingerprint) in provider["scopes"]?.pairs ?? [] where now?.scopeFingerprints[kind] != fingerprint.string {
                reasons.append("live state of \(name)/\(kind) changed since the plan was made")
            }
        }
        let saved = (json["changes"]?.array ?? []).map { "\($0["id"]?.string ?? "") \($0["action"]?.string ?? "")" }
        let current = plan.changes.map { "\($0.id) \($0.action.rawValue)" }
        if reasons.isEmpty && saved != current {
            reasons.append("the changes planned now differ from the saved ones")
        }
        return reasons
    }
}
