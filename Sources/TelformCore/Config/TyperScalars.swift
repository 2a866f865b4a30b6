/// Scalars, counts and object rules.
extension Typer {
    static let yamlOneOneBooleans: Set<String> = ["yes", "no", "on", "off", "y", "n"]

    mutating func string(_ node: YAMLNode, _ rules: StringRules, flags: FieldSchema.Flags) -> Value? {
        guard let raw = node.scalar else {
            diagnostics.error(node.mark, here, "expected a string, got \(node.kindName)")
            return nil
        }
        let sensitive = flags.contains(.sensitive)
        // The file's folder only matters to a string that holds a reference.
        let outcome = expand(raw, node: node)
        for problem in outcome.errors { diagnostics.error(node.mark, here, problem) }
        for reference in outcome.unresolved {
            let what = reference.hasPrefix("env:") ? "unset variable" : "missing file"
            switch mode {
            case .validate: diagnostics.warning(node.mark, here, "\(what) ${\(reference)}; plan and apply will need it", code: .unresolvedReference)
            case .strict: diagnostics.error(node.mark, here, "\(what) ${\(reference)}", code: .unresolvedReference)
            }
        }
        if !outcome.interpolated, !raw.isEmpty {
            if sensitive {
                diagnostics.warning(node.mark, here, "a literal secret in the config; use ${env:NAME} or ${file:PATH}")
            } else if flags.contains(.sensitiveWithCredentials), URLText.hasCredentials(raw) {
                diagnostics.warning(node.mark, here, "a URL with credentials written literally; use ${env:NAME} or ${file:PATH}")
            }
        }
        guard let text = outcome.text else {
            // Not resolvable now: keep the reference text so the value is still declared.
            return outcome.errors.isEmpty ? .string(raw) : nil
        }
        if flags.contains(.localFile) {
            localFilesNamed.append(text.hasPrefix("/") ? text : (node.mark.directory ?? interpolator.baseDirectory) + "/" + text)
        }
        // Whatever prints later (a server's echo of it included) is scrubbed of it.
        if sensitive || (flags.contains(.sensitiveWithCredentials) && URLText.hasCredentials(text)), text != lastRegistered {
            SecretScrubber.shared.register(text)
            lastRegistered = text
        }
        var ok = true
        // One line of printable text: a line break or an escape in a name would break the
        // plan's lines and tables, and in a setting it would reach an HTTP header.
        if let index = text.unicodeScalars.firstIndex(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            let scalar = text.unicodeScalars[index]
            let position = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: index) + 1
            let name = scalar == "\n" ? ", a line break" : scalar == "\t" ? ", a tab" : scalar == "\r" ? ", a carriage return" : ""
            diagnostics.error(
                node.mark, here,
                "holds a control character (U+\(String(format: "%04X", scalar.value))\(name)) at character \(position); a value is one line of printable text")
            ok = false
        }
        if let allowed = rules.allowed, !allowed.contains(text) {
            // Messages about a sensitive value describe it and never repeat it.
            let shown = sensitive ? "the value" : "\"\(text)\""
            let hint = Suggestion.closest(to: text, in: allowed).map { "; did you mean \"\($0)\"?" } ?? ""
            diagnostics.error(node.mark, here, "\(shown) is not one of \(allowed.joined(separator: ", "))\(hint)")
            ok = false
        }
        // Characters (grapheme clusters) are counted only when the bytes cannot settle it: a
        // text of at most `max` bytes has at most `max` characters.
        if let max = rules.maxLength, text.utf8.count > max, text.count > max {
            diagnostics.error(node.mark, here, "\(text.count) characters; \(rules.by.map { "\($0) allows" } ?? "at most") \(max)")
            ok = false
        }
        if let min = rules.minLength, min > 0, text.isEmpty || (min > 1 && text.count < min) {
            diagnostics.error(node.mark, here, text.isEmpty ? "may not be empty" : "\(text.count) characters; at least \(min) needed")
            ok = false
        }
        if ok, let check = rules.check, let reason = check.reason(text) {
            diagnostics.error(node.mark, here, sensitive ? reason.replacingOccurrences(of: "\"\(text)\"", with: "the value") : reason)
            ok = false
        }
        return .string(text)
    }

    /// `raw` expanded; the expansion before is reused when the text and its folder repeat
    /// (one `${env:PW}` per endpoint of a long list).
    mutating func expand(_ raw: String, node: YAMLNode) -> Interpolator.Outcome {
        guard Interpolator.holdsReference(raw) else { return Interpolator.Outcome(text: raw) }
        // The items of a list mostly repeat one reference (`${env:PW}`): the last one's outcome
        // is used again.
        if lastExpansion?.raw == raw, lastExpansion?.file == node.mark.fileID, let outcome = lastExpansion?.outcome { return outcome }
        let outcome = interpolator.expand(raw, directory: node.mark.directory)
        filesNamed.formUnion(outcome.files)
        lastExpansion = (raw, node.mark.fileID, outcome)
        return outcome
    }

    mutating func integer(_ node: YAMLNode, _ rules: IntegerRules) -> Value? {
        guard let text = node.scalar else {
            diagnostics.error(node.mark, here, "expected an integer, got \(node.kindName)")
            return nil
        }
        guard node.isPlainScalar else {
            diagnostics.error(node.mark, here, "\"\(text)\" is quoted; write the integer without quotes")
            return nil
        }
        guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit) else {
            diagnostics.error(node.mark, here, "\"\(text)\" is not an integer; write digits only")
            return nil
        }
        guard let number = Int64(text) else {
            let range = rules.min != nil || rules.max != nil ? "; allowed: \(rules.min.map(String.init) ?? "")..\(rules.max.map(String.init) ?? "")" : ""
            diagnostics.error(node.mark, here, "\(text) is out of range\(range)")
            return nil
        }
        if (rules.min.map { number < $0 } ?? false) || (rules.max.map { number > $0 } ?? false) {
            let range = "\(rules.min.map(String.init) ?? "")..\(rules.max.map(String.init) ?? "")"
            diagnostics.error(node.mark, here, "\(number) is out of range; \(rules.by.map { "\($0) allows" } ?? "allowed:") \(range)")
        }
        return .int(number)
    }

    mutating func bool(_ node: YAMLNode) -> Value? {
        guard let text = node.scalar else {
            diagnostics.error(node.mark, here, "expected true or false, got \(node.kindName)")
            return nil
        }
        if node.isPlainScalar && text == "true" { return .bool(true) }
        if node.isPlainScalar && text == "false" { return .bool(false) }
        if node.isPlainScalar && Self.yamlOneOneBooleans.contains(text.lowercased()) {
            let meant = ["yes", "on", "y"].contains(text.lowercased()) ? "true" : "false"
            diagnostics.error(
                node.mark, here, "\"\(text)\" is not a boolean here; write \(meant) (YAML 1.1 words such as yes/no/on/off are not booleans in telform)")
        } else if !node.isPlainScalar {
            diagnostics.error(node.mark, here, "expected true or false, got a quoted string; write true or false without quotes")
        } else {
            diagnostics.error(node.mark, here, "expected true or false, got \"\(text)\"")
        }
        return nil
    }

    func accepts(_ type: FieldType, _ node: YAMLNode) -> Bool {
        switch node.content {
        case .scalar: return type.acceptsScalar
        case .sequence: if case .list = type { return true } else { return false }
        case .mapping:
            switch type {
            case .object, .map: return true
            default: return false
            }
        }
    }

    mutating func checkCount(_ count: Int, _ rules: ListRules, node: YAMLNode) {
        let noun = rules.itemNoun ?? "items"
        if let max = rules.maxItems, count > max {
            diagnostics.error(node.mark, here, "\(count) \(noun); \(rules.by.map { "\($0) allows" } ?? "at most") \(rules.by == nil ? "" : "at most ")\(max)")
        }
        if let min = rules.minItems, count < min {
            diagnostics.error(node.mark, here, "\(count) \(noun); at least \(min) needed")
        }
    }

    mutating func check(_ rules: [ObjectRule], _ fields: [String: Value], node: YAMLNode) {
        func present(_ name: String) -> Bool { node[name] != nil && !(node[name]?.isNull ?? true) }
        func list(_ names: [String]) -> String { names.joined(separator: ", ") }
        for rule in rules {
            switch rule {
            case .exactlyOne(let names):
                let given = names.filter(present)
                if given.isEmpty {
                    diagnostics.error(node.mark, here, "needs exactly one of \(list(names))")
                } else if given.count > 1 {
                    diagnostics.error(node[given[1]]?.mark ?? node.mark, here(given[1]), "give exactly one of \(list(names)), not \(list(given))")
                }
            case .atMostOne(let names):
                let given = names.filter(present)
                if given.count > 1 {
                    diagnostics.error(node[given[1]]?.mark ?? node.mark, here(given[1]), "give at most one of \(list(names)), not \(list(given))")
                }
            case .onlyWhen(let selector, let values, let names):
                guard let current = fields[selector]?.string, !values.contains(current) else { continue }
                for name in names where present(name) {
                    diagnostics.error(
                        node[name]?.mark ?? node.mark, here(name),
                        "applies only when \(selector) is \(values.joined(separator: " or ")), not \(current)")
                }
            case .requiredWhen(let selector, let values, let names):
                guard let current = fields[selector]?.string, values.contains(current) else { continue }
                for name in names where !present(name) {
                    diagnostics.error(node.mark, here(name), "is required when \(selector) is \(current)")
                }
            case .custom(let rule):
                for finding in rule(fields) {
                    diagnostics.error(node[finding.field]?.mark ?? node.mark, here(finding.field), finding.message)
                }
            }
        }
    }

    func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }
}
