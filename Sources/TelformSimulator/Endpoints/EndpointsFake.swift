import Foundation
import TelformCore

/// A faithful fake of the multi-tenant SIP endpoint API, written from api-docs/003 (FastAPI
/// style): Bearer auth, server-assigned ids, skip/limit pagination, 422 bodies in FastAPI's
/// `{"detail": [{"loc", "msg", "type"}]}` shape, 404 for unknown ids.
///
/// Where the document is silent, the fake behaves as Asterisk's PJSIP realtime tables do:
/// booleans come back as "yes"/"no", codec lists as comma-joined strings, and `extension` and
/// `password` are never returned (the password is kept only as a SHA-256 digest).
public final class EndpointsFake: SimulatedPlatform, @unchecked Sendable {
    public static let defaultToken = "sim-endpoints-token"

    private let lock = NSLock()
    private var state: EndpointsState

    public func admitDefaultCredentials() {
        let digest = SHA256.hex(Self.defaultToken)
        if !state.tokenDigests.contains(digest) { state.tokenDigests.append(digest) }
    }

    public init(state: JSONNode? = nil) throws {
        self.state = try state.map(EndpointsState.init(json:)) ?? EndpointsState(tokens: [Self.defaultToken], tenants: [:])
    }

    public func snapshot() -> JSONNode {
        lock.lock()
        defer { lock.unlock() }
        return state.json
    }

    public func handle(_ request: HTTPRequest) -> SimulatorOutcome {
        // A page is taken under the lock and rendered outside it: pages asked for at once are
        // rendered at once (a page of 1,000 endpoints takes milliseconds to render).
        var page: (tenant: String, records: [EndpointRecord])?
        var server = EndpointsServer()
        let response: HTTPResponse = lock.withLock {
            server = state.server
            return route(request, page: &page)
        }
        guard let page else { return .respond(response) }
        return .respond(.json(200, .array(page.records.map { $0.response(tenant: page.tenant, server) })))
    }

    static func detail(_ status: Int, _ message: String) -> HTTPResponse {
        .json(status, .object([("detail", .string(message))]))
    }

    /// The answer to `request`; a page of the list is left in `page` for the caller to render.
    func route(_ request: HTTPRequest, page: inout (tenant: String, records: [EndpointRecord])?) -> HTTPResponse {
        guard let auth = request.header("authorization"), auth.hasPrefix("Bearer ") else {
            return Self.detail(403, "Not authenticated")
        }
        guard state.tokenDigests.contains(SHA256.hex(String(auth.dropFirst(7)))) else { return Self.detail(401, "Invalid token") }
        let (path, query) = SimulatorPath.split(request.path)
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 4, parts[0] == "api", parts[1] == "organizations", parts[3] == "endpoints" else {
            return Self.detail(404, "Not Found")
        }
        let tenant = parts[2]
        let rest = Array(parts.dropFirst(4))
        let method = request.method
        // FastAPI parses a body as JSON only when it is declared so; otherwise the model is missing.
        if request.body != nil, !request.declaresJSON {
            return .json(
                422,
                .object([
                    (
                        "detail",
                        .array([
                            .object([
                                ("type", .string("model_attributes_type")), ("loc", .array([.string("body")])),
                                ("msg", .string("Input should be a valid dictionary or object to extract fields from")),
                            ])
                        ])
                    )
                ]))
        }
        switch rest.count {
        case 0 where method == "GET": return list(tenant, query, page: &page)
        case 0 where method == "POST": return create(tenant, request.body)
        case 1 where rest[0] == "status": return method == "GET" ? status(tenant) : Self.detail(405, "Method Not Allowed")
        case 1 where method == "GET": return withEndpoint(tenant, rest[0]) { .json(200, $0.response(tenant: tenant, state.server)) }
        case 1 where method == "PUT": return update(tenant, rest[0], request.body)
        case 1 where method == "DELETE": return delete(tenant, rest[0])
        case 2 where rest[1] == "password": return method == "PUT" ? setPassword(tenant, rest[0], request.body) : Self.detail(405, "Method Not Allowed")
        case 0, 1: return Self.detail(405, "Method Not Allowed")
        default: return Self.detail(404, "Not Found")
        }
    }

    func list(_ tenant: String, _ query: [String: String], page: inout (tenant: String, records: [EndpointRecord])?) -> HTTPResponse {
        var problems: [ValidationProblem] = []
        let skip = Int(query["skip"] ?? "0").flatMap { $0 >= 0 ? $0 : nil }
        // The document gives `limit` a default (100) and no bound; a server may declare one.
        let limit = Int(query["limit"] ?? "100").flatMap { $0 >= 1 ? $0 : nil }
        if skip == nil {
            problems.append(
                ValidationProblem(loc: ["query", "skip"], msg: "Input should be a valid integer, unable to parse string as an integer", type: "int_parsing"))
        }
        if limit == nil {
            problems.append(ValidationProblem(loc: ["query", "limit"], msg: "Input should be greater than or equal to 1", type: "greater_than_equal"))
        } else if let limit, let max = state.server.limitMax, limit > max {
            problems.append(ValidationProblem(loc: ["query", "limit"], msg: "Input should be less than or equal to \(max)", type: "less_than_equal"))
        }
        guard problems.isEmpty, let skip, let limit else { return ValidationProblem.response(problems) }
        let all = state.tenants[tenant]?.endpoints ?? []
        page = (tenant, Array(all.dropFirst(skip).prefix(limit)))
        return HTTPResponse(status: 200)
    }

    func status(_ tenant: String) -> HTTPResponse {
        let all = state.tenants[tenant]?.endpoints ?? []
        return .json(200, .array(all.map { .object([("name", .string($0.name)), ("status", .string("Unavailable"))]) }))
    }

