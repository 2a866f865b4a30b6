import CYaml
import Foundation

/// How a scalar was written: plain, quoted, or as a block (`|`, `>`).
public enum YAMLScalarStyle: Sendable, Equatable {
    case plain, quoted, block
}

/// libyaml's events as Swift values: what the composer builds nodes from.
public struct YAMLEvent {
    public enum Kind: UInt8 {
        case streamEnd, documentStart, scalar, alias, sequenceStart, mappingStart, sequenceEnd, mappingEnd, other
    }

    public var kind: Kind
    public var style: YAMLScalarStyle = .plain
    /// libyaml's 0-based line and column of the event's start.
    public var line: Int
    public var column: Int
    /// A scalar's text, an alias's anchor name.
    public var value = ""
    public var anchor: String?
    /// An explicit tag other than the non-specific ones.
    public var tag: String?
}

/// Why libyaml stopped: its own words and where.
public struct YAMLSyntaxError: Error {
    public var problem: String
    public var context: String?
    public var contextMark: (line: Int, column: Int)
    public var problemMark: (line: Int, column: Int)
    public var isReaderError: Bool
    /// The byte a reader error is at.
    public var offset: Int
}

/// Events of one input, in order, ending with `streamEnd` or a syntax error.
public struct YAMLEventStream {
    /// libyaml's parser, in memory of its own (libyaml keeps pointers into it).
    private var parser: UnsafeMutablePointer<yaml_parser_t>?
    public private(set) var error: YAMLSyntaxError?

    /// The events of `bytes`, given to `body` (libyaml reads the bytes in place meanwhile).
    public static func read<T>(_ bytes: [UInt8], _ body: (inout YAMLEventStream) -> T) -> T {
        bytes.withUnsafeBufferPointer { buffer in
            var events = YAMLEventStream(buffer)
            defer { events.close() }
            return body(&events)
        }
    }

    /// Events of `bytes`, which must stay valid until the stream has ended.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        parser.initialize(to: yaml_parser_t())
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            error = Self.cannotStart
            return
        }
        yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)
        self.parser = parser
    }

    static let cannotStart = YAMLSyntaxError(
        problem: "libyaml could not start", context: nil, contextMark: (0, 0), problemMark: (0, 0), isReaderError: false, offset: 0)

    /// The next event; nil after the last one, or at a syntax error (see `error`).
    public mutating func next() -> YAMLEvent? {
        guard let parser else { return nil }
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            error = Self.syntaxError(parser)
            close()
            return nil
        }
        defer { yaml_event_delete(&event) }
        func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?, _ length: Int? = nil) -> String? {
            guard let pointer else { return nil }
            let count = length ?? strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
            return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
        }
        var result = YAMLEvent(kind: .other, line: Int(event.start_mark.line), column: Int(event.start_mark.column))
        switch event.type {
        case YAML_STREAM_END_EVENT:
            result.kind = .streamEnd
            close()
        case YAML_DOCUMENT_START_EVENT: result.kind = .documentStart
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            result.kind = .scalar
            result.style = Self.style(scalar.style)
            result.value = text(scalar.value, Int(scalar.length)) ?? ""
            result.anchor = text(scalar.anchor)
            result.tag = Self.meaningful(text(scalar.tag))
        case YAML_ALIAS_EVENT:
            result.kind = .alias
            result.value = text(event.data.alias.anchor) ?? ""
        case YAML_SEQUENCE_START_EVENT:
            result.kind = .sequenceStart
            result.anchor = text(event.data.sequence_start.anchor)
            result.tag = Self.meaningful(text(event.data.sequence_start.tag))
        case YAML_MAPPING_START_EVENT:
            result.kind = .mappingStart
            result.anchor = text(event.data.mapping_start.anchor)
            result.tag = Self.meaningful(text(event.data.mapping_start.tag))
        case YAML_SEQUENCE_END_EVENT: result.kind = .sequenceEnd
        case YAML_MAPPING_END_EVENT: result.kind = .mappingEnd
        default: break
        }
        return result
    }

    /// Ends the stream, releasing the parser.
    public mutating func close() {
        guard let parser else { return }
        yaml_parser_delete(parser)
        parser.deallocate()
        self.parser = nil
    }

    static func syntaxError(_ parser: UnsafeMutablePointer<yaml_parser_t>) -> YAMLSyntaxError {
        let p = parser.pointee
        return YAMLSyntaxError(
            problem: p.problem.map { String(cString: $0) } ?? "invalid YAML",
            context: p.context.map { String(cString: $0) },
            contextMark: (Int(p.context_mark.line), Int(p.context_mark.column)),
            problemMark: (Int(p.problem_mark.line), Int(p.problem_mark.column)),
            isReaderError: p.error == YAML_READER_ERROR,
            offset: Int(p.problem_offset))
    }

    static func style(_ style: yaml_scalar_style_t) -> YAMLScalarStyle {
        switch style {
        case YAML_PLAIN_SCALAR_STYLE: return .plain
        case YAML_LITERAL_SCALAR_STYLE, YAML_FOLDED_SCALAR_STYLE: return .block
        default: return .quoted
        }
    }

    /// A tag that says something: non-specific tags and !!str add nothing (every scalar
    /// starts out as text).
    static func meaningful(_ tag: String?) -> String? {
        guard let tag else { return nil }
        return (tag == "!" || tag == "tag:yaml.org,2002:str") ? nil : tag
    }
}
