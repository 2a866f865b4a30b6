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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "server.py"]
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var port = ""
        for _ in 0..<100 where port.isEmpty {
            port = (try? String(contentsOf: dir.appendingPathComponent("port"), encoding: .utf8)) ?? ""
            if port.isEmpty { Thread.sleep(forTimeInterval: 0.05) }
        }
        return (process, port)
    }

    func testASelfSignedCertificateIsRefusedWithTheFix() throws {
        let dir = try TelformProcess.scratch()
        let made = Process()
        made.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        made.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "2",
                          "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        made.currentDirectoryURL = dir
        made.standardOutput = FileHandle.nullDevice
        made.standardError = FileHandle.nullDevice
        try made.run()
        made.waitUntilExit()
        XCTAssertEqual(made.terminationStatus, 0, "openssl made a certificate")
        // A TLS server that counts the requests that reach it.
        let (server, port) = try python("""
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    open("requests.log", "a").write(self.path + "\\n")
                    self.send_response(200); self.send_header("Content-Type", "application/json"); self.end_headers(); self.wfile.write(b"[]")
            """, wrap: """
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain("cert.pem", "key.pem")
            s.socket = ctx.wrap_socket(s.socket, server_side=True)
            """, in: dir)
        defer { server.terminate(); server.waitUntilExit() }
        let url = "https://127.0.0.1:\(port)"
        try SimConfigs.endpoints(url, token: "${env:OFFICE_TOKEN}", "    endpoints: []").write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let plan = try TelformProcess.run(["plan"], environment: ["OFFICE_TOKEN": "Tok3nForTheTLSTest"], directory: dir)
        XCTAssertEqual(plan.status, 1)
        XCTAssertEqual(plan.stderrLines, [
            "telform: error: office/endpoints: reading failed: GET \(url)/api/organizations/acme/endpoints/?skip=0&limit=100: the server's TLS certificate is not trusted (SSL certificate problem: self-signed certificate); if a private CA signed it, add that CA to this machine's trust store (Debian/Ubuntu: copy it to /usr/local/share/ca-certificates/NAME.crt, run update-ca-certificates)",
        ])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("requests.log").path), "no request got through the handshake")
    }

    /// HTTPS_PROXY and NO_PROXY are honoured (libcurl reads them): a call to an https url goes
    /// through the proxy as a CONNECT, and a host in NO_PROXY does not.
    func testHTTPSProxyAndNoProxyAreHonoured() throws {
        let dir = try TelformProcess.scratch()
        let (proxy, port) = try python("""
            class H(http.server.BaseHTTPRequestHandler):
                def do_CONNECT(self):
                    open("proxy.log", "a").write("CONNECT " + self.path + "\\n")
                    self.send_response(502); self.end_headers()
            """, in: dir)
        defer { proxy.terminate(); proxy.waitUntilExit() }
        try SimConfigs.endpoints("https://pbx.example.invalid", token: "${env:OFFICE_TOKEN}", "    endpoints: []")
            .write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        let proxied = try TelformProcess.run(["plan"], environment: ["OFFICE_TOKEN": "Tok3nForTheProxyTest", "HTTPS_PROXY": "http://127.0.0.1:\(port)"], directory: dir)
        XCTAssertEqual(proxied.status, 1)
        let log = (try? String(contentsOf: dir.appendingPathComponent("proxy.log"), encoding: .utf8)) ?? proxied.stderr
        XCTAssertTrue(log.hasPrefix("CONNECT pbx.example.invalid:443\n"), log)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("proxy.log"))
        let direct = try TelformProcess.run(["plan"], environment: ["OFFICE_TOKEN": "Tok3nForTheProxyTest", "HTTPS_PROXY": "http://127.0.0.1:\(port)",
                                                                    "NO_PROXY": "pbx.example.invalid"], directory: dir)
        XCTAssertEqual(direct.stderrLines, ["telform: error: office/endpoints: reading failed: cannot connect: Could not resolve host: pbx.example.invalid"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("proxy.log").path), "NO_PROXY bypassed the proxy")
    }
}
