import Foundation
import XCTest

/// The two XiVO web services telform supports: the document's (the default) and the current
/// web interface's (`web_services: current`, xivo-web-interface d8ca970), each against the
/// simulator answering as that server's code does. Every write is read back, so a server
/// that keeps less than it was sent fails the apply naming the field.
final class XiVOWebServicesTests: XCTestCase {
    let env = ["XIVO_PASSWORD": "ws-secret"]

    let currentSeed = """
        {"web_services": "current", "credentials": [{"username": "ws", "password": "ws-secret"}],
         "groups": [{"id": 4, "name": "sales"}], "queues": [],
         "users": [{"userfeatures": {"id": 1, "entityid": 1, "firstname": "Alice", "language": "fr_FR", "ringseconds": "20", "voicemailid": "36"},
                    "linefeatures": [{"id": 11, "protocol": "sip", "name": "eu9nbm", "context": "default", "number": "1001", "iduserfeatures": 1}],
                    "voicemail": {"uniqueid": 36, "fullname": "Alice", "mailbox": "1001", "context": "default", "password": "1234"},
                    "groupmember": false, "queuemember": false}]}
        """

    func run(_ server: SimServer, _ dir: URL, _ body: String, _ args: [String], webServices: String? = "current") throws -> TelformProcess.Outcome {
        let setting = webServices.map { "    web_services: \($0)\n" } ?? ""
        try SimConfigs.xivo(port: server.port, setting + body).write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        return try TelformProcess.run(args, environment: env, directory: dir)
    }

    func users(_ server: SimServer) throws -> [[String: Any]] {
        server.flush()
        return (try server.state("xivo") as? [String: Any])?["users"] as? [[String: Any]] ?? []
    }

    func line(_ user: [String: Any]) -> [String: Any]? {
        (user["linefeatures"] as? [[String: Any]])?.first
    }

    /// Users (an edit that keeps the line, a user with a new box), a schedule and an incall
    /// naming boxes and users the lines list cannot map, a pickup and a context as the current
    /// server requires them, a skill whose printscreen it never returns: applied and converged.
    func testTheCurrentWebServicesConvergeEveryKindTheyKeep() throws {
        let server = try SimServer(states: ["xivo": currentSeed])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        let config = """
                contexts:
                  - {name: from-extern, entity: acme, type: incall, numbers: {incall: [{from: "0140000000", to: "0140000099"}]}}
                users:
                  - {firstname: Alice, language: fr_FR, ring_seconds: 30, line: {protocol: sip, number: "1001"}}
                  - {firstname: Bob, language: fr_FR, line: {protocol: sip, number: "1002"}, voicemail: {mailbox: "1002", password: "4321"}}
                schedules:
                  - {name: office, timezone: Europe/Paris, opened: [{hours: "08:00-12:00", weekdays: "1-5"}], fallback: {type: voicemail, target: "1002"}}
                incalls:
                  - {exten: "0140000000", context: from-extern, destination: {type: user, target: "1002"}}
                pickups:
                  - {name: desk, members: [{user: "1001"}, {group: sales}]}
                queue_skills:
                  - {name: english, printscreen: Eng, category: languages}
            """
        let apply = try run(server, dir, config, ["apply", "--auto-approve"])
        XCTAssertEqual(apply.status, 0, apply.stdout + apply.stderr)
        XCTAssertEqual(apply.stderrLines.last, "Apply: 7 succeeded, 0 failed, 0 skipped.", apply.stderr)
        let all = try users(server)
        let alice = try XCTUnwrap(all.first { ($0["userfeatures"] as? [String: Any])?["firstname"] as? String == "Alice" })
        XCTAssertEqual(line(alice)?["number"] as? String, "1001", "the ring_seconds edit carried linefeatures: the line is kept")
        XCTAssertEqual(line(alice)?["name"] as? String, "eu9nbm")
        XCTAssertEqual((alice["voicemail"] as? [String: Any])?["mailbox"] as? String, "1001", "the box is kept")
        let bob = try XCTUnwrap(all.first { ($0["userfeatures"] as? [String: Any])?["firstname"] as? String == "Bob" })
        XCTAssertEqual(line(bob)?["number"] as? String, "1002", "arrays went with their trailing value")
        XCTAssertEqual((bob["voicemail"] as? [String: Any])?["mailbox"] as? String, "1002")
        let plan = try run(server, dir, config, ["plan", "--detailed-exitcode"])
        XCTAssertEqual(plan.status, 0, plan.stdout + plan.stderr)
        XCTAssertTrue(
            plan.stdout.contains(
                "xivo/queue_skills: the server does not return printscreen, so telform takes the file's value as live and cannot see a change made on the server"
            ), plan.stdout)
    }

