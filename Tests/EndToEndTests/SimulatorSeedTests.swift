import Foundation
import XCTest

/// A `sim://` provider's state starts from its seed and is written once a call changes it: a
/// run that only reads (or fails) leaves none; a state not made from the seed as it is now is
/// used with a warning that says how to start over.
final class SimulatorSeedTests: XCTestCase {
    func testTheSeedIsUsedUntilAChangeAndAStaleStateIsNamed() throws {
        let dir = try TelformProcess.scratch()
        XCTAssertEqual(try TelformProcess.run(["init", "--platform", "endpoints"], directory: dir).status, 0)
        let state = dir.appendingPathComponent(".telform/sim/office.json")
        let planned = try TelformProcess.run(["plan"], directory: dir)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: state.path), "a plan that only reads writes no state")
        XCTAssertEqual(try TelformProcess.run(["apply", "--auto-approve", "-q"], directory: dir).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: state.path))
        XCTAssertEqual(try TelformProcess.run(["plan"], directory: dir).stderr, "", "the state made from the seed as it is: nothing to say")

        let seed = dir.appendingPathComponent("seeds/office.json")
        try (try String(contentsOf: seed, encoding: .utf8) + " \n").write(to: seed, atomically: true, encoding: .utf8)
        let changed = try TelformProcess.run(["plan"], directory: dir)
        XCTAssertEqual(
            changed.stderrLines,
            [
                "telform: warning: office: the simulator's state ./.telform/sim/office.json is used, not the seed ./seeds/office.json (the seed changed since the state was made from it); to start again from the seed, delete ./.telform/sim/office.json"
            ])

        // A state made before the config named a seed.
        let config = dir.appendingPathComponent("telform.yaml")
        let text = try String(contentsOf: config, encoding: .utf8)
        try text.replacingOccurrences(of: "    sim_seed: seeds/office.json ", with: "    # no seed yet           ").write(
            to: config, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: dir.appendingPathComponent(".telform"))
        XCTAssertEqual(try TelformProcess.run(["apply", "--auto-approve", "-q"], directory: dir).status, 0)
        try text.write(to: config, atomically: true, encoding: .utf8)
        XCTAssertEqual(
            try TelformProcess.run(["plan"], directory: dir).stderrLines,
            [
                "telform: warning: office: the simulator's state ./.telform/sim/office.json is used, not the seed ./seeds/office.json (the state was not made from it); to start again from the seed, delete ./.telform/sim/office.json"
            ])
        try FileManager.default.removeItem(at: state)
        XCTAssertEqual(try TelformProcess.run(["plan"], directory: dir).stderr, "", "deleted, the seed is used again")
    }
}
