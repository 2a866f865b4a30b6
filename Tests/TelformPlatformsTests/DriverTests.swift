import Foundation
import XCTest

@testable import TelformCore
@testable import TelformPlatforms
@testable import TelformSimulator

/// The XiVO and MX Proxy drivers against their fakes, call by call: what they read, and the
/// exact bodies they send.
final class DriverTests: XCTestCase {
    let fast = RetryPolicy(attempts: 3, baseDelay: 0.001, maxDelay: 0.002)

    func provider(_ type: String, _ kinds: [String], settings: [String: Value] = [:]) -> ProviderConfig {
        ProviderConfig(
            name: type, type: type, settings: ["url": .string("sim://\(type)")].merging(settings) { a, _ in a },
            declaredKinds: kinds, mark: Mark(file: "t", line: 1, column: 1))
    }

    func seed(_ name: String) throws -> JSONNode {
        try JSONParser.parse(Array(try Data(contentsOf: ConformanceRig.examples.appendingPathComponent("seeds/\(name).json"))))
    }

    /// The bodies of the writes that reached the fake, as compact JSON.
    func writes(_ journal: RequestJournalLog) -> [String] {
        journal.drain().filter { $0.method != "GET" && !$0.body.isEmpty }.map { entry in
            "\(entry.method) \(entry.path) " + ((try? JSONParser.parse(entry.body))?.compact ?? entry.body)
        }
    }

    // MARK: XiVO

    func xivo() throws -> (XiVOPlatform, RequestJournalLog) {
        let fake = try XCTUnwrap(try SimulatorCatalog.make("xivo", state: try seed("xivo")))
        let journal = RequestJournalLog(fake)
        let driver = XiVOPlatform(provider: provider("xivo", ["users", "incalls"]), transport: SimulatorTransport(handler: journal), retry: fast)
        return (driver, journal)
    }

    func testXiVOUsersAreReadThroughTheLinesAndAMembershipIsACaution() async throws {
        let (driver, journal) = try xivo()
        let live = try await driver.read(kinds: ["users"], desired: [])
        XCTAssertEqual(live.resources.map(\.address.description).sorted(), ["xivo/users/1001@default", "xivo/users/1009@default"])
        let alice = try XCTUnwrap(live.resources.first { $0.address.key == ["1001@default"] })
        XCTAssertEqual(alice.fields["ring_seconds"], .int(20), "digits read as a number")
        XCTAssertEqual(alice.fields["forward"], .object(["no_answer": .object(["to": .string("1002")]), "unconditional": .null, "busy": .null]))
        XCTAssertEqual(alice.fields["line"], .object(["protocol": .string("sip"), "context": .string("default"), "number": .string("1001")]))
        XCTAssertEqual(live.cautions[alice.address], "editing this user drops its group and queue memberships (a XiVO limitation)")
        XCTAssertEqual(
            journal.drain().map { "\($0.method) \($0.path)" }.filter { $0.contains("act=list") },
            [
                "GET /service/ipbx/json.php/restricted/pbx_settings/lines/?act=list",
                "GET /service/ipbx/json.php/restricted/pbx_settings/users/?act=list",
            ])
    }

    /// Edit replaces what it is given: the whole `userfeatures` of view, the file's fields
    /// over it, and no `linefeatures` when the line does not change.
    func testXiVOAnEditOfANameSendsTheWholeUserfeaturesAndNoLine() async throws {
        let (driver, journal) = try xivo()
        let live = try await driver.read(kinds: ["users"], desired: [])
        var old = try XCTUnwrap(live.resources.first { $0.address.key == ["1009@default"] })
        old.fields["firstname"] = .string("New")
        let change = Change(
            address: old.address, action: .update, desired: old, live: nil,
            fields: [FieldChange(path: "firstname", before: .string("Old"), after: .string("New"))])
        _ = journal.drain()
        try await driver.apply(change, live: live)
        XCTAssertEqual(
            writes(journal),
            [
                #"POST /service/ipbx/json.php/restricted/pbx_settings/users/?act=edit&id=9 {"userfeatures":{"id":9,"firstname":"New","lastname":"Phone","ringseconds":"30","simultcalls":"5","entityid":1,"voicemailid":null,"enablevoicemail":false,"enableunc":false,"destunc":"","enablebusy":false,"destbusy":"","enablerna":false,"destrna":""}}"#
            ])
    }

