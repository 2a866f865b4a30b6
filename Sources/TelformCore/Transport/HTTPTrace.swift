import Foundation

/// The `-v` trace: requests and responses with secrets redacted.
public struct HTTPTrace: Sendable {
    public let sink: @Sendable (String) -> Void
    public let sensitiveFields: Set<String>
    /// The provider the calls are made for: `[office #3]` on each line, so calls in flight
    /// at once can be told apart (the number is unique in the run).
    public var label: String?
    private static let numbers = Counter()

    public static let sensitiveHeaders: Set<String> = ["authorization", "x-auth-token", "cookie", "set-cookie"]

    public init(sensitiveFields: Set<String>, sink: @escaping @Sendable (String) -> Void) {
        self.sensitiveFields = sensitiveFields
        self.sink = sink
    }

    /// The trace for one provider's calls.
    public func labelled(_ label: String) -> HTTPTrace {
        var copy = self
        copy.label = label
        return copy
    }

    /// Traces the request; returns its number, for its answer's line.
    @discardableResult
    public func request(_ request: HTTPRequest, url: String) -> Int {
        let number = Self.numbers.next()
        var line = "-> \(tag(number))\(request.method) \(url)"
        for (name, value) in request.headers {
            line += "\n   \(name): \(Self.sensitiveHeaders.contains(name.lowercased()) ? "(sensitive)" : value)"
        }
        if let body = request.body, !body.isEmpty { line += "\n   " + redactedBody(body) }
        sink(line)
        return number
    }

    func tag(_ number: Int?) -> String {
        guard let label else { return "" }
        return "[\(label)" + (number.map { " #\($0)" } ?? "") + "] "
    }

    public func response(_ response: HTTPResponse, after seconds: TimeInterval, number: Int? = nil) {
        var line = "<- \(tag(number))\(response.status) (\(Int(seconds * 1000)) ms)"
        if !response.body.isEmpty { line += "\n   " + redactedBody(response.body) }
        sink(line)
    }

    public func failure(_ error: TransportError, number: Int? = nil) {
        sink("<- \(tag(number))\(error)")
    }

    /// JSON bodies with sensitive fields masked; form bodies likewise; anything else by size only.
    public func redactedBody(_ body: Data) -> String {
        if let json = try? JSONParser.parse(Array(body)) { return redact(json).compact }
        let text = String(decoding: body, as: UTF8.self)
        if text.contains("="), !text.contains(" ") {
            return text.split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1)
                return sensitiveFields.contains(String(parts[0])) ? "\(parts[0])=(sensitive)" : String(pair)
            }.joined(separator: "&")
        }
        return "(\(body.count) bytes)"
    }

    func redact(_ node: JSONNode) -> JSONNode {
        switch node {
        case .object(let pairs):
            return .object(
                pairs.map { key, value in
                    (key, sensitiveFields.contains(key) && !value.isNull ? .string("(sensitive)") : redact(value))
                })
        case .array(let items):
            return .array(items.map(redact))
        case .string(let text) where URLText.hasCredentials(text):
            // A URL carrying credentials is masked under any key (MTT's updateCallControlURL sends `url`).
            return .string(URLText.redacted(text))
        default:
            return node
        }
    }
}
