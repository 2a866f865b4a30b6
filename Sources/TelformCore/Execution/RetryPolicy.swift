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
    /// object up by key first and returns it (as a response) when the create did happen.
    case create(readBack: @Sendable () async throws -> HTTPResponse?)
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

    public func send(_ request: HTTPRequest, _ idempotency: Idempotency = .idempotent) async throws -> HTTPResponse {
        var attempt = 1
        while true {
            do {
                var response = try await transport.send(request)
                if response.call == nil { response.call = "\(request.method) \(request.path)" }
                // A DELETE repeated after an attempt whose outcome was unknown (a dropped
                // connection, a gateway error) finds nothing when that attempt did delete: done.
                if request.method == "DELETE", attempt > 1, response.status == 404 { return HTTPResponse(status: 204) }
                guard RetryPolicy.retriedStatuses.contains(response.status), attempt < policy.attempts else { return response }
                // A gateway error on a create may hide a create that happened: look before repeating.
                if case .create(let readBack) = idempotency, [408, 502, 504].contains(response.status),
                    let found = try await readBack()
                {
                    return found
                }
                try await pause(policy.delay(after: attempt, retryAfter: response.headers["retry-after"]))
            } catch let error as TransportError {
                guard error.isRetryable, attempt < policy.attempts else { throw error }
                if case .create(let readBack) = idempotency, case .interrupted = error, let found = try await readBack() {
                    return found
                }
                try await pause(policy.delay(after: attempt, retryAfter: nil))
            }
            attempt += 1
        }
    }

    private func pause(_ seconds: TimeInterval) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }
}
