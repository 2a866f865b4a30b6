import Foundation
import TelformCore

/// MTT Telecom API "Gnezdo" (api-docs/004): PLATFORMS.md § mtt. A client of two JSON-RPC
/// endpoints, and six kinds.
public enum MTTKinds {
    static let kinds: [any Kind<MTTClient>] = [FollowMeKind(), PromptKind(), PremediaKind(), BlacklistKind(), CallControlKind(), CallBackFollowMeKind()]

    static let sipID = FieldSchema.string(
        "sip_id", StringRules(check: .regex("^[0-9]{4,20}$", "must be a SIP id: 4 to 20 digits"), digits: true),
        "The SIP account (sip_id), e.g. 74951345897."
    ).required()

    /// `caller_id` numbers: MTT wants a Russian number 7XXXXXXXXXX.
    static let callerID = StringRules(check: .regex("^7[0-9]{10}$", "must be 7 followed by 10 digits (e.g. 74951001010)"), digits: true)

    public static let platform = PlatformSchema(
        type: "mtt",
        doc: "MTT Telecom API (Gnezdo): follow-me, premedia prompts and settings, blacklist, call control.",
        settings: [
            PlatformFields.url("JSON-RPC endpoint for follow-me and call control, or sim://NAME.", default: "https://webapicommon.mtt.ru/index.php"),
            FieldSchema.string("premedia_url", StringRules(check: .apiURL), "JSON-RPC endpoint for prompts, premedia and blacklist.")
                .defaulting(to: .string("https://gapi.mtt.ru:6443/v1/api")),
            .string("customer", StringRules(minLength: 1), "The account (customer_name).").required(),
            PlatformFields.login("username", "HTTP Basic user."),
            PlatformFields.secret("password", "HTTP Basic password."),
        ],
        kinds: kinds.map(\.schema),
        checks: [followMeOnce, promptFiles, callControlPort]
    )

    /// A sip_id has one follow-me: classic `follow_me` or `premedia.forward`, not both.
    static let followMeOnce: ProviderCheck = { context in
        let classic = context.provider.resources(of: "follow_me")
        let forwarded = context.provider.resources(of: "premedia").filter { $0.fields["forward"] != nil }
        var found: [Diagnostic] = []
        for a in classic {
            for b in forwarded where a.address.key == b.address.key {
                guard let ma = a.mark(of: "sip_id"), let mb = b.node?["forward"]?.mark else { continue }
                found.append(
                    Diagnostic(
                        .error, ma, a.path + ".sip_id", "sip_id \(a.address.key[0]) also has a premedia forward (at \(mb)); one account has one follow-me"))
                found.append(
                    Diagnostic(
                        .error, mb, b.path + ".forward", "sip_id \(b.address.key[0]) also has a follow_me chain (at \(ma)); one account has one follow-me"))
            }
        }
        return found
    }

    /// "По умолчанию в запросах в сторону API клиента открыты только 80 и 443 порты": a
    /// call-control URL on another port may never be reached; a warning, since the platform
    /// can open others on request.
    static let callControlPort: ProviderCheck = { context in
        context.provider.resources(of: "call_control").compactMap { resource in
            guard let text = resource.fields["url"]?.string, let mark = resource.mark(of: "url"),
                let url = URL(string: text), let port = url.port, port != 80, port != 443
            else { return nil }
            return Diagnostic(
                .warning, mark, resource.path + ".url",
                "port \(port): the platform opens only ports 80 and 443 toward a customer's API by default (api-docs/004); ask MTT to open it, or use 80 or 443"
            )
        }
    }

    /// Prompt files live beside the config and are read at plan time; a missing one is an error now.
    static let promptFiles: ProviderCheck = { context in
        context.provider.resources(of: "prompts").compactMap { prompt in
            guard let file = prompt.fields["file"]?.string, let mark = prompt.mark(of: "file") else { return nil }
            let path = file.hasPrefix("/") ? file : (mark.directory ?? context.baseDirectory) + "/" + file
            return FileManager.default.fileExists(atPath: path)
                ? nil
                : Diagnostic(.error, mark, prompt.path + ".file", "file \(file) not found (paths are relative to the file that names them)")
        }
    }
}
