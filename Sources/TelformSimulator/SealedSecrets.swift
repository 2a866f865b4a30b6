import Foundation
import TelformCore

/// Secrets a real API returns in clear (the XiVO voicemail PIN in a user's view, the MTT
/// call-control URL with its key), so a fake must be able to return them too, yet which no
/// state file may hold in clear: on disk each is `{"sealed": …, "nonce": …, "sha256": …}`,
/// XORed with a keystream from a random key kept beside the state (`.sim-key`, mode 0600).
/// A state file can be shared, printed or committed without a secret in it. Seeds (fixtures)
/// may write the values in clear; they are sealed on the first save.
struct SealedSecrets {

    let key: [UInt8]
    let sealed: Set<String>

    /// The key of the state folder `directory`, made on first use.
    init(type: String, directory: String) throws {
        sealed = SimulatorCatalog.entries.first { $0.type == type }?.sealed ?? []
        let path = directory + "/.sim-key"
        if let text = try? String(contentsOfFile: path, encoding: .utf8), let bytes = SHA256.bytes(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            bytes.count == 32
        {
            key = bytes
            return
        }
        var fresh = [UInt8](repeating: 0, count: 32)
        for index in fresh.indices { fresh[index] = UInt8.random(in: 0...255) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: Data(SHA256.hex(digest: fresh).utf8), attributes: [.posixPermissions: 0o600])
        key = fresh
    }

    func seal(_ node: JSONNode) -> JSONNode { walk(node, parent: nil, sealing: true) }
    func open(_ node: JSONNode) -> JSONNode { walk(node, parent: nil, sealing: false) }

    private func walk(_ node: JSONNode, parent: String?, sealing: Bool) -> JSONNode {
        switch node {
        case .object(let pairs):
            return .object(
                pairs.map { name, value in
                    let matches = sealed.contains(name) || parent.map { sealed.contains($0 + "." + name) } == true
                    if matches, sealing, case .string(let text) = value, !text.isEmpty { return (name, seal(text)) }
                    if matches, !sealing, value["sealed"] != nil { return (name, .string(open(value) ?? "")) }
                    return (name, walk(value, parent: name, sealing: sealing))
                })
        case .array(let items):
            return .array(items.map { walk($0, parent: parent, sealing: sealing) })
        default:
            return node
        }
    }

    private func seal(_ text: String) -> JSONNode {
        var nonce = [UInt8](repeating: 0, count: 16)
        for index in nonce.indices { nonce[index] = UInt8.random(in: 0...255) }
        let plain = Array(text.utf8)
        return .object([
            ("sealed", .string(Data(xor(plain, nonce: nonce)).base64EncodedString())), ("nonce", .string(SHA256.hex(digest: nonce))),
            ("sha256", .string(SHA256.hex(text))),
        ])
    }

    private func open(_ node: JSONNode) -> String? {
        guard let sealed = node["sealed"]?.string.flatMap({ Data(base64Encoded: $0) }), let nonce = node["nonce"]?.string.flatMap(SHA256.bytes(hex:)) else {
            return nil
        }
        let text = String(decoding: xor(Array(sealed), nonce: nonce), as: UTF8.self)
        // A state sealed with another key opens to garbage: refuse it rather than serve it.
        return node["sha256"]?.string == SHA256.hex(text) ? text : nil
    }

    private func xor(_ bytes: [UInt8], nonce: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var block: UInt32 = 0
        while out.count < bytes.count {
            let stream = SHA256.digest(key + nonce + withUnsafeBytes(of: block.bigEndian, Array.init))
            for byte in stream where out.count < bytes.count { out.append(bytes[out.count] ^ byte) }
            block += 1
        }
        return out
    }
}
