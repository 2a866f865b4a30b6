import Foundation
import TelformCore

/// The MTT platform: follow-me chains, prompts, premedia, blacklist, call control, CallBack.
public struct MTTPlatform: ProviderDriver {
    public let provider: ProviderConfig
    public let schema = MTTKinds.platform
    /// The classic endpoint (`url`) and the Premedia endpoint (`premedia_url`).
    let classic: JSONRPCClient
    let premedia: JSONRPCClient

    public init(provider: ProviderConfig, classic: any HTTPTransport, premedia: any HTTPTransport, retry: RetryPolicy = RetryPolicy()) {
        self.provider = provider
        let user = provider.settings["username"]?.string, password = provider.settings["password"]?.string
        // With sim:// both endpoints are the simulator, told apart by path.
        let simulated = provider.settings["url"]?.string?.hasPrefix("sim://") ?? false
        self.classic = JSONRPCClient(http: ResilientClient(transport: classic, policy: retry), path: simulated ? "/index.php" : "",
                                     username: user, password: password)
        self.premedia = JSONRPCClient(http: ResilientClient(transport: premedia, policy: retry), path: simulated ? "/v1/api" : "",
                                      username: user, password: password)
    }

    var customer: String { provider.settings["customer"]?.string ?? "" }

    // MARK: canonical forms

    /// Prompts first (their live names from their content), then everything else, a
    /// premedia's prompt names resolved against the declared prompts of this same set.
    public func canonical(_ desired: [Resource], live: LiveState) -> [Resource] {
        var promptNames: [String: String] = [:]
        for prompt in desired where prompt.address.kind == "prompts" {
            if let name = prompt.address.key.last, let liveName = canonical(prompt).fields["live_name"]?.string { promptNames[name] = liveName }
        }
        return desired.map { resource in
            var canonical = self.canonical(resource)
            guard resource.address.kind == "premedia" else { return canonical }
            // A declared prompt's name becomes its live name; a live name (what read returns,
            // or canonical gave already) stays: canonical is idempotent.
            for side in ["prompt_a", "prompt_b"] {
                canonical.fields[side] = resource.fields[side]?.string.map { Value.string(promptNames[$0] ?? $0) } ?? .null
            }
            return canonical
        }
    }

    /// One resource alone: a premedia's prompts stay as written (no prompt is declared beside it).
    public func canonical(_ desired: Resource) -> Resource {
        var resource = desired
        var fields = desired.fields
        switch desired.address.kind {
        case "follow_me":
            fields["chain"] = .list((fields["chain"]?.list ?? []).map { entry in
                var e = entry.object ?? [:]
                e["name"] = e["name"] ?? e["number"] ?? .null
                e["period"] = .string(PeriodSet.canonical(e["period"]))
                return .object(e)
            })
        case "prompts":
            if let live = fields["live"]?.string {
                fields["type"] = .string(Self.parseLiveName(live).type)
                fields["live_name"] = .string(live)
            } else if let content = Self.promptContent(desired) {
                fields["type"] = .string(content.type)
                fields["live_name"] = .string(content.liveName)
            }
        case "premedia":
            for side in ["prompt_a", "prompt_b"] where fields[side] == nil { fields[side] = .null }
            if var forward = fields["forward"]?.object {
                forward["caller_id"] = forward["caller_id"] ?? .null
                forward["chain"] = .list((forward["chain"]?.list ?? []).map { entry in
                    var e = entry.object ?? [:]
                    e["name"] = e["name"] ?? e["number"] ?? .null
                    return .object(e)
                })
                fields["forward"] = .object(forward)
            }
        case "call_control":
            // The account's call control is one setting pair, managed whole.
            fields["url"] = fields["url"] ?? .null
            fields["reserve_number"] = fields["reserve_number"] ?? .null
        case "callback_follow_me":
            fields["caller_id"] = fields["caller_id"] ?? .null
            fields["default_b_number"] = fields["default_b_number"] ?? .null
            fields["chain"] = .list((fields["chain"]?.list ?? []).map { entry in
                var e = entry.object ?? [:]
                for key in ["name", "timeout"] where e[key] == nil { e[key] = .null }
                return .object(e)
            })
            fields["messages"] = fields["messages"] ?? .list([])
        default:
            break
        }
        resource.fields = fields
        return resource
    }

    /// A declared prompt's bytes (file) or text, its type and content-addressed live name:
    /// `<name>-<h>.mp3`, or `TTS_<name>-<h>.mp3` (the platform adds TTS_ and .mp3 to text),
    /// `<h>` the first 8 hex digits of SHA-256 of the bytes or UTF-8 text.
    static func promptContent(_ prompt: Resource) -> (type: String, bytes: [UInt8], liveName: String)? {
        let name = prompt.address.key.last ?? ""
        if let text = prompt.fields["text"]?.string {
            let bytes = Array(text.utf8)
            return ("text", bytes, "TTS_\(name)-\(SHA256.hex(bytes).prefix(8)).mp3")
        }
        guard let file = prompt.fields["file"]?.string else { return nil }
        let path = file.hasPrefix("/") ? file : (prompt.mark?.directory ?? ".") + "/" + file
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = Array(data)
        return ("file", bytes, "\(name)-\(SHA256.hex(bytes).prefix(8)).mp3")
    }


    /// `welcome-1a2b3c4d.mp3` → ("welcome", "file"); `TTS_closed-…mp3` → ("closed", "text");
    /// a name outside the scheme is its own key.
    static func parseLiveName(_ live: String) -> (name: String, type: String, addressed: Bool) {
        var base = live
        let text = base.hasPrefix("TTS_")
        if text { base.removeFirst(4) }
        if base.lowercased().hasSuffix(".mp3") { base.removeLast(4) }
        if let dash = base.lastIndex(of: "-"), base.distance(from: dash, to: base.endIndex) == 9,
           base[base.index(after: dash)...].allSatisfy({ $0.isHexDigit && !$0.isUppercase }) {
            return (String(base[..<dash]), text ? "text" : "file", true)
        }
        return (live, text ? "text" : "file", false)
    }

    static func yesNo(_ node: JSONNode?) -> Value {
        guard let text = node?.string ?? node?.int.map(String.init) else { return .bool(true) }
        return .bool(text.uppercased() != "N" && text != "0")
    }

    static func number(_ node: JSONNode?) -> Value {
        WireValue.integer(node)
    }

    static func text(_ node: JSONNode?) -> Value {
        WireValue.text(node)
    }

}
