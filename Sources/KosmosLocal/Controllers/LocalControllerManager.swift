import KosmosAPI
import KosmosSched
import Logging
import Synchronization

/// The controllers a small local cluster needs, run as an ordinary API client the way kube-controller-manager
/// runs: ReplicaSets, Deployments (rolling update), StatefulSets, volumes (the `standard` StorageClass, a hostPath
/// provisioner and claim binding), EndpointSlices, a `default` ServiceAccount per namespace, node lifecycle
/// (unreachable taints), a garbage collector for dependents created after their owner went, and KosmosSched as
/// the default scheduler.
///
/// Namespace content deletion and owner-reference propagation at delete time are done by `LocalAPIServer`
/// itself, so no controller repeats them.
///
/// ```swift
/// let manager = LocalControllerManager(client: client, logger: logger)
/// let task = Task { try await manager.run() }
/// // ... task.cancel() to stop
/// ```
public final class LocalControllerManager: Sendable {
    /// What to run and how.
    public struct Options: Sendable {
        /// Schedule pods of the `default-scheduler` that have no node with KosmosSched (its default profile, no
        /// leader election), as kube-scheduler does in a real cluster.
        public var bindUnscheduledPods: Bool
        /// How long a node may stay silent (no Lease renewal, no Ready heartbeat) before it is marked Unknown
        /// and tainted unreachable; kube's default is 40 s.
        public var nodeMonitorGracePeriod: Duration
        /// Concurrent reconciles per controller.
        public var workers: Int
        /// Where provisioned volumes get their directories (`<directory>/<volume name>`); `nil` records each
        /// volume's path without making it.
        public var volumeDirectory: String?

        /// - Parameters:
        ///   - bindUnscheduledPods: run KosmosSched as the cluster's default scheduler (default `true`).
        ///   - nodeMonitorGracePeriod: node heartbeat grace (default 40 s).
        ///   - workers: concurrent reconciles per controller (default 4).
        ///   - volumeDirectory: where provisioned volumes live (default `nil`: paths are recorded only).
        public init(bindUnscheduledPods: Bool = true, nodeMonitorGracePeriod: Duration = .seconds(40),
                    workers: Int = 4, volumeDirectory: String? = nil) {
            self.bindUnscheduledPods = bindUnscheduledPods
            self.nodeMonitorGracePeriod = nodeMonitorGracePeriod
            self.workers = max(1, workers)
            self.volumeDirectory = volumeDirectory
        }
    }

    private let client: KubeClient
    private let options: Options
    private let logger: Logger
    private let controllers = Mutex<[Controller]>([])
    private let synced = Mutex(false)

    /// Creates a manager; nothing runs until `run()`.
    /// - Parameters:
    ///   - client: the cluster to manage.
    ///   - options: what to run.
    ///   - logger: where controllers log (at `info` and below).
    public init(client: KubeClient, options: Options = Options(), logger: Logger) {
        self.client = client
        self.options = options
        self.logger = logger
    }

    /// Whether every cache has synced and every controller is processing.
    public var isReady: Bool {
        synced.withLock { $0 } && controllers.withLock { $0 }.allSatisfy(\.isReady)
    }

