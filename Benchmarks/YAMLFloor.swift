import CYaml
import Foundation

/// The floor for `validate`: libyaml's own event parse of the same bytes, in this process,
/// with nothing built from the events.
enum YAMLFloor {
    static func parse(_ data: Data) throws -> Double {
        let started = Date()
        var events = 0
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { throw BenchError("libyaml: cannot initialise a parser") }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else { throw BenchError("libyaml: the workload does not parse") }
                let done = event.type == YAML_STREAM_END_EVENT
                yaml_event_delete(&event)
                events += 1
                if done { break }
            }
        }
        precondition(events > 0)
        return Date().timeIntervalSince(started)
    }
}
