/// Renders the kind tables as a Markdown reference (docs/reference.md), so the prose docs
/// can never disagree with what `validate` checks.
public struct ReferenceEmitter: Sendable {
    public let platforms: [PlatformSchema]

    public init(platforms: [PlatformSchema]) {
        self.platforms = platforms
    }

    public func document() -> String {
        var out = """
            # Config reference

            Generated from telform's kind tables by `telform schema --format markdown`; do not edit.
            Every field: its type and limits, its wire name, and its flags (sensitive values never
            print; write-only values are sent and never compared; a change to a create-only value
            replaces the resource). Every resource written as a mapping also takes `protect: true`.

            Common provider keys: `type`, `prune` (true/false, or per kind), `ignore` (address patterns),
            `sim_seed` (a fixture for a new `sim://` state), `tls` (for an https url: `ca_file`, a PEM
            file of the CAs trusted instead of the system store; `pinned_public_key`, `sha256//BASE64=`;
            `client_cert` and `client_key`, PEM files for mutual TLS; each file checked by `validate`).

            """
        for platform in platforms {
            out += "\n## `\(platform.type)`\n\n\(platform.doc)\n\n### Provider settings\n\n"
            out += table(platform.settings)
            for kind in platform.kinds {
                out += "\n### kind `\(kind.name)` — key \(kind.keyFields.map { "`\($0)`" }.joined(separator: ", "))\n\n\(kind.doc)\n\n"
                switch kind.shape {
                case .objects(let o), .single(let o):
                    out += table(o.fields) + rules(o)
                case .grouped(let g, _):
                    out += table(g.fields) + rules(g)
                case .scalars(let t, let field):
                    out += "A list of `\(field)` values: \(describe(t)).\n"
                }
            }
        }
        return out
    }

    func table(_ fields: [FieldSchema], prefix: String = "") -> String {
        var out = prefix.isEmpty ? "| field | type and limits | wire | notes |\n|---|---|---|---|\n" : ""
        for field in fields {
            let name = prefix + field.name
            var notes: [String] = []
            if field.required { notes.append("required") }
            if field.isSensitive { notes.append("sensitive") }
            if field.flags.contains(.sensitiveWithCredentials) { notes.append("sensitive with credentials") }
            if field.flags.contains(.writeOnly) { notes.append("write-only") }
            if field.flags.contains(.createOnly) { notes.append("create-only") }
            if field.flags.contains(.credential) { notes.append("not needed with sim://") }
            if let target = field.references { notes.append("names a `\(target)`") }
            if let value = field.defaultValue { notes.append("default `\(value)`") }
            let cells = ["`\(name)`", describe(field.type), field.wire.map { "`\($0)`" } ?? "", (notes + [field.doc]).joined(separator: "; ")]
            out += "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
            switch field.type {
            case .object(let o): out += table(o.fields, prefix: name + ".")
            case .list(.object(let o), _): out += table(o.fields, prefix: name + "[].")
            default: break
            }
        }
        return out
    }

    func rules(_ schema: ObjectSchema) -> String {
        let lines = schema.rules.compactMap { rule -> String? in
            switch rule {
            case .exactlyOne(let names): return "- exactly one of " + names.map { "`\($0)`" }.joined(separator: ", ")
            case .atMostOne(let names): return "- at most one of " + names.map { "`\($0)`" }.joined(separator: ", ")
            case .onlyWhen(let f, let values, let names):
                return "- " + names.map { "`\($0)`" }.joined(separator: ", ") + " only when `\(f)` is " + values.joined(separator: " or ")
            case .requiredWhen(let f, let values, let names):
                return "- " + names.map { "`\($0)`" }.joined(separator: ", ") + " required when `\(f)` is " + values.joined(separator: " or ")
            case .custom: return nil
            }
        }
        return lines.isEmpty ? "" : "\n" + lines.joined(separator: "\n") + "\n"
    }

    func describe(_ type: FieldType) -> String {
        switch type {
        case .string(let r):
            var parts = [r.digits ? "digit string" : "string"]
            if let a = r.allowed { parts = ["one of " + a.joined(separator: ", ")] }
            if let max = r.maxLength { parts.append("at most \(max) characters") }
            if let min = r.minLength, min > 1 { parts.append("at least \(min) characters") }
            if let p = r.check?.pattern { parts.append("`\(p)`") }
            return parts.joined(separator: ", ")
        case .integer(let r):
            return "integer" + (r.min != nil || r.max != nil ? " \(r.min.map(String.init) ?? "")..\(r.max.map(String.init) ?? "")" : "")
        case .bool: return "true/false"
        case .list(let item, let r):
            var text = "list of " + (item.isObject ? "mappings" : describe(item))
            if let max = r.maxItems { text += ", at most \(max)" }
            if let min = r.minItems { text += ", at least \(min)" }
            return text
        case .object: return "mapping"
        case .choice(let options): return options.map(describe).joined(separator: ", or ")
        case .map(let value, let keys): return "mapping of " + (keys?.joined(separator: "/") ?? "names") + " to " + describe(value)
        }
    }
}

extension FieldType {
    var isObject: Bool {
        if case .object = self { return true }
        return false
    }
}
