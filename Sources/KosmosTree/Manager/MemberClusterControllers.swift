import KosmosAPI
import Logging

/// The controllers ClusterTree runs for one member cluster: its leaf nodes and its pods.
public final class MemberClusterControllers: Sendable {
    /// The member Cluster's name.
    public let clusterName: String
    /// Its leaf nodes.
    public let leafNodes: LeafNodeController
    /// Its pods.
    public let pods: PodSyncController
    private let memberInformers: SharedInformerFactory

    /// Creates the controllers of one member.
    /// - Parameters:
    ///   - cluster: the member Cluster.
    ///   - host: client of the host cluster.
    ///   - member: client of the member cluster.
    ///   - hostPods: the shared informer of all host pods (run by the caller).
    ///   - configuration: leaf-node timing.
    ///   - logger: where failures go.
    public init(cluster: Cluster, host: KubeClient, member: KubeClient, hostPods: SharedInformer<Pod>,
                configuration: LeafNodeController.Configuration = .init(), logger: Logger) {
        let name = cluster.metadata.name ?? ""
        let plans = LeafNodePlan.plans(for: cluster)
        clusterName = name
        let factory = SharedInformerFactory(provider: member, logger: logger)
        memberInformers = factory
        leafNodes = LeafNodeController(clusterName: name, plans: plans, host: host, member: member,
                                       configuration: configuration, logger: logger)
        pods = PodSyncController(clusterName: name, plans: plans, host: host, member: member, hostPods: hostPods,
                                 memberPods: factory.informer(for: Pod.self), logger: logger)
    }

    /// Runs everything until the task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.memberInformers.run() }
            group.addTask { await self.leafNodes.run() }
            group.addTask { await self.pods.run() }
        }
    }

    /// Builds a client of a member cluster from its Cluster's `spec.kubeconfig`.
    /// - Parameter cluster: the member Cluster.
    /// - Returns: the client.
    /// - Throws: ``ClusterTreeError`` naming the Cluster when the kubeconfig is missing or unusable.
    public static func client(for cluster: Cluster) throws -> KubeClient {
        let name = cluster.metadata.name ?? ""
        guard let bytes = cluster.spec.kubeconfig, !bytes.isEmpty else {
            throw ClusterTreeError("Cluster \(name): spec.kubeconfig is empty")
        }
        do {
            var config = try KubeConfig(yaml: String(decoding: bytes, as: UTF8.self)).clientConfig()
            // Upstream's leaf clients: QPS 40, burst 60.
            config.qps = 40
            config.burst = 60
            return try KubeClient(config: config)
        } catch {
            throw ClusterTreeError("Cluster \(name): spec.kubeconfig: \(error)")
        }
    }
}

/// A ClusterTree failure with a message naming the object and field.
public struct ClusterTreeError: Error, Sendable, CustomStringConvertible {
    /// The message.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
