/// What a plan does to one resource.
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
    public var action: ChangeAction
    /// The declared resource, canonical (create, update, replace).
    public var desired: Resource?
    /// The live resource (update, delete, replace).
    public var live: Resource?
    /// For display: every declared field on create, the differing ones on update and replace.
    public var fields: [FieldChange]
    /// Why a replace is a replace, or why an update happens without a field change (`--rotate`).
    public var reason: String?
    public var dependsOn: [Address] = []
    /// `--rotate`: re-send the write-only secrets.
    public var rotate = false
    /// The second half of a create-before-delete replace: deletes the old object once
    /// everything that used it has moved to the new one.
    public var cleanup = false
    /// The declared state of a kind the platform cannot read, sent on every apply: not a
    /// change for `--detailed-exitcode` or drift.
    public var blind = false
    /// A difference the platform cannot apply (an add-only kind): shown and reported as
    /// drift, never executed.
    public var reportOnly = false
    /// A delete of a second live object with the key of this address (a duplicate).
    public var duplicateOf: Address?

    public init(address: Address, action: ChangeAction, desired: Resource?, live: Resource?,
                fields: [FieldChange], reason: String? = nil) {
        self.address = address
        self.action = action
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
    public var symbol: String { reportOnly ? "!" : action.symbol }
    public var label: String {
        if blind { return "set on apply" }
        if reportOnly { return "differs" }
        if cleanup { return "delete of the previous version" }
        return action.rawValue
    }
}