    func testXiVOAnIncallToAUserSendsTheUsersID() async throws {
        let (driver, journal) = try xivo()
        let incall = Resource(
            address: Address(provider: "xivo", kind: "incalls", key: ["0140000000@from-extern"]),
            fields: [
                "exten": .string("0140000000"), "context": .string("from-extern"),
                "destination": .object(["type": .string("user"), "target": .string("1001")]),
            ])
        try await driver.apply(Change(address: incall.address, action: .create, desired: incall, live: nil, fields: []), live: LiveState())
        XCTAssertEqual(
            writes(journal),
            [
                #"POST /service/ipbx/json.php/restricted/call_management/incall/?act=add {"incall":{"exten":"0140000000","context":"from-extern"},"dialaction":{"answer":{"actiontype":"user","actionarg1":"1","actionarg2":""}}}"#
            ])
    }

    // MARK: MX Proxy

    func mx() throws -> (MXProxyPlatform, RequestJournalLog) {
        let fake = try XCTUnwrap(try SimulatorCatalog.make("mxproxy", state: try seed("mx")))
        let journal = RequestJournalLog(fake)
        let settings: [String: Value] = [
            "client_id": .string("sim-client"), "client_secret": .string("sim-client-secret"),
            "username": .string("sim@example.com"), "password": .string("sim-mx-password"),
        ]
        let driver = MXProxyPlatform(
            provider: provider("mxproxy", ["conferences", "call_mode"], settings: settings),
            transport: SimulatorTransport(handler: journal), retry: fast)
        return (driver, journal)
    }

    func testMXAConferenceIsSentWholeWithTheOwnersJidAndEpochSeconds() async throws {
        let (driver, journal) = try mx()
        let declared = Resource(
            address: Address(provider: "mxproxy", kind: "conferences", key: ["Board"]),
            fields: [
                "name": .string("Board"), "owner": .string("3044"), "start": .string("2026-03-02T10:00:00+03:00"), "duration": .int(30),
            ])
        let live = try await driver.read(kinds: ["conferences"], desired: [declared])
        let canonical = driver.canonical([declared], live: live)
        XCTAssertEqual(canonical[0].fields["owner"], .string("43884851428118509"), "an extension becomes its jid")
        XCTAssertEqual(canonical[0].fields["start"], .string("2026-03-02T07:00:00Z"))
        _ = journal.drain()
        try await driver.apply(Change(address: declared.address, action: .create, desired: canonical[0], live: nil, fields: []), live: live)
        XCTAssertEqual(
            writes(journal),
            [
                #"POST /conferences {"Id":"","name":"Board","ownerId":43884851428118509,"accessId":0,"description":"","type":"","startDate":1772434800,"duration":30,"waitForOwner":false,"delOnOwnerLeave":false,"ws":"","wsType":""}"#
            ])
    }

    func testMXAnUnknownOwnerIsAPlanErrorNamingTheConference() async throws {
        let (driver, _) = try mx()
        let declared = Resource(
            address: Address(provider: "mxproxy", kind: "conferences", key: ["Board"]), fields: ["name": .string("Board"), "owner": .string("777")])
        do {
            _ = try await driver.read(kinds: ["conferences"], desired: [declared])
            XCTFail("an owner /contacts does not list is refused")
        } catch let error as PlatformError {
            XCTAssertEqual(error.description, "mxproxy/conferences/Board: owner 777 is neither an extension GET /contacts lists nor a jid")
            XCTAssertEqual(error.subject, .resource(declared.address), "the failure names its resource, typed")
            XCTAssertEqual(error.finding, Finding(.error, "platform", at: "mxproxy/conferences/Board", error.description))
        }
    }

    func testMXTheCallModeSendsBothDeviceSpellings() async throws {
        let (driver, journal) = try mx()
        let mode = Resource(
            address: Address(provider: "mxproxy", kind: "call_mode", key: ["self"]),
            fields: [
                "remote": .bool(true), "device": .string("79031744445"), "ring_delay": .int(1), "vm_delay": .int(30),
            ])
        var change = Change(address: mode.address, action: .update, desired: mode, live: nil, fields: [])
        change.effect = .sendBlind
        try await driver.apply(change, live: LiveState())
        XCTAssertEqual(
            writes(journal).filter { $0.hasPrefix("PATCH") },
            [
                #"PATCH /calls {"remote":true,"device":"79031744445","deviceName":"79031744445","ringDelay":1,"vmDelay":30}"#
            ])
    }
}
