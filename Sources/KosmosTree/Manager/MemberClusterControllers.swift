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
    private let memberPods: SharedInformer<Pod>
    private let hostPods: SharedInformer<Pod>

    /// Creates the controllers of one member.
    /// - Parameters:
    ///   - cluster: the member Cluster.
    ///   - host: client of the host cluster.
    ///   - member: client of the member cluster.
    ///   - hostPods: the shared informer of all host pods (run by the caller).
    ///   - configuration: leaf-node timing.
    ///   - podWorkers: how many of the member's pods are reconciled at once.
    ///   - logger: where failures go.
    public init(cluster: Cluster, host: KubeClient, member: KubeClient, hostPods: SharedInformer<Pod>,
                configuration: LeafNodeController.Configuration = .init(), podWorkers: Int = 4, logger: Logger) {
        let name = cluster.metadata.name ?? ""
        let plans = LeafNodePlan.plans(for: cluster)
        clusterName = name
        let memberPods = SharedInformer<Pod>.trimmedPods(member, logger: logger)
        self.memberPods = memberPods
        self.hostPods = hostPods
        leafNodes = LeafNodeController(clusterName: name, plans: plans, host: host, member: member,
                                       memberPods: memberPods, configuration: configuration, logger: logger)
        pods = PodSyncController(clusterName: name, plans: plans, host: host, member: member, hostPods: hostPods,
                                 memberPods: memberPods, workers: podWorkers, logger: logger)
    }

    /// Runs everything until the task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.memberPods.run() }
            group.addTask { await self.leafNodes.run(onReturn: { self.requeuePods() }) }
            group.addTask { await self.pods.run() }
        }
    }

    /// Queues every host pod on this member's leaf nodes at once, forgetting their backoff: after an outage,
    /// pods whose reconciles failed meanwhile would otherwise wait out per-key delays of up to minutes.
    private func requeuePods() {
        let leaves = Set(leafNodes.plans.map(\.name))
        for pod in hostPods.store.list() where leaves.contains(pod.spec.nodeName ?? "") {
            let key = ObjectKey(of: pod)
            pods.controller.queue.forget(key)
            pods.controller.enqueue(key)
        }
    }

    /// Builds a client of a member cluster from its Cluster's `spec.kubeconfig`.
    /// - Parameters:
    ///   - cluster: the member Cluster.
    ///   - qps: steady request rate (Go Kosmos' leaf clients: 40; 0: unlimited).
    ///   - burst: requests allowed above it in a burst (Go Kosmos: 60).
    /// - Returns: the client.
    /// - Throws: ``ClusterTreeError`` naming the Cluster when the kubeconfig is missing or unusable.
    public static func client(for cluster: Cluster, qps: Double = 40, burst: Int = 60) throws -> KubeClient {
        let name = cluster.metadata.name ?? ""
        guard let bytes = cluster.spec.kubeconfig, !bytes.isEmpty else {
            throw ClusterTreeError("Cluster \(name): spec.kubeconfig is empty")
        }
        do {
            var config = try KubeConfig(yaml: String(decoding: bytes, as: UTF8.self)).clientConfig()
            config.qps = qps
            config.burst = burst
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
