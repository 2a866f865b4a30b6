import Foundation
import XCTest

/// Runs the built `telform` binary as a user would, capturing both streams and the exit code.
struct TelformProcess {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    /// The package root, from this file's place in it.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary SwiftPM built beside this test bundle, or the one `TELFORM_BINARY` names:
    /// `.ci/run` runs this suite a second time against the release build, which users install.
    static var binary: URL {
        if let named = ProcessInfo.processInfo.environment["TELFORM_BINARY"], !named.isEmpty {
            return URL(fileURLWithPath: named)
        }
        let beside = Bundle.main.bundleURL.appendingPathComponent("telform")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return packageRoot.appendingPathComponent(".build/debug/telform")
    }

    static func run(
        _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
        directory: URL = packageRoot, executable: URL? = nil, timeout: TimeInterval? = nil
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = executable ?? binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        // A clean environment: only what the test gives, plus PATH.
        process.environment = environment.merging(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]) { a, _ in a }
        // Output goes to files, so a large output can never block the child on a full pipe.
        let scratch = try scratch()
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // A run that hangs is killed at `timeout` (its status then says SIGKILL): a hang fails
        // the test instead of stalling the suite.
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        if let timeout { DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog) }
        process.waitUntilExit()
        watchdog.cancel()
        try out.close()
        try err.close()
        return Outcome(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// A copy of examples/ in a scratch folder, without any simulator state.
    static func freshExamples() throws -> URL {
        let copy = try scratch().appendingPathComponent("examples")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("examples"), to: copy)
        for state in [copy, copy.appendingPathComponent("tour")] { try? FileManager.default.removeItem(at: state.appendingPathComponent(".telform")) }
        return copy
    }

    /// A fresh scratch folder for one test.
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("telform-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
