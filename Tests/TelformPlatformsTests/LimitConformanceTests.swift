import Foundation
import TelformCore
import XCTest

@testable import TelformPlatforms

/// Every limit declared in the catalog is refused, and its bound accepted: for every field of
/// every kind (nested ones included), the value one past each bound, a length past the
/// longest, a value outside an enumeration, a text its check rejects, a list one entry too long.
final class LimitConformanceTests: XCTestCase {
    /// The diagnostics of typing `yaml` as `field`.
    func typed(_ yaml: String, _ field: FieldSchema) -> [String] {
        let (root, parseDiagnostics) = YAMLParser(file: "t.yaml").parse(yaml)
        guard let node = root, parseDiagnostics.isEmpty else { return ["unparsed: \(yaml)"] }
        var typer = Typer(interpolator: Interpolator(baseDirectory: "/", environment: [:]), mode: .strict)
        _ = typer.value(node, field.type, path: field.name, field: field)
        return typer.diagnostics.items.filter { $0.severity == .error }.map(\.message)
    }

    /// A value the type accepts, as YAML; nil when none of the usual shapes passes its check.
    static func sample(_ type: FieldType) -> String? {
        switch type {
        case .bool: return "true"
        case .integer(let rules): return String(rules.min ?? 1)
        case .string(let rules):
            if let allowed = rules.allowed?.first { return json(allowed) }
            let pool = ["a", "1", "100", "201", "1001", "79161234567", "74951234567", "09:00", "2026-01-01", "mon-fri", "https://example.com/x"]
            return pool.first { text in
                text.count >= (rules.minLength ?? 0) && text.count <= (rules.maxLength ?? .max) && rules.check?.reason(text) == nil
            }.map(json)
        case .object(let schema):
            var pairs: [String] = []
            // The fields the schema needs: the required ones, and the first of each "exactly one of".
            var needed = Set(schema.fields.filter(\.required).map(\.name))
            for rule in schema.rules { if case .exactlyOne(let names) = rule, let first = names.first { needed.insert(first) } }
            for field in schema.fields where needed.contains(field.name) {
                guard let value = sample(field.type) else { return nil }
                pairs.append("\(field.name): \(value)")
            }
            return "{" + pairs.joined(separator: ", ") + "}"
        default: return nil
        }
    }

    static func json(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Every field of an object schema, nested ones and list items' included, with its path.
    static func fields(_ schema: ObjectSchema, prefix: String) -> [(String, FieldSchema)] {
        schema.fields.flatMap { field -> [(String, FieldSchema)] in
            let path = prefix.isEmpty ? field.name : prefix + "." + field.name
            switch field.type {
            case .object(let inner), .list(.object(let inner), _): return [(path, field)] + fields(inner, prefix: path)
            default: return [(path, field)]
            }
        }
    }

    func testEveryDeclaredLimitIsRefusedAndItsBoundAccepted() {
        var checked: [String] = []
        var problems: [String] = []
        for platform in PlatformCatalog.all {
            for kind in platform.kinds {
                var schemas: [ObjectSchema] = []
                switch kind.shape {
                case .objects(let o), .single(let o): schemas = [o]
                case .grouped(let group, _): schemas = [group]
                case .scalars(let type, let field): schemas = [ObjectSchema([FieldSchema(field, type, "")])]
                }
                for schema in schemas {
                    for (path, field) in Self.fields(schema, prefix: "") {
                        let at = "\(platform.type)/\(kind.name).\(path)"
                        func refused(_ yaml: String, _ what: String) {
                            checked.append("\(at) \(what)")
                            if typed(yaml, field).isEmpty { problems.append("\(at): \(what) (\(yaml)) is accepted") }
                        }
                        func accepted(_ yaml: String, _ what: String) {
                            let diagnostics = typed(yaml, field)
                            if !diagnostics.isEmpty { problems.append("\(at): \(what) (\(yaml)) is refused: \(diagnostics)") }
                        }
                        switch field.type {
                        case .integer(let rules):
                            if let min = rules.min {
                                refused(String(min - 1), "below the minimum")
                                accepted(String(min), "the minimum")
                            }
                            if let max = rules.max {
                                refused(String(max + 1), "above the maximum")
                                accepted(String(max), "the maximum")
                            }
                        case .string(let rules):
                            if let max = rules.maxLength { refused(Self.json(String(repeating: "9", count: max + 1)), "one character too long") }
                            if let min = rules.minLength, min > 0 { refused(Self.json(String(repeating: "9", count: min - 1)), "one character too short") }
                            if let allowed = rules.allowed {
                                refused(Self.json("no-such-value"), "outside the enumeration")
                                for value in allowed { accepted(Self.json(value), "an allowed value") }
                            }
                            if rules.check != nil, rules.allowed == nil { refused(Self.json("!?"), "what its check rejects") }
                        case .list(let item, let rules):
                            if let max = rules.maxItems, let one = Self.sample(item) {
                                refused("[" + Array(repeating: one, count: max + 1).joined(separator: ", ") + "]", "one entry too many")
                                accepted("[" + Array(repeating: one, count: max).joined(separator: ", ") + "]", "the most entries")
                            }
                            if let min = rules.minItems, min > 0 {
                                refused("[]", "too few entries")
                            }
                        default:
                            break
                        }
                    }
                }
            }
        }
        XCTAssertEqual(problems, [])
        XCTAssertTrue(checked.contains("vpbx/find_me.rules.numbers one entry too many"), "a list of objects too long")
        XCTAssertGreaterThan(checked.count, 140, "\(checked)")
    }
}
