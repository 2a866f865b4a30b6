import Foundation
import TelformCore

/// A faithful fake of MTT's "Gnezdo" JSON-RPC API (api-docs/004): the classic endpoint
/// (`/index.php`: follow-me, call control, CallBack) and the Premedia endpoint (`/v1/api`:
/// prompts, premedia settings and follow-me, Global Black List), with HTTP Basic auth and the
/// document's error codes, messages and `data` shapes.
///
/// Where the document is silent: a prompt still bound to an account cannot be deleted
/// (`V_VALUE_IN_USE`), getCallBackFollowme without a structure answers -32001 "Followme not
/// found" (as delete does), and the state keeps passwords only as SHA-256 digests.
public final class MTTFake: SimulatedPlatform, @unchecked Sendable {
    public static let defaultUser = "sim"
    public static let defaultPassword = "sim-mtt-password"
    public static let defaultCustomer = "88314050000000"

    let lock = NSLock()
    /// username → (password digest, customer).
    var users: [String: (digest: String, customer: String)] = [:]
    var customers: [String: CustomerState] = [:]

    public func admitDefaultCredentials() {
        // The default login speaks for the first customer the seed has.
        let customer = users.values.map(\.customer).sorted().first ?? Self.defaultCustomer
        if users[Self.defaultUser] == nil { users[Self.defaultUser] = (SHA256.hex(Self.defaultPassword), customer) }
    }
    var accounts: [String: AccountState] = [:]

    struct CustomerState {
        var nextPromptID: Int64 = 1
        var prompts: [JSONNode] = []  // {id, name, file_id}
        var gbl: [String] = []
        var callback: JSONNode?  // {callBackFollowmeStruct, caller_id, defaultBNumber}
        /// How getGBLRules answers: "list" (a bare array) or "object" (`{gbl_rules: [...]}`);
        /// the document shows both, and a seed picks one.
        var gblShape = "list"
    }

    struct AccountState {
        var customer: String
        var iAccount: String
        var followme: [JSONNode] = []  // classic entries, as getFollowme returns them
        var callControlURL = ""
        var reserveNumber = ""
        var scenario: Int64 = 1
        var answer = false
        var aPrompt: String?
        var bPrompt: String?
        var forward: JSONNode = .object([("sequence", .string("Order")), ("caller_id", .string("")), ("followmeStructure", .array([]))])
        /// Whether the account has Premedia settings at all; one without answers its reads
        /// "Data not found" until settings are written.
        var premedia = true
    }

    public init(state: JSONNode?) throws {
        let json = state ?? .object([])
        for user in json["users"]?.array ?? [] {
            guard let name = user["username"]?.string, let customer = user["customer"]?.string else {
                throw SimulatorStateError("a user needs username and customer")
            }
            let digest = user["password_sha256"]?.string ?? SHA256.hex(user["password"]?.string ?? "")
            users[name] = (digest, customer)
        }
        if users.isEmpty { users[Self.defaultUser] = (SHA256.hex(Self.defaultPassword), Self.defaultCustomer) }
        for (name, customer) in json["customers"]?.pairs ?? [] {
            var state = CustomerState()
            state.prompts = customer["prompts"]?.array ?? []
            state.nextPromptID = customer["next_prompt_id"]?.int ?? ((state.prompts.compactMap { $0["id"]?.int }.max() ?? 0) + 1)
            state.gbl = (customer["gbl"]?.array ?? []).compactMap { $0.string ?? $0.int.map(String.init) }
            state.callback = customer["callback"].flatMap { $0.isNull ? nil : $0 }
            state.gblShape = customer["gbl_shape"]?.string ?? "list"
            customers[name] = state
        }
        for (_, user) in users where customers[user.customer] == nil { customers[user.customer] = CustomerState() }
        for (sip, account) in json["accounts"]?.pairs ?? [] {
            var state = AccountState(
                customer: account["customer"]?.string ?? Self.defaultCustomer,
                iAccount: account["i_account"]?.string ?? String(44_635_000 + accounts.count))
            state.followme = account["followme"]?.array ?? []
            state.callControlURL = account["GN_IP_IPCR"]?.string ?? ""
            state.reserveNumber = account["GN_IPCR_RESERVE"]?.string ?? ""
            state.scenario = account["scenario_id"]?.int ?? 1
            state.answer = account["answer"]?.bool ?? false
            state.aPrompt = account["a_prompt"]?.string
            state.bPrompt = account["b_prompt"]?.string
            if let forward = account["forward"], !forward.isNull { state.forward = forward }
            state.premedia = account["premedia"]?.bool ?? true
            accounts[sip] = state
            if customers[state.customer] == nil { customers[state.customer] = CustomerState() }
        }
    }

    public func snapshot() -> JSONNode {
        lock.lock()
        defer { lock.unlock() }
        return .object([
            ("platform", .string("mtt")),
            (
                "users",
                .array(
                    users.keys.sorted().map { name in
                        .object([
                            ("username", .string(name)), ("password_sha256", .string(users[name]?.digest ?? "")),
                            ("customer", .string(users[name]?.customer ?? "")),
                        ])
                    })
            ),
            (
                "customers",
                .object(
                    customers.keys.sorted().map { name in
                        let c = customers[name] ?? CustomerState()
                        return (
                            name,
                            .object([
                                ("next_prompt_id", .int(c.nextPromptID)), ("prompts", .array(c.prompts)),
                                ("gbl", .array(c.gbl.map(JSONNode.string))), ("callback", c.callback ?? .null),
                                ("gbl_shape", .string(c.gblShape)),
                            ])
                        )
                    })
            ),
            (
                "accounts",
                .object(
                    accounts.keys.sorted().map { sip in
                        let a = accounts[sip] ?? AccountState(customer: "", iAccount: "")
                        return (
                            sip,
                            .object([
                                ("customer", .string(a.customer)), ("i_account", .string(a.iAccount)), ("followme", .array(a.followme)),
                                ("GN_IP_IPCR", .string(a.callControlURL)), ("GN_IPCR_RESERVE", .string(a.reserveNumber)),
                                ("scenario_id", .int(a.scenario)), ("answer", .bool(a.answer)),
                                ("a_prompt", a.aPrompt.map(JSONNode.string) ?? .null), ("b_prompt", a.bPrompt.map(JSONNode.string) ?? .null),
                                ("forward", a.forward), ("premedia", .bool(a.premedia)),
                            ])
                        )
                    })
            ),
        ])
    }

