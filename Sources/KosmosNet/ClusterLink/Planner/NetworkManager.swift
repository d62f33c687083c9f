import KosmosAPI
import Logging
import Synchronization

/// The ClusterLink network-manager: keeps one NodeConfig per valid ClusterNode in the host cluster, as
/// `NodeConfigPlanner` computes it.
///
/// It watches Clusters, ClusterNodes and NodeConfigs through shared informers. Every event marks the whole plan
/// dirty (one work-queue key, so bursts collapse into one recomputation); a recomputation creates the NodeConfigs
/// that are missing, updates only those whose lists changed, and deletes those whose node vanished. A failed write
/// retries the whole plan with backoff. With leader election on, only the leader plans and writes.
public final class NetworkManager: Sendable {
    /// How the manager runs.
    public struct Configuration: Sendable {
        /// Leader election (`nil` runs without it, for a single replica or tests).
        public var leaderElection: LeaderElectionConfig?
        /// The namespace of the election's Lease.
        public var leaseNamespace: String
        /// The name of the election's Lease.
        public var leaseName: String
        /// How often every object is revisited even without events (`nil`: never).
        public var resyncPeriod: Duration?

        /// - Parameters:
        ///   - leaderElection: identity and timing of the election, or `nil` to always lead.
        ///   - leaseNamespace: `kosmos-system` by default.
        ///   - leaseName: `clusterlink-network-manager` by default.
        ///   - resyncPeriod: 5 minutes by default.
        public init(leaderElection: LeaderElectionConfig?, leaseNamespace: String = "kosmos-system",
                    leaseName: String = "clusterlink-network-manager", resyncPeriod: Duration? = .seconds(300)) {
            self.leaderElection = leaderElection
            self.leaseNamespace = leaseNamespace
            self.leaseName = leaseName
            self.resyncPeriod = resyncPeriod
        }
    }

    /// What the last recomputation did.
    public struct SyncResult: Sendable, Hashable {
        /// Names of the NodeConfigs created.
        public var created: [String]
        /// Names of the NodeConfigs updated.
        public var updated: [String]
        /// Names of the NodeConfigs deleted.
        public var deleted: [String]
        /// The planner's warnings, as text.
        public var warnings: [String]
    }

    private let client: KubeClient
    private let configuration: Configuration
    private let logger: Logger
    private let last = Mutex<SyncResult?>(nil)
    private let syncCount = Mutex(0)

    /// The single work-queue key: any change replans everything.
    private static let planKey = "plan"

    /// Creates a manager.
    /// - Parameters:
    ///   - client: the host cluster.
    ///   - configuration: election and resync settings.
    ///   - logger: where the manager logs (at `info` and below).
    public init(
        client: KubeClient, configuration: Configuration,
        logger: Logger = Logger(label: "kosmos.network-manager")
    ) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
    }

    /// What the last successful recomputation did; `nil` before the first.
    public var lastSync: SyncResult? { last.withLock { $0 } }

    /// How many recomputations have completed successfully.
    public var completedSyncs: Int { syncCount.withLock { $0 } }

    /// Runs until the calling task is cancelled or, with leader election, until leadership is lost.
    public func run() async {
        guard let election = configuration.leaderElection else {
            await lead()
            return
        }
        let store = KubeLeaseStore(
            client: client, namespace: configuration.leaseNamespace, name: configuration.leaseName)
        let elector = LeaderElector(
            store: store, config: election, logger: logger, onStartedLeading: { await self.lead() })
        await elector.run()
    }

    /// Watches and plans until cancelled.
    private func lead() async {
        let factory = SharedInformerFactory(provider: client, resyncPeriod: configuration.resyncPeriod, logger: logger)
        let clusters = factory.informer(for: Cluster.self)
        let nodes = factory.informer(for: ClusterNode.self)
        let configs = factory.informer(for: NodeConfig.self)
        let queue = WorkQueue<String>()
        let mark: @Sendable () -> Void = { queue.add(Self.planKey) }
        clusters.addEventHandler { _ in mark() }
        nodes.addEventHandler { _ in mark() }
        configs.addEventHandler { _ in mark() }

        await withDiscardingTaskGroup { group in
            group.addTask { await factory.run() }
            await withTaskCancellationHandler {
                guard await factory.waitForCacheSync() else { return }
                queue.add(Self.planKey)
                while let key = await queue.get() {
                    do {
                        try await self.sync(
                            clusters: clusters.store.list(), nodes: nodes.store.list(), existing: configs.store.list())
                        queue.forget(key)
                    } catch {
                        self.logger.info("planning NodeConfigs failed, will retry: \(error)")
                        queue.addRateLimited(key)
                    }
                    queue.done(key)
                }
            } onCancel: {
                queue.shutDown()
            }
            group.cancelAll()
        }
    }

    /// Plans from the given objects and writes the difference.
    /// - Throws: the first `KubeError` or transport error of a write; the writes before it stay done.
    func sync(clusters: [Cluster], nodes: [ClusterNode], existing: [NodeConfig]) async throws {
        let report = NodeConfigPlanner.planReport(clusters: clusters, clusterNodes: nodes, existing: existing)
        let plan = NodeConfigPlan(desired: report.nodeConfigs, existing: existing)
        for c in plan.create {
            do {
                _ = try await client.create(c)
            } catch let e as KubeError where e.isAlreadyExists {
                // The cache is behind; the informer event will bring another round.
                logger.debug("NodeConfig \(c.name) already exists")
            }
        }
        for u in plan.update {
            _ = try await client.update(u)
        }
        for d in plan.delete {
            do {
                try await client.delete(NodeConfig.self, namespace: nil, name: d.name)
            } catch let e as KubeError where e.isNotFound {
                continue
            }
        }
        if !plan.isEmpty {
            logger.info(
                "NodeConfigs written",
                metadata: [
                    "created": "\(plan.create.count)", "updated": "\(plan.update.count)",
                    "deleted": "\(plan.delete.count)",
                ])
        }
        let result = SyncResult(
            created: plan.create.map(\.name), updated: plan.update.map(\.name), deleted: plan.delete.map(\.name),
            warnings: report.warnings.map(\.description))
        let previousWarnings = last.withLock { state -> [String]? in
            defer { state = result }
            return state?.warnings
        }
        if result.warnings != previousWarnings {
            for w in result.warnings { logger.info("left out of the plan: \(w)") }
        }
        syncCount.withLock { $0 += 1 }
    }
}
