
/// Builds `YAMLNode`s from libyaml's event stream, keeping FILE:LINE:COL for every node.
/// Anchors and aliases are resolved here, `<<` merge keys applied, duplicate keys and
/// extra documents reported. Syntax errors come from libyaml with its own message.
public struct YAMLParser {
    public let file: String
    /// Asked, where a list starts at `providers.NAME.KIND` and NAME's block wrote its `type:`
    /// above it, whom to hand the list's items to as they complete (see `ItemTyping`).
    typealias ProviderLists = (_ provider: String, _ kind: String, _ type: String, _ mark: Mark) -> ItemTyping?
    var providerLists: ProviderLists?

    public init(file: String) {
        self.file = file
    }

    init(file: String, providerLists: @escaping ProviderLists) {
        self.file = file
        self.providerLists = providerLists
    }

    /// Parses `text`; returns the document's root (nil for an empty file) and the findings.
    public func parse(_ text: String) -> (root: YAMLNode?, diagnostics: [Diagnostic]) {
        parse(utf8: Array(text.utf8))
    }

    /// Parses UTF-8 bytes (a file's, already checked).
    public func parse(utf8 input: [UInt8]) -> (root: YAMLNode?, diagnostics: [Diagnostic]) {
        let bytes = input.isEmpty ? [0x0A] : input
        return bytes.withUnsafeBufferPointer { buffer -> (YAMLNode?, [Diagnostic]) in
            var events = YAMLEventStream(buffer)
            defer { events.close() }
            var composer = Composer(file: file, bytes: bytes, providerLists: providerLists)
            composer.run(&events)
            return (composer.root, composer.diagnostics.items)
        }
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

    let providerLists: YAMLParser.ProviderLists?
    /// The lists handed over so far: their chunks are typed while libyaml scans on.
    private let handedOver = HandedOver()

    private final class HandedOver {
        var lists: [ItemTyping] = []
        func typeOne() -> Bool { lists.contains { $0.typeOne() } }
    }

    init(file: String, bytes: [UInt8], providerLists: YAMLParser.ProviderLists?) {
        self.file = file
        self.bytes = bytes
        self.providerLists = providerLists
        fileID = Mark.files.id(file)
    }

    /// The file's number in every mark of this parse, looked up once.
    let fileID: UInt32

    /// A container under construction. A class, so a child is appended in place: an enum
    /// frame popped, extended and pushed back copied its whole array per child (quadratic).
    /// Its children are kept in memory of its own and moved out when it ends, not copied out
    /// of an array and then released with it (that copy and release were a fifth of composing).
    private final class Frame {
        let isMapping: Bool
        let mark: Mark
        let tag: String?
        let anchor: String?
        private var children: UnsafeMutablePointer<YAMLNode>
        private var capacity = 8
        /// Children appended and not yet moved out.
        private(set) var count = 0
        /// Who is handed this list's items as they complete, if anyone.
        var typing: ItemTyping?

        init(isMapping: Bool, mark: Mark, tag: String?, anchor: String?) {
            self.isMapping = isMapping
            self.mark = mark
            self.tag = tag
            self.anchor = anchor
            // Room for a few pairs or items at once; doubled when full.
            children = .allocate(capacity: capacity)
        }

        deinit {
            children.deinitialize(count: count)
            children.deallocate()
        }

        func append(_ node: consuming YAMLNode) {
            if count == capacity {
                let larger = UnsafeMutablePointer<YAMLNode>.allocate(capacity: capacity * 2)
                larger.moveInitialize(from: children, count: count)
                children.deallocate()
                children = larger
                capacity *= 2
            }
            (children + count).initialize(to: node)
            count += 1
        }

        /// Every child, in order, moved into an array; the frame is left empty.
        func takeAll() -> [YAMLNode] {
            let all = [YAMLNode](unsafeUninitializedCapacity: count) { buffer, initialized in
                if let base = buffer.baseAddress, count > 0 { base.moveInitialize(from: children, count: count) }
                initialized = count
            }
            count = 0
            return all
        }

        /// Child `index`, read in place.
        func child(_ index: Int) -> YAMLNode {
            children[index]
        }

        /// Child `index`, moved out: each is taken once, then `forget` leaves the frame empty.
        func take(_ index: Int) -> YAMLNode {
            (children + index).move()
        }

        /// The children from `taken` on are released; the frame is left empty.
        func forget(from taken: Int) {
            if taken < count { (children + taken).deinitialize(count: count - taken) }
            count = 0
        }
    }

    private var stack: [Frame] = []

    func mark(_ line: Int, _ column: Int) -> Mark {
        Mark(fileID: fileID, line: line + 1, column: column + 1)
    }

    mutating func run(_ events: inout YAMLEventStream) {
        let handedOver = handedOver
        while let event = events.next(meanwhile: handedOver.typeOne) {
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
                let frame = Frame(isMapping: false, mark: start, tag: event.tag, anchor: event.anchor)
                if providerLists != nil, let typing = providerList(at: start) {
                    frame.typing = typing
                    handedOver.lists.append(typing)
                }
                stack.append(frame)
            case .mappingStart:
                stack.append(Frame(isMapping: true, mark: start, tag: event.tag, anchor: event.anchor))
            case .sequenceEnd:
                if let frame = stack.popLast(), !frame.isMapping {
                    add(YAMLNode(.sequence(frame.takeAll()), mark: frame.mark, tag: frame.tag), anchor: frame.anchor)
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

    /// Whom to hand the items of a list starting here: when it is the value of
    /// `providers.NAME.KIND` (three mappings open, each waiting for its key's value) and
    /// NAME's block wrote `type:` before it (the first one: a second is a duplicate key).
    private func providerList(at mark: Mark) -> ItemTyping? {
        guard let providerLists, stack.count == 3,
              stack.allSatisfy({ $0.isMapping && $0.count % 2 == 1 }),
              stack[0].child(stack[0].count - 1).scalar == "providers",
              let provider = stack[1].child(stack[1].count - 1).scalar,
              let kind = stack[2].child(stack[2].count - 1).scalar else { return nil }
        let block = stack[2]
        guard let at = stride(from: 0, to: block.count - 1, by: 2).first(where: { block.child($0).scalar == "type" }),
              let type = block.child(at + 1).scalar else { return nil }
        return providerLists(provider, kind, type, mark)
    }

    /// `node` is moved into its parent (a copy of each, then its release, was a share of composing).
    mutating func add(_ node: consuming YAMLNode, anchor: String?) {
        if let anchor { anchors[anchor] = node }
        guard let top = stack.last else {
            if documents <= 1 { root = node }
            return
        }
        top.typing?.add(node)
        top.append(node)
    }

    /// Pairs up keys and values, applies `<<` merges (explicit keys win, earlier merged maps
    /// win over later ones, as the merge-key spec says) and reports duplicate explicit keys.
    private mutating func buildMapping(_ frame: Frame) -> [YAMLPair] {
        var explicit: [YAMLPair] = []
        explicit.reserveCapacity(frame.count / 2)
        var merged: [YAMLPair] = []
        // Keys seen so far: a scan of the few pairs most mappings have, an index past 16
        // (a dictionary per mapping was a twentieth of a large validate).
        var index: [String: Mark]?
        func seen(_ key: String) -> Mark? {
            if let index { return index[key] }
            return explicit.first { $0.key == key }?.keyMark
        }
        func keep(_ pair: consuming YAMLPair) {
            if index != nil { index?[pair.key] = pair.keyMark }
            explicit.append(pair)
            if index == nil && explicit.count > 16 {
                index = Dictionary(explicit.map { ($0.key, $0.keyMark) }, uniquingKeysWith: { first, _ in first })
            }
        }
        // Keys and values are moved out of the frame, and each value into its pair.
        var at = 0
        defer { frame.forget(from: at) }
        while at + 1 < frame.count {
            let keyNode = frame.take(at), value = frame.take(at + 1)
            at += 2
            guard let key = keyNode.scalar else {
                diagnostics.error(keyNode.mark, "yaml", "a mapping key must be a scalar, not \(keyNode.kindName)")
                continue
            }
            if key == "<<" && keyNode.isPlainScalar {
                merged.append(contentsOf: mergeSources(value))
                continue
            }
            if let first = seen(key) {
                diagnostics.error(keyNode.mark, "yaml", "duplicate key \"\(key)\" (first at line \(first.line), column \(first.column))")
                continue
            }
            keep(YAMLPair(key: key, keyMark: keyNode.mark, value: consume value))
        }
        for pair in merged where seen(pair.key) == nil {
            keep(pair)
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
