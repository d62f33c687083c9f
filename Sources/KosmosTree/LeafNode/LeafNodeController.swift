import KosmosAPI
import Logging

/// Keeps the host's virtual nodes of one member cluster in step with it: creates them, refreshes labels,
/// taints, resources, the `kosmos.io/member-node-free` annotation and conditions, renews their Leases, and
/// removes the ones the Cluster no longer asks for.
///
/// When the member apiserver does not answer, the leaf nodes turn `Ready=False` (reason `ClusterNotReachable`)
/// and keep their last resources; their Leases are no longer renewed, as a kubelet that lost its node would.
/// Nothing here deletes or evicts host pods: ClusterTree itself never evicts, and the pod controller gives every
/// synced host pod unlimited tolerations of the `node.kubernetes.io/not-ready` and
/// `node.kubernetes.io/unreachable` NoExecute taints (see ``PodConversion/noEvictionTolerations``), so a
/// node-lifecycle controller's taint-based eviction leaves them alone until the member returns.
public final class LeafNodeController: Sendable {
    /// Timing of the controller.
    public struct Configuration: Sendable {
        /// How often the member is read and the leaf nodes and Leases are refreshed (Go Kosmos: 10 s).
        public var syncInterval: Duration
        /// The Lease duration written on each leaf node's Lease (Go Kosmos: 40 s).
        public var leaseDurationSeconds: Int32

        /// Creates a configuration.
        public init(syncInterval: Duration = .seconds(10), leaseDurationSeconds: Int32 = 40) {
            self.syncInterval = syncInterval
            self.leaseDurationSeconds = leaseDurationSeconds
        }
    }

    /// The member Cluster's name.
    public let clusterName: String
    /// The leaf nodes kept for it.
    public let plans: [LeafNodePlan]
    private let host: KubeClient
    private let member: KubeClient
    private let memberPods: MemberPodUsage?
    private let configuration: Configuration
    private let logger: Logger

    /// Creates a controller.
    /// - Parameters:
    ///   - clusterName: the member Cluster's name.
    ///   - plans: its leaf nodes (``LeafNodePlan/plans(for:)``).
    ///   - host: client of the host cluster, where the virtual nodes live.
    ///   - member: client of the member cluster.
    ///   - memberPods: an informer of the member's pods run by the caller; once synced, what its events say of
    ///     each pod's node, phase and requests replaces listing every member pod each round (which grows with
    ///     the member's pods).
    ///   - configuration: timing.
    ///   - logger: where sync failures go.
    public init(clusterName: String, plans: [LeafNodePlan], host: KubeClient, member: KubeClient,
                memberPods: SharedInformer<Pod>? = nil, configuration: Configuration = .init(), logger: Logger) {
        self.clusterName = clusterName
        self.plans = plans
        self.host = host
        self.member = member
        self.memberPods = memberPods.map(MemberPodUsage.init(pods:))
        self.configuration = configuration
        self.logger = logger
    }

    /// Syncs every `syncInterval` until the task is cancelled.
    /// - Parameter onReturn: called when the member apiserver answers again after a round it did not.
    public func run(onReturn: @Sendable () async -> Void = {}) async {
        var wasReachable = true
        while !Task.isCancelled {
            let reachable = await syncOnce()
            if reachable && !wasReachable { await onReturn() }
            wasReachable = reachable
            try? await Task.sleep(for: configuration.syncInterval)
        }
    }

    /// Reads the member once and writes every leaf node, its status and Lease; failures are logged.
    /// - Returns: whether the member apiserver answered.
    @discardableResult
    public func syncOnce() async -> Bool {
        var nodes: [Node] = []
        var pods: [PodUsage] = []
        var failure: String?
        do {
            // The node list also tells whether the member answers.
            nodes = try await member.listAll(Node.self).items
            if let memberPods, memberPods.hasSynced {
                pods = memberPods.all
            } else {
                pods = try await member.listAll(Pod.self).items.compactMap(PodUsage.init(of:))
            }
        } catch {
            failure = "\(error)"
            logger.info("member cluster \(clusterName) unreachable: \(error)")
        }
        let reachable = failure == nil
        for plan in plans {
            do {
                let node = try await apply(plan, members: nodes.filter(plan.includes), pods: pods,
                                           reachable: reachable, failure: failure)
                if reachable { try await renewLease(of: node) }
            } catch {
                logger.info("leaf node \(plan.name) of cluster \(clusterName): \(error)")
            }
        }
        do {
            try await Self.removeLeafNodes(ofCluster: clusterName, keeping: Set(plans.map(\.name)), host: host)
        } catch {
            logger.info("remove stale leaf nodes of cluster \(clusterName): \(error)")
        }
        return reachable
    }

