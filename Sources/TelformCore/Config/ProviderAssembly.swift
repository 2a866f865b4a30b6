import Foundation

/// Merges provider blocks from all files, types their settings and kinds, builds resources
/// and runs the checks across them.
extension LoadSession {
    static let commonKeys = ["type", "prune", "ignore", "sim_seed", "tls"]

    mutating func assemble(_ fragments: [ProviderFragment]) -> [ProviderConfig] {
        var order: [String] = []
        var byName: [String: [ProviderFragment]] = [:]
        for fragment in fragments {
            if byName[fragment.name] == nil { order.append(fragment.name) }
            byName[fragment.name, default: []].append(fragment)
        }
        return order.compactMap { provider(named: $0, byName[$0] ?? []) }
    }

    mutating func provider(named name: String, _ fragments: [ProviderFragment]) -> ProviderConfig? {
        let path = "providers.\(name)"
        reportDuplicateKeys(fragments, path: path)
        let typeNodes = fragments.compactMap { $0.node["type"] }
        guard let typeNode = typeNodes.first else {
            diagnostics.error(fragments[0].keyMark, path + ".type", "is required: one of " + loader.platforms.types.joined(separator: ", "))
            return nil
        }
        let typeNames = loader.platforms.types
        guard case .string(let type)? = typer.value(typeNode, .string(StringRules(allowed: typeNames)), path: path + ".type"),
            let platform = loader.platforms.schema(type)
        else { return nil }

        var provider = ProviderConfig(name: name, type: type, mark: fragments[0].keyMark)
        var settingNodes: [String: YAMLNode] = [:]
        let allowedKeys = Self.commonKeys + platform.settings.map(\.name) + platform.kinds.map(\.name)
        for fragment in fragments {
            for pair in fragment.node.pairs ?? [] {
                let keyPath = "\(path).\(pair.key)"
                if let setting = platform.settings.first(where: { $0.name == pair.key }) {
                    settingNodes[pair.key] = pair.value
                    if let text = pair.value.scalar { provider.settingSources[pair.key] = (pair.value.mark, text) }
                    if pair.value.isNull {
                        diagnostics.error(pair.value.mark, keyPath, "may not be empty")
                    } else if let value = typer.value(pair.value, setting.type, path: keyPath, field: setting) {
                        provider.settings[pair.key] = value
                    }
                } else if let kind = platform.kind(pair.key) {
                    if !provider.declaredKinds.contains(kind.name) { provider.declaredKinds.append(kind.name) }
                } else if !Self.commonKeys.contains(pair.key) {
                    diagnostics.error(pair.keyMark, keyPath, Suggestion.unknownKey(pair.key, among: allowedKeys))
                }
            }
            readCommonSettings(fragment, platform: platform, path: path, into: &provider)
        }
        for setting in platform.settings where provider.settings[setting.name] == nil && settingNodes[setting.name] == nil {
            if let value = setting.defaultValue { provider.settings[setting.name] = value }
        }
        let isSimulated = loader.simulated(provider)
        for setting in platform.settings where setting.required && settingNodes[setting.name] == nil {
            // An embedded simulator opens with its own credentials, so a provider it serves needs none.
            if isSimulated && setting.flags.contains(.credential) { continue }
            diagnostics.error(fragments[0].keyMark, "\(path).\(setting.name)", "is required for a provider of type \(type)")
        }
        if provider.simSeed != nil && !isSimulated, let node = fragments.compactMap({ $0.node["sim_seed"] }).first {
            diagnostics.warning(node.mark, "\(path).sim_seed", "applies only to a simulated provider (a sim:// url); it is ignored here")
        }
        for fragment in fragments {
            for pair in fragment.node.pairs ?? [] {
                guard let kind = platform.kind(pair.key) else { continue }
                let typed = resources(of: kind, node: pair.value, path: "\(path).\(pair.key)", provider: &provider)
                // The first kind's list becomes the provider's (moved, not copied element by element).
                if provider.resources.isEmpty { provider.resources = typed } else { provider.resources += typed }
            }
        }
        checkDuplicateResources(provider)
        checkIgnored(provider)
        checkReferences(provider, platform: platform)
        let context = ProviderCheckContext(provider: provider, baseDirectory: baseDirectory)
        for check in platform.checks { diagnostics.append(contentsOf: check(context)) }
        return provider
    }

