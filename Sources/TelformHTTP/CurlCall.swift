import CCurl
import Foundation
import TelformCore

/// One call through libcurl: its options, what arrives (status, headers, body), and its
/// answer, given once — by the transfer, or by cancellation, whichever is first.
final class CurlCall: @unchecked Sendable {
    let url: String
    let request: HTTPRequest
    let timeout: TimeInterval
    let limit: Int
    let tls: TLSSettings

    private let lock = NSLock()
    private var continuation: CheckedContinuation<HTTPResponse, Error>?
    private var early: Result<HTTPResponse, Error>?
    private var cancelled = false

    // What the transfer received; touched only by the thread that performs it.
    private var status = 0
    private var headers: [String: String] = [:]
    private var body = Data()
    private var overLimit = false

    init(url: String, request: HTTPRequest, timeout: TimeInterval, limit: Int, tls: TLSSettings) {
        self.url = url
        self.request = request
        self.timeout = timeout
        self.limit = limit
        self.tls = tls
    }

    /// False when the call was cancelled before it started: `continuation` is answered and
    /// nothing is sent.
    func start(_ continuation: CheckedContinuation<HTTPResponse, Error>) -> Bool {
        lock.lock()
        if let early {
            lock.unlock()
            continuation.resume(with: early)
            return false
        }
        self.continuation = continuation
        lock.unlock()
        return true
    }

    func finish(_ result: Result<HTTPResponse, Error>) {
        lock.lock()
        guard let continuation else {
            if early == nil { early = result }
            lock.unlock()
            return
        }
        self.continuation = nil
        early = result
        lock.unlock()
        continuation.resume(with: result)
    }

    /// The caller gave up: it gets its answer at once; the transfer is aborted at its next
    /// progress callback.
    func cancel() {
        lock.withLock { cancelled = true }
        finish(.failure(TransportError.interrupted("cancelled")))
    }

    var isCancelled: Bool { lock.withLock { cancelled } }

    var isWrite: Bool { !["GET", "HEAD"].contains(request.method) }

    // MARK: the transfer, blocking

    func perform(on handle: OpaquePointer) throws -> HTTPResponse {
        if isCancelled { throw TransportError.interrupted("cancelled") }
        let curl = UnsafeMutableRawPointer(handle)
        curl_easy_reset(curl)
        var errorText = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        // "Expect:" keeps libcurl from waiting for a 100 Continue before a body.
        for line in request.headers.map({ "\($0.0): \($0.1)" }) + ["Expect:"] { list = curl_slist_append(list, line) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        let code: CURLcode = errorText.withUnsafeMutableBufferPointer { buffer in
            telform_setopt_pointer(curl, CURLOPT_ERRORBUFFER, buffer.baseAddress)
            configure(curl, headers: list, context: context)
            return curl_easy_perform(curl)
        }
        if code == CURLE_OK {
            var answered = 0
            telform_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &answered)
            return HTTPResponse(status: answered, headers: headers, body: body)
        }
        let announced = headers["content-length"].flatMap { Int64($0) }
        var osError = 0
        telform_getinfo_long(curl, CURLINFO_OS_ERRNO, &osError)
        let buffered = String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var detail = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
        if code == CURLE_COULDNT_CONNECT, let parts = URLComponents(string: url), let host = parts.host {
            // libcurl's own text carries the milliseconds it took: the host, port and reason say it all.
            let port = parts.port ?? (parts.scheme == "https" ? 443 : 80)
            detail = "could not connect to \(host):\(port) (\(osError != 0 ? String(cString: strerror(Int32(osError))) : detail))"
        }
        throw failure(code, detail: detail, announced: announced)
    }