    // MARK: - Node

    private func apply(_ plan: LeafNodePlan, members: [Node], pods: [PodUsage], reachable: Bool,
                       failure: String?) async throws -> Node {
        var node: Node
        var exists = true
        do { node = try await host.get(Node.self, name: plan.name) } catch let e as KubeError where e.isNotFound {
            node = Node(name: plan.name)
            exists = false
        }
        let resources = LeafResources(nodes: members, usage: pods)
        var meta = node.metadata
        if reachable || !exists {
            for (k, v) in VirtualNode.labels(for: plan, members: members) { meta.labels[k] = v }
        }
        meta.annotations[KosmosKeys.ownedByCluster] = plan.cluster
        meta.annotations[TreeKeys.leafNodeMode] = plan.mode.rawValue
        if reachable { meta.annotations[KosmosKeys.memberNodeFree] = MemberNodeFreeEntry.render(resources.memberNodes) }
        var spec = node.spec
        // Taints of the node lifecycle controller stay; the rest are ours to set.
        spec.taints = VirtualNode.taints(for: plan)
            + node.spec.taints.filter { $0.key.hasPrefix("node.kubernetes.io/") }
        if !exists {
            node.metadata = meta
            node.spec = spec
            node = try await host.create(node)
        } else if meta != node.metadata || spec != node.spec {
            node.metadata = meta
            node.spec = spec
            node = try await host.update(node)
        }
        var status = node.status
        status.conditions = VirtualNode.conditions(reachable: reachable, message: failure, now: .now(),
                                                   previous: status.conditions)
        if reachable {
            status.capacity = resources.allocatable
            status.allocatable = resources.allocatable
            status.addresses = VirtualNode.addresses(members: members)
            status.nodeInfo = VirtualNode.nodeInfo(members: members)
            var endpoints = status.daemonEndpoints
            endpoints.kubeletPort = VirtualNode.kubeletPort
            status.daemonEndpoints = endpoints
        }
        node.status = status
        return try await host.updateStatus(node)
    }

    // MARK: - Lease

    private func renewLease(of node: Node) async throws {
        let name = node.metadata.name ?? ""
        do {
            var lease = try await host.get(Lease.self, namespace: TreeKeys.nodeLeaseNamespace, name: name)
            lease.spec.holderIdentity = name
            lease.spec.leaseDurationSeconds = configuration.leaseDurationSeconds
            lease.spec.renewTime = .now()
            _ = try await host.update(lease)
        } catch let e as KubeError where e.isNotFound {
            var lease = Lease(name: name, namespace: TreeKeys.nodeLeaseNamespace)
            lease.metadata.ownerReferences = [
                OwnerReference(apiVersion: "v1", kind: "Node", name: name, uid: node.metadata.uid ?? ""),
            ]
            lease.spec.holderIdentity = name
            lease.spec.leaseDurationSeconds = configuration.leaseDurationSeconds
            lease.spec.renewTime = .now()
            do { _ = try await host.create(lease) } catch let e as KubeError where e.isNotFound {
                // The lease namespace is missing (a bare apiserver): make it, the next round creates the Lease.
                _ = try? await host.create(Namespace(name: TreeKeys.nodeLeaseNamespace))
            }
        }
    }

    // MARK: - Removal

    /// Deletes the host's leaf nodes of a cluster (found by their `kosmos-io/owned-by-cluster` annotation).
    /// - Parameters:
    ///   - cluster: the Cluster's name.
    ///   - keeping: node names to keep.
    ///   - host: client of the host cluster.
    /// - Throws: `KubeError` or a transport error from listing or deleting.
    public static func removeLeafNodes(ofCluster cluster: String, keeping: Set<String> = [],
                                       host: KubeClient) async throws {
        let options = ListOptions(labelSelector: KosmosKeys.leafNode)
        let nodes = try await host.listAll(Node.self, options: options).items
        for node in nodes where node.metadata.annotations[KosmosKeys.ownedByCluster] == cluster {
            guard let name = node.metadata.name, !keeping.contains(name) else { continue }
            do { try await host.delete(Node.self, namespace: nil, name: name) } catch let e as KubeError
                where e.isNotFound {}
            do { try await host.delete(Lease.self, namespace: TreeKeys.nodeLeaseNamespace, name: name) } catch
                let e as KubeError where e.isNotFound {}
        }
    }
}
