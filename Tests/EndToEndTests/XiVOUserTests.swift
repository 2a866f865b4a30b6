import Foundation
import XCTest

/// XiVO users in the document's add and edit shapes (api-docs/002 lines 405-676, xivo-ws
/// `test_to_obj_dict`): required attributes, the whole `userfeatures` on edit, `linefeatures`
/// in edit form with the voicemail, and a voicemail that can be added, edited and removed.
final class XiVOUserTests: XCTestCase {
    let env = ["XIVO_PASSWORD": "ws-secret"]
    let seed = """
        {"credentials": [{"username": "ws", "password": "ws-secret"}], "groups": [], "queues": [],
         "users": [{"userfeatures": {"id": 1, "entityid": 2, "firstname": "Alice", "language": "fr_FR", "ringseconds": "20",
                                     "outcallerid": "anonymous", "agentid": "3", "voicemailid": "40", "voicemailtype": "asterisk"},
                    "linefeatures": [{"id": 11, "protocol": "sip", "name": "eu9nbm", "context": "default", "number": "1001", "device": "7", "num": 1}],
                    "voicemail": {"fullname": "Alice", "mailbox": "1001", "password": "1234", "email": "alice@example.com", "context": "default", "tz": "eu-fr"},
                    "groupmember": false, "queuemember": false},
                   {"userfeatures": {"id": 2, "entityid": 1, "firstname": "Bob", "language": "en_US"},
                    "linefeatures": [{"id": 12, "protocol": "sip", "name": "b0b", "context": "default", "number": "1002"}],
                    "voicemail": false, "groupmember": false, "queuemember": false}]}
        """

    func run(_ server: SimServer, _ dir: URL, _ users: String, _ args: [String]) throws -> TelformProcess.Outcome {
        try SimConfigs.xivo(port: server.port, "    users:\n" + users).write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        return try TelformProcess.run(args, environment: env, directory: dir)
    }

    func user(_ server: SimServer, _ id: Int) throws -> [String: Any] {
        let state = try server.state("xivo") as? [String: Any]
        let users = state?["users"] as? [[String: Any]] ?? []
        return users.first { (($0["userfeatures"] as? [String: Any])?["id"] as? Int) == id } ?? [:]
    }

    func testAnEditSendsTheWholeUserAndKeepsTheVoicemailWhenTheLineChanges() throws {
        let server = try SimServer(states: ["xivo": seed])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        let alice =
            #"      - {firstname: Alice, language: fr_FR, ring_seconds: 30, line: {protocol: iax, number: "1001"}, voicemail: {mailbox: "1001", email: alice@example.com}}"#
        let bob = #"      - {firstname: Bob, line: {protocol: sip, number: "1002"}}"#
        let apply = try run(server, dir, alice + "\n" + bob, ["apply", "--auto-approve"])
        XCTAssertEqual(apply.status, 0, apply.stderr)
        XCTAssertEqual(apply.stderrLines.last, "Apply: 1 succeeded, 0 failed, 0 skipped.", apply.stderr)
        let after = try user(server, 1)
        let uf = after["userfeatures"] as? [String: Any] ?? [:]
        // The whole userfeatures went back: what telform does not manage is still there.
        XCTAssertEqual(uf["outcallerid"] as? String, "anonymous")
        XCTAssertEqual(uf["agentid"] as? String, "3")
        XCTAssertEqual(uf["entityid"] as? Int, 2)
        XCTAssertEqual(uf["ringseconds"] as? String, "30")
        // The line went in edit form (its id, name and device kept) with the voicemail beside it:
        // an edit with linefeatures and no voicemail would have dropped the box.
        let line = (after["linefeatures"] as? [[String: Any]])?.first ?? [:]
        XCTAssertEqual(line["protocol"] as? String, "iax")
        XCTAssertEqual(line["id"] as? Int, 11)
        XCTAssertEqual(line["device"] as? String, "7")
        let box = after["voicemail"] as? [String: Any] ?? [:]
        XCTAssertEqual(box["mailbox"] as? String, "1001")
        XCTAssertEqual(box["tz"] as? String, "eu-fr", "the box was edited, not replaced")
        XCTAssertEqual(try run(server, dir, alice + "\n" + bob, ["plan", "--detailed-exitcode"]).status, 0, "converged")
    }