    func create(_ tenant: String, _ body: Data?) -> HTTPResponse {
        guard let object = Self.body(body) else { return ValidationProblem.response([.invalidJSON]) }
        var problems = EndpointRecord.validate(object, creating: true, server: state.server)
        let name = object["name"]?.string ?? ""
        if problems.isEmpty, state.tenants[tenant]?.names.contains(name) == true {
            problems.append(ValidationProblem(loc: ["body", "name"], msg: "Endpoint with name '\(name)' already exists", type: "value_error"))
        }
        guard problems.isEmpty else { return ValidationProblem.response(problems) }
        // Changed in place: a copy of the tenant per create made creates quadratic.
        var record = EndpointRecord(id: state.tenants[tenant]?.nextID ?? 1, name: name)
        record.apply(object)
        state.tenants[tenant, default: TenantState(nextID: 1, endpoints: [])].nextID += 1
        state.tenants[tenant, default: TenantState(nextID: 1, endpoints: [])].append(record)
        return .json(201, record.response(tenant: tenant, state.server))
    }

    func update(_ tenant: String, _ id: String, _ body: Data?) -> HTTPResponse {
        guard let object = Self.body(body) else { return ValidationProblem.response([.invalidJSON]) }
        let problems = EndpointRecord.validate(object, creating: false, server: state.server)
        guard problems.isEmpty else { return ValidationProblem.response(problems) }
        let server = state.server
        return mutate(tenant, id) { record in
            record.apply(object)
            return .json(200, record.response(tenant: tenant, server))
        }
    }

    func setPassword(_ tenant: String, _ id: String, _ body: Data?) -> HTTPResponse {
        guard let object = Self.body(body) else { return ValidationProblem.response([.invalidJSON]) }
        var problems: [ValidationProblem] = []
        EndpointRecord.check(object, "password", required: true, pattern: "^[A-Za-z0-9]{20}$", into: &problems)
        guard problems.isEmpty else { return ValidationProblem.response(problems) }
        return mutate(tenant, id) { record in
            record.passwordDigest = SHA256.hex(object["password"]?.string ?? "")
            return .json(200, .object([("status", .string("ok"))]))
        }
    }

    /// The record number an id in a path names: digits, or `TENANT_N` on a server of text ids.
    func number(_ tenant: String, _ id: String) -> Int64? {
        guard state.server.textIDs else { return Int64(id) }
        guard id.hasPrefix(tenant + "_") else { return nil }
        return Int64(id.dropFirst(tenant.count + 1))
    }

    func delete(_ tenant: String, _ id: String) -> HTTPResponse {
        guard let number = number(tenant, id), let index = state.tenants[tenant]?.endpoints.firstIndex(where: { $0.id == number }) else {
            return Self.detail(404, "Endpoint not found")
        }
        state.tenants[tenant]?.remove(at: index)
        return HTTPResponse(status: 204)
    }

    func withEndpoint(_ tenant: String, _ id: String, _ body: (EndpointRecord) -> HTTPResponse) -> HTTPResponse {
        guard let number = number(tenant, id), let record = state.tenants[tenant]?.endpoints.first(where: { $0.id == number }) else {
            return Self.detail(404, "Endpoint not found")
        }
        return body(record)
    }

    func mutate(_ tenant: String, _ id: String, _ change: (inout EndpointRecord) -> HTTPResponse) -> HTTPResponse {
        guard let number = number(tenant, id), let index = state.tenants[tenant]?.endpoints.firstIndex(where: { $0.id == number }),
            var record = state.tenants[tenant]?.endpoints[index]
        else {
            return Self.detail(404, "Endpoint not found")
        }
        let response = change(&record)
        state.tenants[tenant]?.replace(at: index, with: record)
        return response
    }

    static func body(_ data: Data?) -> JSONNode? {
        guard let data, let node = try? JSONParser.parse(Array(data)), node.pairs != nil else { return nil }
        return node
    }
}

/// One FastAPI validation problem.
struct ValidationProblem {
    var loc: [String]
    var msg: String
    var type: String

    static let invalidJSON = ValidationProblem(
        loc: ["body"], msg: "Input should be a valid dictionary or object to extract fields from", type: "model_attributes_type")

    static func response(_ problems: [ValidationProblem]) -> HTTPResponse {
        .json(
            422,
            .object([
                (
                    "detail",
                    .array(
                        problems.map { p in
                            .object([("loc", .array(p.loc.map(JSONNode.string))), ("msg", .string(p.msg)), ("type", .string(p.type))])
                        })
                )
            ]))
    }
}

/// Splits `/a/b?x=1&y=2` into its path and decoded query.
enum SimulatorPath {
    static func split(_ target: String) -> (String, [String: String]) {
        guard let mark = target.firstIndex(of: "?") else { return (target.removingPercentEncoding ?? target, [:]) }
        var query: [String: String] = [:]
        for pair in target[target.index(after: mark)...].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ") }
            query[kv[0].removingPercentEncoding ?? kv[0]] = kv.count > 1 ? (kv[1].removingPercentEncoding ?? kv[1]) : ""
        }
        let path = String(target[..<mark])
        return (path.removingPercentEncoding ?? path, query)
    }
}

extension EndpointsFake {
    /// The simulator as the catalog lists it.
    static let descriptor = SimulatorDescriptor(
        type: "endpoints", make: { try EndpointsFake(state: $0) }, credentials: ["token": defaultToken], sealed: [],
        starterSeed: """
            {"platform": "endpoints", "tokens": ["sim-endpoints-token"], "tenants": {"acme": {"next_id": 1, "endpoints": []}}}
            """)
}
