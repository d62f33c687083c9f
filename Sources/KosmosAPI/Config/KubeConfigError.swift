/// A kubeconfig that cannot be used: names the file, the context/cluster/user and the field concerned.
public struct KubeConfigError: Error, Sendable, CustomStringConvertible, Hashable {
    /// The kubeconfig file (or files, comma-separated, when the problem concerns a merged configuration).
    public var file: String?
    /// The context concerned.
    public var context: String?
    /// The cluster concerned.
    public var cluster: String?
    /// The user (auth info) concerned.
    public var user: String?
    /// The field concerned, with its kubeconfig spelling (e.g. `client-key-data`).
    public var field: String?
    /// What is wrong.
    public var message: String

    /// Creates an error; set the fields that locate the problem.
    public init(file: String? = nil, context: String? = nil, cluster: String? = nil, user: String? = nil,
                field: String? = nil, message: String) {
        self.file = file
        self.context = context
        self.cluster = cluster
        self.user = user
        self.field = field
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        parts.append("kubeconfig \(file ?? "<in memory>")")
        if let context { parts.append("context \"\(context)\"") }
        if let cluster { parts.append("cluster \"\(cluster)\"") }
        if let user { parts.append("user \"\(user)\"") }
        if let field { parts.append("field \(field)") }
        return parts.joined(separator: ": ") + ": " + message
    }
}
