import Foundation
import TelformCore
import XCTest

@testable import TelformPlatforms
@testable import TelformSimulator

/// Records the requests that reach the simulator.
final class RequestLog: SimulatorHandler, @unchecked Sendable {
    let inner: SimulatorHandler
    private let lock = NSLock()
    private(set) var lines: [String] = []

    init(_ inner: SimulatorHandler) {
        self.inner = inner
    }

    func handle(_ request: HTTPRequest) -> SimulatorOutcome {
        lock.withLock { lines.append("\(request.method) \(request.path)") }
        return inner.handle(request)
    }
}

/// The endpoints platform against its in-process simulator.
final class EndpointsPlatformTests: XCTestCase {
    let fast = RetryPolicy(attempts: 5, baseDelay: 0.001, maxDelay: 0.002)
    let password = "abcdefghij0123456789"

    struct Rig {
        let fake: EndpointsFake
        let log: RequestLog
        let driver: EndpointsPlatform
    }

    func rig(_ endpoints: [JSONNode] = [], faults: FaultPlan = FaultPlan(), declared: [Resource] = []) throws -> Rig {
        let fake = try EndpointsFake(
            state: .object([
                ("tokens", .array([.string("t0k")])),
                ("tenants", .object([("acme", .object([("endpoints", .array(endpoints))]))])),
            ]))
        let log = RequestLog(FaultInjector(fake, plan: faults))
        let provider = office(declared)
        return Rig(fake: fake, log: log, driver: EndpointsPlatform(provider: provider, transport: SimulatorTransport(handler: log), retry: fast))
    }

    /// The provider the tests read: tenant acme on sim://office, pages of 1,000.
    func office(_ resources: [Resource] = []) -> ProviderConfig {
        ProviderConfig(
            name: "office", type: "endpoints",
            settings: ["tenant": .string("acme"), "token": .string("t0k"), "url": .string("sim://office"), "page_size": .int(1000)],
            declaredKinds: ["endpoints"], resources: resources, mark: Mark(file: "t", line: 1, column: 1))
    }

    func endpoint(_ id: Int64, _ name: String, _ extra: [(String, JSONNode)] = []) -> JSONNode {
        .object([("id", .int(id)), ("name", .string(name)), ("extension", .string("100")), ("password", .string(password))] + extra)
    }

    func declared(_ name: String, _ fields: [String: Value] = [:]) -> Resource {
        Resource(
            address: Address(provider: "office", kind: "endpoints", key: [name]),
            fields: ["name": .string(name), "extension": .string("101"), "password": .string(password)].merging(fields) { _, b in b })
    }

    /// Plans and applies like `telform apply`, returning the plan.
    @discardableResult
    func converge(_ rig: Rig, _ desired: [Resource], options: Planner.Options = Planner.Options(), parallelism: Int = 8) async throws -> (
        Plan, [Executor.Result]
    ) {
        let live = try await rig.driver.read(kinds: ["endpoints"], desired: desired)
        var provider = rig.driver.provider
        provider.resources = desired
        let plan = Planner(policy: Policy(), options: options).plan([
            Planner.Input(
                provider: provider, platform: rig.driver.schema,
                desired: desired.map(rig.driver.canonical), live: live)
        ])
        let results = await Executor(parallelism: parallelism).run(plan, drivers: ["office": rig.driver], live: ["office": live]) { _ in }
        return (plan, results)
    }

    func testReadPagesThroughEveryEndpoint() async throws {
        let rig = try rig((1...2500).map { endpoint($0, "e\($0)") })
        let live = try await rig.driver.read(kinds: ["endpoints"], desired: [])
        XCTAssertEqual(live.resources.count, 2500)
        XCTAssertEqual(
            rig.log.lines,
            [
                "GET /api/organizations/acme/endpoints/?skip=0&limit=1000",
                "GET /api/organizations/acme/endpoints/?skip=1000&limit=1000",
                "GET /api/organizations/acme/endpoints/?skip=2000&limit=1000",
                "GET /api/organizations/acme/endpoints/?skip=2500&limit=1000",
            ])
        XCTAssertEqual(live.ids[Address(provider: "office", kind: "endpoints", key: ["e42"])], "42")
    }

