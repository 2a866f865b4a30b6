import Foundation
import TelformCore
import XCTest

@testable import TelformPlatforms
@testable import TelformSimulator

/// A platform is described once, in its folders (docs/platforms.md, "What a new platform
/// touches"): the catalogs list descriptors, and no other source names a platform.
final class RegistrationTests: XCTestCase {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Each platform's folder in a module: the one whose name is its type, case aside.
    func folder(_ type: String, in module: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.sources.appendingPathComponent(module).path)
        return try XCTUnwrap(names.first { $0.lowercased() == type }, "\(module) has no folder for \(type)")
    }

    /// Every Swift file under Sources, by its path below Sources.
    func swiftFiles() throws -> [(path: String, text: String)] {
        let paths = try XCTUnwrap(FileManager.default.enumerator(atPath: Self.sources.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        return try paths.sorted().map { ($0, try String(contentsOf: Self.sources.appendingPathComponent($0), encoding: .utf8)) }
    }

    func testNoSourceOutsideAPlatformsTwoFoldersNamesIt() throws {
        let files = try swiftFiles()
        var found: [String] = []
        for type in PlatformCatalog.types {
            let own = [
                "TelformPlatforms/" + (try folder(type, in: "TelformPlatforms")) + "/", "TelformSimulator/" + (try folder(type, in: "TelformSimulator")) + "/",
            ]
            for file in files where file.text.contains("\"\(type)\"") && !own.contains(where: file.path.hasPrefix) {
                found.append("\(file.path) names \"\(type)\"")
            }
        }
        XCTAssertEqual(found, [])
    }

    /// The catalogs agree: every platform has a simulator, a descriptor whose type is its
    /// tables' type, and an example with a provider of that type on its simulator, seeded.
    func testEveryPlatformHasItsSimulatorAndASeededExample() throws {
        XCTAssertEqual(SimulatorCatalog.available, PlatformCatalog.types)
        for descriptor in PlatformCatalog.entries {
            XCTAssertEqual(descriptor.schema.type, descriptor.type)
            XCTAssertNotNil(try SimulatorCatalog.make(descriptor.type, state: nil), descriptor.type)
            let file = ConformanceRig.examples.appendingPathComponent("\(descriptor.type).yaml")
            let loaded = ConfigLoader(platforms: PlatformCatalog.all, environment: [:], mode: .strict, simulated: SimulatorCatalog.serves).load(path: file.path)
            let provider = try XCTUnwrap(loaded.config.providers.first { $0.type == descriptor.type }, "examples/\(descriptor.type).yaml")
            XCTAssertEqual(provider.settings["url"]?.string?.hasPrefix("sim://"), true, provider.name)
            XCTAssertNotNil(provider.simSeed, provider.name)
        }
    }
}
