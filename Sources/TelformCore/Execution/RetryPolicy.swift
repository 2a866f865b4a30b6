import Foundation

/// SPEC §3 retries: reads and idempotent writes are retried on connection errors, 408, 429,
/// 502, 503 and 504 with exponential backoff and jitter, 5 attempts, honouring `Retry-After`.
/// A 408 may come after the change was made (MX Proxy answers it when MX is slow to confirm):
/// like a gateway error, it leaves a create's outcome unknown.
public struct RetryPolicy: Sendable {
    public var attempts: Int
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval

    public init(attempts: Int = 5, baseDelay: TimeInterval = 0.25, maxDelay: TimeInterval = 8) {
        self.attempts = attempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    public static let retriedStatuses: Set<Int> = [408, 429, 502, 503, 504]

    /// The wait before attempt `attempt + 1` (attempt counts from 1): full jitter over the
    /// exponential step, or the server's Retry-After when it gives one.
    public func delay(after attempt: Int, retryAfter: String?) -> TimeInterval {
        if let header = retryAfter?.trimmingCharacters(in: .whitespaces), let seconds = Double(header), seconds >= 0 {
            return min(seconds, 60)
        }
        let step = min(maxDelay, baseDelay * pow(2, Double(attempt - 1)))
        return step / 2 + Double.random(in: 0...(step / 2))
    }
}

/// How a request may be repeated.
public enum Idempotency: Sendable {
    /// Repeating it is harmless (GET, PUT, DELETE).
    case idempotent
    /// A create: when its outcome is unknown it is not sent again blindly; `readBack` looks the
    /// object up by key first and says what it found when the create did happen.
    case create(readBack: @Sendable () async throws -> ReadBack?)
}

/// What a create's read-back found after an attempt whose outcome was unknown: the create
/// happened.
public enum ReadBack: Sendable {
    /// The object it made, as the platform lists it (its id read from there).
    case found(JSONNode)
    /// What it set reads back as desired; the platform gives no object for it.
    case confirmed
}

/// How a call ended: the platform's answer, or what a read-back found after an attempt whose
/// outcome was unknown.
public enum Answer: Sendable {
    case response(HTTPResponse)
    case readBack(ReadBack)

    /// The JSON the call came to: `body` of the platform's answer, the object a read-back
    /// found, or null when the read-back only confirmed.
    public func json(_ body: (HTTPResponse) throws -> JSONNode) rethrows -> JSONNode {
        switch self {
        case .response(let response): return try body(response)
        case .readBack(.found(let object)): return object
        case .readBack(.confirmed): return .null
        }
    }
}

/// Sends requests through a transport with the retry policy. Records what it did, for tests
/// and the apply log.
public struct ResilientClient: Sendable {
    public let transport: any HTTPTransport
    public let policy: RetryPolicy

    public init(transport: any HTTPTransport, policy: RetryPolicy = RetryPolicy()) {
        self.transport = transport
        self.policy = policy
    }

    /// A call that is harmless to repeat: the platform's answer.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await run(request, answer: { $0 }, unknownOutcome: { nil })
    }

    /// A call sent as `idempotency` says: a create whose outcome was unknown is read back
    /// before it is repeated, and ends with what the read-back found when it happened.
    public func send(_ request: HTTPRequest, _ idempotency: Idempotency) async throws -> Answer {
        switch idempotency {
        case .idempotent: return .response(try await send(request))
        case .create(let readBack): return try await run(request, answer: Answer.response, unknownOutcome: { try await readBack().map(Answer.readBack) })
        }
    }

    /// Sends until an answer that is not retried, or the attempts run out. After an attempt
    /// whose outcome is unknown, `unknownOutcome` may end the call instead of a repeat.
    private func run<Outcome>(
        _ request: HTTPRequest, answer: (HTTPResponse) -> Outcome, unknownOutcome: () async throws -> Outcome?
    ) async throws -> Outcome {
        var attempt = 1
        while true {
            do {
                var response = try await transport.send(request)
                if response.call == nil { response.call = "\(request.method) \(request.path)" }
                // A DELETE repeated after an attempt whose outcome was unknown (a dropped
                // connection, a gateway error) finds nothing when that attempt did delete: done.
                if request.method == "DELETE", attempt > 1, response.status == 404 { return answer(HTTPResponse(status: 204)) }
                guard RetryPolicy.retriedStatuses.contains(response.status), attempt < policy.attempts else { return answer(response) }
                // A gateway error may hide a change that happened: look before repeating.
                if [408, 502, 504].contains(response.status), let found = try await unknownOutcome() { return found }
                try await pause(policy.delay(after: attempt, retryAfter: response.headers["retry-after"]))
            } catch let error as TransportError {
                guard error.isRetryable, attempt < policy.attempts else { throw error }
                if case .interrupted = error, let found = try await unknownOutcome() { return found }
                try await pause(policy.delay(after: attempt, retryAfter: nil))
            }
            attempt += 1
        }
    }

    private func pause(_ seconds: TimeInterval) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }
}
