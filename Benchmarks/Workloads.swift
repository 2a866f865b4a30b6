import Foundation

/// The benchmark's inputs, generated at a chosen size.
enum Workloads {
    static let password = "Bench0Password0Twent"  // 20 of A-Z a-z 0-9, through ${env:PW}
    static let token = "sim-endpoints-token"

    /// A config of `count` endpoints `ep000001...` in provider `office`, tenant acme.
    /// `caFile`: the CA the provider trusts (tls.ca_file), for an https url.
    static func endpointsConfig(url: String, count: Int, policy: String = "", caFile: String? = nil) -> String {
        var text = "version: 1\n" + (policy.isEmpty ? "" : "policy: {\(policy)}\n")
        text += "providers:\n  office:\n    type: endpoints\n    url: \(url)\n    tenant: acme\n"
        if let caFile { text += "    tls: {ca_file: \(caFile)}\n" }
        if !url.hasPrefix("sim://") { text += "    token: \(token)\n" }
        if url.hasPrefix("sim://") { text += "    sim_seed: seed.json\n" }
        text += "    endpoints:\n"
        text.reserveCapacity(text.utf8.count + count * 80)
        for index in 0..<count {
            text += "      - {name: \(name(index)), extension: \"\(100 + index % 900)\", password: \"${env:PW}\"}\n"
        }
        return text
    }

    static func name(_ index: Int) -> String {
        "ep" + String(repeating: "0", count: max(0, 6 - String(index + 1).count)) + String(index + 1)
    }

    /// The endpoints simulator's state (or seed) holding `count` endpoints that match the config.
    static func endpointsState(count: Int) -> String {
        var text = "{\"platform\": \"endpoints\", \"tokens\": [\"\(token)\"], \"tenants\": {\"acme\": {\"next_id\": \(count + 1), \"endpoints\": [\n"
        text.reserveCapacity(count * 260)
        for index in 0..<count {
            if index > 0 { text += ",\n" }
            text +=
                "{\"id\": \(index + 1), \"name\": \"\(name(index))\", \"extension\": \"\(100 + index % 900)\", \"password\": \"\(password)\", "
                + "\"cf_noanswer_enabled\": false, \"cf_busy_enabled\": false, \"cf_unconditional_enabled\": false, \"cf_unavailable_enabled\": false}"
        }
        return text + "]}}}\n"
    }

    static let emptyState = "{\"platform\": \"endpoints\", \"tokens\": [\"\(token)\"], \"tenants\": {\"acme\": {\"next_id\": 1, \"endpoints\": []}}}\n"

    /// octoDNS's peer workload: a YAML zone of `count` A records, dry-run synced to a YAML target.
    static func octodns(in directory: URL, count: Int) throws {
        let zones = directory.appendingPathComponent("zones")
        try FileManager.default.createDirectory(at: zones, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("target"), withIntermediateDirectories: true)
        var zone = "---\n"
        zone.reserveCapacity(count * 40)
        for index in 0..<count { zone += "host\(index):\n  type: A\n  value: 10.\(index / 65536 % 256).\(index / 256 % 256).\(index % 256)\n" }
        try zone.write(to: zones.appendingPathComponent("example.com.yaml"), atomically: true, encoding: .utf8)
        try """
        providers:
          config:
            class: octodns.provider.yaml.YamlProvider
            directory: ./zones
          target:
            class: octodns.provider.yaml.YamlProvider
            directory: ./target
        zones:
          example.com.:
            sources: [config]
            targets: [target]
        """.write(to: directory.appendingPathComponent("octodns.yaml"), atomically: true, encoding: .utf8)
    }
}
