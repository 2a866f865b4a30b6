import TelformCore

extension EndpointsPlatform {
    /// Every endpoint of the tenant. The API returns neither the extension nor the password,
    /// so both are written as `${env:...}` placeholders.
    public func export(kinds: [String]) async throws -> Export {
        var export = Export()
        guard kinds.contains("endpoints") else { return export }
        let live = try await read(kinds: ["endpoints"], desired: [])
        var list: [Value] = []
        for resource in live.resources.sorted(by: { $0.address < $1.address }) {
            let name = resource.address.key[0]
            var fields = Export.trimmed(resource.fields)
            fields["extension"] = export.placeholder([provider.name, name, "extension"], "the extension of \(resource.address) (the API does not return it)", at: resource.address, path: "extension")
            fields["password"] = export.placeholder([provider.name, name, "password"], "the SIP password of \(resource.address) (never returned)", at: resource.address, path: "password")
            list.append(.object(fields))
        }
        export.kinds.append(("endpoints", .list(list)))
        return export
    }
}
