import Foundation
import TelformCore

/// Deterministic faults for `sim serve --faults SPEC` and the executor's tests.
///
/// SPEC is comma-separated `key=value`: `seed=N`; probabilities `p500`, `p503`, `p429`,
/// `pdrop` (drop before the request takes effect), `pdropafter` (drop after it took effect);
/// filters `method=POST`, `path=SUBSTRING`, `body=SUBSTRING` (a JSON-RPC method name, say);
/// `after=N` (the first N matching requests pass); `times=N` (at most N faults, then none);
/// `retry_after=SECONDS` for 429s (default 1). The same seed gives the same faults.
public struct FaultPlan: Sendable, Equatable {
    public var seed: UInt64 = 1
    public var p500 = 0.0, p503 = 0.0, p429 = 0.0, pdrop = 0.0, pdropAfter = 0.0
    public var method: String?
    public var path: String?
    public var body: String?
    public var after = 0
    public var times: Int?
    public var retryAfter = "1"

    public init() {}

    public init(spec: String) throws {
        for item in spec.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw FaultSpecError(text: String(item)) }
            let (key, value) = (parts[0], parts[1])
            func probability() throws -> Double {
                guard let p = Double(value), (0...1).contains(p) else { throw FaultSpecError(text: String(item)) }
                return p
            }
            switch key {
            case "seed":
                guard let s = UInt64(value) else { throw FaultSpecError(text: String(item)) }
                seed = s
            case "p500": p500 = try probability()
            case "p503": p503 = try probability()
            case "p429": p429 = try probability()
            case "pdrop": pdrop = try probability()
            case "pdropafter": pdropAfter = try probability()
            case "method": method = value.uppercased()
            case "path": path = value
            case "body": body = value
            case "times":
                guard let n = Int(value) else { throw FaultSpecError(text: String(item)) }
                times = n
            case "after":
                guard let n = Int(value) else { throw FaultSpecError(text: String(item)) }
                after = n
            case "retry_after": retryAfter = value
            default: throw FaultSpecError(text: String(item))
            }
        }
    }
}

public struct FaultSpecError: Error, CustomStringConvertible {
    public var text: String
    public var description: String {
        "bad fault \"\(text)\"; use seed=N, p500/p503/p429/pdrop/pdropafter=0..1, method=M, path=S, body=S, after=N, times=N, retry_after=S"
    }
}

/// Wraps a handler with latency and the faults of a plan, drawn from a seeded generator.
public final class FaultInjector: SimulatorHandler, @unchecked Sendable {
    private let inner: SimulatorHandler
    private let plan: FaultPlan
    private let latency: TimeInterval
    private let lock = NSLock()
    private var random: SplitMix64
    private var matched = 0
    private var faults = 0

    public init(_ inner: SimulatorHandler, plan: FaultPlan, latency: TimeInterval = 0) {
        self.inner = inner
        self.plan = plan
        self.latency = latency
        random = SplitMix64(seed: plan.seed)
    }

    enum Fault {
        case none
        case status(Int)
        case drop, dropAfter
    }

    func draw(_ request: HTTPRequest) -> Fault {
        lock.lock()
        defer { lock.unlock() }
        if let method = plan.method, request.method != method { return .none }
        if let path = plan.path, !request.path.contains(path) { return .none }
        if let body = plan.body, !String(decoding: request.body ?? Data(), as: UTF8.self).contains(body) { return .none }
        matched += 1
        guard matched > plan.after, faults < (plan.times ?? Int.max) else { return .none }
        let roll = random.nextDouble()
        var edge = 0.0
        for (p, fault) in [
            (plan.pdrop, Fault.drop), (plan.pdropAfter, .dropAfter), (plan.p429, .status(429)),
            (plan.p503, .status(503)), (plan.p500, .status(500)),
        ] {
            edge += p
            if roll < edge {
                faults += 1
                return fault
            }
        }
        return .none
    }

    /// The outcome leaves `latency` after the request came in (its first bytes, when a socket
    /// brought it): the server's own work, reading the request included, is done within that
    /// time, not added to it (a page of 1,000 endpoints takes the fake milliseconds to render,
    /// which a benchmark would otherwise count as telform's).
    public func handle(_ request: HTTPRequest) -> SimulatorOutcome {
        let started = request.arrived ?? DispatchTime.now().uptimeNanoseconds
        let outcome = answer(request)
        let left = latency - Double(DispatchTime.now().uptimeNanoseconds &- started) / 1e9
        if left > 0 { Thread.sleep(forTimeInterval: left) }
        return outcome
    }

    private func answer(_ request: HTTPRequest) -> SimulatorOutcome {
        switch draw(request) {
        case .none:
            return inner.handle(request)
        case .drop:
            return .drop(processed: false)
        case .dropAfter:
            _ = inner.handle(request)
            return .drop(processed: true)
        case .status(let status):
            let headers = status == 429 ? ["retry-after": plan.retryAfter] : [:]
            return .respond(.json(status, .object([("detail", .string("simulated fault: \(HTTPServer.reason(status))"))]), headers: headers))
        }
    }
}

/// A small, fast, seedable generator: the same seed gives the same sequence on every machine.
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func nextDouble() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}
