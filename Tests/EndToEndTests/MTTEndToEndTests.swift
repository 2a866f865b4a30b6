import Foundation
import XCTest

/// The mtt platform end to end: the built binary against `telform sim serve` over HTTP.
final class MTTEndToEndTests: XCTestCase {
    let environment = ["MTT_PASSWORD": "sim-mtt-password"]

    let seed = """
        {"users": [{"username": "sim", "password": "sim-mtt-password", "customer": "88314050000000"}],
         "customers": {"88314050000000": {"prompts": [{"id": 1, "name": "legacy-11111111.mp3", "file_id": "x"}], "gbl": []}},
         "accounts": {"74951345897": {"customer": "88314050000000"}, "74951345898": {"customer": "88314050000000"},
                      "74951345899": {"customer": "88314050000000"},
                      "74951340000": {"customer": "88314050000000", "a_prompt": "legacy-11111111.mp3"}}}
        """

    func config(_ server: SimServer, _ body: String) -> String {
        """
        version: 1
        providers:
          mtt:
            type: mtt
            url: http://127.0.0.1:\(server.port)/mtt/index.php
            premedia_url: http://127.0.0.1:\(server.port)/mtt/v1/api
            customer: "88314050000000"
            username: sim
            password: ${env:MTT_PASSWORD}
            ignore: [prompts/legacy*]
        \(body)
        """
    }

    func apply(_ dir: URL, _ text: String) throws -> TelformProcess.Outcome {
        try text.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        return try TelformProcess.run(["apply", "--auto-approve"], environment: environment, directory: dir)
    }

    func converged(_ dir: URL) throws -> Bool {
        try TelformProcess.run(["plan", "--detailed-exitcode"], environment: environment, directory: dir).status == 0
    }

    /// The JSON-RPC methods received since `from`, reads left out.
    func writes(_ server: SimServer, from: Int) throws -> [String] {
        try server.requests().dropFirst(from).compactMap { line in
            let parts = line.split(separator: " ")
            return parts.count == 4 && !parts[2].hasPrefix("get") ? String(parts[2]) : nil
        }
    }

