import Foundation
import XCTest

/// `apply --reviewed PLAN.json`: the plan saved on a pull request, held against the plan made
/// on the merge commit (another checkout, another config digest) — the binary over HTTP.
final class ReviewedPlanTests: XCTestCase {
    let environment = ["OFFICE_TOKEN": "sim-endpoints-token", "PW_A": "AliceSecretPassw0rd1", "PW_B": "BobSecretPassword002"]

    func config(_ url: String, language: String = "en", extra: String = "", comment: String = "") -> String {
        """
        version: 1
        \(comment)
        providers:
          office:
            type: endpoints
            url: \(url)
            tenant: acme
            token: ${env:OFFICE_TOKEN}
            endpoints:
              - {name: desk-a, extension: "100", password: "${env:PW_A}", language: \(language)}
              - {name: desk-b, extension: "101", password: "${env:PW_B}"}
        \(extra)
        """
    }

    /// A folder holding `text` as its telform.yaml (a checkout).
    func checkout(_ text: String) throws -> URL {
        let dir = try TelformProcess.scratch()
        try text.write(to: dir.appendingPathComponent("telform.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    func run(_ dir: URL, _ arguments: [String], environment extra: [String: String] = [:]) throws -> TelformProcess.Outcome {
        try TelformProcess.run(arguments, environment: environment.merging(extra) { _, b in b }, directory: dir)
    }

    /// The writes the server has received.
    func writes(_ server: SimServer) throws -> Int {
        try server.requests().filter { !$0.hasPrefix("GET ") }.count
    }

    /// The plan saved on the pull request's checkout, as the workflow keeps it.
    func reviewedPlan(_ server: SimServer, language: String = "en") throws -> String {
        let pr = try checkout(config(server.endpointsURL, language: language))
        let saved = try run(pr, ["plan", "-o", "plan.json", "-q"])
        XCTAssertEqual(saved.status, 0, saved.stderr)
        return pr.appendingPathComponent("plan.json").path
    }

    func testTheReviewedChangesAreAppliedFromAnotherCheckoutAndNothingElse() throws {
        let server = try SimServer()
        defer { server.stop() }
        let plan = try reviewedPlan(server)
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        XCTAssertNotNil(text.range(of: #""secret_salt": "[0-9a-f]{32}""#, options: .regularExpression))
        XCTAssertNotNil(text.range(of: #""password": "hmac-sha256:[0-9a-f]{64}""#, options: .regularExpression))
        for secret in environment.values { XCTAssertFalse(text.contains(secret), "no secret in the plan file") }

        // The merge commit: the same declarations, another digest (a comment).
        let merge = try checkout(config(server.endpointsURL, comment: "# merged"))
        let applied = try run(merge, ["apply", "--reviewed", plan])
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(applied.stderrLines.last, "Apply: 2 succeeded, 0 failed, 0 skipped.")
        XCTAssertEqual(try writes(server), 2)
        XCTAssertEqual(try run(merge, ["plan", "--detailed-exitcode", "-q"]).status, 0, "converged")

        // Run again (a re-run CI job): the reviewed changes are in place; nothing is sent.
        let again = try run(merge, ["apply", "--reviewed", plan])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(
            again.stderrLines.contains(
                "2 reviewed changes are not planned now (in place already): office/endpoints/desk-a (create), office/endpoints/desk-b (create)"),
            again.stderr)
        XCTAssertEqual(try writes(server), 2)
    }

    func testAPlanThatDiffersFromTheReviewedOneIsRefusedWithEveryDifferenceAndNothingIsSent() throws {
        let server = try SimServer()
        defer { server.stop() }
        let plan = try reviewedPlan(server)
        let merge = try checkout(
            config(server.endpointsURL, language: "de", extra: "      - {name: desk-c, extension: \"102\", password: \"${env:PW_A}\"}"))
        let refused = try run(merge, ["apply", "--reviewed", plan], environment: ["PW_B": "AnotherPassword00003"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(
            refused.stderrLines,
            [
                "telform: error: the plan made now differs from the reviewed plan; nothing was changed:",
                "  + office/endpoints/desk-c: create, planned now, not in the reviewed plan",
                #"  ~ office/endpoints/desk-a: language: reviewed "en", now "de""#,
                "  ~ office/endpoints/desk-b: password: the secret to send is not the one reviewed (compared by digest)",
                "Plan again (telform plan -o PLAN.json) and review the new plan.",
            ])
        XCTAssertEqual(try writes(server), 0, "no call made")
    }

    func testAnotherServerOrAMovedOldValueIsADifference() throws {
        let server = try SimServer()
        defer { server.stop() }
        let other = try SimServer()
        defer { other.stop() }
        // The same creates, toward another URL.
        let plan = try reviewedPlan(server)
        let moved = try run(try checkout(config(other.endpointsURL)), ["apply", "--reviewed", plan])
        XCTAssertEqual(moved.status, 1)
        XCTAssertEqual(
            moved.stderrLines.dropFirst().first, "  ~ provider office: url reviewed \(server.endpointsURL), now \(other.endpointsURL)", moved.stderr)
        XCTAssertEqual(try writes(other), 0)

        // The same changes, sending another variable as the token.
        let rerouted = try checkout(config(server.endpointsURL).replacingOccurrences(of: "${env:OFFICE_TOKEN}", with: "${env:OTHER_TOKEN}"))
        let token = try run(rerouted, ["apply", "--reviewed", plan], environment: ["OTHER_TOKEN": "sim-endpoints-token"])
        XCTAssertEqual(token.status, 1)
        XCTAssertEqual(
            token.stderrLines.dropFirst().first, "  ~ provider office: reads reviewed token: ${env:OFFICE_TOKEN}, now token: ${env:OTHER_TOKEN}", token.stderr)

        // An update reviewed as ru → en; the live value became de before the merge.
        let base = try checkout(config(server.endpointsURL, language: "ru"))
        XCTAssertEqual(try run(base, ["apply", "--auto-approve", "-q"]).status, 0)
        let update = try reviewedPlan(server, language: "en")
        XCTAssertEqual(try run(try checkout(config(server.endpointsURL, language: "de")), ["apply", "--auto-approve", "-q"]).status, 0)
        let writesBefore = try writes(server)
        let stale = try run(try checkout(config(server.endpointsURL)), ["apply", "--reviewed", update])
        XCTAssertEqual(stale.status, 1)
        XCTAssertEqual(
            Array(stale.stderrLines.dropFirst().prefix(1)), [#"  ~ office/endpoints/desk-a: language was "ru" when reviewed, is "de" now"#],
            stale.stderr)
        XCTAssertEqual(try writes(server), writesBefore)
    }

    func testAPlanWithoutSecretDigestsIsNotAReviewedPlan() throws {
        let server = try SimServer()
        defer { server.stop() }
        let dir = try checkout(config(server.endpointsURL))
        let printed = try run(dir, ["plan", "--format", "json"])
        try printed.stdout.write(to: dir.appendingPathComponent("printed.json"), atomically: true, encoding: .utf8)
        let refused = try run(dir, ["apply", "--reviewed", "printed.json"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(
            refused.stderrLines,
            [
                "telform: error: printed.json holds no digests of its secrets, so what apply would send cannot be checked against it; save the plan for review with `telform plan -o printed.json`"
            ])
        let both = try run(dir, ["apply", "plan.json", "--reviewed", "printed.json"])
        XCTAssertEqual(both.stderrLines, ["telform: error: apply: give either PLAN.json or --reviewed PLAN.json, not both"])
        XCTAssertEqual(try writes(server), 0)
    }
}
