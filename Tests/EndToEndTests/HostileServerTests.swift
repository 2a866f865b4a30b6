import Foundation
import XCTest

/// The built binary against servers that misbehave on purpose: nothing they do may leak a
/// credential, hang telform, or exhaust its memory. Each case asserts the exact outcome.
final class HostileServerTests: XCTestCase {
    static let token = "Tok3n-9f8e7d6c5b4a-secret"
    static let password = "Pa55word-for-the-mtt-api"
    static let sipPassword = "Sip0Password0Twenty1"
    /// The scheme a run meets the hostile server over: nil for http, "https" through a TLS
    /// front (`TLSFront`), its certificate trusted by the provider's `tls.ca_file`. The
    /// transport's guarantees are checked over both.
    var client: String?
    static let clients: [String?] = [nil, "https"]
    var fronts: [TLSFront] = []
    var environment: [String: String] { ["TOKEN": Self.token, "PASSWORD": Self.password, "SIP": Self.sipPassword] }

    override func tearDown() {
        for front in fronts { front.stop() }
        fronts = []
    }

    /// Where the run reaches `server`: itself over http, or a TLS front before it.
    func address(_ server: HostileServer) throws -> String {
        guard client == "https" else { return server.url }
        let front = try TLSFront(upstream: server.port)
        fronts.append(front)
        return front.url
    }

    /// The provider's `tls:` line over https (the front's certificate), nothing over http.
    var tls: String {
        guard client == "https", let ca = TLSFront.certificate?.appendingPathComponent("cert.pem").path else { return "" }
        return "\n    tls: {ca_file: \"\(ca)\"}"
    }

    func endpoints(_ url: String, policy: String = "{http_timeout: 5}") -> String {
        """
        version: 1
        policy: \(policy)
        providers:
          office:
            type: endpoints\(tls)
            url: \(url)
            tenant: acme
            token: ${env:TOKEN}
            endpoints:
              - {name: desk, extension: "100", password: "${env:SIP}"}
        """
    }

    func vpbx(_ url: String) -> String {
        """
        version: 1
        policy: {http_timeout: 5}
        providers:
          mts:
            type: vpbx\(tls)
            url: \(url)
            token: ${env:TOKEN}
            schedules: []
        """
    }

    func mtt(_ url: String) -> String {
        """
        version: 1
        policy: {http_timeout: 5}
        providers:
          mtt:
            type: mtt\(tls)
            url: \(url)/index.php
            premedia_url: \(url)/v1/api
            customer: "88314050000000"
            username: sim
            password: ${env:PASSWORD}
            blacklist: []
        """
    }

    func run(_ config: String, _ arguments: [String] = ["plan"]) throws -> TelformProcess.Outcome {
        let dir = try TelformProcess.scratch()
        try config.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        return try TelformProcess.run(arguments, environment: environment, directory: dir)
    }

    func errors(_ outcome: TelformProcess.Outcome) -> [String] {
        outcome.stderrLines.filter { $0.hasPrefix("telform: error:") }
    }

    func testNoRedirectIsFollowedAndNoCredentialReachesItsTarget() throws {
        for client in Self.clients {
            self.client = client
            let target = try HostileServer { _, connection in connection.respond(200, body: "[]") }
            defer { target.stop() }
            for status in [301, 302, 307, 308] {
                let hostile = try HostileServer { request, connection in
                    connection.respond(status, headers: ["Location: \(target.url)\(request.path)"])
                }
                defer { hostile.stop() }
                let url = try address(hostile)
                let endpoints = try run(endpoints(url + "/ep"))
                XCTAssertEqual(endpoints.status, 1)
                XCTAssertEqual(
                    errors(endpoints),
                    [
                        "telform: error: office/endpoints: reading failed: GET \(url)/ep/api/organizations/acme/endpoints/?skip=0&limit=100 answered \(status) redirecting to \(target.url)/ep/api/organizations/acme/endpoints/?skip=0&limit=100; telform follows no redirect (it would carry the credentials there): if that is the API's address, set the provider's url to it"
                    ])
                XCTAssertEqual(try run(vpbx(url + "/vpbx")).status, 1)
                let mtt = try run(mtt(url + "/mtt"))
                XCTAssertEqual(mtt.status, 1)
                XCTAssertEqual(
                    errors(mtt),
                    [
                        "telform: error: mtt/blacklist: POST \(url)/mtt/v1/api answered \(status) redirecting to \(target.url)/mtt/v1/api; telform follows no redirect (it would carry the credentials there): if that is the API's address, set the provider's url to it"
                    ])
                // One request each, never repeated (a redirect is not a transient failure).
                XCTAssertEqual(hostile.requests.map(\.method), ["GET", "GET", "POST"])
            }
            XCTAssertEqual(target.requests.count, 0, "no request, and so no credential, ever reached the redirect's target")
        }
    }

