import TelformCore

/// How the endpoints API routes a call to an extension, from its endpoints' forwards
/// (api-docs/003): an unconditional forward takes every call; otherwise the endpoint rings,
/// and the no-answer forward takes over after its timeout (5..120 s), the busy and
/// unavailable forwards on those cases. What happens without a forward (how long the phone
/// rings, what the caller gets) is the PBX's dialplan, which the document does not describe.
struct EndpointRouting: RoutingModel {
    let endpoints: [Resource]
    let numbers: [RoutedNumber]
    /// By extension, then by name (a plan's routing section asks for every number).
    let byNumber: [String: Resource]

    init(provider: ProviderConfig, resources: [Resource]) {
        endpoints = resources.filter { $0.address.kind == "endpoints" }
        var byNumber: [String: Resource] = Dictionary(minimumCapacity: endpoints.count * 2)
        for endpoint in endpoints { if let name = endpoint.text("name"), byNumber[name] == nil { byNumber[name] = endpoint } }
        for endpoint in endpoints { if let number = endpoint.text("extension") { byNumber[number] = endpoint } }
        self.byNumber = byNumber
        // The API never returns an extension: a live endpoint is known by its name alone.
        numbers = endpoints.map { endpoint in
            let name = endpoint.text("name") ?? endpoint.address.key.first ?? "?"
            return endpoint.text("extension").map { RoutedNumber($0, "endpoint \(name)") } ?? RoutedNumber(name, "endpoint \(name) (extension not readable)")
        }
    }

    func endpoint(_ number: String) -> Resource? {
        byNumber[number]
    }

    func route(_ number: String, at moment: Moment, caller: String?) -> RouteAt? {
        guard let endpoint = endpoint(number) else { return nil }
        let name = endpoint.text("name") ?? "?"
        // The forwards, nested as declared and read (or flat), each looked up once.
        let forwards = endpoint.value("forward")?.object
        func forward(_ path: String, _ key: String) -> Value? {
            guard let forwards else { return endpoint.value("forward.\(path).\(key)") }
            let value = forwards[path]?.object?[key]
            return value == .null ? nil : value
        }
        if let always = forward("always", "to")?.text {
            return RouteAt(.dial(always, label: "forwarded always"), reasons: ["endpoint \(name) forwards every call"])
        }
        let timeout = forward("no_answer", "timeout")?.int.map(Int.init)
        let noAnswer: Route =
            forward("no_answer", "to")?.text.map { .dial($0) }
            ?? .undocumented("without a no-answer forward the PBX's dialplan decides")
        let number = endpoint.text("extension")
        let ring = Ring([.init(number ?? name, label: number == nil ? nil : name, seconds: timeout)])
        return RouteAt(
            .ring(
                ring, then: noAnswer, busy: forward("busy", "to")?.text.map { .dial($0) },
                unavailable: forward("unavailable", "to")?.text.map { .dial($0) }))
    }

    func changePoints(_ number: String) -> [Int] { [] }
    func notes(_ number: String) -> [String] { [] }
}
