import Foundation
import XCTest

/// A fixed-seed corpus of mutated examples through `telform validate`: every mutant ends in
/// exit 0, or exit 1 with at least one FILE:LINE:COL diagnostic, within the watchdog; never a
/// crash, a hang, or an error without a place.
final class LoaderFuzzTests: XCTestCase {
    /// SplitMix64, as the simulator's faults use: the same corpus on every machine.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
    }

    static let tokens: [[UInt8]] =
        [
            ":", "- ", "{", "}", "[", "]", "&a ", "*a", "<<: *a", "\t", "\0", "\"", "'", "~", "!!binary ",
            "${env:X}", "${file:/dev/zero}", "${file:.}", "99999999999999999999999", "-1", "0x1F", "1e3",
            "yes", "é", "\u{202E}", "---\n", "? ", "|\n", ">-\n", "#", "\r\n", "%YAML 1.1\n",
        ].map { Array($0.utf8) }
        + [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x01]]

    func mutate(_ bytes: [UInt8], _ random: inout Generator) -> [UInt8] {
        var out = bytes
        for _ in 0...random.below(3) {
            guard !out.isEmpty else { break }
            let at = random.below(out.count)
            switch random.below(6) {
            case 0: out[at] ^= UInt8(1 << random.below(8))
            case 1: out.removeSubrange(at..<min(out.count, at + 1 + random.below(8)))
            case 2: out.insert(contentsOf: Self.tokens[random.below(Self.tokens.count)], at: at)
            case 3:
                // A line duplicated, or moved one level in or out.
                let start = out[..<at].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
                let end = out[at...].firstIndex(of: 0x0A) ?? out.count
                let line = Array(out[start..<end])
                if random.below(2) == 0 { out.insert(contentsOf: line + [0x0A], at: start) } else { out.insert(contentsOf: [0x20, 0x20], at: start) }
            case 4: out.removeSubrange(at..<min(out.count, at + 1 + random.below(64)))
            default: out.insert(contentsOf: [UInt8](repeating: UInt8(ascii: "["), count: 1 + random.below(200)), at: at)
            }
        }
        return out
    }

    func testMutatedExamplesAlwaysEndInADiagnosticNeverACrashOrAHang() throws {
        let examples = TelformProcess.packageRoot.appendingPathComponent("examples")
        let dir = try TelformProcess.scratch()
        for item in ["seeds", "secrets", "prompts", "teams"] {
            try? FileManager.default.copyItem(at: examples.appendingPathComponent(item), to: dir.appendingPathComponent(item))
        }
        var random = Generator(state: 20_261_129)
        var outcomes: [String: Int] = [:]
        var unexplained: [String] = []
        for name in ["endpoints", "vpbx", "mtt", "xivo", "mxproxy", "telform"] {
            let original = Array(try Data(contentsOf: examples.appendingPathComponent("\(name).yaml")))
            for index in 0..<50 {
                let file = "\(name)-\(index).yaml"
                try Data(mutate(original, &random)).write(to: dir.appendingPathComponent(file))
                let run = try TelformProcess.run(
                    ["validate", "-c", file], environment: ValidateCommandTests.exampleEnvironment,
                    directory: dir, timeout: 20)
                outcomes["exit \(run.status)", default: 0] += 1
                let placed = run.stderrLines.contains { $0.hasPrefix("\(file):") && $0.contains(": error: ") }
                if !(run.status == 0 || (run.status == 1 && placed)) {
                    unexplained.append("\(file): exit \(run.status): \(run.stderr.prefix(300))")
                    try? FileManager.default.copyItem(at: dir.appendingPathComponent(file), to: dir.appendingPathComponent("failing-" + file))
                }
            }
        }
        XCTAssertEqual(unexplained, [], "kept in \(dir.path)")
        XCTAssertEqual(outcomes.values.reduce(0, +), 300)
        XCTAssertGreaterThan(outcomes["exit 1"] ?? 0, 150, "most mutants are errors: \(outcomes)")
    }
}
