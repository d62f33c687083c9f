/// The cache key of an object: `namespace/name`, or `name` for cluster-scoped objects (client-go's
/// `MetaNamespaceKeyFunc`).
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The namespace; empty for cluster-scoped objects.
    public var namespace: String
    /// The name.
    public var name: String

    /// - Parameters:
    ///   - namespace: the namespace; `nil` or empty for cluster-scoped objects.
    ///   - name: the object's name.
    public init(namespace: String?, name: String) {
        self.namespace = namespace ?? ""
        self.name = name
    }

    /// Parses `namespace/name` or `name`.
    public init(_ string: String) {
        if let slash = string.firstIndex(of: "/") {
            namespace = String(string[..<slash])
            name = String(string[string.index(after: slash)...])
        } else {
            namespace = ""
            name = string
        }
    }

    /// The key of an object, from its `metadata.namespace` and `metadata.name`.
    public init(of object: some JSONBacked) {
        let meta = object.json["metadata"]
        self.init(namespace: meta?["namespace"]?.stringValue, name: meta?["name"]?.stringValue ?? "")
    }

    /// `namespace/name`, or `name` when cluster-scoped.
    public var description: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}
