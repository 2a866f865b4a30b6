import Foundation
import TelformCore

/// Wire calls of the endpoint API (api-docs/003), paths relative to the provider's url.
struct EndpointsClient: Sendable {
    let http: ResilientClient
    let tenant: String
    let token: String
    /// Endpoints asked for per page (`limit`). The document shows `limit` with its default,
    /// 100, and nothing more: telform asks for 100 unless the provider's `page_size` says
    /// otherwise (a server that caps `limit` below it answers 422, and the read falls back
    /// to the document's 100).
    var pageSize = EndpointsClient.documentedPageSize
    static let documentedPageSize = 100

    var base: String { "/api/organizations/\(tenant.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? tenant)/endpoints" }

    func authorized(_ request: HTTPRequest) -> HTTPRequest {
        var request = request
        request.headers.append(("Authorization", "Bearer \(token)"))
        return request
    }

    /// Every endpoint of the tenant, page by page: `skip` advances by what each page returned
    /// (a server may cap `limit` below what was asked) until a page comes back empty, never at
    /// a short one. A page holding an endpoint already read means the server ignores `skip`:
    /// an error, not a loop.
    ///
    /// Pages are asked for ahead: once a page comes back full, up to the transport's
    /// concurrency (the provider's parallelism) are in flight, each a full page after the one
    /// before; after a short page (the last one, or a server capping `limit`), one at a time
    /// until a page is full again at the new size. While pages come back full, a page's own
    /// task asks for the next one as soon as its answer is in (the reading task may wait for
    /// a thread while pages are turned into values on every core); at most twice that many
    /// pages are held untaken. A page asked for past the end comes back empty and is dropped,
    /// and no page past it is asked for; nor is any while a short page waits to be taken.
    /// A transport of one call at a time (the embedded simulator) asks for the next page only
    /// once a page has become live objects: one page of JSON at a time.
    ///
    /// `transform` runs where a page is fetched, on the page's own task, so turning pages into
    /// values uses every core while `each` takes them in order.
    func forEach<T: Sendable>(_ transform: @escaping @Sendable (JSONNode) -> T, _ each: (T) throws -> Void) async throws {
        var next = 0  // the first endpoint not yet read
        let concurrency = max(1, http.transport.concurrency)
        var seen: Set<String> = []
        let pages = PagesAhead<T>(stride: pageSize) { skip, ticket, pages in
            page(from: skip, ticket: ticket, pages, transform)
        }
        defer { pages.stop() }
        while true {
            pages.dropUnless(first: next)
            let path = "\(base)/?skip=\(next)&limit=\(pageSize)"
            let page: [Item<T>]
            if concurrency == 1 || !pages.hasAsked {
                // One call at a time: on this task (memory a page task allocates on another
                // thread's heap arena stays there: +20 MB on a 10,000-endpoint sim:// plan).
                // The first page too: once it is known full, the next ones are asked for
                // before it is turned into values.
                let response = try await http.send(authorized(.json("GET", path)))
                let raw = try WireShape.list(checked(response), response.call ?? "GET \(base)/")
                if concurrency > 1, !raw.isEmpty, raw.count >= pages.stride {
                    pages.setAhead(concurrency)
                    pages.askAhead(from: next + raw.count)
                }
                page = items(raw, transform)
            } else {
                // A page task is not the reading task's child: cancelling the read (a sibling
                // provider failed) cancels the pages in flight, so it ends at once as before.
                let first = pages.takeFirst()
                page = try await withTaskCancellationHandler {
                    try await first.value
                } onCancel: {
                    first.cancel()
                    pages.stop()
                }
            }
            if page.isEmpty { return }
            // The items read in place (a copy of each, through the generic, cost more than the check).
            for index in page.indices where !seen.insert(page[index].identity).inserted {
                throw WireShape.Unexpected(call: "GET " + path, got: "it repeats endpoint \(page[index].name) of an earlier page: the server ignores skip")
            }
            next += page.count
            if page.count < pages.stride {
                pages.shorten(to: page.count)
            } else {
                pages.setAhead(concurrency)
            }
            // The next pages are on their way while this one is taken — unless the transport
            // carries one call at a time (the embedded simulator): then one page at a time.
            if concurrency > 1 { pages.askAhead(from: next, onlyIfNext: true) }
            for index in page.indices { try each(page[index].value) }
        }
    }

    func forEach(_ each: (JSONNode) throws -> Void) async throws {
        try await forEach({ $0 }, each)
    }

    /// One endpoint of a page: what tells it apart (a server ignoring `skip` repeats it) and
    /// its value.
    struct Item<T: Sendable>: Sendable {
        var identity: String
        var name: String
        var value: T
    }

    /// The page from `skip`, asked for at once, its items made into values as it arrives.
    /// Once its answer is in, it is one call fewer in flight: while pages come back full, the
    /// next one is asked for from here.
    private func page<T: Sendable>(from skip: Int, ticket: Int, _ pages: PagesAhead<T>, _ transform: @escaping @Sendable (JSONNode) -> T) -> Task<
        [Item<T>], Error
    > {
        let request = authorized(.json("GET", "\(base)/?skip=\(skip)&limit=\(pageSize)"))
        return Task { [self] in
            let response: HTTPResponse
            do {
                response = try await http.send(request)
            } catch {
                pages.answered(ticket, skip: skip, count: nil)
                throw error
            }
            let list = Result { try WireShape.list(checked(response), response.call ?? "GET \(base)/") }
            pages.answered(ticket, skip: skip, count: try? list.get().count)
            return items(try list.get(), transform)
        }
    }

