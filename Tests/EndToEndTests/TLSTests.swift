import Foundation
import XCTest

/// A server whose certificate this machine does not trust (self-signed, as on-premises PBXs
/// often are): refused at once with the fix, never retried, never accepted.
final class TLSTests: XCTestCase {
    /// Starts a Python HTTP server from `handler` (the lines defining class `H`) in `dir`, with
    /// `wrap` run on the server first (TLS); returns it and the free port it bound, once bound.
    func python(_ handler: String, wrap: String = "", in dir: URL) throws -> (Process, String) {
        try """
        import http.server, os, ssl
        \(handler)
        s = http.server.HTTPServer(("127.0.0.1", 0), H)
        \(wrap)
        with open("port.tmp", "w") as f: f.write(str(s.server_address[1]))
        os.rename("port.tmp", "port")
        s.serve_forever()
        """.write(to: dir.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
        return try Self.start("server.py", in: dir, tries: 100)
    }

    /// Runs the Python script `name` in `dir` and waits for the port it writes to `port`
    /// (written whole: the script renames it into place); "" when none came.
    static func start(_ name: String, in dir: URL, tries: Int) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", name]
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var port = ""
        for _ in 0..<tries where port.isEmpty {
            port = (try? String(contentsOf: dir.appendingPathComponent("port"), encoding: .utf8)) ?? ""
            if port.isEmpty { Thread.sleep(forTimeInterval: 0.05) }
        }
        return (process, port)
    }

