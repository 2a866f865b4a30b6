/// The wire verb of a change: what a driver is asked to do (`ChangeEffect` says what the
/// change means for the plan).
public enum ChangeAction: String, Sendable, Codable {
    case create, update, delete, replace

    /// The plan's symbol for it.
    public var symbol: String {
        switch self {
        case .create: return "+"
        case .update: return "~"
        case .delete: return "-"
        case .replace: return "-/+"
        }
    }
}

/// What a change does, as one value: the planner sets it; the executor, the counts and
/// the three renderings (text, JSON, Markdown) read it, through `symbol`, `label`, `counts`
/// and `executes`, so they cannot disagree.
public enum ChangeEffect: String, Sendable, Codable, CaseIterable {
    case create, update, delete
    /// Delete the live object, then create the new one (the key must be free).
    case replace
    /// Create the new version first; a `cleanup` change deletes the old one once everything
    /// that used it has moved (content-addressed prompts).
    case replaceCreatingFirst = "replace-create-first"
    /// The second half of a create-first replace.
    case cleanup
    /// The declared state of a kind the platform cannot read, sent on every apply.
    case sendBlind = "send-blind"
    /// A difference the platform cannot apply (an add-only kind): shown and reported as
    /// drift, never executed.
    case reportOnly = "report-only"

    /// The plain effect of a driver's verb (a replace deletes first).
    public init(_ action: ChangeAction) {
        switch action {
        case .create: self = .create
        case .update: self = .update
        case .delete: self = .delete
        case .replace: self = .replace
        }
    }

    /// The driver's verb.
    public var action: ChangeAction {
        switch self {
        case .create: return .create
        case .update, .sendBlind, .reportOnly: return .update
        case .delete, .cleanup: return .delete
        case .replace, .replaceCreatingFirst: return .replace
        }
    }

    /// The plan's symbol.
    public var symbol: String {
        self == .reportOnly ? "!" : action.symbol
    }

    /// How every rendering names it.
    public var label: String {
        switch self {
        case .sendBlind: return "set on apply"
        case .reportOnly: return "differs"
        case .cleanup: return "delete of the previous version"
        case .replaceCreatingFirst: return "replace"
        default: return rawValue
        }
    }

    /// Counted as a change (summary, `--detailed-exitcode`, drift): not a blind re-send, not
    /// a difference that can only be reported.
    public var counts: Bool { self != .sendBlind && self != .reportOnly }

    /// Carried out by apply.
    public var executes: Bool { self != .reportOnly }
}

/// One field's before and after, by dotted path (`forward.no_answer.timeout`).
public struct FieldChange: Sendable, Equatable {
    public var path: String
    public var before: Value?
    public var after: Value?

    public init(path: String, before: Value?, after: Value?) {
        self.path = path
        self.before = before
        self.after = after
    }
}

/// One planned change: the resource as declared and as live, and what differs.
public struct Change: Sendable {
    public var address: Address
    /// What the change does.
    public var effect: ChangeEffect
    /// The driver's verb (setting it picks the plain effect of that verb).
    public var action: ChangeAction {
        get { effect.action }
        set { effect = ChangeEffect(newValue) }
    }
    /// The declared resource, canonical (create, update, replace).
    public var desired: Resource?
    /// The live resource (update, delete, replace).
    public var live: Resource?
    /// For display: every declared field on create, the differing ones on update and replace.
    public var fields: [FieldChange]
    /// Why a replace is a replace, or why an update happens without a field change (`--rotate`).
    public var reason: String?
    public var dependsOn: [Address] = []

    /// What a plan shows the change waits for ("after …", in text and Markdown alike): its
    /// dependencies, less the address a cleanup shares with the create it follows.
    public var shownAfter: [Address] { dependsOn.filter { !cleanup || $0 != address } }
    /// `--rotate`: re-send the write-only secrets.
    public var rotate = false
    /// The second half of a create-before-delete replace: deletes the old object once
    /// everything that used it has moved to the new one.
    /// (Set `effect` to make one.)
    public var cleanup: Bool { effect == .cleanup }
    /// The declared state of a kind the platform cannot read, sent on every apply: not a
    /// change for `--detailed-exitcode` or drift.
    public var blind: Bool { effect == .sendBlind }
    /// A difference the platform cannot apply (an add-only kind): shown and reported as
    /// drift, never executed.
    public var reportOnly: Bool { effect == .reportOnly }
    /// A delete of a second live object with the key of this address (a duplicate).
    public var duplicateOf: Address?

    public init(
        address: Address, action: ChangeAction, desired: Resource?, live: Resource?,
        fields: [FieldChange], reason: String? = nil
    ) {
        self.address = address
        effect = ChangeEffect(action)
        self.desired = desired
        self.live = live
        self.fields = fields
        self.reason = reason
    }

    /// Unique within a plan: the address, and `#cleanup` for the second half of a replace.
    public var id: String { address.description + (cleanup ? "#cleanup" : "") }

    /// The paths of the changed fields.
    public var changedPaths: [String] { fields.map(\.path) }
}

extension Value {
    /// The value at a dotted path inside nested objects; nil when a step is missing.
    public func at(_ path: String) -> Value? {
        guard path.utf8.contains(UInt8(ascii: ".")) else { return object?[path] }
        var current: Value? = self
        for step in path.split(separator: ".") {
            current = current?.object?[String(step)]
        }
        return current
    }

    /// Objects flattened to dotted paths (lists stay whole); a null keeps its path.
    public static func flatten(_ fields: [String: Value], prefix: String = "") -> [(String, Value)] {
        var out: [(String, Value)] = []
        for (key, value) in fields {
            let path = prefix.isEmpty ? key : prefix + "." + key
            if case .object(let inner) = value, !inner.isEmpty {
                out += flatten(inner, prefix: path)
            } else {
                out.append((path, value))
            }
        }
        return out
    }
}

extension Change {
    /// The change's symbol and label as every rendering shows them (text, Markdown, JSON).
    public var symbol: String { effect.symbol }
    public var label: String { effect.label }
}
