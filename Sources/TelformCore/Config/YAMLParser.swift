import TelformYAML

/// Builds `YAMLNode`s from libyaml's event stream, keeping FILE:LINE:COL for every node.
/// Anchors and aliases are resolved here, `<<` merge keys applied, duplicate keys and
/// extra documents reported. Syntax errors come from libyaml with its own message.
public struct YAMLParser {
    public let file: String

    public init(file: String) {
        self.file = file
    }

    /// Parses `text`; returns the document's root (nil for an empty file) and the findings.
    public func parse(_ text: String) -> (root: YAMLNode?, diagnostics: [Diagnostic]) {
        parse(utf8: Array(text.utf8))
    }

    /// Parses UTF-8 bytes (a file's, already checked).
    public func parse(utf8 input: [UInt8]) -> (root: YAMLNode?, diagnostics: [Diagnostic]) {
        let bytes = input.isEmpty ? [0x0A] : input
        var composer = Composer(file: file, bytes: bytes)
        YAMLEventStream.read(bytes) { composer.run(&$0) }
        return (composer.root, composer.diagnostics.items)
    }
}

/// Turns events into nodes. One instance per parse.
private struct Composer {
    let file: String
    /// The input, to place a reader error (libyaml gives its byte offset, not a mark).
    let bytes: [UInt8]
    var diagnostics = DiagnosticList()
    var root: YAMLNode?
    var anchors: [String: YAMLNode] = [:]
    var documents = 0

    init(file: String, bytes: [UInt8]) {
        self.file = file
        self.bytes = bytes
        fileID = Mark.files.id(file)
    }

    /// The file's number in every mark of this parse, looked up once.
    let fileID: UInt32

    /// A container under construction (a class: a child is appended in place).
    private final class Frame {
        let isMapping: Bool
        let mark: Mark
        let tag: String?
        let anchor: String?
        var children: [YAMLNode] = []

        init(isMapping: Bool, mark: Mark, tag: String?, anchor: String?) {
            self.isMapping = isMapping
            self.mark = mark
            self.tag = tag
            self.anchor = anchor
        }
    }

    private var stack: [Frame] = []

    func mark(_ line: Int, _ column: Int) -> Mark {
        Mark(fileID: fileID, line: line + 1, column: column + 1)
    }

    mutating func run(_ events: inout YAMLEventStream) {
        while let event = events.next() {
            let start = mark(event.line, event.column)
            switch event.kind {
            case .streamEnd:
                return
            case .documentStart:
                documents += 1
                if documents > 1 {
                    diagnostics.error(start, "yaml", "a second YAML document; telform reads one document per file (split it into an include instead)")
                }
            case .scalar:
                add(YAMLNode(.scalar(event.value, event.style), mark: start, tag: event.tag), anchor: event.anchor)
            case .alias:
                if let target = anchors[event.value] {
                    add(target, anchor: nil)
                } else {
                    diagnostics.error(start, "yaml", "alias *\(event.value) names no anchor defined before it")
                    add(YAMLNode(.scalar("", .plain), mark: start), anchor: nil)
                }
            case .sequenceStart:
                stack.append(Frame(isMapping: false, mark: start, tag: event.tag, anchor: event.anchor))
            case .mappingStart:
                stack.append(Frame(isMapping: true, mark: start, tag: event.tag, anchor: event.anchor))
            case .sequenceEnd:
                if let frame = stack.popLast(), !frame.isMapping {
                    add(YAMLNode(.sequence(frame.children), mark: frame.mark, tag: frame.tag), anchor: frame.anchor)
                }
            case .mappingEnd:
                if let frame = stack.popLast(), frame.isMapping {
                    add(YAMLNode(.mapping(buildMapping(frame)), mark: frame.mark, tag: frame.tag), anchor: frame.anchor)
                }
            case .other:
                break
            }
        }
        if let error = events.error { reportSyntaxError(error) }
    }

    mutating func add(_ node: YAMLNode, anchor: String?) {
        if let anchor { anchors[anchor] = node }
        guard let top = stack.last else {
            if documents <= 1 { root = node }
            return
        }
        top.children.append(node)
    }

    /// Pairs up keys and values, applies `<<` merges (explicit keys win, earlier merged maps
    /// win over later ones, as the merge-key spec says) and reports duplicate explicit keys.
    private mutating func buildMapping(_ frame: Frame) -> [YAMLPair] {
        var explicit: [YAMLPair] = []
        var merged: [YAMLPair] = []
        var seen: [String: Mark] = [:]
        for at in stride(from: 0, to: frame.children.count - 1, by: 2) {
            let keyNode = frame.children[at]
            let value = frame.children[at + 1]
            guard let key = keyNode.scalar else {
                diagnostics.error(keyNode.mark, "yaml", "a mapping key must be a scalar, not \(keyNode.kindName)")
                continue
            }
            if key == "<<" && keyNode.isPlainScalar {
                merged.append(contentsOf: mergeSources(value))
                continue
            }
            if let first = seen[key] {
                diagnostics.error(keyNode.mark, "yaml", "duplicate key \"\(key)\" (first at line \(first.line), column \(first.column))")
                continue
            }
            seen[key] = keyNode.mark
            explicit.append(YAMLPair(key: key, keyMark: keyNode.mark, value: value))
        }
        for pair in merged where seen[pair.key] == nil {
            seen[pair.key] = pair.keyMark
            explicit.append(pair)
        }
        return explicit
    }

    mutating func mergeSources(_ value: YAMLNode) -> [YAMLPair] {
        switch value.content {
        case .mapping(let pairs):
            return pairs
        case .sequence(let maps):
            var result: [YAMLPair] = []
            for map in maps {
                guard let pairs = map.pairs else {
                    diagnostics.error(map.mark, "yaml", "a << merge list holds mappings only, not \(map.kindName)")
                    continue
                }
                result.append(contentsOf: pairs.filter { p in !result.contains { $0.key == p.key } })
            }
            return result
        case .scalar:
            diagnostics.error(value.mark, "yaml", "<< merges a mapping or a list of mappings, not \(value.kindName)")
            return []
        }
    }

    mutating func reportSyntaxError(_ error: YAMLSyntaxError) {
        var message = error.problem
        if let context = error.context {
            let at = mark(error.contextMark.line, error.contextMark.column)
            message += " (\(context) at line \(at.line), column \(at.column))"
        }
        if error.isReaderError {
            // "control characters are not allowed", a bad encoding: at the offending byte.
            let (line, column) = ConfigBytes.position(of: error.offset, in: bytes)
            diagnostics.error(Mark(file: file, line: line, column: column), "yaml", message)
            return
        }
        diagnostics.error(mark(error.problemMark.line, error.problemMark.column), "yaml", message)
    }
}
