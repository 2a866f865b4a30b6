import Foundation
import XCTest

/// Ctrl-C and SIGTERM in an apply: the call in flight finishes, nothing new starts, the
/// summary says what was done, and the exit status is 128 + the signal.
final class InterruptTests: XCTestCase {
    struct Running {
        let process: Process
        let stderr: Pipe
        var collected = ""

        /// Reads standard error until `text` has appeared.
        mutating func wait(for text: String) {
            while !collected.contains(text) {
                let chunk = stderr.fileHandleForReading.availableData
                if chunk.isEmpty { return }
                collected += String(decoding: chunk, as: UTF8.self)
            }
        }

        mutating func finish() -> String {
            process.waitUntilExit()
            collected += String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            return collected
        }
    }

    func start(_ server: SimServer) throws -> Running {
        let dir = try SimConfigs.folder(SimConfigs.endpoints(server.endpointsURL, SimConfigs.declaredEndpoints(4, prefix: "desk-")))
        let process = Process()
        process.executableURL = TelformProcess.binary
        process.arguments = ["apply", "--auto-approve", "--parallelism", "1"]
        process.currentDirectoryURL = dir
        process.environment = SimConfigs.sipPassword
        process.standardOutput = FileHandle.nullDevice
        let stderr = Pipe()
        process.standardError = stderr
        try process.run()
        return Running(process: process, stderr: stderr)
    }

    func testASignalFinishesTheCallInFlightAndSkipsTheRest() throws {
        for (signal, status, word) in [(SIGINT, Int32(130), "Interrupted"), (SIGTERM, Int32(143), "Terminated")] {
            let server = try SimServer(latencyMilliseconds: 300)
            defer { server.stop() }
            var apply = try start(server)
            // The first create is done and the second is in flight (one at a time, 300 ms each).
            apply.wait(for: "office/endpoints/desk-1: create done")
            kill(apply.process.processIdentifier, signal)
            let stderr = apply.finish()
            XCTAssertEqual(apply.process.terminationStatus, status, stderr)
            let lines = stderr.split(separator: "\n").map(String.init)
            XCTAssertTrue(lines.contains("\(word): finishing the calls in flight, starting no new one (signal again to stop at once)."), stderr)
            // "desk-1 done" is printed once desk-2 has started: desk-2 was in flight, finished,
            // and nothing started after the signal.
            let made = try server.requests().filter { $0.hasPrefix("POST") }.count
            XCTAssertEqual(made, 2, stderr)
            XCTAssertEqual(lines.filter { $0.contains(": create done") }.count, made, "each call made finished and was reported: \(stderr)")
            XCTAssertTrue(lines.contains("Apply: \(made) succeeded, 0 failed, \(4 - made) skipped."), stderr)
            XCTAssertEqual(lines.filter { $0.hasSuffix("not started: apply was interrupted") }.count, 2 * (4 - made), "a progress and a summary line each")
        }
    }

    func testASecondSignalStopsAtOnce() throws {
        let server = try SimServer(latencyMilliseconds: 1000)
        defer { server.stop() }
        var apply = try start(server)
        // desk-1 is done: the apply is executing, and desk-2's create is in flight.
        apply.wait(for: "office/endpoints/desk-1: create done")
        kill(apply.process.processIdentifier, SIGINT)
        apply.wait(for: "Interrupted:")
        kill(apply.process.processIdentifier, SIGINT)
        let stderr = apply.finish()
        XCTAssertEqual(apply.process.terminationStatus, 130, stderr)
        XCTAssertTrue(stderr.contains("Stopped at once; calls that were in flight may or may not have been made: the next plan shows what is left."), stderr)
        XCTAssertFalse(stderr.contains("desk-2: create done"), "the call in flight was not waited for: \(stderr)")
    }
}

/// A kill in the middle of an apply, then an apply at once: every object exists exactly once.
final class KillAndReapplyTests: XCTestCase {
    func testAKilledApplyFollowedByAnImmediateReapplyLeavesNoDuplicate() throws {
        let server = try SimServer(states: ["mxproxy": SimConfigs.mxproxySeed()], latencyMilliseconds: 300)
        defer { server.stop() }
        let dir = try SimConfigs.folder(
            SimConfigs.mxproxy(
                port: server.port,
                "    conferences:\n"
                    + (1...4).map { SimConfigs.conference("room-\($0)", accessID: 4000 + $0) }.joined(separator: "\n")))
        let env = SimConfigs.environment
        let first = Process()
        first.executableURL = TelformProcess.binary
        first.arguments = ["apply", "--auto-approve", "--parallelism", "1"]
        first.currentDirectoryURL = dir
        first.environment = env
        first.standardOutput = FileHandle.nullDevice
        let stderr = Pipe()
        first.standardError = stderr
        try first.run()
        var seen = ""
        while !seen.contains("mx/conferences/room-1: create done") {
            let chunk = stderr.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        // room-2's create is in flight: kill without warning, and apply again at once.
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let again = try TelformProcess.run(["apply", "--auto-approve"], environment: env, directory: dir, timeout: 60)
        XCTAssertEqual(again.status, 0, again.stderr)
        let plan = try TelformProcess.run(["plan", "--detailed-exitcode"], environment: env, directory: dir)
        XCTAssertEqual(plan.status, 0, plan.stdout + plan.stderr)
        let state = try XCTUnwrap(server.state("mxproxy") as? [String: Any])
        let names = try XCTUnwrap(state["conferences"] as? [[String: Any]]).compactMap { $0["name"] as? String }.sorted()
        XCTAssertEqual(names, ["room-1", "room-2", "room-3", "room-4"], "each exactly once")
    }
}
