import Foundation

/// The certificate the https rows' `telform sim serve --tls-cert` presents, made once per bench
/// run with openssl for 127.0.0.1; the config trusts it through `tls.ca_file`. ECDSA P-256,
/// the key certbot makes by default (since 2.0): its signature costs the server ~25 µs a
/// handshake where RSA 2048's costs ~0.7 ms, and the server shares this machine's cores with
/// telform.
enum TestCertificate {
    static func make(in dir: URL) throws -> (certificate: String, key: String) {
        let certificate = dir.appendingPathComponent("server.pem").path
        let key = dir.appendingPathComponent("server.key").path
        if FileManager.default.fileExists(atPath: certificate) { return (certificate, key) }
        guard let openssl = Bench.which("openssl") else { throw BenchError("the https rows need openssl (apt-get install -y openssl)") }
        let made = try Measure.run(
            [
                openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", certificate,
                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ], in: dir)
        guard made.status == 0 else { throw BenchError("openssl could not make the test certificate: \(made.stderr.prefix(300))") }
        return (certificate, key)
    }
}
