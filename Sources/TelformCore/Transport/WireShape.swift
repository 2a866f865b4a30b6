/// The shapes a read must find. A 2xx answer whose body is not what the document shows is an
/// error naming the call — never an empty scope: an empty scope would plan the deletion of
/// everything the file owns there.
public enum WireShape {
    public struct Unexpected: Error, CustomStringConvertible {
        public var call: String
        public var got: String

        public init(call: String, got: String) {
            self.call = call
            self.got = got
        }

        public var description: String {
            "the answer to \(call) is not the documented shape (\(got)); nothing is planned from it"
        }
    }

    /// `node` as a list, or the error naming `call`.
    public static func list(_ node: JSONNode?, _ call: String) throws -> [JSONNode] {
        guard let items = node?.array else { throw Unexpected(call: call, got: describe(node)) }
        return items
    }

    /// `node` as an object (its `node`), or the error naming `call`.
    public static func object(_ node: JSONNode?, _ call: String) throws -> JSONNode {
        guard let node, case .object = node else { throw Unexpected(call: call, got: describe(node)) }
        return node
    }

    public static func describe(_ node: JSONNode?) -> String {
        switch node {
        case nil: return "the expected field is missing"
        case .null?: return "null"
        case .bool?: return "a boolean"
        case .int?, .double?: return "a number"
        case .string?: return "a string"
        case .array?: return "a list"
        case .object?: return "an object"
        }
    }
}
