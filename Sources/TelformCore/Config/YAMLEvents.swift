import CYaml
import Foundation

/// libyaml's events as Swift values: what the composer builds nodes from. A large input is
/// parsed on a thread of its own, a batch of events at a time, while the composer builds
/// nodes from the batches before (libyaml's scan and the composing each take about half of a
/// big parse, and a machine has more than one core).
/// An event as the parsing thread hands it over: its texts as byte ranges of the batch's
/// bytes (the composer makes the strings, so the two threads share the work evenly).
struct RawYAMLEvent {
    var kind: YAMLEvent.Kind
    var style: YAMLNode.ScalarStyle
    var line: Int32
    var column: Int32
    /// Ranges in the batch's bytes; `anchor` and `tag` are empty when absent (-1 start).
    var value: Range<Int32>
    var anchor: Range<Int32>
    var tag: Range<Int32>
}

/// A batch of raw events and the bytes their texts are in.
struct YAMLEventBatch {
    var events: [RawYAMLEvent] = []
    var bytes: [UInt8] = []

    init() {}

    /// An empty batch with room for `events` events and their texts (about 16 bytes each).
    init(room events: Int) {
        self.events.reserveCapacity(events)
        bytes.reserveCapacity(events * 16)
    }
}

struct YAMLEvent {
    enum Kind: UInt8 {
        case streamEnd, documentStart, scalar, alias, sequenceStart, mappingStart, sequenceEnd, mappingEnd, other
    }

    var kind: Kind
    var style: YAMLNode.ScalarStyle = .plain
    /// libyaml's 0-based line and column of the event's start.
    var line: Int
    var column: Int
    /// A scalar's text, an alias's anchor name.
    var value = ""
    var anchor: String?
    /// An explicit tag other than the non-specific ones.
    var tag: String?
}

/// Why libyaml stopped: its own words and where.
struct YAMLSyntaxError: Error {
    var problem: String
    var context: String?
    var contextMark: (line: Int, column: Int)
    var problemMark: (line: Int, column: Int)
    var isReaderError: Bool
    /// The byte a reader error is at.
    var offset: Int
}

/// Events of one input, in order, ending with `streamEnd` or a syntax error.
struct YAMLEventStream {
    /// Inputs this large are parsed on a thread of their own.
    static let threadedAbove = 64 * 1024
    /// Events per batch handed from the parsing thread.
    static let batchSize = 1024
    /// Batches parsed ahead at most (the rest of the input waits for the composer).
    static let batchesAhead = 8

    private let channel: Channel?
    private var parser: UnsafeMutablePointer<yaml_parser_t>?
    private var batch = YAMLEventBatch()
    private var position = 0
    private(set) var error: YAMLSyntaxError?
    private var ended = false

