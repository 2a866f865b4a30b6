import Foundation
import TelformCore

/// A Premedia prompt of the account (api-docs/004 `getCustomerPrompts`,
/// `createCustomerPrompt`, `deleteCustomerPrompt`, on `premedia_url`). Prompts cannot be
/// edited, so they are content-addressed: the live name is `<name>-<h>.mp3` (files) or
/// `TTS_<name>-<h>.mp3` (text), and a content change rolls out as upload, rebind, delete.
struct PromptKind: Kind {
    static let table = ObjectSchema(
        [
            .string(
                "name", StringRules(minLength: 1, maxLength: 64, check: .regex("^[A-Za-z0-9_.-]+$", "must use letters, digits, ., - and _ only"), by: "MTT"),
                "Prompt name; the live name is content-addressed (<name>-<hash>.mp3)."
            ).required(),
            // Neither is returned: the content is compared through the content-addressed live name.
            FieldSchema.string(
                "file", StringRules(minLength: 1, check: .regex("(?i)\\.mp3$", "must be an .mp3 file")), "An mp3 file, relative to the config, uploaded base64."
            ).writeOnly.seenIndirectly.localFile,
            FieldSchema.string("text", StringRules(minLength: 1, maxLength: 1000, by: "MTT"), "Text spoken by text-to-speech.").writeOnly.seenIndirectly,
            FieldSchema.string(
                "live", StringRules(minLength: 1, check: .regex("(?i)\\.mp3$", "must be a live prompt name ending in .mp3")),
                "An existing live prompt kept as it is (what export writes: the platform has no download call)."
            ).writeOnly.seenIndirectly,
        ], rules: [.exactlyOne(["file", "text", "live"])])

    let schema = KindSchema(
        name: "prompts", doc: "Premedia prompts of the account (content-addressed live names).",
        shape: .objects(table), keyFields: ["name"]
    ).immutable(createBeforeDelete: true, cleanupShownBy: "live_name")

    func canonical(_ resource: Resource, among desired: [Resource], live: LiveState) -> Resource {
        var resource = resource
        if let live = resource.fields["live"]?.string {
            resource.fields["type"] = .string(Self.parseLiveName(live).type)
            resource.fields["live_name"] = .string(live)
        } else if let content = Self.content(resource) {
            resource.fields["type"] = .string(content.type)
            resource.fields["live_name"] = .string(content.liveName)
        }
        return resource
    }

    /// A declared prompt's bytes (file) or text, its type and content-addressed live name:
    /// `<name>-<h>.mp3`, or `TTS_<name>-<h>.mp3` (the platform adds TTS_ and .mp3 to text),
    /// `<h>` the first 8 hex digits of SHA-256 of the bytes or UTF-8 text.
    static func content(_ prompt: Resource) -> (type: String, bytes: [UInt8], liveName: String)? {
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
            base[base.index(after: dash)...].allSatisfy({ $0.isHexDigit && !$0.isUppercase })
        {
            return (String(base[..<dash]), text ? "text" : "file", true)
        }
        return (live, text ? "text" : "file", false)
    }

    func read(_ client: MTTClient, provider: ProviderConfig, desired: [Resource], into state: inout LiveState) async throws {
        let result = try await client.premedia.call("getCustomerPrompts", .object([("customer_name", .string(client.customer))]))
        let wanted = Set(
            desired.filter { $0.address.kind == schema.name }.compactMap { canonical($0, among: desired, live: state).fields["live_name"]?.string })
        var claimed = Set<String>()
        // Several versions of one name: the one the file wants (or else the first) keeps the
        // name as its key; the others are keyed by their live names, and so pruned.
        let items = try WireShape.list(result["prompts_list"], "getCustomerPrompts").compactMap { $0["name"]?.string }
        for live in items.sorted(by: { (wanted.contains($0) ? 0 : 1, $0) < (wanted.contains($1) ? 0 : 1, $1) }) {
            let parsed = Self.parseLiveName(live)
            let key = parsed.addressed && !claimed.contains(parsed.name) ? parsed.name : live
            claimed.insert(key)
            let address = Address(provider: provider.name, kind: schema.name, key: [key])
            state.resources.append(Resource(address: address, fields: ["name": .string(key), "type": .string(parsed.type), "live_name": .string(live)]))
            state.ids[address] = live
        }
    }

    /// Upload the new version (a create, or the first half of a replace); the old one is
    /// deleted by the plan's cleanup change once every binding has moved.
    func create(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        if let live = change.desired?.fields["live"]?.string {
            throw PlatformError(change.address, "the live prompt \(live) does not exist, and a prompt named by `live` cannot be uploaded; give file or text")
        }
        guard let desired = change.desired, let content = Self.content(desired) else {
            throw PlatformError(change.address, "the prompt's file cannot be read")
        }
        let liveName = content.liveName
        let sentName = content.type == "text" ? String(liveName.dropFirst(4).dropLast(4)) : liveName
        let contents = content.type == "text" ? (desired.fields["text"]?.string ?? "") : Data(content.bytes).base64EncodedString()
        let params = JSONNode.object([
            ("customer_name", .string(client.customer)), ("prompt_name", .string(sentName)),
            ("prompt_type", .string(content.type)), ("prompt_file_contents", .string(contents)),
        ])
        do {
            _ = try await client.premedia.call(
                "createCustomerPrompt", params,
                .create(readBack: {
                    let list = try await client.premedia.call("getCustomerPrompts", .object([("customer_name", .string(client.customer))]))
                    let found = (list["prompts_list"]?.array ?? []).contains { $0["name"]?.string == liveName }
                    return found ? .confirmed : nil
                }))
        } catch  where MTTClient.alreadyDone(error, ["already exists"]) {
            return  // the same content is already there under its content-addressed name
        }
    }

    /// Prompts cannot be edited: a change is a replace (create first, then the cleanup).
    func update(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        try await create(client, change, live: live)
    }

    func delete(_ client: MTTClient, _ change: Change, live: LiveState) async throws {
        guard let old = change.live?.fields["live_name"]?.string else { return }
        do {
            _ = try await client.premedia.call("deleteCustomerPrompt", .object([("customer_name", .string(client.customer)), ("prompt_name", .string(old))]))
        } catch  where MTTClient.alreadyDone(error, ["not found"]) {
            return
        }
    }

    /// There is no download call: a prompt is exported by the live name it keeps.
    func export(_ resources: [Resource], live: LiveState, provider: ProviderConfig, into export: inout Export) -> Value? {
        .list(resources.map { .object(["name": .string($0.address.key[0]), "live": $0.fields["live_name"] ?? .null]) })
    }
}
