import Foundation

/// Every secret this run knows — the config's resolved sensitive values and credentials, and
/// the credential headers telform sends — and the forms a server may echo them in (as sent,
/// percent-encoded, form-encoded, base64, JSON-escaped). Everything telform prints or writes
/// passes through `scrub`, so a server that repeats a request in its error (a 401 quoting the
/// `Authorization` header, a 422 quoting the body) cannot make telform print a secret.
///
/// Values shorter than `minimumLength` characters are not scrubbed: masking every `12` in
/// a plan would make it unreadable, and no platform accepts a credential that short. A short
/// secret (under `anywhereLength`, a 4-digit voicemail PIN) is masked only as a whole word,
/// never inside a longer run of letters and digits (a PIN `1234` inside `0612345678`).
public final class SecretScrubber: @unchecked Sendable {
    public static let shared = SecretScrubber()
    public static let minimumLength = 4
    public static let anywhereLength = 8
    public static let mask = "(sensitive)"

    private let lock = NSLock()
    /// Forms by their first four bytes, each list longest first: a scan is one pass over the text.
    private var forms: [UInt32: [[UInt8]]] = [:]
    private var known: Set<String> = []
    /// The values given to `register`, whose forms are already known.
    private var registered: Set<String> = []
    private static let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

    public init() {}

    /// Remembers `secret` and the forms a server may echo it in.
    public func register(_ secret: String) {
        guard secret.utf8.count >= Self.minimumLength else { return }
        // One value is often registered many times (a ${env:} shared by 10,000 resources):
        // its forms are known after the first.
        guard lock.withLock({ registered.insert(secret).inserted }) else { return }
        var variants: Set<String> = [secret, Data(secret.utf8).base64EncodedString()]
        if let encoded = secret.addingPercentEncoding(withAllowedCharacters: Self.unreserved) {
            variants.insert(encoded)
            variants.insert(encoded.replacingOccurrences(of: "%20", with: "+"))
        }
        variants.insert(JSONNode.string(secret).compact.dropFirst().dropLast().description)
        variants.insert(secret.replacingOccurrences(of: "/", with: "\\/"))
        lock.lock()
        defer { lock.unlock() }
        for variant in variants where variant.utf8.count >= Self.minimumLength && !known.contains(variant) {
            known.insert(variant)
            let bytes = Array(variant.utf8)
            forms[Self.prefix(bytes, 0), default: []].append(bytes)
            forms[Self.prefix(bytes, 0)]?.sort { $0.count > $1.count }
        }
    }

    /// Remembers a credential header's value: the whole value, its token, and for Basic the
    /// decoded `user:password` and the password alone.
    public func registerAuthorization(_ value: String) {
        // Sent with every request: once its forms are known there is nothing to add.
        guard !lock.withLock({ known.contains(value) }) else { return }
        register(value)
        let parts = value.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return }
        register(parts[1])
        if parts[0].lowercased() == "basic", let data = Data(base64Encoded: parts[1]) {
            let pair = String(decoding: data, as: UTF8.self)
            register(pair)
            if let colon = pair.firstIndex(of: ":") { register(String(pair[pair.index(after: colon)...])) }
        }
    }

    /// `text` with every known secret form replaced by `(sensitive)`.
    public func scrub(_ text: String) -> String {
        lock.lock()
        let forms = self.forms
        lock.unlock()
        guard !forms.isEmpty else { return text }
        let bytes = Array(text.utf8)
        guard bytes.count >= Self.minimumLength else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        let mask = Array(Self.mask.utf8)
        while index < bytes.count {
            if index + 4 <= bytes.count, let candidates = forms[Self.prefix(bytes, index)],
                let match = candidates.first(where: { form in
                    guard index + form.count <= bytes.count, bytes[index..<(index + form.count)].elementsEqual(form) else { return false }
                    guard form.count < Self.anywhereLength else { return true }
                    let before = index > 0 ? bytes[index - 1] : 0x20
                    let after = index + form.count < bytes.count ? bytes[index + form.count] : 0x20
                    return !Self.isWordByte(before) && !Self.isWordByte(after)
                })
            {
                out += mask
                index += match.count
                changed = true
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return changed ? String(decoding: out, as: UTF8.self) : text
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte >= 0x80
    }

    private static func prefix(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
}

/// Text a server supplied (an error body, a message), made fit to print: secrets scrubbed
/// first (before any cut, so no part of one survives), control characters and line breaks
/// turned into single spaces (a hostile body cannot forge output lines or send terminal
/// escapes), and at most `limit` characters.
public enum ServerText {
    public static func excerpt(_ text: String, limit: Int = 300) -> String {
        let scrubbed = SecretScrubber.shared.scrub(text)
        var out = ""
        var space = false
        for scalar in scrubbed.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" || scalar == " " {
                space = !out.isEmpty
                continue
            }
            if space { out.unicodeScalars.append(" ") }
            space = false
            out.unicodeScalars.append(scalar)
        }
        return out.count > limit ? String(out.prefix(limit)) + "…" : out
    }
}