    /// A server answering fewer than `limit` (a cap of its own) and one ignoring `skip`.
    struct Paging: SimulatorHandler {
        let all: [JSONNode]
        let cap: Int
        let ignoresSkip: Bool
        func handle(_ request: HTTPRequest) -> SimulatorOutcome {
            let query = request.path.split(separator: "?").last.map(String.init) ?? ""
            let skip = ignoresSkip ? 0 : Int(query.split(separator: "&").first { $0.hasPrefix("skip=") }?.dropFirst(5) ?? "0") ?? 0
            return .respond(.json(200, .array(Array(all.dropFirst(skip).prefix(cap)))))
        }
    }

    func testPagingFollowsWhatTheServerReturnsAndStopsWhenItIgnoresSkip() async throws {
        let endpoints = (1...25).map { endpoint($0, "e\($0)") }
        func driver(_ handler: SimulatorHandler) -> EndpointsPlatform {
            let provider = office()
            return EndpointsPlatform(provider: provider, transport: SimulatorTransport(handler: handler), retry: fast)
        }
        let capped = try await driver(Paging(all: endpoints, cap: 10, ignoresSkip: false)).read(kinds: ["endpoints"], desired: [])
        XCTAssertEqual(capped.resources.count, 25, "pages of 10 under a limit of 1000 are all read")
        do {
            _ = try await driver(Paging(all: endpoints, cap: 10, ignoresSkip: true)).read(kinds: ["endpoints"], desired: [])
            XCTFail("a server ignoring skip must not loop")
        } catch let error as PlatformError {
            XCTAssertEqual(
                error.description,
                "office/endpoints: reading failed: the answer to GET /api/organizations/acme/endpoints/?skip=10&limit=1000 is not the documented shape (it repeats endpoint e1 of an earlier page: the server ignores skip); nothing is planned from it"
            )
        }
    }