    /// HTTPS_PROXY and NO_PROXY are honoured (libcurl reads them): a call to an https url goes
    /// through the proxy as a CONNECT, and a host in NO_PROXY does not.
    func testHTTPSProxyAndNoProxyAreHonoured() throws {
        let dir = try TelformProcess.scratch()
        let (proxy, port) = try python(
            """
            class H(http.server.BaseHTTPRequestHandler):
                def do_CONNECT(self):
                    open("proxy.log", "a").write("CONNECT " + self.path + "\\n")
                    self.send_response(502); self.end_headers()
            """, in: dir)
        defer {
            proxy.terminate()
            proxy.waitUntilExit()
        }
        try SimConfigs.endpoints("https://pbx.example.invalid", token: "${env:OFFICE_TOKEN}", "    endpoints: []")
            .write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let proxied = try TelformProcess.run(
            ["plan"], environment: ["OFFICE_TOKEN": "Tok3nForTheProxyTest", "HTTPS_PROXY": "http://127.0.0.1:\(port)"], directory: dir)
        XCTAssertEqual(proxied.status, 1)
        let log = (try? String(contentsOf: dir.appendingPathComponent("proxy.log"), encoding: .utf8)) ?? proxied.stderr
        XCTAssertTrue(log.hasPrefix("CONNECT pbx.example.invalid:443\n"), log)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("proxy.log"))
        let direct = try TelformProcess.run(
            ["plan"],
            environment: [
                "OFFICE_TOKEN": "Tok3nForTheProxyTest", "HTTPS_PROXY": "http://127.0.0.1:\(port)",
                "NO_PROXY": "pbx.example.invalid",
            ], directory: dir)
        XCTAssertEqual(
            direct.stderrLines,
            [
                "telform: error: office/endpoints: reading failed: cannot connect: Could not resolve host: pbx.example.invalid",
                "  for telform.yaml:5:10: providers.office.url (https://pbx.example.invalid); check that the server is up and reachable from here",
            ])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("proxy.log").path), "NO_PROXY bypassed the proxy")
    }

    /// Runs a shell script in `dir` (openssl, to make certificates); fails the test on error.
    func shell(_ script: String, in dir: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = dir
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, script)
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A private CA, a server certificate it signed for 127.0.0.1, one for another name, a
    /// self-signed one, and a client certificate it signed; returns the self-signed one's pin.
    func certificates(in dir: URL) throws -> String {
        _ = try shell(
            """
            set -e
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=telform-test-ca 2>/dev/null
            for name in server other client; do
              openssl req -newkey rsa:2048 -nodes -keyout $name.key -out $name.csr -subj /CN=$name 2>/dev/null
            done
            printf 'subjectAltName=IP:127.0.0.1\n' > server.ext
            printf 'subjectAltName=DNS:other.example\n' > other.ext
            printf 'extendedKeyUsage=clientAuth\n' > client.ext
            for name in server other client; do
              openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $name.pem -days 2 -extfile $name.ext 2>/dev/null
            done
            openssl req -x509 -newkey rsa:2048 -nodes -keyout self.key -out self.pem -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
            chmod 600 client.key
            mkdir -p newcerts; touch index.txt; echo 01 > serial
            printf '[ca]\\ndefault_ca=d\\n[d]\\ndir=.\\ndatabase=index.txt\\nnew_certs_dir=newcerts\\nserial=serial\\ndefault_md=sha256\\npolicy=p\\n[p]\\ncommonName=supplied\\n' > ca.cnf
            openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in server.csr -out expired.pem -startdate 20200101000000Z -enddate 20200102000000Z -extfile server.ext 2>/dev/null
            cp server.key expired.key
            """, in: dir)
        return "sha256//"
            + (try shell("openssl x509 -in self.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64", in: dir))
    }

    /// A TLS server with `cert`/`key` that answers `[]`, asking for a client certificate
    /// signed by the CA when `clients` is set. That one speaks TLS 1.2 at most: there the
    /// refusal of a missing client certificate comes in the handshake, every time. Over TLS
    /// 1.3 it comes after the handshake, as an alert a connection reset can overtake, and the
    /// error is then the network's.
    func tlsServer(_ cert: String, _ key: String, clients: Bool = false, in dir: URL) throws -> (Process, String) {
        // A folder of its own: the helper hands the port over in a file.
        let own = try TelformProcess.scratch()
        for name in [cert, key, "ca.pem"] {
            try FileManager.default.copyItem(at: dir.appendingPathComponent(name), to: own.appendingPathComponent(name))
        }
        return try python(
            """
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200); self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"[]")
                def log_message(self, *args): pass
            """,
            wrap: """
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain("\(cert)", "\(key)")
                \(clients ? "ctx.verify_mode = ssl.CERT_REQUIRED; ctx.load_verify_locations(\"ca.pem\"); ctx.maximum_version = ssl.TLSVersion.TLSv1_2" : "")
                s.socket = ctx.wrap_socket(s.socket, server_side=True)
                """, in: own)
    }

    func plan(_ dir: URL, url: String, tls: String) throws -> TelformProcess.Outcome {
        try SimConfigs.endpoints(url, token: "${env:OFFICE_TOKEN}", (tls.isEmpty ? "" : "    tls: \(tls)\n") + "    endpoints: []")
            .write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        return try TelformProcess.run(["plan", "--detailed-exitcode"], environment: ["OFFICE_TOKEN": "Tok3nForTheTLSTest"], directory: dir)
    }

    /// `sim serve --tls-cert/--tls-key` serves https: a provider trusting its CA through
    /// `tls.ca_file` plans, applies and converges over it, and the server's answers reach the
    /// client whole (the request log); a key that is not the certificate's, or half the pair,
    /// is refused at start.
    func testTheSimulatorServesHTTPSWithACertificateAndItsKey() throws {
        let dir = try TelformProcess.scratch()
        _ = try certificates(in: dir)
        let server = try SimServer(tls: (dir.appendingPathComponent("server.pem").path, dir.appendingPathComponent("server.key").path))
        defer { server.stop() }
        XCTAssertTrue(server.endpointsURL.hasPrefix("https://127.0.0.1:"), server.endpointsURL)
        try SimConfigs.endpoints(
            server.endpointsURL,
            """
                tls: {ca_file: ca.pem}
                endpoints:
                  - {name: desk-1, extension: "101", password: "${env:PW}"}
                  - {name: desk-2, extension: "102", password: "${env:PW}"}
            """
        ).write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let environment = ["PW": "Pa55wordForTheTLSSim"]
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir).status, 2)
        let applied = try TelformProcess.run(["apply", "--auto-approve"], environment: environment, directory: dir)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir).status, 0, "converged over https")
        XCTAssertEqual(try server.requests().filter { $0.hasPrefix("POST ") }.count, 2)

        let mismatched = try TelformProcess.run(["sim", "serve", "--port", "0", "--tls-cert", "server.pem", "--tls-key", "other.key"], directory: dir)
        XCTAssertEqual(mismatched.status, 1)
        XCTAssertEqual(
            mismatched.stderrLines,
            [
                "telform: error: sim serve: --tls-key other.key (the key of --tls-cert server.pem): error:05800074:x509 certificate routines::key values mismatch"
            ])
        let half = try TelformProcess.run(["sim", "serve", "--port", "0", "--tls-cert", "server.pem"], directory: dir)
        XCTAssertEqual(half.status, 1)
        XCTAssertEqual(half.stderrLines, ["telform: error: sim serve: --tls-cert and --tls-key go together (the certificate chain and its key, PEM)"])
    }

    /// A self-signed server: refused with its key's pin, trusted by its certificate as
    /// `tls.ca_file` or by that pin; a wrong pin is its own error.
    func testASelfSignedServerIsTrustedByItsCertificateOrItsPin() throws {
        let dir = try TelformProcess.scratch()
        let pin = try certificates(in: dir)
        let (server, port) = try tlsServer("self.pem", "self.key", in: dir)
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        let url = "https://127.0.0.1:\(port)"
        let refused = try plan(dir, url: url, tls: "")
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(
            refused.stderrLines.first,
            "telform: error: office/endpoints: reading failed: GET \(url)/api/organizations/acme/endpoints/?skip=0&limit=100: the server's TLS certificate is not trusted (SSL certificate problem: self-signed certificate); give the provider tls.ca_file (the PEM of its CA, or of its own certificate) or tls.pinned_public_key (the server presented the key \(pin); check it before you paste it)"
        )
        XCTAssertEqual(
            refused.stderrLines.dropFirst(),
            ["  for telform.yaml:5:10: providers.office.url (\(url)); add tls: {ca_file: ...} or tls: {pinned_public_key: ...} to providers.office"],
            "the setting to fix, at its place; refused once, never retried")
        XCTAssertEqual(try plan(dir, url: url, tls: "{ca_file: self.pem}").status, 0)
        XCTAssertEqual(try plan(dir, url: url, tls: "{pinned_public_key: \"\(pin)\"}").status, 0, "the pin alone is the trust")
        let wrong = try plan(dir, url: url, tls: "{pinned_public_key: \"sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}")
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stderr.contains("the server's public key does not match tls.pinned_public_key"), wrong.stderr)
    }

    /// A private CA's server is trusted through `tls.ca_file`; a certificate for another name
    /// is refused though its CA is trusted; an API that wants a client certificate says so,
    /// and takes `tls.client_cert`/`client_key`.
    func testAPrivateCAAHostnameMismatchAndMutualTLS() throws {
        let dir = try TelformProcess.scratch()
        _ = try certificates(in: dir)
        let (server, port) = try tlsServer("server.pem", "server.key", in: dir)
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        let url = "https://127.0.0.1:\(port)"
        XCTAssertEqual(try plan(dir, url: url, tls: "").status, 1, "the private CA is not in the system store")
        XCTAssertEqual(try plan(dir, url: url, tls: "{ca_file: ca.pem}").status, 0)

        let (other, otherPort) = try tlsServer("other.pem", "other.key", in: dir)
        defer {
            other.terminate()
            other.waitUntilExit()
        }
        let mismatch = try plan(dir, url: "https://127.0.0.1:\(otherPort)", tls: "{ca_file: ca.pem}")
        XCTAssertEqual(mismatch.status, 1)
        XCTAssertTrue(
            mismatch.stderr.contains(
                "the server's TLS certificate is not trusted (SSL: no alternative certificate subject name matches target host name '127.0.0.1')"),
            mismatch.stderr)

        let (mutual, mutualPort) = try tlsServer("server.pem", "server.key", clients: true, in: dir)
        defer {
            mutual.terminate()
            mutual.waitUntilExit()
        }
        let mutualURL = "https://127.0.0.1:\(mutualPort)"
        let anonymous = try plan(dir, url: mutualURL, tls: "{ca_file: ca.pem}")
        XCTAssertEqual(anonymous.status, 1)
        XCTAssertTrue(anonymous.stderr.contains("the server requires a client certificate"), anonymous.stderr)
        XCTAssertTrue(anonymous.stderr.contains("give the provider tls.client_cert and tls.client_key"), anonymous.stderr)
        XCTAssertEqual(try plan(dir, url: mutualURL, tls: "{ca_file: ca.pem, client_cert: client.pem, client_key: client.key}").status, 0)
    }

    /// `validate` checks the files at their place in the file.
    func testTLSFilesAreCheckedByValidate() throws {
        let dir = try TelformProcess.scratch()
        _ = try certificates(in: dir)
        _ = try shell("chmod 644 other.key; echo not a certificate > notes.txt", in: dir)
        try SimConfigs.endpoints(
            "https://pbx.example", token: "${env:OFFICE_TOKEN}",
            "    tls: {ca_file: missing.pem, client_cert: notes.txt, client_key: other.key}\n    endpoints: []"
        )
        .write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let validate = try TelformProcess.run(["validate"], environment: ["OFFICE_TOKEN": "Tok3nForTheTLSTest"], directory: dir)
        XCTAssertEqual(validate.status, 1)
        XCTAssertEqual(
            validate.stderrLines.filter { $0.contains(".tls.") },
            [
                "telform.yaml:8:20: error: providers.office.tls.ca_file: file missing.pem not found or not readable (paths are relative to the file that names them)",
                "telform.yaml:8:46: error: providers.office.tls.client_cert: notes.txt is not a PEM file holding a certificate (no -----BEGIN CERTIFICATE line)",
                "telform.yaml:8:69: warning: providers.office.tls.client_key: other.key can be read by other users (mode 644); chmod 600 it",
            ])
    }

    /// An expired certificate is its own error: no CA or pin makes it good.
    func testAnExpiredCertificateIsItsOwnError() throws {
        let dir = try TelformProcess.scratch()
        _ = try certificates(in: dir)
        let (server, port) = try tlsServer("expired.pem", "expired.key", in: dir)
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        let url = "https://127.0.0.1:\(port)"
        let expired = try plan(dir, url: url, tls: "{ca_file: ca.pem}")
        XCTAssertEqual(expired.status, 1)
        XCTAssertEqual(
            expired.stderrLines.first,
            "telform: error: office/endpoints: reading failed: GET \(url)/api/organizations/acme/endpoints/?skip=0&limit=100: the server's TLS certificate is outside its validity dates (SSL certificate problem: certificate has expired); the server must renew it (telform accepts no expired certificate)"
        )
    }
}
