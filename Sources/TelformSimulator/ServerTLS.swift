import COpenSSL
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The simulator's https: OpenSSL's server side with a certificate chain and its key from PEM
/// files (`telform sim serve --tls-cert FILE --tls-key FILE`). One context for the server; each
/// connection's handshake runs on that connection's own thread.
public final class ServerTLS: @unchecked Sendable {
    /// The `SSL_CTX`: read-only once made, so connections share it (OpenSSL locks what it changes).
    let context: OpaquePointer

    public init(certificate: String, key: String) throws {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw HTTPServer.Failure.tls("cannot make a TLS context: \(Self.lastError())") }
        guard SSL_CTX_use_certificate_chain_file(context, certificate) == 1 else {
            SSL_CTX_free(context)
            throw HTTPServer.Failure.tls("--tls-cert \(certificate): \(Self.lastError())")
        }
        // OpenSSL checks here that the key is the certificate's.
        guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
            SSL_CTX_free(context)
            throw HTTPServer.Failure.tls("--tls-key \(key) (the key of --tls-cert \(certificate)): \(Self.lastError())")
        }
        self.context = context
        // A TLS write to a client that has gone would raise SIGPIPE (OpenSSL writes with
        // write(2), not send(2) with MSG_NOSIGNAL); the connection's write fails instead.
        signal(SIGPIPE, SIG_IGN)
    }

    deinit { SSL_CTX_free(context) }

    /// OpenSSL's queued errors of this thread, the oldest first, as one line (the queue emptied).
    static func lastError() -> String {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            messages.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "unknown OpenSSL error" : messages.joined(separator: "; ")
    }
}

/// One accepted connection: its socket, and over it a TLS session when the server speaks https.
final class ServerConnection {
    let fd: Int32
    private var session: OpaquePointer?

    /// Takes `fd` (closed by `close()`); with `tls`, completes the handshake first (nil if it fails).
    init?(fd: Int32, tls: ServerTLS?) {
        self.fd = fd
        guard let tls else { return }
        guard let session = SSL_new(tls.context) else {
            Glibc.close(fd)
            return nil
        }
        self.session = session
        guard SSL_set_fd(session, fd) == 1, SSL_accept(session) == 1 else {
            ERR_clear_error()
            close()
            return nil
        }
    }

    /// Reads what has arrived into `buffer` (waiting for some): the count, or ≤ 0 when closed.
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let session else { return recv(fd, buffer.baseAddress, buffer.count, 0) }
        let n = SSL_read(session, buffer.baseAddress, Int32(buffer.count))
        if n <= 0 { ERR_clear_error() }
        return Int(n)
    }

    /// Sends all of `bytes`: false when the connection is gone.
    func send(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var offset = 0
        while offset < bytes.count {
            let n: Int
            if let session {
                n = Int(SSL_write(session, base + offset, Int32(bytes.count - offset)))
                if n <= 0 { ERR_clear_error() }
            } else {
                n = Glibc.send(fd, base + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Ends the TLS session (its close_notify sent, not waited for) and closes the socket.
    func close() {
        if let session {
            SSL_shutdown(session)
            SSL_free(session)
            ERR_clear_error()
            self.session = nil
        }
        Glibc.close(fd)
    }
}
