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
    let share: OpaquePointer?

    private let lock = NSLock()
    private var continuation: CheckedContinuation<HTTPResponse, Error>?
    private var early: Result<HTTPResponse, Error>?
    private var cancelled = false

    // What the transfer received; touched only by the thread that performs it.
    private var status = 0
    private var headers: [String: String] = [:]
    private var body = Data()
    private var overLimit = false
    private var presentedPin: String?
    private var sendings = 0

    init(url: String, request: HTTPRequest, timeout: TimeInterval, limit: Int, tls: TLSSettings, share: OpaquePointer? = nil) {
        self.url = url
        self.request = request
        self.timeout = timeout
        self.limit = limit
        self.tls = tls
        self.share = share
    }

    /// libcurl's CA bundle, when the file is there.
    static let systemBundle: String? = telform_default_ca_bundle().map { String(cString: $0) }.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }

    /// True for the first sending of the request, false for any later one.
    private func sendingAllowed() -> Bool {
        sendings += 1
        return sendings == 1
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

    // MARK: the transfer

    // What libcurl reads while the transfer runs: the header lines and the error buffer.
    private var list: UnsafeMutablePointer<curl_slist>?
    private let errorText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    deinit {
        curl_slist_free_all(list)
        errorText.deallocate()
    }

    /// Sets `handle` up for this call (after `curl_easy_reset`); false when the call was
    /// cancelled already and nothing is to be sent.
    func prepare(_ handle: OpaquePointer) -> Bool {
        if isCancelled { return false }
        let curl = UnsafeMutableRawPointer(handle)
        curl_easy_reset(curl)
        errorText.initialize(to: 0)
        // "Expect:" keeps libcurl from waiting for a 100 Continue before a body.
        for line in request.headers.map({ "\($0.0): \($0.1)" }) + ["Expect:"] { list = curl_slist_append(list, line) }
        telform_setopt_pointer(curl, CURLOPT_ERRORBUFFER, errorText)
        telform_setopt_pointer(curl, CURLOPT_PRIVATE, Unmanaged.passUnretained(self).toOpaque())
        configure(curl, headers: list, context: Unmanaged.passUnretained(self).toOpaque())
        return true
    }

    /// What the transfer on `handle` came to, once libcurl has finished it with `code`.
    func outcome(_ code: CURLcode, on handle: OpaquePointer) -> Result<HTTPResponse, Error> {
        let curl = UnsafeMutableRawPointer(handle)
        if code == CURLE_OK {
            var answered = 0
            telform_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &answered)
            return .success(HTTPResponse(status: answered, headers: headers, body: body))
        }
        if code == CURLE_PEER_FAILED_VERIFICATION { presentedPin = fetchPresentedPin() }
        let announced = headers["content-length"].flatMap { Int64($0) }
        var osError = 0
        telform_getinfo_long(curl, CURLINFO_OS_ERRNO, &osError)
        let buffered = String(cString: errorText)
        var detail = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
        if code == CURLE_COULDNT_CONNECT, let parts = URLComponents(string: url), let host = parts.host {
            // libcurl's own text carries the milliseconds it took: the host, port and reason say it all.
            let port = parts.port ?? (parts.scheme == "https" ? 443 : 80)
            detail = "could not connect to \(host):\(port) (\(osError != 0 ? String(cString: strerror(Int32(osError))) : detail))"
        }
        return .failure(failure(code, detail: detail, announced: announced))
    }

    /// The pin of the key the server presents, for the error that refuses it: a handshake of
    /// its own on a fresh handle that sends nothing (`CURLOPT_CONNECT_ONLY`) and only reads the
    /// presented chain (`CURLINFO_CERTINFO`) — libcurl keeps no chain of a refused handshake.
    func fetchPresentedPin() -> String? {
        guard let curl = curl_easy_init() else { return nil }
        defer { curl_easy_cleanup(curl) }
        telform_setopt_string(curl, CURLOPT_URL, url)
        telform_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
        telform_setopt_long(curl, CURLOPT_CONNECT_ONLY, 1)
        telform_setopt_long(curl, CURLOPT_TIMEOUT_MS, max(1, Int(min(timeout, 10) * 1000)))
        telform_setopt_long(curl, CURLOPT_CERTINFO, 1)
        // Only to read the key: the connection carries no request and is closed at once.
        telform_setopt_long(curl, CURLOPT_SSL_VERIFYPEER, 0)
        telform_setopt_long(curl, CURLOPT_SSL_VERIFYHOST, 0)
        guard curl_easy_perform(curl) == CURLE_OK else { return nil }
        return Self.firstPin(curl)
    }

    /// The pin of the first certificate of a handshake's chain (`CURLINFO_CERTINFO`).
    static func firstPin(_ curl: UnsafeMutableRawPointer) -> String? {
        var info: UnsafeMutablePointer<curl_certinfo>?
        guard telform_getinfo_pointer(curl, CURLINFO_CERTINFO, &info) == CURLE_OK, let info, info.pointee.num_of_certs > 0,
            var field = info.pointee.certinfo?[0]
        else { return nil }
        while true {
            let text = String(cString: field.pointee.data)
            if text.hasPrefix("Cert:") { return PublicKeyPin.of(pem: String(text.dropFirst(5))) }
            guard let next = field.pointee.next else { return nil }
            field = next
        }
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
                body.withUnsafeBytes { bytes in
                    _ = telform_setopt_pointer(
                        curl, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)))
                }
            }
            if method != "POST" || body == nil { telform_setopt_string(curl, CURLOPT_CUSTOMREQUEST, method) }
        }
        telform_setopt_pointer(curl, CURLOPT_SHARE, share.map(UnsafeMutableRawPointer.init))
        if isWrite {
            // A write is sent at most once per call. libcurl sends a request again, on a new
            // connection, when the kept connection it rode closed before any answer; the
            // pre-request callback, called before each sending, refuses the second one, and
            // the call ends "no response" (maybe processed): telform's retry policy decides
            // what to repeat, knowing that it does. A write rides only a connection idle for
            // at most a second, well inside any server's keep-alive timeout, so that this is rare.
            telform_setopt_prereq_callback(curl) { context, _, _, _, _ in
                guard let context else { return Int32(CURL_PREREQFUNC_ABORT) }
                return Unmanaged<CurlCall>.fromOpaque(context).takeUnretainedValue().sendingAllowed() ? Int32(CURL_PREREQFUNC_OK) : Int32(CURL_PREREQFUNC_ABORT)
            }
            telform_setopt_pointer(curl, CURLOPT_PREREQDATA, context)
            telform_setopt_long(curl, CURLOPT_MAXAGE_CONN, 1)
        }
        // The CA store is a file, never a directory: libcurl keeps a file's store for the
        // handle's later connections (CURLOPT_CA_CACHE_TIMEOUT) but reads a directory again for
        // each one. The system store is libcurl's CA bundle (`curl-config --ca`).
        if let caFile = tls.caFile ?? CurlCall.systemBundle {
            telform_setopt_string(curl, CURLOPT_CAINFO, caFile)
            telform_setopt_pointer(curl, CURLOPT_CAPATH, nil)
        }
        if let pin = tls.pinnedPublicKey {
            telform_setopt_string(curl, CURLOPT_PINNEDPUBLICKEY, pin)
            // A pin without a CA file is the trust itself: the server's key must be the pinned
            // one (and its name the url's), whoever signed it; with a CA file, both hold.
            if tls.caFile == nil { telform_setopt_long(curl, CURLOPT_SSL_VERIFYPEER, 0) }
        }
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
        var end = line.count
        while end > 0, line[end - 1] == 10 || line[end - 1] == 13 { end -= 1 }
        let text = String(decoding: line[..<end], as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            headers = [:]
            status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = text[..<colon].lowercased()
        let value = HTTPText.trimmed(text[text.index(after: colon)...])
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
        let method = request.method
        let shown = URLText.redacted(url)
        switch code {
        case CURLE_WRITE_ERROR where overLimit, CURLE_FILESIZE_EXCEEDED:
            return CurlTransport.tooLarge(limit, announced: code == CURLE_FILESIZE_EXCEEDED ? announced : nil)
        case CURLE_OPERATION_TIMEDOUT:
            return .interrupted("timed out after \(Int(timeout))s (the whole call)")
        case CURLE_ABORTED_BY_CALLBACK where sendings > 1:
            return .interrupted(
                "the connection closed before an answer came; libcurl would have sent the \(method) again, telform does not (it may have been processed)")
        case CURLE_ABORTED_BY_CALLBACK:
            return .interrupted("cancelled")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return .unreachable(detail)
        case CURLE_PEER_FAILED_VERIFICATION where detail.contains("certificate has expired") || detail.contains("certificate is not yet valid"):
            // Trusting another CA would not help: the server's certificate must be renewed.
            return .refused(
                "\(method) \(shown): the server's TLS certificate is outside its validity dates (\(detail)); the server must renew it (telform accepts no expired certificate)"
            )
        case CURLE_PEER_FAILED_VERIFICATION:
            // Not retried: the same certificate would be refused again. Verification is never
            // turned off.
            let pin = presentedPin.map { " (the server presented the key \($0); check it before you paste it)" } ?? ""
            return .refused(
                "\(method) \(shown): \(TransportError.untrustedCertificate) (\(detail)); "
                    + "give the provider tls.ca_file (the PEM of its CA, or of its own certificate) or tls.pinned_public_key\(pin)")
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .refused("\(method) \(shown): the server's public key does not match tls.pinned_public_key (\(detail))")
        case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND:
            return .refused("\(method) \(shown): \(detail)")
        case _ where detail.contains("certificate required") || (tls.clientCertificate == nil && detail.contains("alert handshake failure")):
            return .refused("\(method) \(shown): the server requires a client certificate (\(detail)); give the provider tls.client_cert and tls.client_key")
        case CURLE_SSL_CONNECT_ERROR:
            return .refused("\(method) \(shown): the TLS handshake failed (\(detail))")
        default:
            return .interrupted(detail)
        }
    }
}

