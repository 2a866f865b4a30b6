import TelformCore

extension MTTPlatform {
    /// Prompts (by live name), the blacklist and the CallBack structure of the account; the
    /// follow-me, premedia and call control of the sip_ids the file declares (the API cannot
    /// list an account's sip_ids).
    public func export(kinds: [String]) async throws -> Export {
        var export = Export()
        let live = try await read(kinds: kinds, desired: provider.resources)
        let resources = live.resources.sorted { $0.address < $1.address }
        func of(_ kind: String) -> [Resource] { resources.filter { $0.address.kind == kind } }
        let promptNames = Dictionary(of("prompts").compactMap { p in p.fields["live_name"]?.string.map { ($0, p.address.key[0]) } },
                                     uniquingKeysWith: { a, _ in a })
        for kind in kinds {
            switch kind {
            case "follow_me":
                export.kinds.append((kind, .list(of(kind).map { .object(Export.trimmed($0.fields)) })))
            case "prompts":
                // There is no download call: a prompt is exported by the live name it keeps.
                export.kinds.append((kind, .list(of(kind).map { .object(["name": .string($0.address.key[0]), "live": $0.fields["live_name"] ?? .null]) })))
            case "premedia":
                export.kinds.append((kind, .list(of(kind).map { resource in
                    var fields = Export.trimmed(resource.fields)
                    for side in ["prompt_a", "prompt_b"] {
                        fields[side] = fields[side]?.string.map { Value.string(promptNames[$0] ?? $0) }
                    }
                    return .object(fields)
                })))
            case "blacklist":
                export.kinds.append((kind, .list(of(kind).compactMap { $0.fields["number"] })))
            case "call_control":
                export.kinds.append((kind, .list(of(kind).map { resource in
                    var fields = Export.trimmed(resource.fields)
                    if let url = fields["url"]?.string, URLText.hasCredentials(url) {
                        fields["url"] = export.placeholder([provider.name, resource.address.key[0], "url"], "the call-control URL of \(resource.address) (it carries credentials)", at: resource.address, path: "url")
                    }
                    return .object(fields)
                })))
            case "callback_follow_me":
                if let resource = of(kind).first {
                    var fields = Export.trimmed(resource.fields)
                    if (fields["messages"]?.list ?? []).isEmpty { fields["messages"] = nil }
                    export.kinds.append((kind, .object(fields)))
                }
            default:
                break
            }
        }
        return export
    }
}