    /// Events of `bytes`, which must stay valid until the stream has ended.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.count > Self.threadedAbove {
            let channel = Channel()
            self.channel = channel
            parser = nil
            let input = SendableBuffer(bytes: bytes)
            let thread = Thread { Self.produce(input, into: channel) }
            thread.stackSize = 1 << 20
            thread.start()
        } else {
            channel = nil
            let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
            parser.initialize(to: yaml_parser_t())
            if yaml_parser_initialize(parser) == 1 {
                yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)
                self.parser = parser
            } else {
                parser.deallocate()
                self.parser = nil
                error = Self.cannotStart
                ended = true
            }
        }
    }

    static let cannotStart = YAMLSyntaxError(problem: "libyaml could not start", context: nil, contextMark: (0, 0), problemMark: (0, 0), isReaderError: false, offset: 0)

    /// The parsing thread: libyaml's events, their texts copied into each batch's bytes.
    private static func produce(_ input: SendableBuffer, into channel: Channel) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            channel.finish(cannotStart)
            return
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, input.bytes.baseAddress, input.bytes.count)
        var batch = YAMLEventBatch(room: batchSize)
        while true {
            if let failure = append(&parser, to: &batch) {
                channel.send(batch)
                channel.finish(failure)
                return
            }
            if batch.events.last?.kind == .streamEnd {
                channel.send(batch)
                channel.finish(nil)
                return
            }
            if batch.events.count == batchSize {
                channel.send(batch)
                batch = YAMLEventBatch(room: batchSize)
            }
        }
    }

    /// Parses libyaml's next event into `batch`, its texts copied into the batch's bytes; the
    /// syntax error instead when libyaml stops.
    static func append(_ parser: UnsafeMutablePointer<yaml_parser_t>, to batch: inout YAMLEventBatch) -> YAMLSyntaxError? {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { return syntaxError(parser) }
        defer { yaml_event_delete(&event) }
        func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?, _ length: Int?) -> Range<Int32> {
            guard let pointer else { return -1 ..< -1 }
            let count = length ?? strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
            let start = Int32(batch.bytes.count)
            batch.bytes.append(contentsOf: UnsafeBufferPointer(start: pointer, count: count))
            return start ..< Int32(batch.bytes.count)
        }
        var raw = RawYAMLEvent(kind: .other, style: .plain, line: Int32(clamping: event.start_mark.line),
                               column: Int32(clamping: event.start_mark.column), value: -1 ..< -1, anchor: -1 ..< -1, tag: -1 ..< -1)
        switch event.type {
        case YAML_STREAM_END_EVENT: raw.kind = .streamEnd
        case YAML_DOCUMENT_START_EVENT: raw.kind = .documentStart
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            raw.kind = .scalar
            raw.style = style(s.style)
            raw.value = s.value == nil ? 0 ..< 0 : text(s.value, Int(s.length))
            raw.anchor = text(s.anchor, nil)
            raw.tag = text(s.tag, nil)
        case YAML_ALIAS_EVENT:
            raw.kind = .alias
            raw.value = text(event.data.alias.anchor, nil)
        case YAML_SEQUENCE_START_EVENT:
            raw.kind = .sequenceStart
            raw.anchor = text(event.data.sequence_start.anchor, nil)
            raw.tag = text(event.data.sequence_start.tag, nil)
        case YAML_MAPPING_START_EVENT:
            raw.kind = .mappingStart
            raw.anchor = text(event.data.mapping_start.anchor, nil)
            raw.tag = text(event.data.mapping_start.tag, nil)
        case YAML_SEQUENCE_END_EVENT: raw.kind = .sequenceEnd
        case YAML_MAPPING_END_EVENT: raw.kind = .mappingEnd
        default: break
        }
        batch.events.append(raw)
        return nil
    }

    /// The next event; nil after the last one (see `error`). A small input is parsed here,
    /// one event at a time, into a batch of one. While the parsing thread has no batch ready,
    /// `meanwhile` is run for as long as it finds work to do (returns true).
    mutating func next(meanwhile: () -> Bool = { false }) -> YAMLEvent? {
        if ended { return nil }
        while position == batch.events.count {
            if let channel {
                let (next, failure) = channel.receive(meanwhile: meanwhile)
                guard let next else {
                    error = failure
                    ended = true
                    return nil
                }
                batch = next
            } else {
                guard let parser else { return nil }
                batch.events.removeAll(keepingCapacity: true)
                batch.bytes.removeAll(keepingCapacity: true)
                if let failure = Self.append(parser, to: &batch) {
                    error = failure
                    finishInline()
                    return nil
                }
            }
            position = 0
        }
        let raw = batch.events[position]
        position += 1
        if raw.kind == .streamEnd {
            if channel == nil { finishInline() } else { ended = true }
        }
        return batch.bytes.withUnsafeBufferPointer { bytes in
            func text(_ range: Range<Int32>) -> String? {
                guard range.lowerBound >= 0 else { return nil }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(range.lowerBound)..<Int(range.upperBound)]), as: UTF8.self)
            }
            return YAMLEvent(kind: raw.kind, style: raw.style, line: Int(raw.line), column: Int(raw.column),
                             value: text(raw.value) ?? "", anchor: text(raw.anchor), tag: Self.meaningful(text(raw.tag)))
        }
    }

    /// Ends the stream (the composer stops at its end), releasing the parser; a parsing
    /// thread is waited for.
    mutating func close() {
        if channel != nil {
            while next() != nil {}
        } else {
            finishInline()
        }
    }

    private mutating func finishInline() {
        ended = true
        if let parser {
            yaml_parser_delete(parser)
            parser.deallocate()
            self.parser = nil
        }
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

    static func style(_ style: yaml_scalar_style_t) -> YAMLNode.ScalarStyle {
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

    /// The input, handed to the parsing thread (the caller keeps it alive until the end).
    private struct SendableBuffer: @unchecked Sendable {
        let bytes: UnsafeBufferPointer<UInt8>
    }

    /// Batches from the parsing thread to the composer, at most `batchesAhead` waiting.
    private final class Channel: @unchecked Sendable {
        private let condition = NSCondition()
        private var batches: [YAMLEventBatch] = []
        private var done = false
        private var failure: YAMLSyntaxError?

        func send(_ batch: YAMLEventBatch) {
            condition.lock()
            while batches.count >= YAMLEventStream.batchesAhead { condition.wait() }
            batches.append(batch)
            condition.broadcast()
            condition.unlock()
        }

        func finish(_ error: YAMLSyntaxError?) {
            condition.lock()
            done = true
            failure = error
            condition.broadcast()
            condition.unlock()
        }

        /// The next batch, or (nil, the error if any) once the thread is done and all are taken.
        func receive(meanwhile: () -> Bool) -> (YAMLEventBatch?, YAMLSyntaxError?) {
            condition.lock()
            defer { condition.unlock() }
            var working = true
            while batches.isEmpty && !done {
                if working {
                    condition.unlock()
                    working = meanwhile()
                    condition.lock()
                } else {
                    condition.wait()
                }
            }
            if !batches.isEmpty {
                let batch = batches.removeFirst()
                condition.broadcast()
                return (batch, nil)
            }
            return (nil, failure)
        }
    }
}