/// The pin of a certificate's public key as libcurl's `CURLOPT_PINNEDPUBLICKEY` takes it:
/// `sha256//` and the base64 of the SHA-256 of its DER SubjectPublicKeyInfo.
enum PublicKeyPin {
    static func of(pem: String) -> String? {
        let body = pem.components(separatedBy: "\n").filter { !$0.hasPrefix("-----") }.joined().trimmingCharacters(in: .whitespacesAndNewlines)
        guard let der = Data(base64Encoded: body, options: .ignoreUnknownCharacters), let info = subjectPublicKeyInfo(Array(der)) else { return nil }
        return "sha256//" + Data(SHA256.digest(Array(info))).base64EncodedString()
    }

    /// A DER element at `at`: its tag, where its content starts and where it ends.
    static func element(_ der: [UInt8], _ at: Int) -> (tag: UInt8, content: Int, end: Int)? {
        guard at + 1 < der.count else { return nil }
        let tag = der[at]
        var length = Int(der[at + 1])
        var content = at + 2
        if length & 0x80 != 0 {
            let octets = length & 0x7f
            guard octets > 0, octets <= 4, content + octets <= der.count else { return nil }
            length = der[content..<(content + octets)].reduce(0) { $0 << 8 | Int($1) }
            content += octets
        }
        guard content + length <= der.count else { return nil }
        return (tag, content, content + length)
    }

    /// Certificate → tbsCertificate → [version], serial, signature, issuer, validity,
    /// subject, subjectPublicKeyInfo (RFC 5280 §4.1).
    static func subjectPublicKeyInfo(_ der: [UInt8]) -> ArraySlice<UInt8>? {
        guard let certificate = element(der, 0), certificate.tag == 0x30,
            let tbs = element(der, certificate.content), tbs.tag == 0x30
        else { return nil }
        var at = tbs.content
        if let version = element(der, at), version.tag == 0xA0 { at = version.end }
        for _ in 0..<5 {
            guard let skipped = element(der, at) else { return nil }
            at = skipped.end
        }
        guard let info = element(der, at), info.tag == 0x30 else { return nil }
        return der[at..<info.end]
    }
}
