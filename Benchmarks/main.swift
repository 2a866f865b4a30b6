import Foundation

// telform-bench: the workloads of docs/performance.md, each against its floor measured in the
// same run. `swift run -c release telform-bench [--small] [--size N] [--creates M]
// [--latency MS] [--telform PATH] [--format text|json]`.

struct Row {
    var work: String
    var figure: String
    var floor: String
    var ratio: Double?
    var target: String
    var holds: Bool?
}

struct Bench {
    var size = 10_000
    var creates = 1_000
    var latency = 20.0
    var telform: String
    var format = "text"
    var rows: [Row] = []
    let root: URL

    init(arguments: [String]) throws {
        var telform = FileManager.default.currentDirectoryPath + "/.build/release/telform"
        var index = 0
        func value() throws -> String {
            index += 1
            guard index < arguments.count else { throw BenchError("\(arguments[index - 1]) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--small":
                size = 1_000
                creates = 100
                latency = 5
            case "--size": size = Int(try value()) ?? size
            case "--creates": creates = Int(try value()) ?? creates
            case "--latency": latency = Double(try value()) ?? latency
            case "--telform": telform = try value()
            case "--format": format = try value()
            case "-h", "--help":
                print("usage: telform-bench [--small] [--size N] [--creates M] [--latency MS] [--telform PATH] [--format text|json]")
                exit(0)
            default: throw BenchError("unknown argument \(arguments[index])")
            }
            index += 1
        }
        guard FileManager.default.isExecutableFile(atPath: telform) else {
            throw BenchError("no telform binary at \(telform): build it first (swift build -c release) or pass --telform PATH")
        }
        // Absolute: the command is started in each workload's folder.
        self.telform = telform.hasPrefix("/") ? telform : FileManager.default.currentDirectoryPath + "/" + telform
        root = FileManager.default.temporaryDirectory.appendingPathComponent("telform-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func folder(_ name: String) throws -> URL {
        let dir = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func telform(_ arguments: [String], in dir: URL) throws -> Run {
        try Measure.run([telform] + arguments, in: dir, environment: ["PW": Workloads.password])
    }

    /// What `validate` of the base size may take: a user's budget, not a ratio to a parser.
    static let validateBudget = 0.150

    /// Timed runs per figure (the median is shown): the floor and telform alike.
    static let samples = 7
    /// Runs of validate at the base size, each paired with one of libyaml's parse.
    static let pairedSamples = 15
    /// Applies of each size on sim:// (each from an empty simulator).
    static let applySimSamples = 3
    /// Applies over http and https at parallelism 8 and 32 (each against a fresh simulator).
    static let applyHTTPSamples = 3

    static func seconds(_ s: Double) -> String { s < 1 ? String(format: "%.0f ms", s * 1000) : String(format: "%.2f s", s) }

    mutating func add(_ work: String, _ figure: String, _ floor: String, ratio: Double?, target: String, holds: Bool?) {
        rows.append(Row(work: work, figure: figure, floor: floor, ratio: ratio, target: target, holds: holds))
        FileHandle.standardError.write(Data("done: \(work)\n".utf8))
    }

    // MARK: validate

    mutating func validate() throws {
        var dirs: [Int: URL] = [:]
        for count in [size, size * 5] {
            let dir = try folder("validate-\(count)")
            try Workloads.endpointsConfig(url: "sim://office", count: count).write(
                to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
            try Workloads.endpointsState(count: 0).write(to: dir.appendingPathComponent("seed.json"), atomically: true, encoding: .utf8)
            dirs[count] = dir
        }
        func validate(_ count: Int) throws -> Double {
            let run = try telform(["validate", "-c", "telform.yaml"], in: dirs[count]!)
            guard run.status == 0 else { throw BenchError("validate failed: \(run.stderr)") }
            return run.seconds
        }
        let median: ([Double]) -> Double = Measure.median
        // Each run is paired with one it is compared with, and the ratio is the median of the
        // pairs' ratios: a busy moment of the machine weighs on both sides alike.
        let data = try Data(contentsOf: dirs[size]!.appendingPathComponent("telform.yaml"))
        var runs: [Double] = []
        var floors: [Double] = []
        var ratios: [Double] = []
        for _ in 0..<Self.pairedSamples {
            let run = try validate(size)
            let floor = try YAMLFloor.parse(data)
            runs.append(run)
            floors.append(floor)
            ratios.append(run / floor)
        }
        let ratio = median(ratios)
        let work = "validate, \(size) endpoints (\(String(format: "%.2f", Double(data.count) / 1_048_576)) MB)"
        // The target is the user's budget; libyaml's own parse of the file is shown beside it.
        add(
            work, Self.seconds(median(runs)), "a user's budget: 150 ms", ratio: median(runs) / Self.validateBudget,
            target: "≤ 150 ms", holds: median(runs) <= Self.validateBudget)
        add(
            work + " against libyaml", Self.seconds(median(runs)),
            "libyaml event parse \(Self.seconds(median(floors))) (ratio: the median of \(Self.pairedSamples) runs, each paired with one of the floor)",
            ratio: ratio, target: "information", holds: nil)
        var small: [Double] = []
        var large: [Double] = []
        var growth: [Double] = []
        for _ in 0..<Self.samples {
            let one = try validate(size)
            let five = try validate(size * 5)
            small.append(one)
            large.append(five)
            growth.append(five / one)
        }
        let linear = median(growth)
        add(
            "validate, \(size * 5) vs \(size) endpoints (linear: 5×)", Self.seconds(median(large)),
            "\(size): \(Self.seconds(median(small))) (ratio: the median of \(Self.samples) pairs, run in turn)",
            ratio: linear, target: "≤ 5.5×", holds: linear <= 5.5)
    }

    // MARK: plan on sim://

    mutating func planSim() throws {
        let dir = try folder("plan-sim")
        try Workloads.endpointsConfig(url: "sim://office", count: size).write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        try Workloads.endpointsState(count: size).write(to: dir.appendingPathComponent("seed.json"), atomically: true, encoding: .utf8)
        _ = try telform(["plan"], in: dir)  // the simulator state is written once, from the seed
        let run = try Measure.median(Self.samples) { try telform(["plan", "--detailed-exitcode"], in: dir) }
        guard run.status == 0 else { throw BenchError("the no-change plan on sim:// planned changes or failed (\(run.status)): \(run.stderr.prefix(500))") }
        if let octodns = Self.which("octodns-sync") {
            let peer = try folder("octodns")
            try Workloads.octodns(in: peer, count: size)
            let other = try Measure.median(3) { try Measure.run([octodns, "--config-file", "octodns.yaml"], in: peer) }
            guard other.status == 0 else { throw BenchError("octodns-sync failed: \(other.stderr.prefix(500))") }
            let ratio = run.seconds / other.seconds
            add(
                "plan, \(size) matching endpoints, sim://", "\(Self.seconds(run.seconds)), \(Int(run.peakMegabytes)) MB",
                "octoDNS dry run, \(size) A records: \(Self.seconds(other.seconds)), \(Int(other.peakMegabytes)) MB",
                ratio: ratio, target: "≤ 0.25× time, less memory", holds: ratio <= 0.25 && run.peakMegabytes < other.peakMegabytes)
        } else {
            add(
                "plan, \(size) matching endpoints, sim://", "\(Self.seconds(run.seconds)), \(Int(run.peakMegabytes)) MB",
                "octoDNS not installed (pip install octodns)", ratio: nil, target: "≤ 0.25× octoDNS", holds: nil)
        }
        add(
            "peak memory, plan of \(size) resources", "\(Int(run.peakMegabytes)) MB", "100 MB", ratio: run.peakMegabytes / 100,
            target: "< 100 MB", holds: run.peakMegabytes < 100)
    }

    // MARK: over http and https, against `telform sim serve --latency`

    /// A simulator with `state` as its endpoints state, over `scheme` (https: `sim serve
    /// --tls-cert`); its URL, the CA that URL needs trusted, its request log.
    struct Served {
        var process: Process
        var url: String
        var log: URL
        var caFile: String?

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    func serve(_ dir: URL, state: String, scheme: String) throws -> Served {
        let stateDir = dir.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: stateDir, withIntermediateDirectories: true)
        try state.write(to: stateDir.appendingPathComponent("endpoints.json"), atomically: true, encoding: .utf8)
        let log = dir.appendingPathComponent("requests.log")
        try? FileManager.default.removeItem(at: log)
        let out = dir.appendingPathComponent("serve.out")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: telform)
        process.arguments = ["sim", "serve", "--port", "0", "--state", stateDir.path, "--latency", String(latency), "--log", log.path]
        var caFile: String?
        if scheme == "https" {
            let (certificate, key) = try TestCertificate.make(in: root)
            process.arguments? += ["--tls-cert", certificate, "--tls-key", key]
            caFile = certificate
        }
        process.currentDirectoryURL = dir
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 {
            if let text = try? String(contentsOf: out, encoding: .utf8), let line = text.split(separator: "\n").first, line.hasPrefix("listening on ") {
                let url = String(line.dropFirst("listening on ".count))
                guard url.hasPrefix(scheme + "://") else {
                    process.terminate()
                    throw BenchError("sim serve listens on \(url), not \(scheme)")
                }
                return Served(process: process, url: url + "/endpoints", log: log, caFile: caFile)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw BenchError("sim serve did not start")
    }

    static func requests(_ log: URL) -> [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The parallelisms of the apply rows.
    static let parallelisms = [1, 8, 32]

    /// Apply `creates` new endpoints at each parallelism, over http then https, against the
    /// latency bound; the https rows also against the http run's CPU and a memory ceiling.
    mutating func applyOverNetwork() throws {
        var httpCPU: [Int: Double] = [:]
        for scheme in ["http", "https"] {
            for parallelism in Self.parallelisms {
                // Parallel applies are short, so a busy moment of the machine weighs on one run:
                // the median of three, each against a fresh simulator (one run at parallelism 1).
                var samples: [(run: Run, reads: Int, writes: Int)] = []
                for sample in 0..<(parallelism == 1 ? 1 : Self.applyHTTPSamples) {
                    let dir = try folder("apply-\(scheme)-\(parallelism)-\(sample)")
                    let server = try serve(dir, state: Workloads.emptyState, scheme: scheme)
                    defer { server.stop() }
                    try Workloads.endpointsConfig(
                        url: server.url, count: creates, policy: "provider_parallelism: \(parallelism), parallelism: \(parallelism)", caFile: server.caFile
                    )
                    .write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
                    let run = try telform(["apply", "--auto-approve", "--parallelism", String(parallelism)], in: dir)
                    guard run.status == 0 else { throw BenchError("apply over \(scheme) failed: \(run.stderr.suffix(500))") }
                    let calls = Self.requests(server.log)
                    let writes = calls.filter { !$0.hasPrefix("GET ") }.count
                    samples.append((run, calls.count - writes, writes))
                }
                let median = samples.sorted { $0.run.seconds < $1.run.seconds }[samples.count / 2]
                let (reads, writes) = (median.reads, median.writes)
                let cpu = Measure.median(samples.map(\.run.cpuSeconds))
                let peak = samples.map(\.run.peakMegabytes).max() ?? 0
                let oneCallPerObject = samples.allSatisfy { $0.writes == creates }
                // The bound: the reads one after another, then the writes `parallelism` at a time.
                let bound = (Double(reads) + (Double(writes) / Double(parallelism)).rounded(.up)) * latency / 1000
                let ratio = median.run.seconds / bound
                let work = "apply, \(creates) creates over \(scheme.uppercased()) at \(Int(latency)) ms, parallelism \(parallelism)"
                let figure =
                    Self.seconds(median.run.seconds) + (samples.count > 1 ? " (median of \(samples.count))" : "")
                    + ", CPU \(Self.seconds(cpu)), \(Int(peak)) MB"
                let floor = "\(reads) reads + \(writes) writes ÷ \(parallelism) × \(Int(latency)) ms = \(Self.seconds(bound))"
                if scheme == "http" {
                    httpCPU[parallelism] = cpu
                    add(work, figure, floor, ratio: ratio, target: "≤ 1.2×, one call per object", holds: ratio <= 1.2 && oneCallPerObject)
                } else {
                    add(
                        work, figure, floor, ratio: ratio, target: "≤ 1.2×, one call per object, < 100 MB",
                        holds: ratio <= 1.2 && oneCallPerObject && peak < 100)
                    let plain = httpCPU[parallelism] ?? 0
                    add(
                        "CPU of that apply, https vs http, parallelism \(parallelism)", Self.seconds(cpu), "http: \(Self.seconds(plain))",
                        ratio: plain > 0 ? cpu / plain : nil, target: "≤ 1.5×", holds: plain > 0 ? cpu / plain <= 1.5 : nil)
                }
            }
        }
    }

    /// A no-change plan of `size` endpoints over `scheme`, against the pages read one after another.
    mutating func planOverNetwork(_ scheme: String) throws {
        let dir = try folder("plan-\(scheme)")
        let server = try serve(dir, state: Workloads.endpointsState(count: size), scheme: scheme)
        defer { server.stop() }
        try Workloads.endpointsConfig(url: server.url, count: size, caFile: server.caFile).write(
            to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let first = try telform(["plan", "--detailed-exitcode"], in: dir)
        guard first.status == 0 else {
            throw BenchError("the no-change plan over \(scheme) planned changes or failed (\(first.status)): \(first.stderr.prefix(500))")
        }
        // The floor is the pages read one after another, each with data plus the empty one that
        // ends the read, whatever telform asks for ahead (pages past the end come back empty).
        let requests = Self.requests(server.log)
        let run = try Measure.median(Self.samples) { try telform(["plan", "--detailed-exitcode"], in: dir) }
        let skips = requests.compactMap { line in line.split(separator: "skip=").last.flatMap { Int($0.prefix { $0.isNumber }) } }
        let pages = Set(skips.filter { $0 < size }).count + 1
        let bound = Double(pages) * latency / 1000
        let ratio = run.seconds / bound
        add(
            "no-change plan, \(size) endpoints over \(scheme.uppercased()) at \(Int(latency)) ms", Self.seconds(run.seconds),
            "\(pages) pages one after another × \(Int(latency)) ms = \(Self.seconds(bound)) (telform sent \(requests.count) requests, pages asked for ahead)",
            ratio: ratio, target: "≤ 1.2×", holds: ratio <= 1.2)
    }

    // MARK: apply on sim://

    mutating func applySim() throws {
        // The two sizes in turn, each from an empty simulator in a folder of its own, and the
        // median of each size's runs.
        var runs: [Int: [Double]] = [:]
        for sample in 0..<Self.applySimSamples {
            for count in [creates, creates * 10] {
                let dir = try folder("apply-sim-\(count)-\(sample)")
                try Workloads.endpointsConfig(url: "sim://office", count: count).write(
                    to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
                try Workloads.emptyState.write(to: dir.appendingPathComponent("seed.json"), atomically: true, encoding: .utf8)
                let run = try telform(["apply", "--auto-approve"], in: dir)
                guard run.status == 0 else { throw BenchError("apply on sim:// failed: \(run.stderr.suffix(500))") }
                runs[count, default: []].append(run.seconds)
            }
        }
        let times = runs.mapValues { Measure.median($0) }
        let ratio = times[creates * 10]! / times[creates]!
        add(
            "apply, \(creates * 10) vs \(creates) creates on sim:// (linear: 10×)", Self.seconds(times[creates * 10]!),
            "\(creates): \(Self.seconds(times[creates]!))",
            ratio: ratio, target: "≤ 12×", holds: ratio <= 12)
    }

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    func report() -> String {
        if format == "json" {
            let items = rows.map { row -> [String: Any] in
                var item: [String: Any] = ["work": row.work, "figure": row.figure, "floor": row.floor, "target": row.target]
                item["ratio"] = row.ratio.map { ($0 * 100).rounded() / 100 } ?? NSNull()
                item["holds"] = row.holds ?? NSNull()
                return item
            }
            let data =
                (try? JSONSerialization.data(
                    withJSONObject: ["size": size, "creates": creates, "latency_ms": latency, "rows": items],
                    options: [.prettyPrinted, .sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self) + "\n"
        }
        var text = "| work | telform | floor or peer, same run | ratio | target | holds |\n|---|---|---|---|---|---|\n"
        for row in rows {
            let ratio = row.ratio.map { String(format: "%.2f×", $0) } ?? "–"
            let holds = row.holds.map { $0 ? "yes" : "**no**" } ?? "–"
            text += "| \(row.work) | \(row.figure) | \(row.floor) | \(ratio) | \(row.target) | \(holds) |\n"
        }
        return text
    }
}

do {
    var bench = try Bench(arguments: Array(CommandLine.arguments.dropFirst()))
    defer { try? FileManager.default.removeItem(at: bench.root) }
    try bench.validate()
    try bench.planSim()
    try bench.applyOverNetwork()
    try bench.planOverNetwork("http")
    try bench.planOverNetwork("https")
    try bench.applySim()
    print(bench.report(), terminator: "")
} catch {
    FileHandle.standardError.write(Data("telform-bench: \(error)\n".utf8))
    exit(1)
}
