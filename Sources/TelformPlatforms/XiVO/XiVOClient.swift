import Foundation
import TelformCore

/// Wire calls of the XiVO web services (api-docs/002): `json.php?act=...` per object.
struct XiVOClient: Sendable {
    let http: ResilientClient
    let authorization: String?
    var webServices: XiVOWebServices = .document

    /// Where each object lives.
    static let paths: [String: String] = [
        "users": "/service/ipbx/json.php/restricted/pbx_settings/users/",
        "lines": "/service/ipbx/json.php/restricted/pbx_settings/lines/",
        "groups": "/service/ipbx/json.php/restricted/pbx_settings/groups/",
        "voicemail": "/service/ipbx/json.php/restricted/pbx_settings/voicemail/",
        "schedule": "/service/ipbx/json.php/restricted/call_management/schedule/",
        "incall": "/service/ipbx/json.php/restricted/call_management/incall/",
        "pickup": "/service/ipbx/json.php/restricted/call_management/pickup/",
        "context": "/service/ipbx/json.php/restricted/system_management/context/",
        "parkinglot": "/service/ipbx/json.php/restricted/pbx_services/parkinglot",
        "queueskills": "/callcenter/json.php/restricted/settings/queueskills",
        "queues": "/callcenter/json.php/restricted/settings/queues",
    ]

    func request(_ object: String, _ act: String, id: String? = nil, body: JSONNode? = nil) -> HTTPRequest {
        // **Reading:** the document's schedule and incall view URLs carry a stray `users/`;
        // telform uses `.../schedule/?act=view&id=N` (and the skills view is spelled
        // `queuesskills` once; telform uses `queueskills`).
        // Every character but unreserved ones encoded: an id can add no parameter (`&act=`).
        let id = id.map { "&id=" + ServerID.segment($0) } ?? ""
        var request = HTTPRequest.json(body == nil ? "GET" : "POST", "\(Self.paths[object] ?? "")?act=\(act)\(id)", body)
        if let authorization { request.headers.append(("Authorization", authorization)) }
        return request
    }

    /// A list: an empty one comes as 204.
    func list(_ object: String) async throws -> [JSONNode] {
        let response = try await http.send(request(object, "list"))
        if response.status == 204 { return [] }
        guard response.isSuccess else { throw XiVOAPIError(response: response, act: "list \(object)") }
        guard let json = try? response.json() else { throw WireShape.Unexpected(call: "list \(object)", got: "a body that is not JSON") }
        return try WireShape.list(json, "list \(object)")
    }

    func view(_ object: String, _ id: String) async throws -> JSONNode {
        let response = try await http.send(request(object, "view", id: id))
        guard response.isSuccess else { throw XiVOAPIError(response: response, act: "view \(object) \(id)") }
        return try response.json()
    }

    /// The platform's answer to a write, or what a create's read-back found.
    @discardableResult
    func write(_ object: String, _ act: String, id: String? = nil, body: JSONNode? = nil, _ idempotency: Idempotency = .idempotent) async throws -> Answer {
        let answer = try await http.send(request(object, act, id: id, body: body), idempotency)
        guard case .response(let response) = answer else { return answer }
        // A repeated delete finds nothing: the desired state.
        if act == "delete" && response.status == 404 { return answer }
        guard response.isSuccess else { throw XiVOAPIError(response: response, act: "\(act) \(object)") }
        return answer
    }

    /// The id an add answers: `"36"`, `36` or `36` with an end of line (xivo-ws strips the
    /// end of line and the quotes); nil when the body holds no id.
    static func addedID(_ response: HTTPResponse) -> String? {
        var text = response.text.trimmingCharacters(in: .whitespacesAndNewlines)
        text.removeAll { $0 == "\"" }
        return !text.isEmpty && text.allSatisfy(\.isNumber) && text.count <= 18 ? text : nil
    }
}

/// A failed XiVO call: the status (the document's meaning) and the body's text.
struct XiVOAPIError: CallFailure, CustomStringConvertible {
    let status: Int
    let message: String
    let call: String?

    init(response: HTTPResponse, act: String) {
        status = response.status
        call = response.call
        let meaning =
            [400: "refused", 401: "authentication required", 403: "authentication refused", 404: "not found", 500: "internal error"][status] ?? "HTTP \(status)"
        let text = response.text.trimmingCharacters(in: .whitespacesAndNewlines)
        message = "\(act): \(meaning)" + (text.isEmpty ? "" : ": \(ServerText.excerpt(text))")
    }

    var description: String { "\(message) (HTTP \(status))" }
}
