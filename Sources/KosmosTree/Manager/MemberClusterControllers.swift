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

    /// Creates the controllers of one member.
    /// - Parameters:
    ///   - cluster: the member Cluster.
    ///   - host: client of the host cluster.
    ///   - member: client of the member cluster.
    ///   - hostInformers: the shared informers of the host (run by the caller); the controllers ask it for
    ///     pods, ServiceAccounts, Secrets, ConfigMaps, claims and convert policies.
    ///   - configuration: leaf-node timing.
    ///   - logger: where failures go.
    public init(cluster: Cluster, host: KubeClient, member: KubeClient, hostInformers: SharedInformerFactory,
                configuration: LeafNodeController.Configuration = .init(), logger: Logger) {
        let name = cluster.metadata.name ?? ""
        let plans = LeafNodePlan.plans(for: cluster)
        clusterName = name
        let factory = SharedInformerFactory(provider: member, logger: logger)
        memberInformers = factory
        let hostPods = hostInformers.informer(for: Pod.self)
        let memberClaims = factory.informer(for: PersistentVolumeClaim.self)
        let hostClaims = hostInformers.informer(for: PersistentVolumeClaim.self)
        leafNodes = LeafNodeController(clusterName: name, plans: plans, host: host, member: member,
                                       configuration: configuration, logger: logger)
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
            memberPods: factory.informer(for: Pod.self),
            dependencies: [serviceAccounts, secrets, configMaps, claims],
            policies: .init(clusterPolicies: hostInformers.informer(for: ClusterPodConvertPolicy.self),
                            policies: hostInformers.informer(for: PodConvertPolicy.self)),
            hostServiceAccounts: hostInformers.informer(for: ServiceAccount.self), logger: logger)
    }

    /// Runs everything until the task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.memberInformers.run() }
            group.addTask { await self.leafNodes.run() }
            group.addTask { await self.pods.run() }
            group.addTask { await self.serviceAccounts.run() }
            group.addTask { await self.secrets.run() }
            group.addTask { await self.configMaps.run() }
            group.addTask { await self.claims.run() }
            group.addTask { await self.volumes.run() }
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
