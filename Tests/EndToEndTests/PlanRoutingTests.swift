import Foundation
import XCTest

/// The plan's routing section: each example's plan lists the numbers whose routing it
/// changes (text, JSON), and the Markdown draws each changed window as a Mermaid flowchart
/// that parses; after apply, nothing is left to show.
final class PlanRoutingTests: XCTestCase {

    /// mxproxy.yaml is the one example without: its call mode cannot be read, so it is taken
    /// as already in place and never shows as a routing change (docs/routing.md).
    func testEveryExamplePlanShowsItsRoutingChangesAndDrawsThem() throws {
        let expected: [String: [String]] = [
            "vpbx.yaml": ["201", "202"],
            "mtt.yaml": ["74951345897", "74951345898", "74951345899"],
            "xivo.yaml": ["0140000000", "1001", "1002", "1009"],
            "endpoints.yaml": ["101", "102", "old-fax"],
            "telform.yaml": ["101", "102", "201"],
            "tour/telform.yaml": ["007", "102"],
        ]
        // The two team examples read their passwords from the environment; sim:// needs no token.
        let environment = ["RECEPTION_SIP_PASSWORD": "Abcdefghij0123456789", "SUPPORT_SIP_PASSWORD": "Zbcdefghij0123456789"]
        for (file, numbers) in expected.sorted(by: { $0.key < $1.key }) {
            // A copy each: examples that share a simulator name (office) would see each other's state.
            let examples = try TelformProcess.freshExamples()
            let json = try TelformProcess.run(["plan", "-c", file, "--format", "json"], environment: environment, directory: examples)
            XCTAssertEqual(json.status, 0, json.stderr)
            let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let routing = try XCTUnwrap(document["routing"] as? [[String: Any]])
            XCTAssertEqual(routing.compactMap { $0["number"] as? String }, numbers, file)

            let markdown = try TelformProcess.run(["plan", "-c", file, "--format", "markdown"], environment: environment, directory: examples)
            XCTAssertEqual(markdown.status, 0, markdown.stderr)
            let charts = markdown.stdout.components(separatedBy: "```mermaid\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
            let windows = routing.reduce(0) { $0 + (($1["windows"] as? [Any])?.count ?? 0) }
            XCTAssertEqual(charts.count, windows, file)
            for chart in charts {
                XCTAssertEqual(MermaidCheck.problems(chart), [], "\(file):\n\(chart)")
                // Before on top, after under it: the subgraphs in that order, linked along TB.
                XCTAssertTrue(chart.hasPrefix("flowchart TB\n  subgraph before[\"before\"]\n    direction LR\n"), chart)
                XCTAssertTrue(chart.contains("\n  end\n  subgraph after[\"after\"]\n"), chart)
                XCTAssertTrue(chart.hasSuffix("\n  end\n  before ~~~ after\n"), chart)
            }

            let text = try TelformProcess.run(["plan", "-c", file], environment: environment, directory: examples)
            for number in numbers {
                XCTAssertNotNil(text.stdout.range(of: "\n  \\S+ \(number) \\(", options: .regularExpression), "\(file): \(number)\n\(text.stdout)")
            }
        }
    }

    func testTheRoutingSectionSaysBeforeAndAfterAndGoesAwayAfterApply() throws {
        let examples = try TelformProcess.freshExamples()
        let plan = try TelformProcess.run(["plan", "-c", "xivo.yaml"], directory: examples)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        XCTAssertTrue(
            plan.stdout.contains(
                """

                Routing changes (what happens to calls; telform explain NUMBER shows a whole route):
                  xivo 0140000000 (incall 0140000000@from-extern)
                    always
                      before: (not routed)
                      after:  ring 1001 (Alice Martin) for 30 s, then 1002 (Bob)
                  xivo 1001 (user Alice Martin (line 1001@default))
                    always
                      before: ring 1001 (Alice Martin) for 20 s, then 1002
                      after:  ring 1001 (Alice Martin) for 30 s, then 1002 (Bob)

                """), plan.stdout)
        let mtt = try TelformProcess.run(["plan", "-c", "mtt.yaml"], directory: examples)
        XCTAssertTrue(
            mtt.stdout.contains(
                """
                  mtt 74951345897 (SIP account 74951345897)
                    mon-fri 00:00-09:00 18:00-24:00, sat-sun all day
                      before: not documented (no follow-me number's period holds: what the account does then)
                      after:  ring 79636793312 (Mobile) for 15 s, then not documented (what follows the last follow-me number)
                    mon-fri 09:00-18:00
                      before: ring 79684881033 for 15 s, then not documented (what follows the last follow-me number)
                      after:  ring 79684881033 for 15 s → 79636793312 (Mobile) for 15 s → 79161234568 for 15 s, then not documented (what follows the last follow-me number)

                """), mtt.stdout)
        // The call control URL carries a key: the route names it only as the customer's URL.
        XCTAssertFalse(mtt.stdout.contains("routing.example"))
        for file in ["xivo.yaml", "mtt.yaml", "vpbx.yaml", "endpoints.yaml", "mxproxy.yaml"] {
            let apply = try TelformProcess.run(["apply", "-c", file, "--auto-approve", "-q"], directory: examples)
            XCTAssertEqual(apply.status, 0, "\(file): \(apply.stderr)")
            XCTAssertEqual(apply.stdout, "", "\(file): -q shows no plan before the apply")
            let again = try TelformProcess.run(["plan", "-c", file], directory: examples)
            XCTAssertFalse(again.stdout.contains("Routing changes"), "\(file): \(again.stdout)")
        }
    }

    func testTheMermaidCheckRefusesBrokenCharts() {
        XCTAssertEqual(MermaidCheck.problems("flowchart LR\n  a0[\"ok\"]\n  a0 --> a1\n"), ["line 3: a1 is not a declared node"])
        XCTAssertEqual(MermaidCheck.problems("flowchart LR\n  a0[\"say \"hi\"\"]\n"), ["line 2: not a node, edge, subgraph or direction: a0[\"say \"hi\"\"]"])
        XCTAssertEqual(MermaidCheck.problems("flowchart LR\n  subgraph s[\"x\"]\n"), ["a subgraph is not closed"])
        XCTAssertEqual(MermaidCheck.problems("graph\n"), ["line 1: a flowchart starts with flowchart LR|RL|TB|TD|BT"])
        XCTAssertEqual(
            MermaidCheck.problems("flowchart TB\n  subgraph s[\"x\"]\n  end\n  s ~~~ t\n"), ["line 4: t is not a declared node or subgraph"])
    }
}

/// The flowchart subset telform writes, checked against Mermaid's flowchart grammar: a
/// `flowchart DIR` header, `subgraph ID["title"]` … `end`, `direction DIR`, nodes
/// `ID["text"]`, `ID(["text"])`, `ID{"text"}` (quoted text without a raw `"`), and edges
/// `ID --> ID` or `ID -->|label| ID` between declared nodes.
enum MermaidCheck {
    static func problems(_ chart: String) -> [String] {
        var problems: [String] = []
        let lines = chart.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.first, first.range(of: "^flowchart (LR|RL|TB|TD|BT)$", options: .regularExpression) != nil else {
            return ["line 1: a flowchart starts with flowchart LR|RL|TB|TD|BT"]
        }
        var nodes = Set<String>()
        var subgraphs = Set<String>()
        var links: [(Int, String, String)] = []
        var depth = 0
        var edges: [(Int, String, String)] = []
        let id = "[A-Za-z][A-Za-z0-9_]*"
        let text = "\"[^\"]*\""
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            func matches(_ pattern: String) -> Bool { line.range(of: "^" + pattern + "$", options: .regularExpression) != nil }
            if matches("subgraph \(id)\\[\(text)\\]") {
                depth += 1
                subgraphs.insert(String(line.dropFirst("subgraph ".count).prefix { $0 != "[" }))
            } else if matches("\(id) ~~~ \(id)") {
                let parts = line.split(separator: " ")
                links.append((index + 1, String(parts[0]), String(parts[2])))
            } else if line == "end" {
                depth -= 1
                if depth < 0 { problems.append("line \(index + 1): end without a subgraph") }
            } else if matches("direction (LR|RL|TB|TD|BT)") {
                continue
            } else if matches("\(id)(\\[\(text)\\]|\\(\\[\(text)\\]\\)|\\{\(text)\\})") {
                nodes.insert(String(line.prefix { $0 != "[" && $0 != "(" && $0 != "{" }))
            } else if matches("\(id) -->(\\|[^|\"]+\\|)? \(id)") {
                let parts = line.split(separator: " ")
                edges.append((index + 1, String(parts[0]), String(parts[parts.count - 1])))
            } else {
                problems.append("line \(index + 1): not a node, edge, subgraph or direction: \(line)")
            }
        }
        for (line, from, to) in edges {
            for end in [from, to] where !nodes.contains(end) { problems.append("line \(line): \(end) is not a declared node") }
        }
        // An invisible link (`~~~`) orders nodes or subgraphs declared anywhere in the chart.
        for (line, from, to) in links {
            for end in [from, to] where !nodes.contains(end) && !subgraphs.contains(end) {
                problems.append("line \(line): \(end) is not a declared node or subgraph")
            }
        }
        if depth > 0 { problems.append("a subgraph is not closed") }
        return problems
    }
}
