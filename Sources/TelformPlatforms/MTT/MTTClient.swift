import Foundation
import TelformCore

/// The two JSON-RPC endpoints of an MTT account: classic (`url`: follow-me, call control,
/// CallBack) and Premedia (`premedia_url`: prompts, premedia, blacklist), and the account.
struct MTTClient: Sendable {
    let classic: JSONRPCClient
    let premedia: JSONRPCClient
    let customer: String

    /// A repeated add or delete that finds its work done has reached the desired state.
    static func alreadyDone(_ error: Error, _ codes: [String]) -> Bool {
        guard let error = error as? JSONRPCError else { return false }
        return codes.contains { error.message.contains($0) }
    }

    /// **Reading:** "Data not found" (-32001) with a reason that names no parameter ("No
    /// followMe on this account", "Followme not found", "No Premedia on this account") is the
    /// platform saying that nothing is configured; one naming a parameter ("sip_id «…» not
    /// found.") is a real error.
    static func nothingConfigured(_ error: JSONRPCError) -> Bool {
        error.code == -32001 && !error.message.contains("«") && error.message != "Data not found"
    }

    /// The document's not-found answer naming this sip_id ("sip_id «…» not found.", -32001 or
    /// -32602).
    static func sipNotFound(_ error: JSONRPCError, _ sip: String) -> Bool {
        [-32001, -32602].contains(error.code ?? 0) && error.message.contains("sip_id «\(sip)»") && error.message.contains("not found")
    }

    /// How to repeat a call that sets `fields` of `change`'s resource. The platform refuses
    /// some repeats (a second setCallBackFollowme: "Delete before insert") and a repeat is
    /// never known to be harmless, so when the outcome is unknown (the connection dropped
    /// after sending, a gateway error) the resource is read back: the call is done when those
    /// fields read as desired, and sent again only when they do not.
    static func verified(_ change: Change, _ fields: Set<String>, kind: KindSchema, read: @escaping @Sendable () async throws -> Resource?) -> Idempotency {
        guard let desired = change.desired else { return .idempotent }
        return .create(readBack: {
            guard let live = try await read() else { return nil }
            let differing = Diff.fields(desired: desired, live: live, kind: kind).map { String($0.path.split(separator: ".")[0]) }
            guard fields.isDisjoint(with: differing) else { return nil }
            return .confirmed
        })
    }

    /// One read per declared account of `kind`, at most four at a time, each live object
    /// added with its sip_id as its id.
    static func perAccount(
        _ desired: [Resource], kind: String, into state: inout LiveState,
        _ read: @escaping @Sendable (Address) async throws -> Resource?
    ) async throws {
        let found = try await BoundedConcurrency.map(desired.filter { $0.address.kind == kind }.map(\.address)) { try await read($0) }
        for resource in found.compactMap({ $0 }) { state.add(resource, id: resource.address.key[0], rule: .text) }
    }
}

extension JSONNode {
    /// The same object with its keys in lower case: MTT reads some replies in capitals
    /// (`REDIRECT_NUMBER`) whose writes are in lower case (`redirect_number`).
    var lowercasedKeys: JSONNode {
        guard let pairs else { return self }
        return .object(pairs.map { ($0.0.lowercased(), $0.1) })
    }
}
