import TelformCore
import TelformPlatforms

/// `telform schema`: the JSON Schema of the config language, on stdout.
enum SchemaCommand {
    static func run(_ arguments: Arguments) -> Int32 {
        let unknown = arguments.unknown(known: Telform.global)
        guard unknown.isEmpty, arguments.positionals.isEmpty else {
            Terminal.error("schema: unexpected \((unknown + arguments.positionals).joined(separator: " ")); usage: telform schema")
            return 1
        }
        Terminal.out(JSONSchemaEmitter(platforms: PlatformCatalog.all).document().rendered())
        return 0
    }
}
