import TelformCore
import TelformPlatforms

/// `telform schema`: the JSON Schema of the config language (or, with `--format markdown`,
/// the reference in docs/reference.md), on stdout.
enum SchemaCommand {
    static func run(_ arguments: Arguments) -> Int32 {
        if arguments.has(Flag.routingTests) {
            guard (arguments.value(Flag.schemaFormat) ?? "json") == "json" else {
                Terminal.error("schema: the tests file's schema is JSON only")
                return 1
            }
            Terminal.out(RoutingTestFile.jsonSchema.rendered())
            return 0
        }
        switch arguments.value(Flag.schemaFormat) ?? "json" {
        case "json":
            Terminal.out(JSONSchemaEmitter(platforms: PlatformCatalog.all).document().rendered())
        case "markdown":
            Terminal.out(ReferenceEmitter(platforms: PlatformCatalog.all).document())
        case let other:
            Terminal.error("schema: unknown format \"\(other)\"; use json or markdown")
            return 1
        }
        return 0
    }
}
