import KosmosAPI
import Logging

/// ClusterTree's top level in the host cluster: one set of ``MemberClusterControllers`` per Cluster with
/// `spec.clusterTreeOptions.enable`, restarted when the Cluster's spec changes and stopped when the Cluster goes,
/// is disabled or is being deleted; then its leaf nodes are removed. Leaf nodes of Clusters that no longer
/// exist are also removed at start (the Go Kosmos leaked them).
public final class ClusterTreeManager: Sendable {
    /// Settings of the manager.
    public struct Configuration: Sendable {
        /// Leaf-node timing.
        public var leafNodes: LeafNodeController.Configuration
        /// Requests per second the manager may send to each member apiserver (Go Kosmos: 40).
        public var memberQPS: Double
        /// Requests the manager may send to each member apiserver in a burst above `memberQPS` (Go Kosmos: 60).
        public var memberBurst: Int
        /// How many pods of one member are reconciled at once; each reconcile mostly waits on the apiservers.
        public var podWorkers: Int

        /// Creates a configuration.
        /// - Parameters:
        ///   - leafNodes: leaf-node timing.
        ///   - memberQPS: the steady request rate to each member (0: unlimited).
        ///   - memberBurst: the burst above it.
        ///   - podWorkers: concurrent pod reconciles per member.
        public init(leafNodes: LeafNodeController.Configuration = .init(), memberQPS: Double = 40,
                    memberBurst: Int = 60, podWorkers: Int = 16) {
            self.leafNodes = leafNodes
            self.memberQPS = memberQPS
            self.memberBurst = memberBurst
            self.podWorkers = podWorkers
        }
    }

    private let host: KubeClient
    private let configuration: Configuration
    private let logger: Logger
    private let hostInformers: SharedInformerFactory
    private let clusters: SharedInformer<Cluster>
    private let hostPods: SharedInformer<Pod>
    private let controller: Controller
    private let members: Members

    /// Creates a manager.
    /// - Parameters:
    ///   - host: client of the host cluster.
    ///   - configuration: settings.
    ///   - logger: where progress and failures go.
    public init(host: KubeClient, configuration: Configuration = .init(), logger: Logger) {
        self.host = host
        self.configuration = configuration
        self.logger = logger
        let factory = SharedInformerFactory(provider: host, logger: logger)
        let clusters = factory.informer(for: Cluster.self)
        let hostPods = SharedInformer<Pod>.trimmedPods(host, indexers: [PodIndex.byNode: PodIndex.nodeName],
                                                       logger: logger)
        let members = Members()
        hostInformers = factory
        self.clusters = clusters
        self.hostPods = hostPods
        self.members = members
        controller = Controller(
            name: "clustertree-clusters",
            reconciler: ReconcileFunction { key in
                try await Self.reconcile(key.name, clusters: clusters, hostInformers: factory, hostPods: hostPods,
                                         members: members, host: host, configuration: configuration,
                                         logger: logger)
            }, logger: logger)
        controller.watch(clusters)
    }

    /// The names of the member clusters whose controllers run.
    public var runningMembers: [String] { get async { await members.names } }

    /// Whether the host caches have synced and the cluster controller runs.
    public var isReady: Bool { controller.isReady }

    /// Runs until the task is cancelled, then stops every member's controllers.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.hostInformers.run() }
            group.addTask { await self.hostPods.run() }
            group.addTask {
                if await self.clusters.waitForCacheSync() { await self.removeOrphanLeafNodes() }
            }
            group.addTask { await self.controller.run() }
        }
        await members.stopAll()
    }

    private func removeOrphanLeafNodes() async {
        do {
            let nodes = try await host.listAll(Node.self,
                                               options: ListOptions(labelSelector: KosmosKeys.leafNode))
            let owners = Set(nodes.items.compactMap { $0.metadata.annotations[KosmosKeys.ownedByCluster] })
            for owner in owners where clusters.store.get(namespace: nil, name: owner) == nil {
                try await LeafNodeController.removeLeafNodes(ofCluster: owner, host: host)
            }
        } catch {
            logger.info("remove leaf nodes of deleted clusters: \(error)")
        }
    }

    private static func reconcile(_ name: String, clusters: SharedInformer<Cluster>,
                                  hostInformers: SharedInformerFactory, hostPods: SharedInformer<Pod>,
                                  members: Members, host: KubeClient, configuration: Configuration,
                                  logger: Logger) async throws -> ReconcileResult {
        let cluster = clusters.store.get(namespace: nil, name: name)
        guard let cluster, !cluster.metadata.isBeingDeleted, !LeafNodePlan.plans(for: cluster).isEmpty else {
            if await members.stop(name) { logger.info("stopped ClusterTree for cluster \(name)") }
            try await LeafNodeController.removeLeafNodes(ofCluster: name, host: host)
            return .done
        }
        let fingerprint = cluster.spec.description
        guard await members.fingerprint(of: name) != fingerprint else { return .done }
        _ = await members.stop(name)
        let client = try MemberClusterControllers.client(for: cluster, qps: configuration.memberQPS,
                                                         burst: configuration.memberBurst)
        let set = MemberClusterControllers(cluster: cluster, host: host, member: client,
                                           hostInformers: hostInformers, hostPods: hostPods,
                                           configuration: configuration.leafNodes,
                                           podWorkers: configuration.podWorkers, logger: logger)
        await members.start(name, fingerprint: fingerprint, set)
        logger.info("started ClusterTree for cluster \(name)")
        // Leaf nodes the new spec no longer names are removed by the leaf-node controller's first sync.
        return .done
    }
}

/// The running member controller sets, by Cluster name.
actor Members {
    private var running: [String: (fingerprint: String, task: Task<Void, Never>)] = [:]

    var names: [String] { running.keys.sorted() }

    func fingerprint(of name: String) -> String? { running[name]?.fingerprint }

    func start(_ name: String, fingerprint: String, _ set: MemberClusterControllers) {
        running[name] = (fingerprint, Task { await set.run() })
    }

    /// Stops a member's controllers and waits for them; returns whether they were running.
    func stop(_ name: String) async -> Bool {
        guard let entry = running.removeValue(forKey: name) else { return false }
        entry.task.cancel()
        await entry.task.value
        return true
    }

    func stopAll() async {
        for name in names { _ = await stop(name) }
    }
}
