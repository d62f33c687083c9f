import KosmosAPI
import Logging
import Synchronization

/// Settings of a ``ClusterLinkControllerManager``.
public struct ClusterLinkControllerManagerConfiguration: Sendable {
    /// The member cluster's name (its Cluster object in the host).
    public var clusterName: String
    /// How often everything is re-checked without a change notice (the Go controller's orphan sweep is 60 s).
    public var resyncInterval: Duration
    /// How long CIDRs found are trusted before the sources are asked again.
    public var discoveryInterval: Duration

    /// Describes a controller manager.
    public init(clusterName: String, resyncInterval: Duration = .seconds(60), discoveryInterval: Duration = .seconds(30)) {
        self.clusterName = clusterName
        self.resyncInterval = resyncInterval
        self.discoveryInterval = discoveryInterval
    }
}

/// The member-cluster side of ClusterLink's control plane, one per member cluster:
///
/// - fills the Cluster's `status.clusterLinkStatus` with the member's pod and service CIDRs
///   (``ClusterCIDRDiscovery``);
/// - keeps one ClusterNode `<cluster>-<node>` per member Node (label `kosmos.io/cluster`, `spec.clusterName`,
///   `spec.nodeName`, `spec.podCIDRs` from the Node unless the CNI is Calico), skipping virtual nodes
///   (`kosmos.io/node=true`) and excluded ones (`kosmos.io/exclude=true`), and deletes ClusterNodes whose Node is
///   gone;
/// - holds finalizer `kosmos.io/cluster-start-finalizer` on the Cluster: when the Cluster is deleted it deletes the
///   cluster's ClusterNodes first (the network-manager then drops their NodeConfigs and the agents tear down).
///
/// Fields other components own (interfaceName, ip, ip6 by the agent; roles by the elector) are never overwritten.
public final class ClusterLinkControllerManager: Sendable {
    /// The finalizer held on the Cluster.
    public static let finalizer = "kosmos.io/cluster-start-finalizer"

    /// The settings.
    public let configuration: ClusterLinkControllerManagerConfiguration
    private let memberClient: KubeClient
    private let hostClient: KubeClient
    private let logger: Logger
    private struct Discovered {
        var podCIDRs: [String]
        var serviceCIDRs: [String]
        var at: ContinuousClock.Instant
    }
    private let discovered = Mutex<Discovered?>(nil)

