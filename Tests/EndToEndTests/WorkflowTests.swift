import Foundation
import XCTest

/// The CI workflow end to end: saved plans, drift, Markdown, export — the binary over HTTP.
final class WorkflowTests: XCTestCase {
    static let passwords = ["A": "AliceSecretPassw0rd1", "B": "BobSecretPassword002"]
    let environment = [
        "OFFICE_TOKEN": "sim-endpoints-token", "PW_A": passwords["A"] ?? "", "PW_B": passwords["B"] ?? "",
        "MTS_TOKEN": "sim-vpbx-token", "MTT_PASSWORD": "sim-mtt-password",
        "MX_SECRET": "sim-client-secret", "MX_PASSWORD": "sim-mx-password",
    ]

    func endpoints(_ server: SimServer, language: String = "en") -> String {
        """
        version: 1
        providers:
          office:
            type: endpoints
            url: \(server.endpointsURL)
            tenant: acme
            token: ${env:OFFICE_TOKEN}
            endpoints:
              - {name: desk-a, extension: "100", password: "${env:PW_A}", language: \(language)}
              - {name: desk-b, extension: "101", password: "${env:PW_B}"}
        """
    }

    func write(_ text: String, in dir: URL, as name: String = "telform.yaml") throws {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func run(_ dir: URL, _ arguments: [String], environment extra: [String: String] = [:]) throws -> TelformProcess.Outcome {
        try TelformProcess.run(arguments, environment: environment.merging(extra) { _, b in b }, directory: dir)
    }

    func testASavedPlanIsAppliedWhenNothingChangedAndRefusedWhenLiveStateMoved() throws {
        let server = try SimServer()
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        try write(endpoints(server), in: dir)
        let saved = try run(dir, ["plan", "-o", "plan.json"])
        XCTAssertEqual(saved.status, 0)
        XCTAssertEqual(saved.stderrLines, ["Saved the plan to plan.json; `telform apply plan.json` makes exactly these changes."])
        let planText = try String(contentsOf: dir.appendingPathComponent("plan.json"), encoding: .utf8)
        for secret in Self.passwords.values + ["sim-endpoints-token"] {
            XCTAssertFalse(planText.contains(secret), "the plan file holds no secret value")
        }
        XCTAssertTrue(planText.contains(#""format_version": 1"#))
        XCTAssertTrue(planText.contains(#""config_path": "telform.yaml""#))
        XCTAssertTrue(planText.contains(#""password": "(write-only)""#))

        // Nothing changed: the saved plan is applied as reviewed, without a prompt.
        let applied = try run(dir, ["apply", "plan.json"])
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(applied.stderrLines.last, "Apply: 2 succeeded, 0 failed, 0 skipped.")

        // A plan made, then the live state changed by someone else: refused, nothing applied.
        try write(endpoints(server, language: "ru"), in: dir)
        XCTAssertEqual(try run(dir, ["plan", "-o", "plan.json"]).status, 0)
        try write(endpoints(server, language: "de"), in: dir, as: "other.yaml")
        XCTAssertEqual(try run(dir, ["apply", "-c", "other.yaml", "--auto-approve"]).status, 0)
        let stale = try run(dir, ["apply", "plan.json"])
        XCTAssertEqual(stale.status, 1)
        XCTAssertEqual(
            stale.stderrLines,
            [
                "telform: error: the saved plan is stale; nothing was changed:",
                "  live state of office/endpoints changed since the plan was made",
                "Make a new plan and review it.",
            ])
        // A changed configuration is refused too.
        XCTAssertEqual(try run(dir, ["plan", "-o", "plan.json"]).status, 0)
        try write(endpoints(server, language: "fr"), in: dir)
        let edited = try run(dir, ["apply", "plan.json"])
        XCTAssertEqual(edited.status, 1)
        XCTAssertTrue(edited.stderrLines.contains("  the configuration changed since the plan was made"), edited.stderr)
        let drift = try run(dir, ["drift", "--format", "json"])
        XCTAssertTrue(drift.stdout.contains(#""live": "de""#), "nothing of the stale plans was applied")
    }

    func testDriftReportsEachCategoryWithExactFields() throws {
        let server = try SimServer()
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        try write(endpoints(server), in: dir)
        XCTAssertEqual(try run(dir, ["apply", "--auto-approve"]).status, 0)
        let clean = try run(dir, ["drift"])
        XCTAssertEqual(clean.status, 0)
        XCTAssertTrue(clean.stdout.hasSuffix("No drift: the live state matches the configuration.\n"))

        // Outside telform: desk-a's language changed, desk-b deleted, desk-x added.
        try write(
            """
            version: 1
            providers:
              office:
                type: endpoints
                url: \(server.endpointsURL)
                tenant: acme
                token: ${env:OFFICE_TOKEN}
                endpoints:
                  - {name: desk-a, extension: "100", password: "${env:PW_A}", language: ru, forward: {busy: {to: "500"}}}
                  - {name: desk-x, extension: "109", password: "${env:PW_B}"}
            """, in: dir, as: "outside.yaml")
        XCTAssertEqual(try run(dir, ["apply", "-c", "outside.yaml", "--auto-approve"]).status, 0)
        let text = try run(dir, ["drift"])
        XCTAssertEqual(text.status, 2)
        XCTAssertEqual(
            text.stdout,
            """
            telform drift: 1 provider, 2 live objects read

            office (endpoints, \(server.endpointsURL))
              changed   endpoints/desk-a
                    language:     file "en", live "ru"
                    forward.busy: file (none), live {to: "500"}
              missing   endpoints/desk-b
              unmanaged endpoints/desk-x

            Drift: 1 changed, 1 missing, 1 unmanaged.

            """)
        let json = try run(dir, ["drift", "--format", "json"])
        XCTAssertEqual(json.status, 2)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["summary"] as? [String: Int], ["changed": 1, "missing": 1, "unmanaged": 1, "duplicate": 0])
        let entries = try XCTUnwrap(report["drift"] as? [[String: Any]])
        XCTAssertEqual(
            entries.map { "\($0["category"] ?? "") \($0["address"] ?? "")" },
            ["changed office/endpoints/desk-a", "missing office/endpoints/desk-b", "unmanaged office/endpoints/desk-x"])
        let fields = try XCTUnwrap(entries.first?["fields"] as? [[String: Any]])
        XCTAssertEqual(fields.first?["field"] as? String, "language")
        XCTAssertEqual(fields.first?["file"] as? String, "en")
        XCTAssertEqual(fields.first?["live"] as? String, "ru")
        let markdown = try run(dir, ["drift", "--format", "markdown"])
        XCTAssertEqual(markdown.status, 2)
        XCTAssertTrue(markdown.stdout.contains("| office | endpoints | 1 | 1 | 1 |"))
        XCTAssertTrue(markdown.stdout.contains("<details><summary><code>office/endpoints/desk-a</code> changed outside telform</summary>"))
        XCTAssertTrue(markdown.stdout.contains("| `language` | `\"en\"` | `\"ru\"` |"))
        let plan = try run(dir, ["plan", "--format", "markdown"])
        XCTAssertTrue(plan.stdout.hasPrefix("## telform plan\n\n**Plan: 1 to create, 1 to update, 1 to delete.**\n"), plan.stdout)
        // Where the changes go is in the plan the reviewer reads.
        XCTAssertTrue(
            plan.stdout.contains("\n| office | endpoints | \(server.endpointsURL) | token: ${env:OFFICE_TOKEN} | 1 | 1 | 1 | 0 | 0 | 0 |\n"), plan.stdout)
        XCTAssertFalse((markdown.stdout + plan.stdout).contains(Self.passwords["A"] ?? "?"))
    }

    /// `export` without `--provider` names the providers the file declares (no variable needed).
    func testExportWithoutAProviderListsThem() throws {
        let examples = TelformProcess.packageRoot.appendingPathComponent("examples")
        let listed = try TelformProcess.run(["export", "-c", "telform.yaml"], directory: examples)
        XCTAssertEqual(listed.status, 1)
        XCTAssertEqual(
            listed.stderrLines,
            ["telform: error: export: name the provider to export with --provider NAME; telform.yaml declares office (endpoints), mts (vpbx)"])
    }

    func testExportThenPlanIsEmptyForEveryKindOfEveryPlatform() throws {
        let examples = TelformProcess.packageRoot.appendingPathComponent("examples")
        func seed(_ name: String) throws -> String { try String(contentsOf: examples.appendingPathComponent("seeds/\(name).json"), encoding: .utf8) }
        let server = try SimServer(states: [
            "endpoints": try seed("office"), "vpbx": try seed("mts"), "mtt": try seed("mtt"), "mxproxy": try seed("mx"), "xivo": try seed("xivo"),
        ])
        defer { server.stop() }
        let dir = try TelformProcess.scratch()
        for item in ["secrets", "prompts"] {
            try FileManager.default.copyItem(at: examples.appendingPathComponent(item), to: dir.appendingPathComponent(item))
        }
        // The shipped examples, pointed at the server, make live state of every kind first.
        let port = "http://127.0.0.1:\(server.port)"
        for (example, provider) in [("endpoints", "office"), ("vpbx", "mts"), ("mtt", "mtt"), ("mxproxy", "mx"), ("xivo", "xivo")] {
            var text = try String(contentsOf: examples.appendingPathComponent("\(example).yaml"), encoding: .utf8)
            switch example {
            case "endpoints": text = text.replacingOccurrences(of: "url: sim://office", with: "url: \(port)/endpoints\n    token: ${env:OFFICE_TOKEN}")
            case "vpbx": text = text.replacingOccurrences(of: "url: sim://mts", with: "url: \(port)/vpbx\n    token: ${env:MTS_TOKEN}")
            case "xivo": text = text.replacingOccurrences(of: "url: sim://xivo", with: "url: \(port)/xivo")
            case "mxproxy":
                text = text.replacingOccurrences(
                    of: "url: sim://mx",
                    with:
                        "url: \(port)/mxproxy\n    client_id: sim-client\n    client_secret: ${env:MX_SECRET}\n    username: sim@example.com\n    password: ${env:MX_PASSWORD}"
                )
            default:
                text = text.replacingOccurrences(
                    of: "url: sim://mtt",
                    with: "url: \(port)/mtt/index.php\n    premedia_url: \(port)/mtt/v1/api\n    username: sim\n    password: ${env:MTT_PASSWORD}")
            }
            text = text.replacingOccurrences(of: "    sim_seed: ", with: "    # sim_seed: ")
            try write(text, in: dir, as: "\(example).yaml")
            let applied = try run(dir, ["apply", "-c", "\(example).yaml", "--auto-approve"])
            XCTAssertEqual(applied.status, 0, "\(example): \(applied.stderr)")
            let export = try run(dir, ["export", "--provider", provider, "-c", "\(example).yaml", "-o", "export-\(provider).yaml"])
            XCTAssertEqual(export.status, 0, export.stderr)
            let exported = try String(contentsOf: dir.appendingPathComponent("export-\(provider).yaml"), encoding: .utf8)
            let kinds: [String]
            switch example {
            case "endpoints": kinds = ["endpoints"]
            case "vpbx": kinds = ["schedules", "find_me"]
            case "mxproxy": kinds = ["conferences"]
            case "xivo": kinds = ["users", "schedules", "incalls", "contexts", "pickups", "parking_lots", "queue_skills"]
            default: kinds = ["follow_me", "prompts", "premedia", "blacklist", "call_control", "callback_follow_me"]
            }
            for kind in kinds {
                XCTAssertTrue(exported.contains("\n    \(kind):"), "\(provider) exports \(kind)")
            }
            for secret in ["sim-endpoints-token", "sim-vpbx-token", "sim-mtt-password", "sim-client-secret", "sim-mx-password"] {
                XCTAssertFalse(exported.contains(secret), "\(provider) export holds a secret")
            }
            // Placeholders for what the API does not return, set as the export's comment asks.
            var placeholders: [String: String] = [:]
            for line in exported.split(separator: "\n") where line.hasPrefix("#   ") {
                let variable = String(line.dropFirst(4).prefix { $0 != ":" })
                placeholders[variable] =
                    variable.hasSuffix("_EXTENSION")
                    ? "100"
                    : variable.hasSuffix("_PASSWORD")
                        ? "Placeholder000000000"
                        : variable.hasSuffix("_URL")
                            ? "https://routing.example/mtt?key=k3y-for-routing"
                            : variable.hasSuffix("_VOICEMAIL") ? "1234" : "x"
            }
            placeholders["OFFICE_TOKEN"] = "sim-endpoints-token"
            placeholders["MTS_TOKEN"] = "sim-vpbx-token"
            placeholders["MTT_PASSWORD"] = "sim-mtt-password"
            placeholders["MX_CLIENT_SECRET"] = "sim-client-secret"
            placeholders["MX_PASSWORD"] = "sim-mx-password"
            let plan = try run(dir, ["plan", "-c", "export-\(provider).yaml", "--detailed-exitcode"], environment: placeholders)
            XCTAssertEqual(plan.status, 0, "\(provider): \(plan.stdout)\(plan.stderr)")
        }
    }
}
