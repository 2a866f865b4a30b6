import Foundation
import XCTest

/// The README and docs link only what the repository holds: every relative link resolves to
/// a file or folder of the repository, and none leads out of it.
final class DocLinksTests: XCTestCase {
    func testEveryRelativeLinkResolvesInsideTheRepository() throws {
        let root = TelformProcess.packageRoot.standardizedFileURL
        let docs = root.appendingPathComponent("docs")
        let files =
            [root.appendingPathComponent("README.md")]
            + (try FileManager.default.contentsOfDirectory(at: docs, includingPropertiesForKeys: nil).filter { $0.pathExtension == "md" })
        var checked = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            XCTAssertFalse(text.contains("../shared/"), "\(file.lastPathComponent) names a file outside the repository")
            let links = try NSRegularExpression(pattern: #"\]\(([^)\s]+)\)"#).matches(in: text, range: NSRange(text.startIndex..., in: text))
            for match in links {
                guard let range = Range(match.range(at: 1), in: text) else { continue }
                let target = String(text[range])
                if target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("#") || target.hasPrefix("mailto:") { continue }
                let path = String(target.split(separator: "#", maxSplits: 1).first ?? "")
                let resolved = file.deletingLastPathComponent().appendingPathComponent(path).standardizedFileURL
                XCTAssertTrue(resolved.path.hasPrefix(root.path + "/"), "\(file.lastPathComponent): \(target) leads out of the repository")
                XCTAssertTrue(FileManager.default.fileExists(atPath: resolved.path), "\(file.lastPathComponent): \(target) does not exist")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 20, "the links were found")
    }
}
