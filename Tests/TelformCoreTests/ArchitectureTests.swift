import Foundation
import XCTest

/// The modules keep to docs/architecture.md: each imports only what its row allows, and the
/// core holds no thread, condition or unsafe pointer outside the files listed here.
final class ArchitectureTests: XCTestCase {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// What each Swift module may import (docs/architecture.md's table).
    static let allowed: [String: Set<String>] = [
        "TelformYAML": ["Foundation", "CYaml"],
        "TelformCore": ["Foundation", "TelformYAML", "Glibc", "Darwin"],
        "TelformHTTP": ["Foundation", "CCurl", "TelformCore"],
        "TelformPlatforms": ["Foundation", "TelformCore"],
        "TelformSimulator": ["Foundation", "Glibc", "COpenSSL", "TelformCore"],
        "telform": ["Foundation", "Dispatch", "TelformCore", "TelformHTTP", "TelformPlatforms", "TelformSimulator"],
    ]

    /// Files of the core that may hold unsafe pointers, and why (none: SHA-256 and the
    /// pattern matcher lost theirs in issue 28, docs/performance.md).
    static let unsafeInCore: [String: String] = [:]

    static let mechanisms = [
        "Thread", "NSCondition", "DispatchQueue", "pthread_", "UnsafeMutablePointer", "UnsafeBufferPointer",
        "UnsafeMutableBufferPointer", "UnsafeRawPointer", "UnsafeMutableRawPointer", "withUnsafe", "loadUnaligned", "memcmp",
    ]

    func swiftFiles(_ module: String) throws -> [(relative: String, text: String)] {
        let root = Self.sources.appendingPathComponent(module)
        let paths = try XCTUnwrap(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        return try paths.sorted().map { ($0, try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8)) }
    }

    /// The lines of `text` that are code, not comments.
    func code(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.hasPrefix("//") }
    }

    func testEachModuleImportsOnlyWhatItMay() throws {
        var found: [String] = []
        for (module, allowed) in Self.allowed.sorted(by: { $0.key < $1.key }) {
            for (relative, text) in try swiftFiles(module) {
                for line in code(text) where line.hasPrefix("import ") || line.hasPrefix("public import ") || line.hasPrefix("@testable import ") {
                    let name = String(line.split(separator: " ").last ?? "")
                    if !allowed.contains(name) { found.append("\(module)/\(relative): import \(name)") }
                }
            }
        }
        XCTAssertEqual(found, [])
        // Every Swift module has a row: a new one is drawn in docs/architecture.md first.
        let modules = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path).filter { !["CYaml", "CCurl", "COpenSSL"].contains($0) }
        XCTAssertEqual(Set(modules), Set(Self.allowed.keys))
    }

    func testTheCoreHoldsNoThreadsOrUnsafePointersOutsideItsList() throws {
        var found: [String] = []
        var listed: Set<String> = []
        for (relative, text) in try swiftFiles("TelformCore") {
            let lines = code(text)
            guard lines.contains(where: { line in Self.mechanisms.contains { line.contains($0) } }) else { continue }
            if Self.unsafeInCore[relative] == nil { found.append(relative) } else { listed.insert(relative) }
        }
        XCTAssertEqual(found, [], "threads and unsafe pointers belong to TelformHTTP, TelformYAML and the simulator")
        XCTAssertEqual(listed, Set(Self.unsafeInCore.keys), "a listed file that no longer needs it leaves the list")
    }
}
