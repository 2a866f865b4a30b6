import Foundation
import TelformCore

/// Wire calls of the endpoint API (api-docs/003), paths relative to the provider's url.
struct EndpointsClient: Sendable {
    let http: ResilientClient
    let tenant: String
    let token: String
    /// The document gives `limit` a default of 100 and no maximum: telform asks for 1000.
    static let pageSize = 1000

    var base: String { "/api/organizations/\(tenant.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? tenant)/endpoints" }

    func authorized(_ request: HTTPRequest) -> HTTPRequest {
        var request = request
        request.headers.append(("Authorization", "Bearer \(token)"))
        return request
    }

    /// Every endpoint of the tenant, page by page: `skip` advances by what each page returned
    /// (a server may cap `limit` below what was asked) until a page comes back empty. A page
    /// holding an endpoint already read means the server ignores `skip`: an error, not a loop.
    /// A read keeps at most two pages of JSON at a time, not all of them: the next page is
    /// asked for as soon as a page's count is known, before `each` sees its items, so turning
    /// a page into live objects overlaps the next page's round trip.
    func forEach(_ each: (JSONNode) throws -> Void) async throws {
        var count = 0
        var seen: Set<String> = []
        var next: Task<HTTPResponse, Error>? = page(from: 0)
        defer { next?.cancel() }
        while let asked = next {
            let path = "\(base)/?skip=\(count)&limit=\(Self.pageSize)"
            let response = try await asked.value
            next = nil
            let page = try WireShape.list(checked(response), "GET \(base)/")
            if page.isEmpty { return }
            for item in page where !seen.insert(ServerID.text(item["id"]) + "\u{0}" + (item["name"]?.string ?? "")).inserted {
                throw WireShape.Unexpected(call: "GET " + path, got: "it repeats endpoint \(item["name"]?.string ?? "?") of an earlier page: the server ignores skip")
            }
            count += page.count
            next = self.page(from: count)
            for item in page { try each(item) }
        }
    }

    /// The page from `skip`, asked for at once.
    private func page(from skip: Int) -> Task<HTTPResponse, Error> {
        let request = authorized(.json("GET", "\(base)/?skip=\(skip)&limit=\(Self.pageSize)"))
        return Task { [http] in try await http.send(request) }
    }

    func list() async throws -> [JSONNode] {
        var all: [JSONNode] = []
        try await forEach { all.append($0) }
        return all
    }

    func create(_ body: JSONNode, name: String) async throws -> JSONNode {
        let request = authorized(.json("POST", "\(base)/", body))
        // A create whose outcome is unknown is looked up by name before it is sent again.
        let response = try await http.send(request, .create(readBack: { [self] in
            guard let found = try await list().first(where: { $0["name"]?.string == name }) else { return nil }
            return .json(201, found)
        }))
        return try checked(response)
    }

    func update(id: String, _ body: JSONNode) async throws {
        _ = try checked(try await http.send(authorized(.json("PUT", "\(base)/\(ServerID.segment(id))", body))))
    }

    func delete(id: String) async throws {
        let response = try await http.send(authorized(.json("DELETE", "\(base)/\(ServerID.segment(id))")))
        // Deleting what is already gone reaches the desired state (a retried delete sees 404).
        if response.status == 404 { return }
        _ = try checked(response)
    }

    func setPassword(id: String, _ password: String) async throws {
        _ = try checked(try await http.send(authorized(.json("PUT", "\(base)/\(ServerID.segment(id))/password", .object([("password", .string(password))])))))
    }

    /// The body of a successful response, or the API's own message as an error.
    func checked(_ response: HTTPResponse) throws -> JSONNode {
        guard response.isSuccess else { throw EndpointsAPIError(response: response) }
        if response.body.isEmpty { return .null }
        guard let json = try? response.json() else { throw WireShape.Unexpected(call: "the endpoint API", got: "a body that is not JSON") }
        return json
    }
}

/// A failed call, with FastAPI's detail: a message, or a list of `{loc, msg, type}`.
struct EndpointsAPIError: CallFailure {
    let status: Int
    let call: String?
    /// (wire field or nil, message) pairs.
    let problems: [(String?, String)]

    init(response: HTTPResponse) {
        status = response.status
        call = response.call
        let detail = (try? response.json())?["detail"]
        if let items = detail?.array {
            problems = items.map { item in
                let loc = item["loc"]?.array?.compactMap(\.string) ?? []
                let field = loc.count > 1 && loc[0] == "body" ? loc.last : nil
                return (field, item["msg"]?.string ?? "invalid")
            }
        } else if let text = detail?.string {
            problems = [(nil, text)]
        } else {
            problems = [(nil, response.text.isEmpty ? "HTTP \(response.status)" : ServerText.excerpt(response.text))]
        }
    }
}