    /// Creates a controller manager.
    /// - Parameters:
    ///   - memberClient: a client of the member cluster (Nodes, CNI objects, kube-apiserver pods).
    ///   - hostClient: a client of the cluster holding Cluster and ClusterNode objects.
    public init(memberClient: KubeClient, hostClient: KubeClient,
                configuration: ClusterLinkControllerManagerConfiguration,
                logger: Logger = Logger(label: "kosmos.clusterlink.controller-manager")) {
        self.memberClient = memberClient
        self.hostClient = hostClient
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "cluster"] = "\(configuration.clusterName)"
        self.logger = logger
    }

    /// Syncs on every change of the member's Nodes, the Cluster or ClusterNodes, and every resync interval,
    /// until the calling task is cancelled. Passes read the informers' caches.
    public func run() async {
        let trigger = SyncTrigger()
        let nodes = SharedInformer(listerWatcher: KubeListerWatcher<Node>(client: memberClient))
        let clusters = SharedInformer(listerWatcher: KubeListerWatcher<Cluster>(
            client: hostClient, fieldSelector: "metadata.name=\(configuration.clusterName)"))
        let clusterNodes = SharedInformer(listerWatcher: KubeListerWatcher<ClusterNode>(client: hostClient))
        // Node heartbeats change only status; the spec and labels are what matter here.
        nodes.addEventHandler { event in
            if case .updated(let old, let new) = event, old.metadata.labels == new.metadata.labels,
               old.spec.podCIDRs == new.spec.podCIDRs { return }
            trigger.request()
        }
        clusters.addEventHandler { _ in trigger.request() }
        clusterNodes.addEventHandler { _ in trigger.request() }
        let name = configuration.clusterName
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await nodes.run() }
            group.addTask { await clusters.run() }
            group.addTask { await clusterNodes.run() }
            group.addTask {
                for informer in [nodes.waitForCacheSync, clusters.waitForCacheSync, clusterNodes.waitForCacheSync] {
                    guard await informer() else { return }
                }
                await trigger.run(resyncEvery: self.configuration.resyncInterval, debounce: .milliseconds(100),
                                  onError: { self.logger.info("sync failed, retrying: \($0)") }) {
                    try await self.sync(cluster: clusters.store.get(namespace: nil, name: name),
                                        clusterNodes: clusterNodes.store.list(), memberNodes: nodes.store.list())
                }
            }
        }
    }

    /// One pass over the Cluster, its CIDRs and its ClusterNodes, reading them from the API.
    /// - Throws: the first client error (the next pass retries).
    public func sync() async throws {
        let cluster: Cluster?
        do {
            cluster = try await hostClient.get(Cluster.self, name: configuration.clusterName)
        } catch let error as KubeError where error.isNotFound {
            cluster = nil
        }
        try await sync(cluster: cluster, clusterNodes: hostClient.listAll(ClusterNode.self).items,
                       memberNodes: memberClient.listAll(Node.self).items)
    }

    private func sync(cluster: Cluster?, clusterNodes: [ClusterNode], memberNodes: [Node]) async throws {
        let name = configuration.clusterName
        guard var cluster else { return }
        let ours = clusterNodes.filter { $0.spec.clusterName == name }

        if cluster.metadata.deletionTimestamp != nil {
            for node in ours {
                do { try await hostClient.delete(ClusterNode.self, namespace: nil, name: node.name) } catch
                    let error as KubeError where error.isNotFound {}
            }
            if cluster.metadata.finalizers.contains(Self.finalizer) {
                cluster.metadata.finalizers.removeAll { $0 == Self.finalizer }
                _ = try await hostClient.update(cluster)
                logger.info("cluster deleted: \(ours.count) ClusterNodes removed, finalizer released")
            }
            return
        }

        let cidrs = try await currentCIDRs(cni: cluster.spec.clusterLinkOptions?.cni ?? ClusterLinkOptions.defaultCNI)
        var changed = false
        if !cluster.metadata.finalizers.contains(Self.finalizer) {
            cluster.metadata.finalizers.append(Self.finalizer)
            changed = true
        }
        var status = cluster.status.clusterLinkStatus
        if status.podCIDRs != cidrs.podCIDRs || status.serviceCIDRs != cidrs.serviceCIDRs {
            status.podCIDRs = cidrs.podCIDRs
            status.serviceCIDRs = cidrs.serviceCIDRs
            cluster.status.clusterLinkStatus = status
            changed = true
            logger.info("CIDRs: pods \(cidrs.podCIDRs) services \(cidrs.serviceCIDRs)")
        }
        if changed { cluster = try await hostClient.update(cluster) }

        // Per-node pod CIDRs: Calico's block affinities when the CNI is Calico and it has them, else the Node's own.
        var blocks: [String: [String]] = [:]
        if (cluster.spec.clusterLinkOptions?.cni ?? ClusterLinkOptions.defaultCNI) == "calico" {
            let gvr = GroupVersionResource(apiVersion: "crd.projectcalico.org/v1", resource: "blockaffinities",
                                           scope: .cluster)
            if let list = try? await memberClient.dynamic(gvr).list() {
                blocks = ClusterCIDRDiscovery.podCIDRsByNode(blockAffinities: list.items.map(\.json))
            }
        }
        let members = memberNodes.filter { node in
            node.metadata.labels[KosmosKeys.leafNode] != "true" && node.metadata.labels[KosmosKeys.excludeNode] != "true"
        }
        let wanted = Set(members.map { "\(name)-\($0.name)" })
        for node in members {
            let objectName = "\(name)-\(node.name)"
            let podCIDRs = blocks.isEmpty ? node.spec.podCIDRs : (blocks[node.name] ?? [])
            if var existing = ours.first(where: { $0.name == objectName }) {
                var dirty = false
                if existing.metadata.labels[ClusterNode.clusterLabel] != name {
                    existing.metadata.labels[ClusterNode.clusterLabel] = name
                    dirty = true
                }
                if existing.spec.nodeName != node.name { existing.spec.nodeName = node.name; dirty = true }
                if existing.spec.podCIDRs != podCIDRs { existing.spec.podCIDRs = podCIDRs; dirty = true }
                if dirty { _ = try await hostClient.update(existing) }
            } else {
                var created = ClusterNode(name: objectName)
                created.metadata.labels = [ClusterNode.clusterLabel: name]
                created.spec.clusterName = name
                created.spec.nodeName = node.name
                created.spec.podCIDRs = podCIDRs
                created.spec.interfaceName = ""
                do { _ = try await hostClient.create(created) } catch let error as KubeError where error.isAlreadyExists {}
                logger.info("ClusterNode \(objectName) created")
            }
        }
        for node in ours where !wanted.contains(node.name) {
            do { try await hostClient.delete(ClusterNode.self, namespace: nil, name: node.name) } catch
                let error as KubeError where error.isNotFound {}
            logger.info("ClusterNode \(node.name) deleted: its node is gone")
        }
    }

    private func currentCIDRs(cni: String) async throws -> (podCIDRs: [String], serviceCIDRs: [String]) {
        if let cached = discovered.withLock({ $0 }), ContinuousClock.now - cached.at < configuration.discoveryInterval,
           !cached.podCIDRs.isEmpty {
            return (cached.podCIDRs, cached.serviceCIDRs)
        }
        let found = try await ClusterCIDRDiscovery.discover(client: memberClient, cni: cni)
        discovered.withLock { $0 = Discovered(podCIDRs: found.podCIDRs, serviceCIDRs: found.serviceCIDRs, at: .now) }
        return (found.podCIDRs, found.serviceCIDRs)
    }
}