    func testAVoicemailIsAddedEditedAndRemoved() throws {
        let server = try SimServer(states: ["xivo": seed])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        let alice = #"      - {firstname: Alice, language: fr_FR, line: {protocol: sip, number: "1001"}, voicemail: VM}"#
        let bob = #"      - {firstname: Bob, language: en_US, line: {protocol: sip, number: "1002"}, voicemail: VM}"#
        func users(_ a: String, _ b: String) -> String {
            alice.replacingOccurrences(of: "VM", with: a) + "\n" + bob.replacingOccurrences(of: "VM", with: b)
        }
        // Bob gets a box (voicemail-option add); Alice's e-mail changes (an edit of her box).
        let added = users(#"{mailbox: "1001", email: alice@corp.example}"#, #"{mailbox: "1002", password: "4321"}"#)
        let first = try run(server, dir, added, ["apply", "--auto-approve"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stderrLines.last, "Apply: 2 succeeded, 0 failed, 0 skipped.", first.stderr)
        let bobBox = try user(server, 2)["voicemail"] as? [String: Any]
        XCTAssertEqual(bobBox?["mailbox"] as? String, "1002")
        XCTAssertEqual(bobBox?["fullname"] as? String, "Bob")
        XCTAssertEqual((try user(server, 1)["voicemail"] as? [String: Any])?["email"] as? String, "alice@corp.example")
        XCTAssertEqual(try run(server, dir, added, ["plan", "--detailed-exitcode"]).status, 0, "converged")

        // A PIN's change says so and shows neither PIN.
        let repinned = try run(server, dir, users(#"{mailbox: "1001", email: alice@corp.example}"#, #"{mailbox: "1002", password: "9876"}"#), ["plan"])
        XCTAssertTrue(repinned.stdout.contains("        voicemail.password: changed (sensitive)\n"), repinned.stdout)
        XCTAssertFalse(repinned.stdout.contains("4321") || repinned.stdout.contains("9876"))
        // `voicemail: null` removes a box; a user with none plans nothing for it.
        let removed = users("null", "null")
        let plan = try run(server, dir, removed, ["plan", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 2, plan.stderr)
        XCTAssertTrue(plan.stdout.contains("  ~ users/1001@default"), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("Plan: 0 to create, 2 to update, 0 to delete."), plan.stdout)
        XCTAssertFalse(plan.stdout.contains("4321"), "the PIN inside a removed box never prints")
        XCTAssertTrue(plan.stdout.contains(#"password: "(sensitive)"} -> (none)"#), plan.stdout)
        let second = try run(server, dir, removed, ["apply", "--auto-approve"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try user(server, 1)["voicemail"] as? Bool, false)
        XCTAssertEqual(try user(server, 2)["voicemail"] as? Bool, false)
        XCTAssertEqual(try run(server, dir, removed, ["plan", "--detailed-exitcode"]).status, 0, "converged")
    }

    func testAVoicemailWithoutALanguageIsAConfigError() throws {
        let outcome = try TelformProcess.run(
            ["validate", "-c", "-"],
            stdin: SimConfigs.xivo(
                port: 1,
                """
                    users:
                      - {firstname: Bob, line: {protocol: sip, number: "1002"}, voicemail: {mailbox: "1002"}}
                """))
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(
            outcome.stderrLines.first(where: { $0.contains(": error: ") }),
            "<stdin>:9:9: error: providers.xivo.users[0].language: is required with a voicemail (XiVO sets the box's locale from the user's language)")
    }
}
