import Foundation
import TelformCore
import TelformPlatforms
import TelformSimulator

/// `telform init [--platform TYPE]...`: a working start in this folder. A config with one
/// provider per chosen platform (default: every one) on the embedded simulator, the real
/// server's settings shown commented out; the seeds those providers start from; routing tests
/// that hold for them; the passwords the config reads, in `secrets/`; a `.gitignore` that keeps
/// the simulators' state and the secrets out of git; and the CI workflow of examples/ci.
/// It never overwrites a file: it names the first that exists and writes nothing.
enum InitCommand {
    static func run(_ arguments: Arguments) -> Int32 {
        let asked = arguments.values(Flag.platform)
        for type in asked where !PlatformCatalog.types.contains(type) {
            let hint = Suggestion.closest(to: type, in: PlatformCatalog.types).map { "; did you mean \"\($0)\"?" } ?? ""
            Terminal.error("init: no platform \"\(type)\"\(hint) (platforms: \(PlatformCatalog.types.joined(separator: ", ")))")
            return 1
        }
        let chosen = PlatformCatalog.entries.filter { asked.isEmpty || asked.contains($0.type) }
        var files = [
            ("telform.yaml", config(chosen)), ("telform.tests.yaml", tests(chosen)), (".github/workflows/telform.yml", InitWorkflow.text),
        ]
        for platform in chosen {
            let seed = SimulatorCatalog.entries.first { $0.type == platform.type }?.starterSeed ?? ""
            files.append(("seeds/\(platform.starter.provider).json", seed + "\n"))
        }
        let passwords = chosen.flatMap(\.starter.passwords).map { "secrets/" + $0 }
        let ignored = [".telform/", "secrets/"]
        if let existing = (files.map(\.0) + passwords).first(where: { FileManager.default.fileExists(atPath: $0) }) {
            Terminal.error("init: \(existing) already exists; nothing was written (init writes only new files)")
            return 1
        }
        do {
            for (path, text) in files { try write(text, to: path) }
            for path in passwords { try write(password() + "\n", to: path, permissions: 0o600) }
            try ignore(ignored)
        } catch {
            Terminal.error("init: \(error.localizedDescription)")
            return 1
        }
        var report = "Wrote:\n"
        report +=
            "  telform.yaml              \(chosen.count) provider\(chosen.count == 1 ? "" : "s") on the embedded simulators: \(chosen.map(\.type).joined(separator: ", "))\n"
        report += "  telform.tests.yaml        routing tests that hold for them (telform test)\n"
        for platform in chosen {
            report +=
                "  seeds/\(platform.starter.provider).json".padding(toLength: 28, withPad: " ", startingAt: 0)
                + "where \(platform.starter.provider)'s simulator starts\n"
        }
        if !passwords.isEmpty { report += "  " + passwords.joined(separator: ", ") + " (mode 600)\n" }
        report += "  .gitignore                \(ignored.joined(separator: " and ")) stay out of git\n"
        report += "  .github/workflows/telform.yml   plan on pull requests, apply on merge, drift nightly\n"
        report +=
            "Next:\n  telform plan    what apply would change\n  telform apply   make those changes (asks first)\n  telform test    check the routing tests\n"
        Terminal.out(report, terminator: "")
        return 0
    }

    static func config(_ platforms: [PlatformDescriptor]) -> String {
        var text = """
            # telform: telephony configuration as code (written by `telform init`).
            # Each provider runs on the embedded simulator (url: sim://NAME), started from its seed in
            # seeds/; the commented lines under its url show what a real server takes instead.
            #   telform validate    check this file (no network)
            #   telform plan        what apply would change
            #   telform apply       make those changes (asks first)
            #   telform test        check the routing tests in telform.tests.yaml
            # Every key: `telform schema --format markdown`.
            version: 1

            providers:

            """
        text += platforms.map { "  \($0.starter.provider):\n" + $0.starter.config + "\n" }.joined(separator: "\n")
        return text
    }

    static func tests(_ platforms: [PlatformDescriptor]) -> String {
        "# Routing tests for telform.yaml: `telform test`. Each names a call, a moment and the route expected.\nversion: 1\ntests:\n"
            + platforms.map { $0.starter.tests + "\n" }.joined()
    }

    static func write(_ text: String, to path: String, permissions: Int = 0o644) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: permissions]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "cannot write \(path)"])
        }
    }

    /// `.gitignore` with `lines`: made, or the missing lines added to the one there.
    static func ignore(_ lines: [String]) throws {
        let path = ".gitignore"
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let missing = lines.filter { line in !existing.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == line } }
        guard !missing.isEmpty else { return }
        let text = (existing.isEmpty || existing.hasSuffix("\n") ? existing : existing + "\n") + missing.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// A password of 20 of A-Z a-z 0-9 (what the endpoints API requires).
    static func password() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }
}
