import Foundation

/// A TLS terminator in front of a plain loopback server (Python's `ssl`, one thread per
/// connection, bytes passed both ways untouched), so a hostile server written for http is
/// also met over https. Its certificate is self-signed for 127.0.0.1; `caFile` trusts it.
final class TLSFront {
    let port: Int
    let caFile: String
    private let process: Process

    /// The certificate every front of the run uses, made once.
    static let certificate: URL? = {
        guard let dir = try? TelformProcess.scratch() else { return nil }
        let made = Process()
        made.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        made.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ]
        made.currentDirectoryURL = dir
        made.standardOutput = FileHandle.nullDevice
        made.standardError = FileHandle.nullDevice
        guard (try? made.run()) != nil else { return nil }
        made.waitUntilExit()
        return made.terminationStatus == 0 ? dir : nil
    }()

    init(upstream: Int) throws {
        guard let certificates = Self.certificate else { throw CocoaError(.fileNoSuchFile) }
        let dir = try TelformProcess.scratch()
        caFile = certificates.appendingPathComponent("cert.pem").path
        try """
        import os, socket, ssl, threading
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain("\(caFile)", "\(certificates.appendingPathComponent("key.pem").path)")
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        with open("port.tmp", "w") as f: f.write(str(listener.getsockname()[1]))
        os.rename("port.tmp", "port")
        def pipe(source, sink):
            try:
                while True:
                    data = source.recv(65536)
                    if not data: break
                    sink.sendall(data)
            except Exception:
                pass
            for s in (source, sink):
                try: s.shutdown(socket.SHUT_RDWR)
                except Exception: pass
        def serve(client):
            try:
                tls = ctx.wrap_socket(client, server_side=True)
            except Exception:
                client.close(); return
            upstream = socket.create_connection(("127.0.0.1", \(upstream)))
            threading.Thread(target=pipe, args=(tls, upstream), daemon=True).start()
            pipe(upstream, tls)
        while True:
            client, _ = listener.accept()
            threading.Thread(target=serve, args=(client,), daemon=True).start()
        """.write(to: dir.appendingPathComponent("front.py"), atomically: true, encoding: .utf8)
        let (process, text) = try TLSTests.start("front.py", in: dir, tries: 200)
        self.process = process
        guard let port = Int(text) else { throw CocoaError(.fileReadCorruptFile) }
        self.port = port
    }

    var url: String { "https://127.0.0.1:\(port)" }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