    /// A document-shaped edit against the current server: `linefeatures` left out of a
    /// ring_seconds edit deletes the line there, and one-element arrays make no line. The
    /// read-back names the loss; nothing passes as done.
    func testALossTheServerMadeSilentlyIsAnErrorNamingIt() throws {
        let server = try SimServer(states: ["xivo": currentSeed])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        let config = """
                users:
                  - {firstname: Alice, language: fr_FR, ring_seconds: 30, line: {protocol: sip, number: "1001"}}
                  - {firstname: Carol, line: {protocol: sip, number: "1003"}}
            """
        let apply = try run(server, dir, config, ["apply", "--auto-approve"], webServices: nil)
        XCTAssertEqual(apply.status, 1, apply.stderr)
        XCTAssertTrue(apply.stderr.contains("xivo/users/1001@default: update FAILED: the user was edited, but its line is gone"), apply.stderr)
        XCTAssertTrue(apply.stderr.contains("xivo/users/1003@default: create FAILED: the user was added, but its line is gone"), apply.stderr)
        XCTAssertTrue(apply.stderrLines.contains("Apply: 0 succeeded, 2 failed, 0 skipped."), apply.stderr)
    }

    /// What the current web services cannot keep is refused at plan time, at its place in the
    /// file; a change of a box they can only add fails before anything is sent.
    func testWhatTheCurrentWebServicesCannotKeepIsRefused() throws {
        let server = try SimServer(states: ["xivo": currentSeed])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        let refused = try run(
            server, dir,
            """
                contexts:
                  - {name: empty, entity: acme, type: internal}
                users:
                  - {firstname: Alice, language: fr_FR, caller_id: "Al", line: {protocol: sip, number: "1001"}, voicemail: null}
                parking_lots:
                  - {name: lot1, context: default, extension: "700", positions: 10}
            """, ["plan"])
        XCTAssertEqual(refused.status, 1, refused.stdout)
        for expected in [
            "telform.yaml:10:9: providers.xivo.contexts[0]: the current web services refuse a context without number ranges: give it numbers",
            "telform.yaml:12:56: providers.xivo.users[0].caller_id: the current web services set the caller id to \"firstname lastname\" on every add and edit: it cannot be managed (leave caller_id out)",
            "telform.yaml:12:112: providers.xivo.users[0].voicemail: the current web services never remove a voicemail on an edit: remove the box in the web interface and leave voicemail out",
            "telform.yaml:14:9: providers.xivo.parking_lots[0]: the current web services have no parking-lot service (removed in 2014, 8a134e440)",
        ] {
            XCTAssertTrue(refused.stderr.contains(expected), expected + "\n" + refused.stderr)
        }
        let changedBox = try run(
            server, dir,
            """
                users:
                  - {firstname: Alice, language: fr_FR, line: {protocol: sip, number: "1001"}, voicemail: {mailbox: "1001", email: alice@example.com}}
            """, ["apply", "--auto-approve"])
        XCTAssertEqual(changedBox.status, 1)
        XCTAssertTrue(
            changedBox.stderr.contains(
                "xivo/users/1001@default: update FAILED: XiVO's current web services cannot change or remove a user's voicemail (an edit can only add one)"),
            changedBox.stderr)
        XCTAssertFalse(try server.requests().contains { $0.hasPrefix("POST") }, "nothing was sent")
    }
}