    public func handle(_ request: HTTPRequest) -> SimulatorOutcome {
        lock.lock()
        defer { lock.unlock() }
        return .respond(route(request))
    }

    /// A JSON-RPC failure: `data` a string or a list of V_ records, as the document shows both.
    struct Failure: Error {
        var code: Int64
        var message: String
        var data: JSONNode
    }

    static func notFound(_ attribute: String, _ value: String, code: Int64 = -32001) -> Failure {
        record(code, "Data not found", "V_VALUE_NOT_FOUND", attribute, "\(attribute) «\(value)» not found.")
    }

    /// An account without Premedia settings, answered as the classic API answers an account
    /// without follow-me ("Data not found", "No followMe on this account").
    static let noPremedia = Failure(code: -32001, message: "Data not found", data: .string("No Premedia on this account"))

    static func invalid(_ vcode: String, _ attribute: String, _ text: String) -> Failure {
        record(-32602, "Invalid params", vcode, attribute, text)
    }

    static func record(_ code: Int64, _ message: String, _ vcode: String, _ attribute: String, _ text: String) -> Failure {
        Failure(
            code: code, message: message, data: .array([.object([("code", .string(vcode)), ("attribute", .string(attribute)), ("message", .string(text))])]))
    }

    func route(_ request: HTTPRequest) -> HTTPResponse {
        let (path, _) = SimulatorPath.split(request.path)
        // The document's requests are JSON ("JSON" above every example): another type is refused.
        guard request.declaresJSON else {
            var refused = Self.answer(
                id: .null, failure: Failure(code: -32600, message: "Invalid Request", data: .string("Content-Type must be application/json")))
            refused.status = 415
            return refused
        }
        guard let body = request.body.flatMap({ try? JSONParser.parse(Array($0)) }), let method = body["method"]?.string else {
            return Self.answer(id: .null, failure: Failure(code: -32700, message: "Parse error", data: .string("the request is not JSON-RPC 2.0")))
        }
        let id = body["id"] ?? .null
        guard let user = authenticate(request) else {
            return HTTPResponse(
                status: 401, headers: ["www-authenticate": "Basic realm=\"api\"", "content-type": "application/json"],
                body: Data(
                    Self.envelope(id: id, failure: Failure(code: -32002, message: "Permission denied", data: .string("Authentication failed"))).compactBytes))
        }
        let params = body["params"] ?? .null
        do {
            let result: JSONNode
            switch path {
            case "/index.php": result = try classic(method, params, customer: user.customer)
            case "/v1/api": result = try premedia(method, params, customer: user.customer)
            default: return HTTPResponse(status: 404, body: Data("no endpoint at \(path); use /index.php or /v1/api".utf8))
            }
            return .json(200, .object([("jsonrpc", .string("2.0")), ("id", id), ("result", result)]))
        } catch let failure as Failure {
            return Self.answer(id: id, failure: failure)
        } catch {
            return Self.answer(id: id, failure: Failure(code: -32603, message: "Internal error", data: .string("\(error)")))
        }
    }

    static func envelope(id: JSONNode, failure: Failure) -> JSONNode {
        .object([
            ("jsonrpc", .string("2.0")), ("id", id),
            ("error", .object([("code", .int(failure.code)), ("message", .string(failure.message)), ("data", failure.data)])),
        ])
    }

    static func answer(id: JSONNode, failure: Failure) -> HTTPResponse {
        .json(200, envelope(id: id, failure: failure))
    }

    func authenticate(_ request: HTTPRequest) -> (name: String, customer: String)? {
        guard let header = request.header("authorization"), header.hasPrefix("Basic "),
            let data = Data(base64Encoded: String(header.dropFirst(6)))
        else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        guard let user = users[name], user.digest == SHA256.hex(password) else { return nil }
        return (name, user.customer)
    }

    /// A parameter as text: the document passes some ids as numbers.
    static func text(_ node: JSONNode?) -> String? {
        node?.string ?? node?.int.map(String.init)
    }

    /// The account, which the caller's customer must own.
    func account(_ sip: String?, customer: String, denied: Failure) throws -> String {
        guard let sip, let account = accounts[sip] else { throw Self.notFound("sip_id", sip ?? "") }
        guard account.customer == customer else { throw denied }
        return sip
    }
}

extension MTTFake {
    /// The simulator as the catalog lists it.
    static let descriptor = SimulatorDescriptor(
        type: "mtt", make: { try MTTFake(state: $0) }, credentials: ["username": defaultUser, "password": defaultPassword], sealed: ["GN_IP_IPCR"],
        starterSeed: """
            {
              "platform": "mtt",
              "users": [{"username": "sim", "password": "sim-mtt-password", "customer": "88314050000000"}],
              "customers": {"88314050000000": {"prompts": [], "gbl": []}},
              "accounts": {"74951345897": {"customer": "88314050000000", "i_account": "44635974", "followme": []}}
            }
            """)
}
