import Foundation
import TelformCore
import XCTest

@testable import TelformPlatforms
@testable import TelformSimulator

/// The mtt fake's documented answers, through the JSON-RPC client.
final class MTTTests: XCTestCase {
    let seed: JSONNode = try! JSONParser.parse(
        """
        {"users": [{"username": "u", "password": "p", "customer": "100"}, {"username": "other", "password": "p", "customer": "200"}],
         "customers": {"100": {"gbl": ["79266966166"]}},
         "accounts": {"74951345897": {"customer": "100"}, "74959999999": {"customer": "200"}}}
        """)

    func clients(user: String = "u") throws -> (JSONRPCClient, JSONRPCClient) {
        let transport = SimulatorTransport(handler: try MTTFake(state: seed))
        let http = ResilientClient(transport: transport, policy: RetryPolicy(attempts: 1))
        return (
            JSONRPCClient(http: http, path: "/index.php", username: user, password: "p"),
            JSONRPCClient(http: http, path: "/v1/api", username: user, password: "p")
        )
    }

    func failure(_ call: () async throws -> JSONNode) async -> String {
        do {
            return "ok \(try await call().compact)"
        } catch {
            return "\(error)"
        }
    }

    func testDocumentedFailuresComeBackAsTheDocumentShowsThem() async throws {
        let (classic, premedia) = try clients()
        let noFollowMe = await failure { try await classic.call("getFollowme", .array([.string("74951345897")])) }
        XCTAssertEqual(noFollowMe, "No followMe on this account (getFollowme: -32001)")
        let missing = await failure { try await classic.call("getFollowme", .array([.string("70000000000")])) }
        XCTAssertEqual(missing, "This account does not exist (getFollowme: -32001)")
        let foreign = await failure { try await classic.call("getFollowme", .array([.string("74959999999")])) }
        XCTAssertEqual(foreign, "You can not access to this sip_id (getFollowme: -32002)")
        let badCaller = await failure {
            try await premedia.call("setFollowme", .object([("sip_id", .string("74951345897")), ("caller_id", .string("84951001010"))]))
        }
        XCTAssertEqual(badCaller, #"The caller_id property must match regular expression /^7\d{10}$/. (setFollowme: -32602)"#)
        let badScenario = await failure {
            try await premedia.call("updatePremediaAccountSettings", .object([("sip_id", .string("74951345897")), ("scenario_id", .string("4"))]))
        }
        XCTAssertEqual(badScenario, "scenario_id «4» not found. (updatePremediaAccountSettings: -32001)")
        let badAnswer = await failure {
            try await premedia.call(
                "updatePremediaAccountSettings", .object([("sip_id", .string("74951345897")), ("scenario_id", .int(1)), ("answer", .int(3))]))
        }
        XCTAssertEqual(badAnswer, "answer 3 must be one of those valid values 0,1. (updatePremediaAccountSettings: -32602)")
        let unknownCustomer = await failure { try await premedia.call("createCustomerPrompt", .object([("customer_name", .string("79991234568"))])) }
        XCTAssertEqual(unknownCustomer, "customer_name «79991234568» not found. (createCustomerPrompt: -32601)")
        let gblMissing = await failure { try await premedia.call("deleteGBLRule", .object([("gbl_rule", .string("79000000000"))])) }
        XCTAssertEqual(gblMissing, "gbl_rule «79000000000» not found. (deleteGBLRule: -32001)")
        let rules = try await premedia.call("getGBLRules", .object([]))
        XCTAssertEqual(rules, .array([.int(79_266_966_166)]), "numbers come as JSON numbers")
        let unauthorized = await failure { try await self.clients(user: "nobody").0.call("getFollowme", .array([.string("74951345897")])) }
        XCTAssertEqual(unauthorized, "Authentication failed (getFollowme: -32002)")
    }

    func testTheCallBackStructureIsNotOverwritten() async throws {
        let (classic, _) = try clients()
        let params = JSONNode.object([
            ("customer_name", .string("100")),
            ("callBackFollowmeStruct", .array([.object([("order", .int(1)), ("redirect_number", .string("79684881033")), ("type", .string("ringall"))])])),
        ])
        let first = try await classic.call("setCallBackFollowme", params)
        XCTAssertEqual(first, .object([("success", .int(1))]))
        let again = await failure { try await classic.call("setCallBackFollowme", params) }
        XCTAssertEqual(again, "Side A not clear. Delete before insert (setCallBackFollowme)")
        _ = try await classic.call("deleteCallBackFollowme", .object([("customer_name", .string("100"))]))
        let gone = await failure { try await classic.call("deleteCallBackFollowme", .object([("customer_name", .string("100"))])) }
        XCTAssertEqual(gone, "Followme not found (deleteCallBackFollowme: -32001)")
    }

    func testPromptsAreNamedAsThePlatformNamesThem() async throws {
        let (_, premedia) = try clients()
        _ = try await premedia.call(
            "createCustomerPrompt",
            .object([
                ("customer_name", .string("100")), ("prompt_name", .string("hello-0123abcd")),
                ("prompt_type", .string("text")), ("prompt_file_contents", .string("Привет")),
            ]))
        let notMP3 = await failure {
            try await premedia.call(
                "createCustomerPrompt",
                .object([
                    ("customer_name", .string("100")), ("prompt_name", .string("x.mp3")),
                    ("prompt_type", .string("file")), ("prompt_file_contents", .string(Data("text".utf8).base64EncodedString())),
                ]))
        }
        XCTAssertEqual(notMP3, "prompt_file_contents is not a base64 mp3 file. (createCustomerPrompt: -32602)")
        let list = try await premedia.call("getCustomerPrompts", .object([("customer_name", .int(100))]))
        XCTAssertEqual(list["prompts_list"]?.array?.compactMap { $0["name"]?.string }, ["TTS_hello-0123abcd.mp3"])
        XCTAssertEqual(PromptKind.parseLiveName("TTS_hello-0123abcd.mp3").name, "hello")
        XCTAssertEqual(PromptKind.parseLiveName("welcome-57577419.mp3").type, "file")
        XCTAssertEqual(PromptKind.parseLiveName("116.mp3").name, "116.mp3", "a name outside the scheme is its own key")
        let again = await failure {
            try await premedia.call(
                "createCustomerPrompt",
                .object([
                    ("customer_name", .string("100")), ("prompt_name", .string("hello-0123abcd")),
                    ("prompt_type", .string("text")), ("prompt_file_contents", .string("Привет")),
                ]))
        }
        XCTAssertEqual(again, "prompt_name «TTS_hello-0123abcd.mp3» already exists. (createCustomerPrompt: -32602)")
    }

    func testNoFollowMeReadsAsAnEmptyChain() async throws {
        let fake = try MTTFake(state: seed)
        let provider = ProviderConfig(
            name: "mtt", type: "mtt",
            settings: [
                "url": .string("sim://m"), "customer": .string("100"),
                "username": .string("u"), "password": .string("p"),
            ],
            declaredKinds: ["follow_me"], mark: Mark(file: "t", line: 1, column: 1))
        let driver = MTTPlatform(
            provider: provider, classic: SimulatorTransport(handler: fake, basePath: "/index.php"),
            premedia: SimulatorTransport(handler: fake, basePath: "/v1/api"))
        let desired = Resource(
            address: Address(provider: "mtt", kind: "follow_me", key: ["74951345897"]),
            fields: ["sip_id": .string("74951345897"), "chain": .list([])])
        let live = try await driver.read(kinds: ["follow_me"], desired: [desired])
        XCTAssertEqual(live.resources.count, 0)
    }
}
