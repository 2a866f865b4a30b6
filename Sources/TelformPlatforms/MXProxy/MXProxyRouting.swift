import TelformCore

/// How MX Proxy routes calls to the logged-in user, from its call mode (api-docs/000,
/// `PATCH /calls`): in remote mode the calls go to the named device (a phone number), in
/// local mode to the user's own device; `ringDelay` (default 1) delays the ringing and
/// `vmDelay` (default 30) sends an unanswered call to voicemail. The document gives no unit
/// for the two delays: telform reads seconds and says so. The call mode cannot be read
/// back, so a live route has none.
struct MXProxyRouting: RoutingModel {
    let mode: Resource?
    let user: String
    var numbers: [RoutedNumber] { mode == nil ? [] : [RoutedNumber(user, "the logged-in user (call_mode)")] }

    init(provider: ProviderConfig, resources: [Resource]) {
        mode = resources.first { $0.address.kind == "call_mode" }
        user = provider.settings["username"]?.string ?? "self"
    }

    func route(_ number: String, at moment: Moment, caller: String?) -> RouteAt? {
        guard let mode, number == user || number == "self" else { return nil }
        let remote = mode.value("remote")?.bool ?? false
        let device = mode.text("device") ?? (remote ? "?" : "the user's device")
        let ringDelay = mode.value("ring_delay")?.int ?? 1
        let vmDelay = mode.value("vm_delay")?.int ?? 30
        let ring = Ring([.init(device, label: remote ? "remote device" : "local device")], seconds: Int(vmDelay), note: "after \(ringDelay) s")
        return RouteAt(
            .ring(ring, then: .voicemail("")),
            reasons: ["call mode \(remote ? "remote" : "local"): ring delay \(ringDelay), voicemail delay \(vmDelay) (the document gives no unit: seconds)"])
    }

    func changePoints(_ number: String) -> [Int] { [] }
    func notes(_ number: String) -> [String] { [] }
}
