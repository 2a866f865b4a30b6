/// Routes as Mermaid flowcharts (GitHub draws them in a pull-request comment): the call,
/// each ringing step, and the edges a call takes when nobody answers, the line is busy or
/// the phone is unreachable.
public enum RouteMermaid {
    /// One chart of a changed window: the route before, and under it the route after, each
    /// read left to right. Two subgraphs with nothing between them are placed as the layout
    /// likes (after above before, in Mermaid 11); an invisible link (`before ~~~ after`) ranks
    /// before first along the chart's direction, top to bottom.
    public static func chart(number: String, before: RouteAt?, after: RouteAt?) -> String {
        var lines = ["flowchart TB"]
        for (id, title, outcome) in [("before", "before", before), ("after", "after", after)] {
            var builder = Builder(prefix: String(id.prefix(1)))
            lines.append("  subgraph \(id)[\"\(title)\"]")
            lines.append("    direction LR")
            let call = builder.node("([\"" + escape("call " + number) + "\"])")
            if let route = outcome?.route {
                let first = builder.add(route)
                builder.edge(call, first, label: nil)
            } else {
                let none = builder.node("([\"not routed\"])")
                builder.edge(call, none, label: nil)
            }
            lines += builder.lines.map { "    " + $0 }
            lines.append("  end")
        }
        lines.append("  before ~~~ after")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A label's text as Mermaid shows it literally: Mermaid decodes `#…;` entities and passes
    /// labels through HTML, so `#` (first: the others add one), `&`, `<`, `>` and `"` become
    /// its numbered entities, and a line break a space.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "#", with: "#35;").replacingOccurrences(of: "&", with: "#38;").replacingOccurrences(of: "<", with: "#60;")
            .replacingOccurrences(of: ">", with: "#62;").replacingOccurrences(of: "\"", with: "#quot;").replacingOccurrences(of: "\n", with: " ")
    }

    struct Builder {
        let prefix: String
        var count = 0
        var lines: [String] = []

        mutating func node(_ shape: String) -> String {
            let id = prefix + String(count)
            count += 1
            lines.append(id + shape)
            return id
        }

        mutating func edge(_ from: String, _ to: String, label: String?) {
            lines.append(from + (label.map { " -->|\($0)| " } ?? " --> ") + to)
        }

        /// Adds the nodes of a route; returns its first node.
        mutating func add(_ route: Route) -> String {
            func box(_ text: String) -> String { "[\"" + RouteMermaid.escape(text) + "\"]" }
            func end(_ text: String) -> String { "([\"" + RouteMermaid.escape(text) + "\"])" }
            switch route {
            case .ring(let ring, let then, let busy, let unavailable):
                let id = node(box(ring.text))
                edge(id, add(then), label: "no answer")
                if let busy { edge(id, add(busy), label: "busy") }
                if let unavailable { edge(id, add(unavailable), label: "unreachable") }
                return id
            case .play(let prompt, let then):
                let id = node(box("play \(prompt.shown) to the \(prompt.hearer)"))
                edge(id, add(then), label: nil)
                return id
            case .oneOf(let routes, let why):
                let id = node("{\"" + RouteMermaid.escape("one of: " + why) + "\"}")
                for (index, option) in routes.enumerated() { edge(id, add(option), label: "rule \(index + 1)") }
                return id
            default:
                return node(end(route.text))
            }
        }
    }
}
