/// One declared (or live) object: its address, its typed fields, and for declared ones the
/// YAML node it came from, so later checks can point at the exact field.
public struct Resource: Sendable {
    public var address: Address
    public var fields: [String: Value]
    public var node: YAMLNode?
    /// Config path of the node, e.g. `providers.mts.find_me[0].rules[1]`.
    public var path: String

    public init(address: Address, fields: [String: Value], node: YAMLNode? = nil, path: String = "") {
        self.address = address
        self.fields = fields
        self.node = node
        self.path = path
    }

    public var mark: Mark? { node?.mark }

    /// The position of a field of this resource, falling back to the resource's own.
    public func mark(of field: String) -> Mark? {
        node?[field]?.mark ?? node?.mark
    }
}