    /// A setting or single-object kind written in two files (or twice via merges) is an error at both places.
    mutating func reportDuplicateKeys(_ fragments: [ProviderFragment], path: String) {
        guard fragments.count > 1 else { return }
        var seen: [String: [Mark]] = [:]
        for fragment in fragments {
            for pair in fragment.node.pairs ?? [] where !(pair.value.items != nil) {
                seen[pair.key, default: []].append(pair.keyMark)
            }
        }
        for (key, marks) in seen where marks.count > 1 {
            for (index, mark) in marks.enumerated() {
                let other = marks[index == 0 ? 1 : 0]
                diagnostics.error(mark, "\(path).\(key)", "is set in two files (also at \(other))")
            }
        }
    }

    /// An ignore pattern in its one meaning, `KIND/KEY...` within the provider: the provider's
    /// own prefix (`office/endpoints/test-*`, as plans and --target spell addresses) is taken
    /// off. A pattern whose kind is no kind of the platform would match nothing, and the plan
    /// would then delete what it was meant to protect: an error, with a suggestion.
    static func ignorePattern(_ text: String, provider: String, kinds: [String], report: (String) -> Void) -> String? {
        var local = text
        if local.hasPrefix(provider + "/") { local.removeFirst(provider.count + 1) }
        let parts = local.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            report("\"\(text)\" is not an address pattern; write KIND/KEY, e.g. \(kinds.first ?? "kind")/test-* (kinds: \(kinds.joined(separator: ", ")))")
            return nil
        }
        guard kinds.contains(where: { AddressPattern(parts[0]).matches($0) }) else {
            let hint = Suggestion.closest(to: parts[0], in: kinds).map { "; did you mean \"\($0)\"?" } ?? ""
            let other =
                parts[0] != provider && !kinds.contains(parts[0]) && parts[1].contains("/") ? " (an ignore pattern applies to this provider's own objects)" : ""
            report("unknown kind \"\(parts[0])\" in \"\(text)\"\(other) (kinds: \(kinds.joined(separator: ", ")))\(hint)")
            return nil
        }
        return local
    }

    mutating func readCommonSettings(_ fragment: ProviderFragment, platform: PlatformSchema, path: String, into provider: inout ProviderConfig) {
        let kinds = platform.kinds.map(\.name)
        if let node = fragment.node["prune"] {
            let type = FieldType.choice([.bool, .map(.bool, keys: kinds)])
            switch typer.value(node, type, path: path + ".prune") {
            case .bool(let all)?: for kind in kinds { provider.prune[kind] = all }
            case .object(let perKind)?: for (kind, value) in perKind { provider.prune[kind] = value.bool ?? true }
            default: break
            }
        }
        if let node = fragment.node["ignore"],
            case .list(let patterns)? = typer.value(node, .list(.string(StringRules(minLength: 1)), ListRules()), path: path + ".ignore")
        {
            for (index, pattern) in patterns.compactMap(\.string).enumerated() {
                let mark = node.items?[index].mark ?? node.mark
                if let local = Self.ignorePattern(
                    pattern, provider: provider.name, kinds: kinds,
                    report: { message in
                        diagnostics.error(mark, "\(path).ignore[\(index)]", message)
                    })
                {
                    provider.ignore.append(AddressPattern(local))
                }
            }
        }
        if let node = fragment.node["tls"], let fields = typer.object(node, TLSSettings.schema, path: path + ".tls") {
            provider.tls = tls(fields, node: node, path: path + ".tls")
        }
        if let node = fragment.node["sim_seed"], case .string(let seed)? = typer.value(node, .string(StringRules(minLength: 1)), path: path + ".sim_seed") {
            let full = seed.hasPrefix("/") ? seed : (node.mark.directory ?? baseDirectory) + "/" + seed
            provider.simSeed = full
            if !FileManager.default.fileExists(atPath: full) {
                diagnostics.error(node.mark, path + ".sim_seed", "file \(seed) not found (paths are relative to the file that names them)")
            }
        }
    }

    /// A provider's TLS files, checked now: each must exist and be PEM; a client key other
    /// users can read is a warning.
    mutating func tls(_ fields: [String: Value], node: YAMLNode, path: String) -> TLSSettings {
        func file(_ key: String, marker: String) -> String? {
            guard let name = fields[key]?.string, let child = node[key] else { return nil }
            let full = name.hasPrefix("/") ? name : (child.mark.directory ?? baseDirectory) + "/" + name
            guard let data = FileManager.default.contents(atPath: full) else {
                diagnostics.error(child.mark, "\(path).\(key)", "file \(name) not found or not readable (paths are relative to the file that names them)")
                return full
            }
            let text = String(decoding: data.prefix(1 << 20), as: UTF8.self)
            if !text.contains("-----BEGIN ") || !text.contains(marker) {
                diagnostics.error(
                    child.mark, "\(path).\(key)",
                    "\(name) is not a PEM file holding \(marker == "CERTIFICATE" ? "a certificate" : "a private key") (no -----BEGIN \(marker == "CERTIFICATE" ? "CERTIFICATE" : "... PRIVATE KEY") line)"
                )
            }
            if key == "client_key", let mode = (try? FileManager.default.attributesOfItem(atPath: full))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
                diagnostics.warning(child.mark, "\(path).\(key)", "\(name) can be read by other users (mode \(String(mode, radix: 8))); chmod 600 it")
            }
            return full
        }
        return TLSSettings(
            caFile: file("ca_file", marker: "CERTIFICATE"), pinnedPublicKey: fields["pinned_public_key"]?.string,
            clientCertificate: file("client_cert", marker: "CERTIFICATE"), clientKey: file("client_key", marker: "PRIVATE KEY"))
    }

    /// Builds the resources of one kind from its node, per the kind's shape.
    mutating func resources(of kind: KindSchema, node: YAMLNode, path: String, provider: inout ProviderConfig) -> [Resource] {
        let providerName = provider.name
        func address(_ fields: [String: Value]) -> Address? {
            kind.key(fields).map { Address(provider: providerName, kind: kind.name, key: $0) }
        }
        if node.isNull {
            diagnostics.error(node.mark, path, "is empty; write [] to declare none (every live one in the scope would be deleted)")
            return []
        }
        switch kind.shape {
        case .single(let schema):
            guard let fields = typer.object(node, schema, path: path) else { return [] }
            let key: String?
            switch kind.singleKey {
            case .providerSetting(let name)?: key = provider.settings[name]?.string
            case .constant(let value)?: key = value
            case nil: key = kind.key(fields)?.joined(separator: "/")
            }
            guard let key else {
                diagnostics.error(
                    node.mark, path,
                    "needs the provider's \(kind.singleKey.map { if case .providerSetting(let s) = $0 { return s } else { return "key" } } ?? "key") setting")
                return []
            }
            return [Resource(address: Address(provider: provider.name, kind: kind.name, key: [key]), fields: fields, node: node, path: path)]
        case .objects(let schema):
            guard let items = listItems(node, path: path) else { return [] }
            return items.indices.compactMap { index in
                guard let fields = typer.at(path, { $0.below(.index(index)) { $0.object(items[index], schema) } }),
                    let key = kind.key(fields)
                else { return nil }
                return Resource(
                    address: Address(provider: providerName, kind: kind.name, key: key), fields: fields, node: items[index], path: path, index: index)
            }
        case .scalars(let type, let field):
            guard let items = listItems(node, path: path) else { return [] }
            return items.enumerated().compactMap { index, item in
                let itemPath = "\(path)[\(index)]"
                guard let value = typer.value(item, type, path: itemPath), let text = value.string else { return nil }
                return Resource(
                    address: Address(provider: provider.name, kind: kind.name, key: [text]),
                    fields: [field: value], node: item, path: itemPath)
            }
        case .grouped(let groupSchema, let membersField):
            guard let items = listItems(node, path: path), let memberSchema = kind.resourceSchema else { return [] }
            var result: [Resource] = []
            for (index, item) in items.enumerated() {
                let itemPath = "\(path)[\(index)]"
                guard let groupFields = typer.object(item, groupSchema, path: itemPath) else { continue }
                let inherited = groupFields.filter { $0.key != membersField }
                if let groupKey = kind.keyFields.first.flatMap({ inherited[$0]?.string }) {
                    provider.declaredGroups[kind.name, default: []].append(groupKey)
                }
                // Members are typed (and reported) with the group; type each again, quietly,
                // to pair every member with its own node and path.
                var quiet = Typer(interpolator: typer.interpolator, mode: typer.mode)
                for (memberIndex, member) in (item[membersField]?.items ?? []).enumerated() {
                    let memberPath = "\(itemPath).\(membersField)[\(memberIndex)]"
                    guard let own = quiet.object(member, memberSchema, path: memberPath) else { continue }
                    let fields = inherited.merging(own) { _, member in member }
                    guard let address = address(fields) else { continue }
                    result.append(Resource(address: address, fields: fields, node: member, path: memberPath))
                }
            }
            return result
        }
    }

    mutating func listItems(_ node: YAMLNode, path: String) -> [YAMLNode]? {
        guard let items = node.items else {
            diagnostics.error(node.mark, path, "expected a list, got \(node.kindName)")
            return nil
        }
        return items
    }

    /// Two resources with one address: an error at both places.
    mutating func checkDuplicateResources(_ provider: ProviderConfig) {
        // Within one provider an address is its kind and key.
        var first: [AddressKey: Int] = [:]
        var twice: [(earlier: Int, later: Int)] = []
        for index in provider.resources.indices {
            let address = provider.resources[index].address
            let key = AddressKey(kind: address.kind, key: address.key)
            if let earlier = first[key] {
                twice.append((earlier, index))
            } else {
                first[key] = index
            }
        }
        for (earlierIndex, index) in twice {
            let resource = provider.resources[index]
            let earlier = provider.resources[earlierIndex]
            if let a = earlier.mark, let b = resource.mark {
                diagnostics.error(b, resource.path, "\(resource.address) is declared twice (also at \(a))")
                diagnostics.error(a, earlier.path, "\(resource.address) is declared twice (also at \(b))")
            }
        }
    }

    /// Nothing may be both managed and ignored.
    mutating func checkIgnored(_ provider: ProviderConfig) {
        guard !provider.ignore.isEmpty else { return }
        for resource in provider.resources {
            guard let pattern = provider.ignore.first(where: { $0.matches(resource.address.local) }),
                let mark = resource.mark
            else { continue }
            diagnostics.error(
                mark, resource.path,
                "\(resource.address) is declared and also matched by ignore pattern \"\(pattern)\"; a resource is either managed or ignored")
        }
    }

    /// Fields that name a resource of another kind which must be declared in this provider.
    mutating func checkReferences(_ provider: ProviderConfig, platform: PlatformSchema) {
        // Per kind, once: its fields that must name a declared resource; and what is declared,
        // by kind and last key (each resource looked up, not every resource scanned per field).
        var referencing: [String: [FieldSchema]] = [:]
        for kind in platform.kinds {
            let fields = kind.resourceSchema?.fields.filter { $0.references != nil && $0.referenceMustBeDeclared } ?? []
            if !fields.isEmpty { referencing[kind.name] = fields }
        }
        guard !referencing.isEmpty else { return }
        var declaredNames: [String: Set<String>] = [:]
        let targets = Set(referencing.values.joined().compactMap(\.references))
        for index in provider.resources.indices {
            let address = provider.resources[index].address
            if targets.contains(address.kind), let last = address.key.last {
                declaredNames[address.kind, default: []].insert(last)
            }
        }
        for index in provider.resources.indices {
            guard let fields = referencing[provider.resources[index].address.kind] else { continue }
            let resource = provider.resources[index]
            for field in fields {
                guard let target = field.references, let name = resource.fields[field.name]?.string else { continue }
                let declared = declaredNames[target]?.contains(name) == true
                if !declared, let mark = resource.mark(of: field.name) {
                    diagnostics.error(
                        mark, "\(resource.path).\(field.name)",
                        "names \(target) \"\(name)\", which providers.\(provider.name).\(target) does not declare")
                }
            }
        }
    }
}

/// An address within one provider: what two declarations may not share.
struct AddressKey: Hashable {
    var kind: String
    var key: [String]
}
