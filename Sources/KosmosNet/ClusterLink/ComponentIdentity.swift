import Glibc

/// Which member cluster and which node a ClusterLink component serves.
///
/// Flags win; otherwise the environment a pod gets through the downward API (`CLUSTER_NAME`, `NODE_NAME`);
/// the node falls back to the machine's host name, as a DaemonSet pod's node usually matches it.
public struct ComponentIdentity: Sendable, Equatable {
    /// The member cluster's name (its Cluster object in the host).
    public var clusterName: String
    /// The node's name.
    public var nodeName: String

    /// Resolves the identity.
    /// - Parameters:
    ///   - clusterName: the `--cluster-name` flag, if given.
    ///   - nodeName: the `--node-name` flag, if given.
    ///   - environment: the process environment (defaults to the real one).
    /// - Throws: ``ComponentIdentityError`` when no cluster name is given anywhere.
    public init(clusterName: String?, nodeName: String?,
                environment: [String: String] = ComponentIdentity.processEnvironment()) throws(ComponentIdentityError) {
        guard let cluster = Self.nonEmpty(clusterName) ?? Self.nonEmpty(environment["CLUSTER_NAME"]) else {
            throw ComponentIdentityError()
        }
        self.clusterName = cluster
        self.nodeName = Self.nonEmpty(nodeName) ?? Self.nonEmpty(environment["NODE_NAME"]) ?? Self.hostName()
    }

    /// The environment of this process as a dictionary.
    public static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return result
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// No member cluster name was given.
public struct ComponentIdentityError: Error, Sendable, CustomStringConvertible {
    /// Explains what to set.
    public var description: String { "the member cluster's name is required: pass --cluster-name or set $CLUSTER_NAME" }
}