    /// Runs every controller until the calling task is cancelled, then returns.
    /// - Throws: nothing today; declared so that future start-up checks can fail.
    public func run() async throws {
        let informers = DynamicInformers(client: client)
        let pods = informers.informer(ClusterResources.pods)
        let nodes = informers.informer(ClusterResources.nodes)
        let namespaces = informers.informer(ClusterResources.namespaces)
        let services = informers.informer(ClusterResources.services)
        let serviceAccounts = informers.informer(ClusterResources.serviceAccounts)
        let slices = informers.informer(ClusterResources.endpointSlices)
        let leases = informers.informer(ClusterResources.leases, namespace: ClusterResources.nodeLeaseNamespace)
        let deployments = informers.informer(ClusterResources.deployments)
        let replicaSets = informers.informer(ClusterResources.replicaSets)
        let statefulSets = informers.informer(ClusterResources.statefulSets)
        let revisions = informers.informer(ClusterResources.controllerRevisions)
        let claims = informers.informer(ClusterResources.persistentVolumeClaims)
        let volumes = informers.informer(ClusterResources.persistentVolumes)
        let storageClasses = informers.informer(ClusterResources.storageClasses)

        func logger(_ name: String) -> Logger {
            var l = self.logger
            l[metadataKey: "controller"] = "\(name)"
            return l
        }
        var all: [Controller] = []
        /// Runs `reconciler` as controller `name`, fed by the informers it registers.
        func add(_ name: String, _ reconciler: some LocalController, workers: Int? = nil) {
            let controller = Controller(name: name, reconciler: reconciler, workers: workers ?? options.workers,
                                        logger: logger(name))
            reconciler.register(with: controller)
            all.append(controller)
        }

        add("replicaset", ReplicaSetController(client: client, replicaSets: replicaSets, pods: pods,
                                               logger: logger("replicaset")))
        add("deployment", DeploymentController(client: client, deployments: deployments, replicaSets: replicaSets,
                                               logger: logger("deployment")))
        add("statefulset", StatefulSetController(client: client, statefulSets: statefulSets, pods: pods,
                                                 claims: claims, revisions: revisions, logger: logger("statefulset")))
        add("persistentvolume", VolumeProvisioner(client: client, claims: claims, volumes: volumes,
                                                  classes: storageClasses, pods: pods, nodes: nodes,
                                                  directory: options.volumeDirectory,
                                                  logger: logger("persistentvolume")))
        add("endpointslice", EndpointSliceController(client: client, services: services, pods: pods, slices: slices,
                                                     nodes: nodes, logger: logger("endpointslice")))
        add("serviceaccount", ServiceAccountController(client: client, namespaces: namespaces,
                                                       serviceAccounts: serviceAccounts,
                                                       logger: logger("serviceaccount")), workers: 1)
        add("nodelifecycle", NodeLifecycleController(client: client, nodes: nodes, leases: leases, pods: pods,
                                                     gracePeriod: options.nodeMonitorGracePeriod,
                                                     logger: logger("nodelifecycle")), workers: 1)

        let owners = ["Pod": pods, "Node": nodes, "Namespace": namespaces, "Service": services,
                      "Deployment": deployments, "ReplicaSet": replicaSets, "StatefulSet": statefulSets,
                      "PersistentVolumeClaim": claims]
        for (resource, informer) in [(ClusterResources.pods, pods), (ClusterResources.replicaSets, replicaSets),
                                     (ClusterResources.endpointSlices, slices),
                                     (ClusterResources.persistentVolumeClaims, claims),
                                     (ClusterResources.controllerRevisions, revisions)] {
            add("garbagecollector-\(resource.resource)",
                GarbageCollector(client: client, dependents: informer, resource: resource, ownerCaches: owners,
                                 logger: logger("garbagecollector")), workers: 1)
        }

        var scheduler: Scheduler?
        if options.bindUnscheduledPods {
            var configuration = SchedulerConfiguration()
            configuration.leaderElect = false
            scheduler = try Scheduler(client: client, configuration: configuration, identity: "kosmos-local",
                                      logger: logger("scheduler"), optionalSyncTimeout: .seconds(1))
        }
        controllers.withLock { $0 = all }
        self.logger.info("starting \(all.count) controllers")
        await withDiscardingTaskGroup { group in
            group.addTask { await informers.run() }
            group.addTask { await VolumeProvisioner.ensureStandardClass(client: self.client, logger: self.logger) }
            group.addTask {
                if await informers.waitForSync() { self.synced.withLock { $0 = true } }
            }
            for c in all { group.addTask { await c.run() } }
            if let scheduler { group.addTask { await scheduler.run() } }
        }
        synced.withLock { $0 = false }
        self.logger.info("controllers stopped")
    }
}

/// A reconciler of the local controller manager that knows which informers feed its work queue.
protocol LocalController: Reconciler {
    /// Registers the informer handlers that enqueue keys on `controller`.
    func register(with controller: Controller)
}

extension ReplicaSetController: LocalController {}
extension DeploymentController: LocalController {}
extension StatefulSetController: LocalController {}
extension VolumeProvisioner: LocalController {}
extension EndpointSliceController: LocalController {}
extension ServiceAccountController: LocalController {}
extension NodeLifecycleController: LocalController {}
extension GarbageCollector: LocalController {}