    private func configure(_ curl: UnsafeMutableRawPointer, headers list: UnsafeMutablePointer<curl_slist>?, context: UnsafeMutableRawPointer) {
        telform_setopt_string(curl, CURLOPT_URL, url)
        telform_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
        telform_setopt_long(curl, CURLOPT_FOLLOWLOCATION, 0)
        telform_setopt_long(curl, CURLOPT_TIMEOUT_MS, max(1, Int(timeout * 1000)))
        telform_setopt_list(curl, CURLOPT_HTTPHEADER, list)
        // Every encoding libcurl can decode is accepted and decoded: the body limit counts
        // what a compressed answer inflates to.
        telform_setopt_string(curl, CURLOPT_ACCEPT_ENCODING, "")
        telform_setopt_offset(curl, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limit))
        switch (request.method, request.body) {
        case ("GET", nil): telform_setopt_long(curl, CURLOPT_HTTPGET, 1)
        case ("HEAD", _): telform_setopt_long(curl, CURLOPT_NOBODY, 1)
        case (let method, let body):
            if let body {
                telform_setopt_offset(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                body.withUnsafeBytes { bytes in _ = telform_setopt_pointer(curl, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start))) }
            }
            if method != "POST" || body == nil { telform_setopt_string(curl, CURLOPT_CUSTOMREQUEST, method) }
        }
        if isWrite {
            // A write rides no reused connection, so libcurl never re-sends it.
            telform_setopt_long(curl, CURLOPT_FRESH_CONNECT, 1)
            telform_setopt_long(curl, CURLOPT_FORBID_REUSE, 1)
        }
        if let caFile = tls.caFile { telform_setopt_string(curl, CURLOPT_CAINFO, caFile) }
        if let pin = tls.pinnedPublicKey { telform_setopt_string(curl, CURLOPT_PINNEDPUBLICKEY, pin) }
        if let certificate = tls.clientCertificate { telform_setopt_string(curl, CURLOPT_SSLCERT, certificate) }
        if let key = tls.clientKey { telform_setopt_string(curl, CURLOPT_SSLKEY, key) }
        telform_setopt_data_callback(curl, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            Unmanaged<CurlCall>.fromOpaque(context).takeUnretainedValue().header(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        telform_setopt_pointer(curl, CURLOPT_HEADERDATA, context)
        telform_setopt_data_callback(curl, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            let call = Unmanaged<CurlCall>.fromOpaque(context).takeUnretainedValue()
            return call.received(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
        }
        telform_setopt_pointer(curl, CURLOPT_WRITEDATA, context)
        telform_setopt_long(curl, CURLOPT_NOPROGRESS, 0)
        telform_setopt_progress_callback(curl) { context, _, _, _, _ in
            guard let context else { return 0 }
            return Unmanaged<CurlCall>.fromOpaque(context).takeUnretainedValue().isCancelled ? 1 : 0
        }
        telform_setopt_pointer(curl, CURLOPT_XFERINFODATA, context)
    }

    /// One header line. A status line starts a new answer (a 100 Continue, a proxy's CONNECT
    /// answer come before the server's own): its headers replace those before it.
    private func header(_ line: UnsafeRawBufferPointer) {
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            headers = [:]
            status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = text[..<colon].lowercased()
        let value = HTTPText.trimmed(text[text.index(after: colon)...].trimmingCharacters(in: .newlines)[...])
        headers[name] = headers[name].map { $0 + ", " + value } ?? value
    }

    /// Body bytes, decoded; false (the transfer ends) past the limit.
    private func received(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= limit else {
            overLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// A transfer that ended without an answer, as the retry policy reads it: refused (never
    /// retried), unreachable (certainly not processed) or interrupted (maybe processed).
    private func failure(_ code: CURLcode, detail: String, announced: Int64?) -> TransportError {
        let method = request.method, shown = URLText.redacted(url)
        switch code {
        case CURLE_WRITE_ERROR where overLimit, CURLE_FILESIZE_EXCEEDED:
            return CurlTransport.tooLarge(limit, announced: code == CURLE_FILESIZE_EXCEEDED ? announced : nil)
        case CURLE_OPERATION_TIMEDOUT:
            return .interrupted("timed out after \(Int(timeout))s (the whole call)")
        case CURLE_ABORTED_BY_CALLBACK:
            return .interrupted("cancelled")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return .unreachable(detail)
        case CURLE_PEER_FAILED_VERIFICATION:
            // Not retried: the same certificate would be refused again. Verification is never
            // turned off.
            return .refused("\(method) \(shown): the server's TLS certificate is not trusted (\(detail)); "
                            + "if a private CA signed it, add that CA to this machine's trust store (Debian/Ubuntu: copy it to /usr/local/share/ca-certificates/NAME.crt, run update-ca-certificates)")
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .refused("\(method) \(shown): the server's public key does not match tls.pinned_public_key (\(detail))")
        case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND:
            return .refused("\(method) \(shown): \(detail)")
        case CURLE_SSL_CONNECT_ERROR:
            return .refused("\(method) \(shown): the TLS handshake failed (\(detail))")
        default:
            return .interrupted(detail)
        }
    }
}