    /// A transport carrying `concurrency` calls at once, logging what reached the server.
    struct Concurrent: HTTPTransport {
        let inner: SimulatorTransport
        let concurrency: Int
        let log = Log()
        final class Log: @unchecked Sendable {
            private let lock = NSLock()
            private var sent: [Int] = []
            func add(_ skip: Int) { lock.withLock { sent.append(skip) } }
            var skips: [Int] { lock.withLock { sent } }
        }
        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            let query = request.path.split(separator: "?").last.map(String.init) ?? ""
            log.add(Int(query.split(separator: "&").first { $0.hasPrefix("skip=") }?.dropFirst(5) ?? "-1") ?? -1)
            return try await inner.send(request)
        }
    }

    func testPagesAreAskedForAheadUpToTheProvidersParallelism() async throws {
        func read(_ all: [JSONNode], cap: Int) async throws -> (count: Int, skips: [Int]) {
            let provider = office()
            let transport = Concurrent(inner: SimulatorTransport(handler: Paging(all: all, cap: cap, ignoresSkip: false)), concurrency: 4)
            let live = try await EndpointsPlatform(provider: provider, transport: transport, retry: fast).read(kinds: ["endpoints"], desired: [])
            return (live.resources.count, transport.log.skips.sorted())
        }
        // 2,500: the first page alone; once it is full, four at a time a page apart; the short
        // page at 2000 ends the run of full pages and the page at 2500 ends the read. Pages
        // asked for past the end (3000, 4000, 5000) may or may not have gone out before they
        // were dropped.
        let big = try await read((1...2500).map { endpoint($0, "e\($0)") }, cap: 1000)
        XCTAssertEqual(big.count, 2500)
        XCTAssertEqual(big.skips.filter { $0 < 3000 }, [0, 1000, 2000, 2500])
        XCTAssertTrue(Set(big.skips.filter { $0 >= 3000 }).isSubset(of: [3000, 4000, 5000]), "\(big.skips)")
        // A server capping pages at 10: one at a time until a page comes back full at 10, then
        // four at a time, 10 apart.
        let capped = try await read((1...25).map { endpoint($0, "e\($0)") }, cap: 10)
        XCTAssertEqual(capped.count, 25)
        XCTAssertEqual(capped.skips.filter { $0 <= 25 }, [0, 10, 20, 25])
        XCTAssertTrue(Set(capped.skips.filter { $0 > 25 }).isSubset(of: [30, 40, 50]), "\(capped.skips)")
        // A tenant of one page: two calls, as without asking ahead.
        let small = try await read((1...5).map { endpoint($0, "e\($0)") }, cap: 1000)
        XCTAssertEqual(small.count, 5)
        XCTAssertEqual(small.skips, [0, 5])
    }

    /// Holds the answer to the page at `slowSkip` until every page past the end of the data
    /// has been answered: the order a busy server may answer in.
    struct SlowPage: HTTPTransport {
        let inner: SimulatorTransport
        let concurrency = 4
        let slowSkip: Int
        let end: Int
        let log = Concurrent.Log()
        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            let query = request.path.split(separator: "?").last.map(String.init) ?? ""
            let skip = Int(query.split(separator: "&").first { $0.hasPrefix("skip=") }?.dropFirst(5) ?? "-1") ?? -1
            log.add(skip)
            if skip == slowSkip {
                // Until both pages asked for with it past the end (3000 and 4000) have been
                // asked and answered (a few milliseconds at most).
                for _ in 0..<200 where log.skips.filter({ $0 >= end }).count < 2 { try await Task.sleep(nanoseconds: 1_000_000) }
                try await Task.sleep(nanoseconds: 20_000_000)
            }
            return try await inner.send(request)
        }
    }

    func testNoPageIsAskedForPastAPageThatCameBackEmpty() async throws {
        let provider = office()
        let all = (1...2500).map { endpoint($0, "e\($0)") }
        let transport = SlowPage(inner: SimulatorTransport(handler: Paging(all: all, cap: 1000, ignoresSkip: false)), slowSkip: 1000, end: 2500)
        let live = try await EndpointsPlatform(provider: provider, transport: transport, retry: fast).read(kinds: ["endpoints"], desired: [])
        XCTAssertEqual(live.resources.count, 2500)
        // After page 0: 1000, 2000, 3000 and 4000 at once; 3000 and 4000 come back empty
        // before the full page 1000 does, so no page past 3000 is asked for again: then 2500
        // ends the read.
        XCTAssertEqual(transport.log.skips.sorted(), [0, 1000, 2000, 2500, 3000, 4000])
    }

    /// Answers after `delay`, counting the calls in flight at once.
    struct Delayed: HTTPTransport {
        let inner: SimulatorTransport
        let concurrency = 4
        let delay: UInt64
        let log = Log()
        final class Log: @unchecked Sendable {
            private let lock = NSLock()
            private var now = 0, most = 0
            private var sent: [Int] = []
            func begin(_ skip: Int) {
                lock.withLock {
                    now += 1
                    most = max(most, now)
                    sent.append(skip)
                }
            }
            func end() { lock.withLock { now -= 1 } }
            var mostAtOnce: Int { lock.withLock { most } }
            var skips: [Int] { lock.withLock { sent.sorted() } }
        }
        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            let query = request.path.split(separator: "?").last.map(String.init) ?? ""
            log.begin(Int(query.split(separator: "&").first { $0.hasPrefix("skip=") }?.dropFirst(5) ?? "-1") ?? -1)
            defer { log.end() }
            try await Task.sleep(nanoseconds: delay)
            return try await inner.send(request)
        }
    }

    /// Pages asked for by the pages' own tasks as their answers come in: never more calls in
    /// flight than the parallelism, every page read once, few asked for past the end.
    func testPagesKeepTheParallelismInFlightAndNoMore() async throws {
        let provider = office()
        let transport = Delayed(
            inner: SimulatorTransport(handler: Paging(all: (1...10_000).map { endpoint($0, "e\($0)") }, cap: 1000, ignoresSkip: false)),
            delay: 20_000_000)
        let live = try await EndpointsPlatform(provider: provider, transport: transport, retry: fast).read(kinds: ["endpoints"], desired: [])
        XCTAssertEqual(live.resources.count, 10_000)
        XCTAssertEqual(Set(live.resources.map(\.address.key[0])).count, 10_000)
        XCTAssertEqual(transport.log.mostAtOnce, 4)
        let skips = transport.log.skips
        XCTAssertEqual(skips.filter { $0 <= 10_000 }, Array(stride(from: 0, through: 10_000, by: 1000)))
        XCTAssertTrue(skips.filter { $0 > 10_000 }.allSatisfy { $0 % 1000 == 0 && $0 <= 17_000 }, "\(skips)")
        XCTAssertEqual(Set(skips).count, skips.count, "no page asked for twice: \(skips)")
    }

    /// The first page full; every later page answers only after 5 s, or when cancelled, and
    /// says so on `asked` when it is asked for.
    struct SlowAfterFirst: HTTPTransport {
        let concurrency = 4
        let asked: AsyncStream<Void>.Continuation
        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            if request.path.contains("skip=0&") {
                return .json(200, .array((1...1000).map { .object([("id", .int(Int64($0))), ("name", .string("e\($0)"))]) }))
            }
            asked.yield()
            try await Task.sleep(nanoseconds: 5_000_000_000)
            return .json(200, .array([]))
        }
    }

    func testCancellingAReadCancelsThePagesAskedForAhead() async throws {
        let provider = office()
        let (asked, signal) = AsyncStream<Void>.makeStream()
        let platform = EndpointsPlatform(provider: provider, transport: SlowAfterFirst(asked: signal), retry: fast)
        let started = Date()
        let read = Task { try await platform.read(kinds: ["endpoints"], desired: []) }
        var pages = asked.makeAsyncIterator()
        _ = await pages.next()  // a page past the first is in flight
        read.cancel()
        _ = try? await read.value
        XCTAssertLessThan(Date().timeIntervalSince(started), 2, "the pages in flight were cancelled with the read, not awaited for 5 s")
    }

    func testLiveEndpointsBecomeCanonicalResources() async throws {
        let rig = try rig([
            endpoint(
                7, "desk",
                [
                    ("allow", .string("ulaw, alaw")), ("direct_media", .bool(true)), ("language", .string("ru")),
                    ("cf_noanswer_enabled", .bool(true)), ("cf_noanswer_dest", .string("500")), ("cf_noanswer_timeout", .int(25)),
                ])
        ])
        let live = try await rig.driver.read(kinds: ["endpoints"], desired: [])
        let fields = try XCTUnwrap(live.resources.first?.fields)
        XCTAssertEqual(fields["allow"], .list([.string("ulaw"), .string("alaw")]))
        XCTAssertEqual(fields["direct_media"], .bool(true), "the fake answers \"yes\"; telform reads a boolean")
        XCTAssertEqual(fields["language"], .string("ru"))
        // The cases that are off read as null: canonical(read) == read (the conformance contract).
        XCTAssertEqual(
            fields["forward"],
            .object([
                "no_answer": .object(["to": .string("500"), "timeout": .int(25)]),
                "always": .null, "unavailable": .null, "busy": .null,
            ]))
        XCTAssertNil(fields["password"])
        XCTAssertNil(fields["extension"])
    }

    func testCreateUpdateDeleteAndConvergence() async throws {
        let rig = try rig([endpoint(1, "old"), endpoint(2, "desk", [("language", .string("ru"))])])
        let desired = [
            declared("desk", ["language": .string("en"), "forward": .object(["busy": .object(["to": .string("102")])])]),
            declared("new", ["allow": .list([.string("g722"), .string("ulaw")])]),
        ]
        let (plan, results) = try await converge(rig, desired)
        XCTAssertEqual(
            plan.changes.map { "\($0.action.rawValue) \($0.address.local)" }, ["update endpoints/desk", "create endpoints/new", "delete endpoints/old"])
        XCTAssertEqual(results.filter { if case .succeeded = $0.outcome { return true } else { return false } }.count, 3)
        XCTAssertEqual(
            Set(rig.log.lines.filter { !$0.hasPrefix("GET") }),
            [
                "PUT /api/organizations/acme/endpoints/2", "POST /api/organizations/acme/endpoints/", "DELETE /api/organizations/acme/endpoints/1",
            ])
        let (again, _) = try await converge(rig, desired)
        XCTAssertEqual(again.changes.count, 0, "after an apply the next plan is empty")
        let stored = rig.fake.snapshot()["tenants"]?["acme"]?["endpoints"]?.array ?? []
        XCTAssertEqual(stored.compactMap { $0["name"]?.string }, ["desk", "new"])
        XCTAssertEqual(stored.first?["cf_busy_enabled"], .bool(true))
        XCTAssertEqual(stored.last?["allow"], .string("g722,ulaw"))
        XCTAssertEqual(stored.last?["extension"], .string("101"))
    }

    func testAnUpdateSendsOnlyWhatChanged() async throws {
        final class Bodies: SimulatorHandler, @unchecked Sendable {
            let inner: SimulatorHandler
            var puts: [String] = []
            init(_ inner: SimulatorHandler) { self.inner = inner }
            func handle(_ request: HTTPRequest) -> SimulatorOutcome {
                if request.method == "PUT" { puts.append(String(decoding: request.body ?? Data(), as: UTF8.self)) }
                return inner.handle(request)
            }
        }
        let fake = try EndpointsFake(
            state: .object([("tokens", .array([.string("t")])), ("tenants", .object([("acme", .object([("endpoints", .array([endpoint(3, "desk")]))]))]))]))
        let bodies = Bodies(fake)
        let provider = ProviderConfig(
            name: "office", type: "endpoints", settings: ["tenant": .string("acme"), "token": .string("t")], declaredKinds: ["endpoints"],
            mark: Mark(file: "t", line: 1, column: 1))
        let driver = EndpointsPlatform(provider: provider, transport: SimulatorTransport(handler: bodies), retry: fast)
        let desired = [declared("desk", ["language": .string("de"), "forward": .object(["no_answer": .object(["to": .string("500"), "timeout": .int(30)])])])]
        let live = try await driver.read(kinds: ["endpoints"], desired: desired)
        let plan = Planner(policy: Policy()).plan([
            Planner.Input(provider: provider, platform: driver.schema, desired: desired.map(driver.canonical), live: live)
        ])
        _ = await Executor(parallelism: 1).run(plan, drivers: ["office": driver], live: ["office": live]) { _ in }
        XCTAssertEqual(bodies.puts, [#"{"language":"de","cf_noanswer_enabled":"yes","cf_noanswer_dest":"500","cf_noanswer_timeout":30}"#])
    }

    func testValidationErrorsCarryTheFieldAndThePlatformsMessage() async throws {
        let rig = try rig([endpoint(1, "taken")])
        let bad = rig.driver.canonical(
            declared("x", ["password": .string("short"), "forward": .object(["no_answer": .object(["to": .string("1"), "timeout": .int(3)])])]))
        let change = Change(address: bad.address, action: .create, desired: bad, live: nil, fields: [])
        do {
            try await rig.driver.apply(change, live: LiveState())
            XCTFail("the simulator must refuse")
        } catch let error as PlatformError {
            XCTAssertEqual(
                error.description,
                "office/endpoints/x: password: String should match pattern '^[A-Za-z0-9]{20}$'; forward.no_answer.timeout: Input should be greater than or equal to 5"
            )
        }
        let duplicate = rig.driver.canonical(declared("taken"))
        do {
            try await rig.driver.apply(Change(address: duplicate.address, action: .create, desired: duplicate, live: nil, fields: []), live: LiveState())
            XCTFail("a second endpoint of one name is refused")
        } catch let error as PlatformError {
            XCTAssertEqual(error.description, "office/endpoints/taken: name: Endpoint with name 'taken' already exists")
        }
    }

    func testTheFakeTakesFlagsAsPJSIPTextAndRefusesJSONBooleans() throws {
        let fake = try EndpointsFake(
            state: .object([("tokens", .array([.string("t0k")])), ("tenants", .object([("acme", .object([("endpoints", .array([]))]))]))]))
        func create(_ flag: String) -> (Int, String) {
            let body = #"{"name": "d\#(flag.count)", "extension": "100", "password": "abcdefghij0123456789", "direct_media": \#(flag)}"#
            let request = HTTPRequest(
                method: "POST", path: "/api/organizations/acme/endpoints/",
                headers: [("Authorization", "Bearer t0k"), ("Content-Type", "application/json")], body: Data(body.utf8))
            guard case .respond(let response) = fake.handle(request) else { return (0, "") }
            return (response.status, response.text)
        }
        XCTAssertEqual(create(#""yes""#).0, 201)
        let refused = create("true")
        XCTAssertEqual(refused.0, 422)
        XCTAssertTrue(refused.1.contains(#""msg":"Input should be a valid string""#), refused.1)
    }

    func testRotateSendsThePasswordAgain() async throws {
        let rig = try rig([endpoint(5, "desk")])
        let before = rig.fake.snapshot()["tenants"]?["acme"]?["endpoints"]?.array?.first?["password_sha256"]
        let rotated = declared("desk", ["password": .string("ZYXWVUTSRQ9876543210")])
        let (plan, _) = try await converge(rig, [rotated], options: Planner.Options(rotate: [AddressPattern("office/endpoints/desk")]))
        XCTAssertEqual(plan.changes.map(\.rotate), [true])
        XCTAssertTrue(rig.log.lines.contains("PUT /api/organizations/acme/endpoints/5/password"))
        let after = rig.fake.snapshot()["tenants"]?["acme"]?["endpoints"]?.array?.first?["password_sha256"]
        XCTAssertNotEqual(before, after)
        XCTAssertEqual(after, .string(SHA256.hex("ZYXWVUTSRQ9876543210")))
    }

    func testAnAmbiguousCreateIsReadBackAndNotDuplicated() async throws {
        var faults = FaultPlan()
        faults.pdropAfter = 1
        faults.method = "POST"
        let rig = try rig([], faults: faults)
        let (_, results) = try await converge(rig, [declared("desk")])
        XCTAssertEqual(results.count, 1)
        if case .succeeded = results[0].outcome {} else { XCTFail("\(results[0].outcome)") }
        XCTAssertEqual(rig.log.lines.filter { $0.hasPrefix("POST") }.count, 1, "the create was not repeated")
        XCTAssertEqual(rig.fake.snapshot()["tenants"]?["acme"]?["endpoints"]?.array?.count, 1)
    }

    func testThrottlingAndGatewayFaultsStillConverge() async throws {
        let rig = try rig((1...5).map { endpoint($0, "old\($0)") }, faults: try FaultPlan(spec: "seed=7,p503=0.2,p429=0.1,retry_after=0"))
        let desired = (1...6).map { declared("n\($0)") }
        // One call at a time, so the seeded faults fall on the same requests every run.
        let (plan, results) = try await converge(rig, desired, parallelism: 1)
        XCTAssertEqual(plan.changes.count, 11)
        XCTAssertEqual(results.filter { if case .succeeded = $0.outcome { return true } else { return false } }.count, 11)
        XCTAssertEqual(rig.log.lines.count, 17, "13 calls (two list pages, the second empty; 11 changes), plus the retries the seeded faults forced")
        let names = rig.fake.snapshot()["tenants"]?["acme"]?["endpoints"]?.array?.compactMap { $0["name"]?.string } ?? []
        XCTAssertEqual(names.sorted(), desired.map { $0.address.key[0] }.sorted())
    }
}
