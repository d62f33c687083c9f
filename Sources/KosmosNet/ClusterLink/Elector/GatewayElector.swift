import KosmosAPI
import Logging
import Synchronization

/// The rule of gateway election, as a pure function.
public enum GatewayElection {
    /// The ClusterNodes that must change so that the node `gatewayNode` of `cluster` is its only gateway.
    ///
    /// Nodes of other clusters are never touched. Role names compare case-insensitively (`Gateway` counts) and
    /// duplicates collapse; roles other than `gateway` are kept in order.
    /// - Returns: the updated ClusterNodes, in input order.
    public static func changes(cluster: String, gatewayNode: String, clusterNodes: [ClusterNode]) -> [ClusterNode] {
        var changed: [ClusterNode] = []
        for node in clusterNodes where node.spec.clusterName == cluster {
            let shouldLead = node.spec.nodeName == gatewayNode
            var roles: [ClusterNodeRole] = []
            for role in node.spec.roles where role.rawValue.lowercased() != ClusterNodeRole.gateway.rawValue {
                if !roles.contains(role) { roles.append(role) }
            }
            if shouldLead { roles.append(.gateway) }
            if roles != node.spec.roles {
                var updated = node
                updated.spec.roles = roles
                changed.append(updated)
            }
        }
        return changed
    }
}

/// Settings of a ``GatewayElector``.
public struct GatewayElectorConfiguration: Sendable {
    /// The member cluster's name (ClusterNode `spec.clusterName`).
    public var clusterName: String
    /// The node this elector runs on (ClusterNode `spec.nodeName`); it becomes the gateway while it leads.
    public var nodeName: String
    /// Where the election Lease lives in the member cluster.
    public var leaseNamespace: String
    public var leaseName: String
    /// Lease timing. A dead gateway is replaced about `leaseDuration` + `retryPeriod` after its last renewal;
    /// the defaults (5 s, 3 s, 1 s) keep the whole failover under 10 s.
    public var leaseDuration: Duration
    public var renewDeadline: Duration
    public var retryPeriod: Duration
    /// How often the leader re-checks the roles (also right after winning).
    public var resyncInterval: Duration

    /// Describes an elector.
    public init(clusterName: String, nodeName: String, leaseNamespace: String = "kosmos-system",
                leaseName: String = "clusterlink-elector", leaseDuration: Duration = .seconds(5),
                renewDeadline: Duration = .seconds(3), retryPeriod: Duration = .seconds(1),
                resyncInterval: Duration = .seconds(10)) {
        self.clusterName = clusterName
        self.nodeName = nodeName
        self.leaseNamespace = leaseNamespace
        self.leaseName = leaseName
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.resyncInterval = resyncInterval
    }
}

/// Keeps exactly one gateway per member cluster: every node of the cluster runs one elector; they compete for a
/// Lease in the member cluster, and the holder marks its own ClusterNode (in the cluster holding the ClusterNodes)
/// with role `gateway` and removes the role from every other node of its cluster.
///
/// When the gateway node dies its lease runs out and another node's elector takes over and moves the role; the
/// network-manager then replans and the agents reprogram. Unlike the Go elector, losing leadership does not end
/// the process: the elector campaigns again until its task is cancelled.
public final class GatewayElector: Sendable {
    /// The elector's settings.
    public let configuration: GatewayElectorConfiguration
    private let memberClient: KubeClient
    private let hostClient: KubeClient
    private let logger: Logger
    private let leading = Mutex(false)

    /// Creates an elector.
    /// - Parameters:
    ///   - memberClient: a client of the member cluster (the Lease lives there).
    ///   - hostClient: a client of the cluster holding ClusterNodes (the same client for a single cluster).
    ///   - configuration: names and timing.
    public init(memberClient: KubeClient, hostClient: KubeClient, configuration: GatewayElectorConfiguration,
                logger: Logger = Logger(label: "kosmos.clusterlink.elector")) {
        self.memberClient = memberClient
        self.hostClient = hostClient
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "cluster"] = "\(configuration.clusterName)"
        logger[metadataKey: "node"] = "\(configuration.nodeName)"
        self.logger = logger
    }

    /// Whether this elector holds the lease now.
    public var isLeading: Bool { leading.withLock { $0 } }

    /// Campaigns and, while leading, keeps the roles right; runs until the calling task is cancelled.
    public func run() async {
        let config = LeaderElectionConfig(
            identity: configuration.nodeName, leaseDuration: configuration.leaseDuration,
            renewDeadline: configuration.renewDeadline, retryPeriod: configuration.retryPeriod, releaseOnCancel: false)
        let store = KubeLeaseStore(client: memberClient, namespace: configuration.leaseNamespace,
                                   name: configuration.leaseName)
        while !Task.isCancelled {
            await ensureLeaseNamespace()
            let elector = LeaderElector(store: store, config: config, logger: logger, onStartedLeading: {
                self.leading.withLock { $0 = true }
                await self.lead()
            }, onStoppedLeading: {
                self.leading.withLock { $0 = false }
            })
            await elector.run()
            try? await Task.sleep(for: configuration.retryPeriod)
        }
    }

    /// While leading: reconciles at once, on every ClusterNode change (a new node, a role edited by hand), and
    /// every resync interval, reading ClusterNodes from the informer's cache.
    private func lead() async {
        let trigger = SyncTrigger()
        let informer = SharedInformer(listerWatcher: KubeListerWatcher<ClusterNode>(client: hostClient))
        let cluster = configuration.clusterName
        informer.addEventHandler { event in
            if event.object.spec.clusterName == cluster { trigger.request() }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await informer.run() }
            group.addTask {
                guard await informer.waitForCacheSync() else { return }
                await trigger.run(resyncEvery: self.configuration.resyncInterval,
                                  onError: { self.logger.info("gateway roles not updated: \($0)") }) {
                    try await self.reconcile(clusterNodes: informer.store.list())
                }
            }
        }
    }

    /// Makes this node the only gateway of its cluster, reading the ClusterNodes from the API.
    /// - Throws: the client's error; conflicting updates are retried by the next round.
    public func reconcile() async throws {
        try await reconcile(clusterNodes: hostClient.listAll(ClusterNode.self).items)
    }

    private func reconcile(clusterNodes: [ClusterNode]) async throws {
        let updates = GatewayElection.changes(cluster: configuration.clusterName, gatewayNode: configuration.nodeName,
                                              clusterNodes: clusterNodes)
        for node in updates {
            _ = try await hostClient.update(node)
            logger.info("roles of \(node.name): \(node.spec.roles.map(\.rawValue))")
        }
    }

    private func ensureLeaseNamespace() async {
        var namespace = Namespace(name: configuration.leaseNamespace)
        namespace.metadata.labels = ["kosmos.io/managed": "true"]
        _ = try? await memberClient.create(namespace)
    }
}
