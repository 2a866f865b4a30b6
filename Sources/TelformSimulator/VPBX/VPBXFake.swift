import Foundation
import TelformCore

/// A faithful fake of the MTS Virtual PBX "API CRM" (api-docs/001): abonents (4.4), groups
/// (4.10), find-me rules (4.11) and schedules (4.12), behind the `X-AUTH-TOKEN` header.
///
/// Where the document is silent or loose, the fake follows it literally so telform meets the
/// same looseness: the schedule list answers one object when there is one schedule (as the
/// document's example shows) and an array otherwise; times are kept as written (`08:00` or
/// the create examples' `00-00`); empty strings are kept as sent. Errors are Spring-style
/// `{"status", "error", "message", "path"}` bodies (the document shows none).
public final class VPBXFake: SimulatedPlatform, @unchecked Sendable {
    public static let defaultToken = "sim-vpbx-token"

    let lock = NSLock()
    var tokenDigests: [String]

    public func admitDefaultCredentials() {
        let digest = SHA256.hex(Self.defaultToken)
        if !tokenDigests.contains(digest) { tokenDigests.append(digest) }
    }
    var nextID: Int64
    var groups: [JSONNode]
    var abonents: [JSONNode]
    /// Each with `recordId`, `name`, `notBeRemoved`, `type`, `ownerId` and the three rule lists.
    var schedules: [JSONNode]
    /// userId → {parallelRules, sequentialRules, redirectRules}.
    var findMe: [Int64: [String: [JSONNode]]]

    static let ruleLists = ["parallel": "parallelRules", "sequential": "sequentialRules", "redirect": "redirectRules"]

    public init(state: JSONNode?) throws {
        let json = state ?? .object([])
        let clear = json["tokens"]?.array?.compactMap(\.string).map { SHA256.hex($0) } ?? []
        tokenDigests = clear + (json["token_sha256"]?.array?.compactMap(\.string) ?? [])
        if tokenDigests.isEmpty { tokenDigests = [SHA256.hex(Self.defaultToken)] }
        groups = json["groups"]?.array ?? []
        abonents = json["abonents"]?.array ?? []
        schedules = json["schedules"]?.array ?? []
        findMe = [:]
        for (user, lists) in json["findMe"]?.pairs ?? [] {
            guard let id = Int64(user) else { throw SimulatorStateError("findMe keys are userIds") }
            var byList: [String: [JSONNode]] = [:]
            for list in Self.ruleLists.values { byList[list] = lists[list]?.array ?? [] }
            findMe[id] = byList
        }
        var highest: Int64 = 1000
        for node in schedules { highest = max(highest, node["recordId"]?.int ?? 0) }
        for lists in findMe.values {
            for rule in lists.values.joined() {
                highest = max(highest, rule["id"]?.int ?? 0)
                for number in rule["ruleNumbers"]?.array ?? [] { highest = max(highest, number["ruleId"]?.int ?? 0) }
            }
        }
        nextID = json["next_id"]?.int ?? (highest + 1)
    }

    public func snapshot() -> JSONNode {
        lock.lock()
        defer { lock.unlock() }
        return .object([
            ("platform", .string("vpbx")),
            ("token_sha256", .array(tokenDigests.map(JSONNode.string))),
            ("next_id", .int(nextID)),
            ("groups", .array(groups)),
            ("abonents", .array(abonents)),
            ("schedules", .array(schedules)),
            (
                "findMe",
                .object(
                    findMe.keys.sorted().map { user in
                        (String(user), .object(["parallelRules", "sequentialRules", "redirectRules"].map { ($0, .array(findMe[user]?[$0] ?? [])) }))
                    })
            ),
        ])
    }

    public func handle(_ request: HTTPRequest) -> SimulatorOutcome {
        lock.lock()
        defer { lock.unlock() }
        return .respond(route(request))
    }

    func newID() -> Int64 {
        nextID += 1
        return nextID - 1
    }

    static func error(_ status: Int, _ message: String, _ path: String) -> HTTPResponse {
        .json(
            status,
            .object([
                ("status", .int(Int64(status))), ("error", .string(HTTPServer.reason(status))),
                ("message", .string(message)), ("path", .string(path)),
            ]))
    }

    func route(_ request: HTTPRequest) -> HTTPResponse {
        let (path, query) = SimulatorPath.split(request.path)
        guard let token = request.header("x-auth-token"), tokenDigests.contains(SHA256.hex(token)) else {
            return Self.error(401, "Invalid or missing X-AUTH-TOKEN", path)
        }
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 2, parts[0] == "api" else { return Self.error(404, "No handler for \(path)", path) }
        // A Spring service answers a body of any other type with 415.
        if request.body != nil, !request.declaresJSON {
            return Self.error(415, "Content type '\(request.header("content-type") ?? "")' not supported", path)
        }
        let body = request.body.flatMap { try? JSONParser.parse(Array($0)) }
        if request.body != nil && body == nil {
            return Self.error(400, "JSON parse error: the request body is not valid JSON", path)
        }
        let method = request.method
        switch (parts[1], parts.count) {
        case ("abonents", 2) where method == "GET":
            return .json(
                200,
                .array(
                    abonents.filter { abonent in
                        (query["extension"].map { abonent["extension"]?.string == $0 } ?? true)
                            && (query["phoneNumber"].map { abonent["phoneNumber"]?.string == $0 } ?? true)
                    }))
        case ("groups", 2) where method == "GET":
            return .json(200, .array(groups))
        case ("schedules", 4):
            return schedulesRoute(method: method, owner: parts[2], id: parts[3], body: body, query: query, path: path)
        case ("findMe", 3), ("findMe", 4), ("findMe", 5):
            return findMeRoute(method: method, parts: Array(parts.dropFirst(2)), body: body, path: path)
        default:
            return Self.error(parts[1] == "abonents" || parts[1] == "groups" ? 405 : 404, "No handler for \(method) \(path)", path)
        }
    }

    func abonent(_ id: String) -> JSONNode? {
        guard let number = Int64(id) else { return nil }
        return abonents.first { $0["userId"]?.int == number }
    }

    func group(_ id: String) -> JSONNode? {
        guard let number = Int64(id) else { return nil }
        return groups.first { $0["id"]?.int == number }
    }
}

extension VPBXFake {
    /// The simulator as the catalog lists it.
    static let descriptor = SimulatorDescriptor(
        type: "vpbx", make: { try VPBXFake(state: $0) }, credentials: ["token": defaultToken], sealed: [],
        starterSeed: """
            {
              "platform": "vpbx",
              "tokens": ["sim-vpbx-token"],
              "groups": [{"id": 10, "name": "Support", "parentId": null}],
              "abonents": [
                {"userId": 1735, "extension": "201", "firstName": "Anna", "lastname": "Orlova", "groupId": 10},
                {"userId": 1736, "extension": "202", "firstName": "Boris", "lastname": "Petrov", "groupId": 10}
              ],
              "schedules": [],
              "findMe": {}
            }
            """)
}
