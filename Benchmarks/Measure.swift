import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One run of a command: its wall time, the child's CPU time (user and system) and peak
/// memory, its status and output.
struct Run {
    var seconds: Double
    var cpuSeconds: Double = 0
    var peakMegabytes: Double
    var status: Int32
    var stdout: String
    var stderr: String
}

enum Measure {
    /// Runs `arguments` (the first is the executable's path) in `directory` with `environment`
    /// added, and measures it. The peak memory is the child's own (wait4's rusage).
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Run {
        let out = directory.appendingPathComponent(".bench-stdout")
        let err = directory.appendingPathComponent(".bench-stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_adddup2(&fileActions, outHandle.fileDescriptor, 1)
        posix_spawn_file_actions_adddup2(&fileActions, errHandle.fileDescriptor, 2)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        // The command starts in `directory` by the spawn's own change of directory (glibc
        // 2.29+), so no shell's start is counted as the command's; without it, a shell changes
        // directory and becomes the command (exec: same process, so wait4's rusage is the
        // command's own either way).
        let direct = Self.addChdir.map { $0(&fileActions, directory.path) == 0 } ?? false
        let words = direct ? arguments : ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory.path] + arguments
        let argv = words.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let started = Date()
        let spawned = posix_spawn(&pid, words[0], &fileActions, nil, argv, envp)
        guard spawned == 0 else { throw BenchError("cannot start \(arguments[0]): error \(spawned)") }
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(pid, &status, 0, &usage)
        let seconds = Date().timeIntervalSince(started)
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
        return Run(
            seconds: seconds, cpuSeconds: cpu, peakMegabytes: Double(usage.ru_maxrss) / 1024, status: exit,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "", stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// glibc's `posix_spawn_file_actions_addchdir_np`, which Swift's Glibc module does not
    /// declare; nil where the C library has none.
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map { unsafeBitCast($0, to: AddChdir.self) }

    /// The median of `values` (the upper one of an even count).
    static func median(_ values: [Double]) -> Double {
        values.sorted()[values.count / 2]
    }

    /// The median of `times` runs of `body`.
    static func median(_ times: Int, _ body: () throws -> Run) throws -> Run {
        var runs: [Run] = []
        for _ in 0..<times { runs.append(try body()) }
        return runs.sorted { $0.seconds < $1.seconds }[runs.count / 2]
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
