import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// https before a `telform sim serve`, as a user's server gives it: stunnel (a C TLS
/// terminator on OpenSSL) holding a certificate the bench makes with openssl for 127.0.0.1,
/// which the config trusts through `tls.ca_file`. stunnel passes the bytes untouched; the
/// simulator's latency and request log stay what they are over http.
struct TLSFront {
    let process: Process
    let url: String
    let caFile: String

    /// The certificate and its key, made once per bench run in `dir`: ECDSA P-256, the key
    /// certbot makes by default (since 2.0). Its signature costs the server ~25 µs a handshake
    /// where RSA 2048's costs ~0.7 ms, and the server shares this machine's cores with telform.
    static func certificate(in dir: URL) throws -> (certificate: String, key: String) {
        let certificate = dir.appendingPathComponent("front.pem").path
        let key = dir.appendingPathComponent("front.key").path
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

    /// A front on a free port of 127.0.0.1 that forwards to `backend` (`http://127.0.0.1:PORT`).
    init(before backend: String, in dir: URL, certificates: URL) throws {
        guard let stunnel = Bench.which("stunnel4") ?? Bench.which("stunnel") else {
            throw BenchError("the https rows need stunnel (apt-get install -y stunnel4)")
        }
        let (certificate, key) = try Self.certificate(in: certificates)
        guard let backendPort = URLComponents(string: backend)?.port else { throw BenchError("no port in \(backend)") }
        let port = try Self.freePort()
        // libwrap off: its host checks cost milliseconds per connection, a server's setup
        // cost that is not telform's.
        let config = """
            foreground = yes
            pid =
            debug = 3
            socket = l:TCP_NODELAY=1
            socket = r:TCP_NODELAY=1
            [api]
            libwrap = no
            accept = 127.0.0.1:\(port)
            connect = 127.0.0.1:\(backendPort)
            cert = \(certificate)
            key = \(key)

            """
        let configFile = dir.appendingPathComponent("stunnel.conf")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: stunnel)
        process.arguments = [configFile.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        url = "https://127.0.0.1:\(port)"
        caFile = certificate
        for _ in 0..<200 {
            if Self.accepts(port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw BenchError("stunnel did not start on port \(port)")
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    /// A port of 127.0.0.1 nothing listens on (the kernel's pick for a socket bound to 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) == 0 && getsockname(fd, $0, &size) == 0 }
        }
        guard bound else { throw BenchError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
