import Foundation
import XCTest

/// The endpoint API where api-docs/003 leaves a choice open, each switched the other way as
/// a FastAPI + pydantic server would declare it: a capped `limit`, text ids, codec lists
/// typed `list[str]`. telform asks only what the document shows and converges on both.
final class EndpointsServerChoicesTests: XCTestCase {
    func seed(server: String, endpoints: Int) -> String {
        let records = (0..<endpoints).map { #"{"id": \#($0 + 1), "name": "desk-\#($0 + 1)", "extension": "\#(101 + $0)"}"# }.joined(separator: ", ")
        return #"{"platform": "endpoints", "tokens": ["sim-endpoints-token"], "server": \#(server), "tenants": {"acme": {"endpoints": [\#(records)]}}}"#
    }

    /// The document shows `limit` with its default, 100: telform asks for 100. A larger
    /// `page_size` the server refuses (FastAPI `le=100`: 422) is read in pages of 100, with a
    /// warning; pages still advance by the count returned.
    func testACappedLimitIsReadInTheDocumentsPages() throws {
        let server = try SimServer(states: ["endpoints": seed(server: #"{"limit_max": 100}"#, endpoints: 250)])
        defer { server.stop() }
        let declared = SimConfigs.declaredEndpoints(250, prefix: "desk-")
        let dir = try SimConfigs.folder(SimConfigs.endpoints(server.endpointsURL, declared))
        let plan = try TelformProcess.run(["plan", "--detailed-exitcode"], environment: SimConfigs.sipPassword, directory: dir)
        XCTAssertEqual(plan.status, 0, plan.stdout + plan.stderr)
        // Every page asked for is the document's 100 (pages are asked for ahead, so past the end too).
        let gets = try server.requests().filter { $0.hasPrefix("GET /endpoints/api/organizations/acme/endpoints/") }
        XCTAssertEqual(Set(gets.map { $0.contains("&limit=100 200") }), [true], gets.joined(separator: "\n"))
        XCTAssertTrue(gets.contains("GET /endpoints/api/organizations/acme/endpoints/?skip=200&limit=100 200"), gets.joined(separator: "\n"))
        let bigger = try SimConfigs.folder(SimConfigs.endpoints(server.endpointsURL, "    page_size: 1000\n" + declared))
        let fallback = try TelformProcess.run(["plan", "--detailed-exitcode"], environment: SimConfigs.sipPassword, directory: bigger)
        XCTAssertEqual(fallback.status, 0, fallback.stdout + fallback.stderr)
        XCTAssertTrue(
            fallback.stdout.contains(
                "Warning: office/endpoints: the server refused limit=1000 (Input should be less than or equal to 100); pages of 100 were read instead: set page_size: 100 or less"
            ), fallback.stdout + fallback.stderr)
    }

    /// PJSIP ids are text: a server whose ids are `acme_3` gets them back percent-encoded as
    /// one path segment. Codec lists go in the form the server answers them in: JSON lists to
    /// a server typed `list[str]`. Create, update and delete converge.
    func testTextIDsAndListCodecsConverge() throws {
        let server = try SimServer(states: ["endpoints": seed(server: #"{"ids": "text", "lists": "array"}"#, endpoints: 2)])
        defer { server.stop() }
        let config = """
                prune: true
                endpoints:
                  - {name: desk-1, extension: "101", password: "${env:PW}", allow: [opus, ulaw]}
                  - {name: desk-3, extension: "103", password: "${env:PW}", allow: [alaw], disallow: [all]}
            """
        let dir = try SimConfigs.folder(SimConfigs.endpoints(server.endpointsURL, config))
        let apply = try TelformProcess.run(["apply", "--auto-approve", "--allow-deletes"], environment: SimConfigs.sipPassword, directory: dir)
        XCTAssertEqual(apply.status, 0, apply.stdout + apply.stderr)
        XCTAssertEqual(apply.stderrLines.last, "Apply: 3 succeeded, 0 failed, 0 skipped.", apply.stderr)
        let writes = try server.requests().filter { !$0.hasPrefix("GET") }.sorted()
        XCTAssertEqual(
            writes,
            [
                "DELETE /endpoints/api/organizations/acme/endpoints/acme_2 204", "POST /endpoints/api/organizations/acme/endpoints/ 201",
                "PUT /endpoints/api/organizations/acme/endpoints/acme_1 200",
            ])
        let plan = try TelformProcess.run(["plan", "--detailed-exitcode"], environment: SimConfigs.sipPassword, directory: dir)
        XCTAssertEqual(plan.status, 0, "converged: " + plan.stdout)
        server.flush()
        let state = try XCTUnwrap(server.state("endpoints") as? [String: Any])
        let acme = ((state["tenants"] as? [String: Any])?["acme"] as? [String: Any])?["endpoints"] as? [[String: Any]] ?? []
        XCTAssertEqual(acme.map { "\($0["name"] as? String ?? "") \($0["allow"] as? String ?? "")" }, ["desk-1 opus,ulaw", "desk-3 alaw"])
    }
}