    func testEveryKindIsCreatedUpdatedDeletedAndConverges() throws {
        let server = try SimServer(states: ["mtt": seed])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        try Data([0xFF, 0xFB, 0x90, 0x64] + Array(repeating: 0, count: 60)).write(to: dir.appendingPathComponent("welcome.mp3"))
        let first = try apply(
            dir,
            config(
                server,
                """
                    follow_me:
                      - sip_id: "74951345897"
                        chain:
                          - {number: "79684881033", period: {days: mon-fri, from: "09:30", to: "18:00"}}
                          - {number: "79636793312", name: Mobile, timeout: 20, keep_original_cli: "Y"}
                    prompts:
                      - {name: welcome, file: welcome.mp3}
                      - {name: closed, text: "Мы закрыты"}
                    premedia:
                      - {sip_id: "74951345898", scenario: both, answer: true, prompt_a: welcome, prompt_b: closed,
                         forward: {sequence: random, caller_id: "74951001010", chain: [{number: "79684881033", name: Office}]}}
                    blacklist: ["79266966166", 79663089363]
                    call_control:
                      - {sip_id: "74951345899", url: "https://routing.example/mtt", reserve_number: "79161234567"}
                    callback_follow_me:
                      caller_id: "74951001010"
                      chain: [{number: "79684881033", name: sales, timeout: 25}]
                      messages: [{side: A, text: "Соединяем"}]
                """))
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stderrLines.last, "Apply: 8 succeeded, 0 failed, 0 skipped.")
        XCTAssertTrue(try converged(dir), "created, then no changes")
        // The same period written in the platform's notation has the same meaning: no change.
        let text = try String(contentsOf: dir.appendingPathComponent("telform.yaml"), encoding: .utf8)
        try text.replacingOccurrences(of: #"{days: mon-fri, from: "09:30", to: "18:00"}"#, with: #""hr{9}min{30-59}wd{mo-fr},hr{10-17}wd{mo tu we th fr}""#)
            .write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        XCTAssertTrue(try converged(dir), "the notation and the window mean the same minutes")

        // Updates of every kind, the prompt text among them (a new content-addressed prompt).
        let mark = try server.requests().count
        let second = try apply(
            dir,
            config(
                server,
                """
                    follow_me:
                      - sip_id: "74951345897"
                        chain:
                          - {number: "79684881033", period: "hr{9}min{30-59}wd{mo-fr},hr{10-17}wd{mo-fr}"}
                          - {number: "79636793312", name: Mobile, timeout: 30, active: false}
                    prompts:
                      - {name: welcome, file: welcome.mp3}
                      - {name: closed, text: "Мы закрыты до понедельника"}
                    premedia:
                      - {sip_id: "74951345898", scenario: a, answer: false, prompt_a: closed,
                         forward: {sequence: order, caller_id: "74951001010", chain: [{number: "79684881034", name: Office}]}}
                    blacklist: ["79266966166", "79000000001"]
                    call_control:
                      - {sip_id: "74951345899", reserve_number: "79161234568"}
                    callback_follow_me:
                      chain: [{number: "79684881033", name: sales, timeout: 25, queue: linear}]
                """))
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(try converged(dir), "updated, then no changes")
        let calls = try writes(server, from: mark)
        XCTAssertEqual(calls.filter { $0 == "setFollowme" }.count, 2, "the classic chain and the premedia forward")
        XCTAssertEqual(
            calls.filter { $0 == "deleteCallBackFollowme" || $0 == "setCallBackFollowme" }, ["deleteCallBackFollowme", "setCallBackFollowme"],
            "a CallBack update is delete-then-set")
        // The new closed prompt is uploaded before it is bound, the old one deleted after.
        let upload = try XCTUnwrap(calls.firstIndex(of: "createCustomerPrompt"))
        let bind = try XCTUnwrap(calls.firstIndex(of: "setAccountPrompt"))
        let removals = calls.indices.filter { calls[$0] == "deleteCustomerPrompt" }
        XCTAssertLessThan(upload, bind)
        XCTAssertTrue(removals.allSatisfy { $0 > bind }, "\(calls)")

        // Deletes: the blacklist and the prompts go (the unbinding first).
        let third = try apply(
            dir,
            config(
                server,
                """
                    prompts: []
                    premedia:
                      - {sip_id: "74951345898", scenario: a}
                    blacklist: []
                """))
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertTrue(try converged(dir))
        let state = try XCTUnwrap(server.state("mtt") as? [String: Any])
        let customer = (state["customers"] as? [String: Any])?["88314050000000"] as? [String: Any]
        XCTAssertEqual(
            (customer?["prompts"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["legacy-11111111.mp3"],
            "only the ignored prompt, bound to an account outside the file, is left")
        XCTAssertEqual((customer?["gbl"] as? [String]) ?? ["?"], [])
    }

    func testAPromptBoundToAnAccountOutsideTheFileIsNeverDeleted() throws {
        let server = try SimServer(states: ["mtt": seed])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        let outcome = try apply(
            dir, config(server, "    prompts: [{name: hello, text: Hello}]").replacingOccurrences(of: "    ignore: [prompts/legacy*]\n", with: ""))
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(
            outcome.stderr.contains("  mtt/prompts/legacy: prompt_name «legacy-11111111.mp3» is bound to sip_id «74951340000». (deleteCustomerPrompt: -32602)"),
            outcome.stderr)
        let state = try XCTUnwrap(server.state("mtt") as? [String: Any])
        let customer = (state["customers"] as? [String: Any])?["88314050000000"] as? [String: Any]
        XCTAssertEqual(
            Set((customer?["prompts"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []),
            ["legacy-11111111.mp3", "TTS_hello-185f8db3.mp3"])
    }

    func testTheShippedExampleConvergesAgainstTheEmbeddedSimulator() throws {
        let dir = try TelformProcess.scratch()
        let examples = TelformProcess.packageRoot.appendingPathComponent("examples")
        for item in ["mtt.yaml", "seeds", "secrets", "prompts"] {
            try FileManager.default.copyItem(at: examples.appendingPathComponent(item), to: dir.appendingPathComponent(item))
        }
        let plan = try TelformProcess.run(["plan", "-c", "mtt.yaml", "--detailed-exitcode"], directory: dir)
        XCTAssertEqual(plan.status, 2, plan.stderr)
        XCTAssertTrue(plan.stdout.hasSuffix("Plan: 1 to replace, 3 to create, 3 to update, 2 to delete.\n"), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("        url:            (sensitive)\n"))
        XCTAssertFalse(plan.stdout.contains("k3y-for-routing"))
        // A period shows its windows beside the platform's notation, in text; JSON keeps the notation.
        XCTAssertTrue(plan.stdout.contains(#"period: "hr{9-17}wd{mo-fr} (mon-fri 09:00-18:00)""#), plan.stdout)
        let json = try TelformProcess.run(["plan", "-c", "mtt.yaml", "--format", "json"], directory: dir)
        XCTAssertTrue(json.stdout.contains(#""hr{9-17}wd{mo-fr}""#) && !json.stdout.contains("(mon-fri 09:00"), json.stdout)
        XCTAssertEqual(try TelformProcess.run(["apply", "-c", "mtt.yaml", "--auto-approve"], directory: dir).status, 0)
        XCTAssertEqual(try TelformProcess.run(["plan", "-c", "mtt.yaml", "--detailed-exitcode"], directory: dir).status, 0)
    }
}

/// MTT Premedia where an account has none: PLATFORMS.md's reading.
final class MTTPremediaNotFoundTests: XCTestCase {
    /// The platform answers `sip_id «…» not found` for an account without Premedia settings:
    /// read as nothing configured, with a warning naming the sip_id; the apply's own error
    /// (the sip_id is no account) stays an error.
    func testAnAccountWithoutPremediaIsNothingConfiguredWithAWarning() throws {
        let seed = """
            {"users": [{"username": "sim", "password": "sim-mtt-password", "customer": "88314050000000"}],
             "customers": {"88314050000000": {"prompts": [], "gbl": []}},
             "accounts": {"74951345801": {"customer": "88314050000000"}}}
            """
        let server = try SimServer(states: ["mtt": seed])
        defer { server.stop() }
        let dir = try SimConfigs.folder(SimConfigs.mtt(port: server.port, "    premedia:\n      - {sip_id: \"74951345899\", scenario: a}"))
        let plan = try TelformProcess.run(["plan", "--detailed-exitcode"], environment: SimConfigs.environment, directory: dir)
        XCTAssertEqual(plan.status, 2, plan.stdout + plan.stderr)
        XCTAssertTrue(
            plan.stdout.contains(
                "Warning: mtt/premedia/74951345899: the platform answers \"sip_id «74951345899» not found\" for its Premedia settings, read as nothing configured; check the sip_id if it should have some"
            ), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("  + premedia/74951345899"), plan.stdout)
        let apply = try TelformProcess.run(["apply", "--auto-approve"], environment: SimConfigs.environment, directory: dir)
        XCTAssertEqual(apply.status, 1)
        XCTAssertTrue(apply.stderr.contains("mtt/premedia/74951345899: create FAILED: sip_id «74951345899» not found."), apply.stderr)
    }
}
