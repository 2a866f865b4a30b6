/// An export written as a config file: the provider's settings (secrets as placeholders),
/// its kinds in their YAML shapes, and a comment naming the variables to set.
public enum ExportText {
    public static func render(_ export: Export, provider: ProviderConfig, schema: PlatformSchema) -> String {
        let writer = YAMLWriter()
        var export = export
        var out = "# Exported by telform from \(provider.name) (\(provider.type), \(URLText.redacted(provider.settings["url"]?.string ?? ""))):\n"
        out += "# its live state in the config language.\n"
        var settings = ""
        for field in schema.settings {
            guard let value = provider.settings[field.name] else { continue }
            let written: Value
            if field.isSensitive {
                written = export.placeholder([provider.name, field.name], "the \(field.name) of provider \(provider.name)", path: field.name)
            } else {
                written = value
            }
            settings += "    \(writer.key(field.name)): \(writer.scalar(written))\n"
        }
        var body = "version: 1\nproviders:\n  \(writer.key(provider.name)):\n    type: \(provider.type)\n" + settings
        if !provider.ignore.isEmpty {
            body += "    ignore: " + writer.scalar(.list(provider.ignore.map { .string($0.text) })) + "\n"
        }
        for (kindName, value) in export.kinds {
            guard let kind = schema.kind(kindName) else { continue }
            // Objects the file ignores are not written: a resource is managed or ignored, not both.
            let kept: Value
            if case .list(let items) = value {
                kept = .list(
                    items.filter { item in
                        guard let key = Self.key(item, kind: kind) else { return true }
                        let local = ([kindName] + key).joined(separator: "/")
                        return !provider.ignore.contains { $0.matches(local) }
                    })
            } else {
                kept = value
            }
            switch (kind.shape, kept) {
            case (.objects(let o), .list(let items)):
                body += "    \(kindName):" + (items.isEmpty ? " []\n" : "\n" + writer.sequence(items, schema: o, indent: 6))
            case (.grouped(let g, _), .list(let items)):
                body += "    \(kindName):" + (items.isEmpty ? " []\n" : "\n" + writer.sequence(items, schema: g, indent: 6))
            case (.scalars, .list(let items)):
                body += "    \(kindName): " + writer.scalar(.list(items)) + "\n"
            case (.single(let o), .object(let fields)):
                body += "    \(kindName):\n" + writer.mapping(fields, schema: o, indent: 6)
            default:
                break
            }
        }
        // Name only the variables the written file uses (ignored objects are left out).
        let used = export.placeholders.filter { body.contains("${env:\($0.variable)}") }
        if !used.isEmpty {
            out += "# Set these variables before planning it (secrets, and values the API does not return):\n"
            for placeholder in used { out += "#   \(placeholder.variable): \(placeholder.what)\n" }
        }
        return out + body
    }

    public static func key(_ item: Value, kind: KindSchema) -> [String]? {
        switch item {
        case .string(let s): return [s]
        case .object(let fields): return kind.key(fields)
        default: return nil
        }
    }
}