    private func items<T: Sendable>(_ raw: [JSONNode], _ transform: (JSONNode) -> T) -> [Item<T>] {
        raw.map { item in
            let name = item["name"]?.string ?? "?"
            return Item(identity: ServerID.text(item["id"]) + "\u{0}" + (item["name"]?.string ?? ""), name: name, value: transform(item))
        }
    }

    func list() async throws -> [JSONNode] {
        var all: [JSONNode] = []
        try await forEach { all.append($0) }
        return all
    }

    func create(_ body: JSONNode, name: String) async throws -> JSONNode {
        let request = authorized(.json("POST", "\(base)/", body))
        // A create whose outcome is unknown is looked up by name before it is sent again.
        let answer = try await http.send(
            request,
            .create(readBack: { [self] in
                try await list().first(where: { $0["name"]?.string == name }).map(ReadBack.found)
            }))
        return try answer.json(checked)
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
        guard let json = try? response.json() else { throw WireShape.Unexpected(call: response.call ?? "the endpoint API", got: "a body that is not JSON") }
        return json
    }
}

/// A failed call, with FastAPI's detail: a message, or a list of `{loc, msg, type}`.
struct EndpointsAPIError: CallFailure {
    let status: Int
    let call: String?
    /// (wire field or nil, message) pairs.
    let problems: [(String?, String)]
    /// A 422 on the query's `limit`: the server caps the page size.
    let refusesLimit: Bool

    init(response: HTTPResponse) {
        status = response.status
        call = response.call
        let detail = (try? response.json())?["detail"]
        refusesLimit = response.status == 422 && (detail?.array ?? []).contains { $0["loc"]?.array?.compactMap(\.string) == ["query", "limit"] }
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

/// The pages of one read asked for ahead, in order of `skip`, shared by the reading task and
/// the page tasks (which ask for the next page as their answers come in).
final class PagesAhead<T: Sendable>: @unchecked Sendable {
    typealias Page = Task<[EndpointsClient.Item<T>], Error>
    private let lock = NSLock()
    private var asked: [(skip: Int, answer: Page)] = []
    /// The calls in flight, by the ticket each page was asked for with (a page dropped and
    /// answered late counts for none of the pages asked for since).
    private var inFlight: Set<Int> = []
    private var tickets = 0
    /// The lowest skip whose page came back empty: the data ends before it, so no page from
    /// there on is asked for again.
    private var emptyFrom = Int.max
    /// A page came back short and the reading task has not taken it yet: the pages a full
    /// stride beyond it are past the end, or misplaced if the server caps its pages, so none
    /// is asked for until the reading moves to the new stride.
    private var shortAnswered = false
    private var ahead = 1
    private var stopped = false
    private var currentStride: Int
    private let ask: (Int, Int, PagesAhead<T>) -> Page

    init(stride: Int, ask: @escaping (_ skip: Int, _ ticket: Int, PagesAhead<T>) -> Page) {
        currentStride = stride
        self.ask = ask
    }

    /// What a full page holds.
    var stride: Int { lock.withLock { currentStride } }
    var hasAsked: Bool { lock.withLock { !asked.isEmpty } }

    func setAhead(_ count: Int) { lock.withLock { ahead = count } }

    /// A short page: pages hold `count` from now on, asked for one at a time.
    func shorten(to count: Int) {
        lock.withLock {
            currentStride = count
            ahead = 1
            shortAnswered = false
        }
    }

    /// The pages asked for are dropped unless the first starts at `skip` (a short page moved
    /// the reading).
    func dropUnless(first skip: Int) {
        lock.withLock {
            guard let first = asked.first, first.skip != skip else { return }
            for page in asked { page.answer.cancel() }
            asked = []
            inFlight = []
        }
    }

    /// Asks for pages a stride apart from `skip` (after those already asked for) while fewer
    /// than `ahead` are held; with `onlyIfNext`, only when the first page held starts at
    /// `skip` (or none is).
    func askAhead(from skip: Int, onlyIfNext: Bool = false) {
        lock.withLock {
            if onlyIfNext, let first = asked.first, first.skip != skip { return }
            fill(from: skip, holding: ahead)
        }
    }

    /// A page's answer is in: one call fewer in flight. A full page (while pages come back
    /// full) asks for the next one, up to twice `ahead` held (the reading task may not have
    /// taken the pages answered yet). An empty one marks where the data ends; a short one
    /// stops the asking ahead until the reading task takes it.
    func answered(_ ticket: Int, skip: Int, count: Int?) {
        lock.withLock {
            if count == 0 { emptyFrom = min(emptyFrom, skip) }
            // (A page dropped before its answer came says nothing about the stride now read.)
            guard inFlight.remove(ticket) != nil else { return }
            if let count, count < currentStride { shortAnswered = true }
            guard let count, count >= currentStride, ahead > 1, let last = asked.last else { return }
            fill(from: last.skip + currentStride, holding: 2 * ahead)
        }
    }

    /// Asks while fewer than `ahead` calls are in flight and fewer than `holding` pages held.
    private func fill(from skip: Int, holding: Int) {
        guard !stopped, !shortAnswered else { return }
        while inFlight.count < ahead && asked.count < holding {
            let skip = asked.last.map { $0.skip + currentStride } ?? skip
            guard skip < emptyFrom else { return }
            tickets += 1
            inFlight.insert(tickets)
            asked.append((skip, ask(skip, tickets, self)))
        }
    }

    /// The first page asked for.
    func takeFirst() -> Page {
        lock.withLock { asked.removeFirst().answer }
    }

    /// The read is over (or cancelled): every page still asked for is cancelled, none asked again.
    func stop() {
        lock.withLock {
            stopped = true
            for page in asked { page.answer.cancel() }
            asked = []
        }
    }
}