    /// A redirect that only adds or drops a trailing slash is named as that; a 403 names the
    /// tenant beside the credentials (a good token may not reach this tenant).
    func testASlashRedirectAndATenantRefusalSayWhatTheyAre() throws {
        let slash = try HostileServer { request, connection in
            let path = request.path.split(separator: "?", maxSplits: 1).map(String.init)
            let other = path[0].hasSuffix("/") ? String(path[0].dropLast()) : path[0] + "/"
            connection.respond(307, headers: ["Location: \(other)?\(path.count > 1 ? path[1] : "")"])
        }
        defer { slash.stop() }
        let redirected = try run(endpoints(slash.url + "/ep"))
        XCTAssertEqual(
            errors(redirected),
            [
                "telform: error: office/endpoints: reading failed: GET \(slash.url)/ep/api/organizations/acme/endpoints/?skip=0&limit=100 answered 307 redirecting to /ep/api/organizations/acme/endpoints?skip=0&limit=100, which differs only by a trailing slash: the server routes the path with and without it apart; telform follows no redirect (it would carry the credentials there): check whether the provider's url has a slash too many or too few at its end"
            ])
        let forbidden = try HostileServer { _, connection in
            connection.respond(403, headers: ["Content-Type: application/json"], body: #"{"detail": "Not enough permissions"}"#)
        }
        defer { forbidden.stop() }
        let refused = try run(endpoints(forbidden.url))
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("  or the credentials may not reach this tenant; check telform.yaml:"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains(": providers.office.tenant (acme)"), refused.stderr)
    }

    func testAChallengeIsAnsweredAtOnceWithItsOwn401() throws {
        for client in Self.clients {
            self.client = client
            let hostile = try HostileServer { _, connection in
                connection.respond(
                    401, headers: ["WWW-Authenticate: Bearer realm=\"api\"", "Content-Type: application/json"],
                    body: #"{"detail": "token refused"}"#)
            }
            defer { hostile.stop() }
            let url = try address(hostile)
            let started = Date()
            let plan = try run(endpoints(url))
            XCTAssertEqual(plan.status, 1)
            XCTAssertEqual(errors(plan), ["telform: error: office/endpoints: reading failed: token refused (HTTP 401)"])
            XCTAssertEqual(hostile.requests.count, 1, "a 401 is not retried")
            XCTAssertLessThan(Date().timeIntervalSince(started), 5, "ended before the 5 s call deadline: the challenge did not hang")
        }
    }

    func testATricklingServerEndsAtTheWholeCallDeadline() throws {
        for client in Self.clients {
            self.client = client
            let hostile = try HostileServer { _, connection in
                connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[")
                // One byte every 100 ms: never idle long enough for an idle timeout to fire.
                for _ in 0..<100 {
                    Thread.sleep(forTimeInterval: 0.1)
                    guard connection.send(" ") else { return }
                }
            }
            defer { hostile.stop() }
            let url = try address(hostile)
            let plan = try run(endpoints(url, policy: "{http_timeout: 1}"))
            XCTAssertEqual(plan.status, 1)
            XCTAssertEqual(errors(plan), ["telform: error: office/endpoints: reading failed: no response: timed out after 1s (the whole call)"])
            XCTAssertEqual(hostile.requests.count, 5, "a read is retried: 5 attempts, each cut at 1 s")
        }
    }

    func testHugeEndlessAndCompressedBombBodiesAreRefused() throws {
        for client in Self.clients {
            self.client = client
            let bomb = try gzipOfZeros(megabytes: 8)
            XCTAssertLessThan(bomb.count, 64 << 10, "the bomb is small on the wire")
            let hostile = try HostileServer { request, connection in
                switch request.path.split(separator: "/").first ?? "" {
                case "announced":
                    connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n[")
                case "endless":
                    connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    let chunk = "10000\r\n" + String(repeating: " ", count: 65536) + "\r\n"
                    while connection.send(chunk) {}
                default:
                    connection.send(
                        Data("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: \(bomb.count)\r\n\r\n".utf8) + bomb
                    )
                }
            }
            defer { hostile.stop() }
            let url = try address(hostile)
            let limit = "{http_timeout: 20, max_response_mb: 1}"
            let announced = try run(endpoints(url + "/announced", policy: limit))
            XCTAssertEqual(
                errors(announced),
                [
                    "telform: error: office/endpoints: reading failed: the response body is larger than 1 MiB (2147483648 bytes announced), telform's limit for one call; nothing of it was used"
                ])
            for path in ["endless", "gzip"] {
                let plan = try run(endpoints(url + "/" + path, policy: limit))
                XCTAssertEqual(plan.status, 1)
                // libcurl inflates a compressed body as it comes; the limit counts what it
                // inflates to and stops there.
                let message = "the response body is larger than 1 MiB, telform's limit for one call; nothing of it was used"
                XCTAssertEqual(errors(plan), ["telform: error: office/endpoints: reading failed: " + message], "\(path), client \(client ?? "telform")")
            }
            XCTAssertEqual(hostile.requests.count, 3, "a refused body is not fetched again")
        }
    }

    func testSecretsEchoedByAServerNeverPrint() throws {
        for client in Self.clients {
            self.client = client
            // The server repeats the whole request — headers and body — in its error.
            let hostile = try HostileServer { request, connection in
                let echo = String(decoding: try! JSONSerialization.data(withJSONObject: ["detail": request.text, "message": request.text]), as: UTF8.self)
                connection.respond(
                    request.method == "GET" ? 200 : 422, headers: ["Content-Type: application/json"],
                    body: request.method == "GET" ? "[]" : echo)
            }
            defer { hostile.stop() }
            let dir = try TelformProcess.scratch()
            let url = try address(hostile)
            try endpoints(url).write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
            let apply = try TelformProcess.run(["apply", "--auto-approve", "-v"], environment: environment, directory: dir)
            XCTAssertEqual(apply.status, 1)
            XCTAssertEqual(hostile.requests.map(\.method), ["GET", "POST"])
            XCTAssertTrue(hostile.requests[1].text.contains(Self.sipPassword) && hostile.requests[1].text.contains(Self.token), "the server did see them")
            let printed = apply.stdout + apply.stderr
            for secret in [Self.token, Self.sipPassword, "Bearer " + Self.token] {
                XCTAssertFalse(printed.contains(secret), "printed: \(secret), client \(client ?? "http")")
            }
            // One line per failure, whatever line breaks the server's text had; the secrets masked in place.
            let failure =
                apply.stderrLines.first { $0.hasPrefix("[1/1] office/endpoints/desk: create FAILED: ") }.map { String($0.dropFirst("[1/1] ".count)) } ?? ""
            XCTAssertTrue(failure.contains(" Authorization: (sensitive) ") && failure.contains(#""password":"(sensitive)""#), apply.stderr)
            XCTAssertEqual(
                apply.stderrLines.suffix(4),
                [
                    "Apply: 0 succeeded, 1 failed, 0 skipped.", "Failed:",
                    "  office/endpoints/desk: " + failure.dropFirst("office/endpoints/desk: create FAILED: ".count),
                    "  call: POST \(url)/api/organizations/acme/endpoints/ -> HTTP 422",
                ])
            // Basic credentials, and their base64, are scrubbed alike.
            let basic = try HostileServer { request, connection in
                connection.respond(401, headers: ["Content-Type: text/plain"], body: "refused: " + request.text)
            }
            defer { basic.stop() }
            let xivo = try run(
                """
                version: 1
                providers:
                  xivo:
                    type: xivo\(tls)
                    url: \(try address(basic))
                    username: ws
                    password: ${env:PASSWORD}
                    users: []
                """, ["plan", "-v"])
            XCTAssertEqual(xivo.status, 1)
            let encoded = Data("ws:\(Self.password)".utf8).base64EncodedString()
            XCTAssertTrue(basic.requests.first?.header("authorization") == "Basic \(encoded)")
            for secret in [Self.password, encoded] {
                XCTAssertFalse((xivo.stdout + xivo.stderr).contains(secret), "printed: \(secret)")
            }
            // Cut to 300 characters after scrubbing, so no part of a secret survives the cut.
            XCTAssertTrue(
                errors(xivo).first?.hasPrefix(
                    "telform: error: xivo/users: list lines: authentication required: refused: GET /service/ipbx/json.php/restricted/pbx_settings/lines/?act=list Host: "
                ) ?? false, xivo.stderr)
            XCTAssertTrue(errors(xivo).first?.contains(" Authorization: (sensitive) ") ?? false, xivo.stderr)
        }
    }

    /// `size` MiB of zeros, gzipped by Python (Foundation on Linux has no compressor).
    func gzipOfZeros(megabytes: Int) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import gzip,sys; sys.stdout.buffer.write(gzip.compress(bytes(\(megabytes << 20))))"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}

/// Server ids are data: an id that is not a number the platform could have given is never
/// put in a URL, and the object it names is neither updated nor deleted.
final class HostileIDTests: XCTestCase {
    func testIDsThatWouldSteerARequestElsewhereAreRefused() throws {
        let list =
            #"[{"id": "../../other/endpoints/5", "name": "desk", "language": "ru"}, {"id": "1?force=true#", "name": "old-1"}, {"id": 99999999999999999999999, "name": "old-2"}, {"id": "", "name": "old-3"}]"#
        let hostile = try HostileServer { request, connection in
            // The list, then an empty page: the end of the listing.
            connection.respond(
                200, headers: ["Content-Type: application/json"],
                body: request.method == "GET" ? (request.path.contains("skip=0&") ? list : "[]") : "{}")
        }
        defer { hostile.stop() }
        let dir = try SimConfigs.folder(
            SimConfigs.endpoints(
                hostile.url, token: "${env:TOKEN}",
                "    endpoints:\n      - {name: desk, extension: \"100\", password: \"${env:SIP}\", language: en}"))
        let environment = ["TOKEN": "a-token-of-some-length", "SIP": "Sip0Password0Twenty1"]
        let plan = try TelformProcess.run(["plan"], environment: environment, directory: dir)
        XCTAssertEqual(plan.status, 1)
        // Text ids are used percent-encoded as one path segment ("1?force=true#" is harmless
        // so); a path part, a control character or no id at all is refused.
        XCTAssertEqual(
            plan.stdout.split(separator: "\n").filter { $0.hasPrefix("Error: ") },
            [
                #"Error: office/endpoints/desk: the server gave it the id "../../other/endpoints/5", which telform will not put in a URL (a path part or a control character)"#,
                #"Error: office/endpoints/old-3: the server gave it no id"#,
            ])
        let apply = try TelformProcess.run(["apply", "--auto-approve"], environment: environment, directory: dir)
        XCTAssertEqual(apply.status, 1)
        XCTAssertEqual(Set(hostile.requests.map(\.method)), ["GET"], "no PUT or DELETE was sent anywhere")
    }
}

/// One apply at a time in a working directory.
final class ApplyLockTests: XCTestCase {
    func testASecondApplyFailsAtOnceNamingTheHolderOnEveryPlatform() throws {
        let vpbxSeed = """
            {"platform": "vpbx", "tokens": ["sim-vpbx-token"], "groups": [],
             "abonents": [{"userId": 1735, "extension": "201", "firstName": "Anna", "lastname": "Orlova", "groupId": null}], "schedules": [], "findMe": {}}
            """
        let mttSeed =
            #"{"users": [{"username": "sim", "password": "sim-mtt-password", "customer": "88314050000000"}], "customers": {"88314050000000": {"prompts": [], "gbl": []}}, "accounts": {}}"#
        let server = try SimServer(
            states: [
                "vpbx": vpbxSeed, "mtt": mttSeed, "mxproxy": SimConfigs.mxproxySeed(),
                "xivo": #"{"credentials": [{"username": "ws", "password": "ws-secret"}]}"#,
            ],
            latencyMilliseconds: 400)
        defer { server.stop() }
        let configs: [(String, String)] = [
            ("endpoints", SimConfigs.endpoints(server.endpointsURL, SimConfigs.declaredEndpoints(2, prefix: "desk-"))),
            (
                "vpbx",
                """
                version: 1
                providers:
                  mts: {type: vpbx, url: "\(server.vpbxURL)", token: sim-vpbx-token,
                        schedules: [{abonent: "201", name: day}, {abonent: "201", name: night}]}
                """
            ),
            ("mtt", SimConfigs.mtt(port: server.port, #"    blacklist: ["74950000001", "74950000002"]"#)),
            (
                "xivo",
                SimConfigs.xivo(
                    port: server.port,
                    "    queue_skills:\n      - {name: english, printscreen: Eng, category: languages}\n      - {name: french, printscreen: Fra, category: languages}"
                )
            ),
            (
                "mxproxy",
                SimConfigs.mxproxy(
                    port: server.port, "    conferences:\n" + SimConfigs.conference("a", accessID: 1) + "\n" + SimConfigs.conference("b", accessID: 2))
            ),
        ]
        let environment = SimConfigs.environment.merging(SimConfigs.sipPassword) { a, _ in a }
        for (platform, config) in configs {
            let dir = try SimConfigs.folder(config)
            let first = Process()
            first.executableURL = TelformProcess.binary
            first.arguments = ["apply", "--auto-approve", "--parallelism", "1"]
            first.currentDirectoryURL = dir
            first.environment = environment
            first.standardOutput = FileHandle.nullDevice
            first.standardError = FileHandle.nullDevice
            try first.run()
            // The holder writes its pid into the lock once it holds it: wait for that, not a time.
            let lock = dir.appendingPathComponent(".telform/apply.lock")
            while first.isRunning, ((try? String(contentsOf: lock, encoding: .utf8)) ?? "").isEmpty { usleep(10_000) }
            let second = try TelformProcess.run(["apply", "--auto-approve"], environment: environment, directory: dir, timeout: 30)
            first.waitUntilExit()
            XCTAssertEqual(first.terminationStatus, 0, platform)
            XCTAssertEqual(second.status, 1, platform)
            let line = second.stderrLines.first { $0.hasPrefix("telform: error:") } ?? ""
            XCTAssertTrue(
                line.hasPrefix("telform: error: another apply is running in \(dir.standardizedFileURL.path) (pid \(first.processIdentifier) on "),
                "\(platform): \(line)")
            XCTAssertTrue(line.hasSuffix("; nothing was read or changed. Wait for it to finish; in CI, let one apply run at a time (docs/ci.md)"), line)
            // The holder names the machine as the kernel does (no name lookup) and its start in UTC.
            var host = [CChar](repeating: 0, count: 256)
            gethostname(&host, 255)
            XCTAssertNotNil(
                line.range(
                    of: "\\(pid \(first.processIdentifier) on \(String(cString: host)), since 20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\\)",
                    options: .regularExpression),
                line)
            XCTAssertEqual(
                try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir).status, 0,
                "\(platform): converged, each object made once")
        }
        // Exactly one create each on the endpoints API: the second apply made no call.
        XCTAssertEqual(try server.requests().filter { $0.hasPrefix("POST /endpoints") }.count, 2)
    }
}

/// The simulators answer as the real servers do: XiVO's web server challenges a request
/// without credentials, MX Proxy's token endpoint a wrong client secret (RFC 6749 §5.2).
final class ChallengeTests: XCTestCase {
    func testXiVOWithoutCredentialsAndMXProxyWithAWrongClientSecretEndAtOnce() throws {
        let server = try SimServer(states: [
            "xivo": #"{"credentials": [{"username": "ws", "password": "ws-secret"}], "users": []}"#,
            "mxproxy": #"{"apps": [{"client_id": "sim-client", "secret": "sim-client-secret"}], "users": [], "contacts": [], "conferences": []}"#,
        ])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        try """
        version: 1
        policy: {http_timeout: 10}
        providers:
          xivo:
            type: xivo
            url: http://127.0.0.1:\(server.port)/xivo
            users: []
          mx:
            type: mxproxy
            url: http://127.0.0.1:\(server.port)/mxproxy
            client_id: sim-client
            client_secret: ${env:WRONG}
            username: sim@example.com
            password: ${env:WRONG}
            conferences: []
        """.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let plan = try TelformProcess.run(["plan"], environment: ["WRONG": "not-the-secret"], directory: dir, timeout: 30)
        XCTAssertEqual(plan.status, 1)
        XCTAssertEqual(
            plan.stderrLines.filter { $0.hasPrefix("telform: error:") },
            [
                "telform: error: mx/conferences: authorization failed: bad client-id or app secret (HTTP 403)",
                "telform: error: xivo/users: list lines: authentication required: Authentication required (HTTP 401)",
            ])
        // The providers are read concurrently: compare in a fixed order.
        XCTAssertEqual(
            try server.requests().sorted(),
            [
                "GET /xivo/service/ipbx/json.php/restricted/pbx_settings/lines/?act=list 401",
                "POST /mxproxy/auth 403",
            ], "one request each, never retried")
    }
}

/// A 2xx whose body is not the documented shape is an error naming the call, never an empty
/// scope (which would plan deleting everything the file owns there).
final class MisshapenAnswerTests: XCTestCase {
    func testAnUnparsableOrMisshapenListIsAnErrorNotAnEmptyScope() throws {
        for (body, got) in [("<html>maintenance</html>", "a body that is not JSON"), (#"{"items": []}"#, "an object")] {
            let hostile = try HostileServer { _, connection in
                connection.respond(200, headers: ["Content-Type: application/json"], body: body)
            }
            defer { hostile.stop() }
            let dir = try SimConfigs.folder(SimConfigs.endpoints(hostile.url, token: "${env:TOKEN}", "    endpoints: []"))
            let apply = try TelformProcess.run(
                ["apply", "--auto-approve", "--allow-deletes"], environment: ["TOKEN": "a-token-of-some-length"], directory: dir)
            XCTAssertEqual(apply.status, 1)
            // The call by its method and URL, whichever way the body is wrong.
            let call = "GET \(hostile.url)/api/organizations/acme/endpoints/?skip=0&limit=100"
            XCTAssertEqual(
                apply.stderrLines.filter { $0.hasPrefix("telform: error:") },
                ["telform: error: office/endpoints: reading failed: the answer to \(call) is not the documented shape (\(got)); nothing is planned from it"])
            XCTAssertEqual(hostile.requests.map(\.method), ["GET"], "nothing deleted")
        }
    }
}
