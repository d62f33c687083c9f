import KosmosAPI
import Logging

/// The controllers ClusterTree runs for one member cluster: its leaf nodes, its pods, the objects they depend on
/// (ServiceAccounts, Secrets, ConfigMaps, PersistentVolumeClaims, each a ``DependencySyncController``) and the
/// member's volumes of copied claims (``PersistentVolumeSyncController``).
public final class MemberClusterControllers: Sendable {
    /// The member Cluster's name.
    public let clusterName: String
    /// Its leaf nodes.
    public let leafNodes: LeafNodeController
    /// Its pods.
    public let pods: PodSyncController
    /// ServiceAccounts of its pods.
    public let serviceAccounts: DependencySyncController<ServiceAccount>
    /// Secrets of its pods.
    public let secrets: DependencySyncController<Secret>
    /// ConfigMaps of its pods.
    public let configMaps: DependencySyncController<ConfigMap>
    /// Claims of its pods.
    public let claims: DependencySyncController<PersistentVolumeClaim>
    /// Its volumes bound to copied claims, brought up into the host.
    public let volumes: PersistentVolumeSyncController
    private let memberInformers: SharedInformerFactory
    private let memberPods: SharedInformer<Pod>
    private let hostPods: SharedInformer<Pod>

    /// Creates the controllers of one member.
    /// - Parameters:
    ///   - cluster: the member Cluster.
    ///   - host: client of the host cluster.
    ///   - member: client of the member cluster.
    ///   - hostInformers: the shared informers of the host (run by the caller); the controllers ask it for
    ///     ServiceAccounts, Secrets, ConfigMaps, claims, volumes and convert policies.
    ///   - hostPods: the informer of all host pods (run by the caller).
    ///   - configuration: leaf-node timing.
    ///   - podWorkers: how many of the member's pods are reconciled at once.
    ///   - logger: where failures go.
    public init(cluster: Cluster, host: KubeClient, member: KubeClient, hostInformers: SharedInformerFactory,
                hostPods: SharedInformer<Pod>, configuration: LeafNodeController.Configuration = .init(),
                podWorkers: Int = 4, logger: Logger) {
        let name = cluster.metadata.name ?? ""
        let plans = LeafNodePlan.plans(for: cluster)
        clusterName = name
        let factory = SharedInformerFactory(provider: member, logger: logger)
        memberInformers = factory
        // Pods, the most numerous objects, are cached without managedFields (`trimmedPods`).
        let memberPods = SharedInformer<Pod>.trimmedPods(member, logger: logger)
        self.memberPods = memberPods
        self.hostPods = hostPods
        let memberClaims = factory.informer(for: PersistentVolumeClaim.self)
        let hostClaims = hostInformers.informer(for: PersistentVolumeClaim.self)
        leafNodes = LeafNodeController(clusterName: name, plans: plans, host: host, member: member,
                                       memberPods: memberPods, configuration: configuration, logger: logger)
        func dependency<K: NamespacedResource>(_ kind: DependencyKind<K>) -> DependencySyncController<K> {
            DependencySyncController(clusterName: name, plans: plans, host: host, kind: kind,
                                     hostObjects: hostInformers.informer(for: K.self), hostPods: hostPods,
                                     memberObjects: factory.informer(for: K.self), logger: logger)
        }
        serviceAccounts = dependency(.serviceAccounts(clusterName: name, member: member))
        secrets = dependency(.secrets(clusterName: name, member: member))
        configMaps = dependency(.configMaps(clusterName: name, member: member))
        claims = dependency(.persistentVolumeClaims(clusterName: name, member: member))
        volumes = PersistentVolumeSyncController(
            clusterName: name, plans: plans, host: host,
            memberVolumes: factory.informer(for: PersistentVolume.self), memberClaims: memberClaims,
            hostClaims: hostClaims, hostVolumes: hostInformers.informer(for: PersistentVolume.self), logger: logger)
        pods = PodSyncController(
            clusterName: name, plans: plans, host: host, member: member, hostPods: hostPods,
            memberPods: memberPods,
            dependencies: [serviceAccounts, secrets, configMaps, claims],
            policies: .init(clusterPolicies: hostInformers.informer(for: ClusterPodConvertPolicy.self),
                            policies: hostInformers.informer(for: PodConvertPolicy.self)),
            hostServiceAccounts: hostInformers.informer(for: ServiceAccount.self), workers: podWorkers,
            logger: logger)
    }

    /// Runs everything until the task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.memberInformers.run() }
            group.addTask { await self.memberPods.run() }
            group.addTask { await self.leafNodes.run(onReturn: { self.requeuePods() }) }
            group.addTask { await self.pods.run() }
            group.addTask { await self.serviceAccounts.run() }
            group.addTask { await self.secrets.run() }
            group.addTask { await self.configMaps.run() }
            group.addTask { await self.claims.run() }
            group.addTask { await self.volumes.run() }
        }
    }

    /// Queues every host pod on this member's leaf nodes at once, forgetting their backoff: after an outage,
    /// pods whose reconciles failed meanwhile would otherwise wait out per-key delays of up to minutes.
    /// The keys come from the host pod index by node (``PodIndex/byNode``), without decoding a pod.
    private func requeuePods() {
        let leaves = leafNodes.plans.map(\.name)
        var keys: [ObjectKey] = []
        do {
            for leaf in leaves { keys += try hostPods.store.keys(index: PodIndex.byNode, value: leaf) }
        } catch {
            // A host pod informer made without the index (not the manager's).
            let names = Set(leaves)
            keys = hostPods.store.list().filter { names.contains($0.spec.nodeName ?? "") }.map { ObjectKey(of: $0) }
        }
        for key in keys {
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
