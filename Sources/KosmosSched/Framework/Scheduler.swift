import KosmosAPI
import Logging
import Synchronization

/// The scheduler against a cluster: informers feed a snapshot and a queue; each pending pod of a served scheduler
/// name is scheduled with its profile, assumed in the snapshot, and bound through `pods/binding`. A pod that fits
/// nowhere gets a `FailedScheduling` event and the condition `PodScheduled=False` (reason `Unschedulable`) with
/// kube-scheduler's summary, and waits until nodes or pods change.
public final class Scheduler: Sendable {
    /// The cluster.
    public let client: KubeClient
    /// Profiles and leader election.
    public let configuration: SchedulerConfiguration
    private let algorithms: [String: SchedulingAlgorithm]
    private let snapshot = Mutex(Snapshot())
    /// Pods waiting to be scheduled.
    public let queue: SchedulingQueue
    private let logger: Logger
    private let identity: String
    private let optionalSyncTimeout: Duration
    private let scheduling = Mutex(false)

    /// Whether this instance leads (or needs no election), has synced its caches and takes pods off the queue.
    public var isScheduling: Bool { scheduling.withLock { $0 } }

    /// - Parameters:
    ///   - client: the cluster.
    ///   - configuration: profiles and leader election.
    ///   - identity: this instance's leader-election identity.
    ///   - logger: where decisions are logged (at `info` and below).
    ///   - optionalSyncTimeout: how long to wait for the caches of kinds that may not be installed (the Kosmos
    ///     policy CRDs) and of volumes before scheduling starts anyway.
    /// - Throws: `ConfigurationError` when a profile names an unknown plugin.
    public init(
        client: KubeClient, configuration: SchedulerConfiguration, identity: String = "kosmos-scheduler",
        logger: Logger = Logger(label: "kosmos.scheduler"), optionalSyncTimeout: Duration = .seconds(10)
    ) throws {
        self.optionalSyncTimeout = optionalSyncTimeout
        self.client = client
        self.configuration = configuration
        var algorithms: [String: SchedulingAlgorithm] = [:]
        for p in try configuration.makeProfiles() { algorithms[p.schedulerName] = SchedulingAlgorithm(profile: p) }
        self.algorithms = algorithms
        self.queue = SchedulingQueue()
        self.logger = logger
        self.identity = identity
    }

    /// Runs until the task is cancelled (or, with leader election, until leadership is lost).
    public func run() async {
        if configuration.leaderElect {
            let elector = LeaderElector(
                store: KubeLeaseStore(
                    client: client, namespace: configuration.leaseNamespace, name: configuration.leaseName),
                config: LeaderElectionConfig(identity: identity), logger: logger,
                onStartedLeading: { await self.runLeading() })
            await elector.run()
        } else {
            await runLeading()
        }
    }

    private func serves(_ pod: Pod) -> Bool { algorithms[pod.spec.schedulerName] != nil }

    private func isPending(_ pod: Pod) -> Bool {
        (pod.spec.nodeName ?? "").isEmpty && !pod.metadata.isBeingDeleted
            && pod.status.phase != .succeeded && pod.status.phase != .failed
    }

    private func runLeading() async {
        let factory = SharedInformerFactory(provider: client, logger: logger)
        let pods = factory.informer(for: Pod.self)
        let nodes = factory.informer(for: Node.self)
        let claims = factory.informer(for: PersistentVolumeClaim.self)
        let volumes = factory.informer(for: PersistentVolume.self)
        let storageClasses = factory.informer(for: StorageClass.self)
        let dps = factory.informer(for: DistributionPolicy.self)
        let cdps = factory.informer(for: ClusterDistributionPolicy.self)
        let wlps = factory.informer(for: WorkloadPolicy.self)
        let namespaces = factory.informer(for: Namespace.self)
        let queue = self.queue
        let podsSync = pods.addEventHandler { event in
            switch event {
            case .added(let p), .updated(_, let p):
                if self.isPending(p) {
                    if self.serves(p) { queue.add(PodInfo(p)) }
                } else {
                    self.snapshot.withLock { $0.upsertPod(p) }
                    queue.remove(uid: p.metadata.uid ?? "")
                }
            case .deleted(let p):
                self.snapshot.withLock { _ = $0.removePod(uid: p.metadata.uid ?? "") }
                queue.remove(uid: p.metadata.uid ?? "")
                queue.moveAllToActiveOrBackoff()
            }
        }
        let nodesSync = nodes.addEventHandler { event in
            switch event {
            case .added(let n):
                self.snapshot.withLock { $0.upsertNode(n) }
                queue.moveAllToActiveOrBackoff()
            case .updated(let old, let n):
                self.snapshot.withLock { $0.upsertNode(n) }
                // Heartbeats change only conditions; retry pods only on changes that can make room.
                if Self.schedulingRelevant(old) != Self.schedulingRelevant(n) { queue.moveAllToActiveOrBackoff() }
            case .deleted(let n):
                self.snapshot.withLock { $0.removeNode(named: n.name) }
            }
        }
        let claimsSync = claims.addEventHandler { event in
            let c = event.object
            let key = (c.namespace ?? "") + "/" + c.name
            self.snapshot.withLock { s in
                if case .deleted = event { s.claims[key] = nil } else { s.claims[key] = c }
            }
            queue.moveAllToActiveOrBackoff()
        }
        let volumesSync = volumes.addEventHandler { event in
            let v = event.object
            self.snapshot.withLock { s in
                if case .deleted = event { s.volumes[v.name] = nil } else { s.volumes[v.name] = v }
            }
            queue.moveAllToActiveOrBackoff()
        }
        let classesSync = storageClasses.addEventHandler { event in
            let c = event.object
            self.snapshot.withLock { s in
                if case .deleted = event { s.storageClasses[c.name] = nil } else { s.storageClasses[c.name] = c }
            }
            queue.moveAllToActiveOrBackoff()
        }
        let dpsSync = dps.addEventHandler { _ in
            let all = dps.store.list().sorted { $0.name < $1.name }
            self.snapshot.withLock { $0.distributionPolicies = all }
            queue.moveAllToActiveOrBackoff()
        }
        let cdpsSync = cdps.addEventHandler { _ in
            let all = cdps.store.list().sorted { $0.name < $1.name }
            self.snapshot.withLock { $0.clusterDistributionPolicies = all }
            queue.moveAllToActiveOrBackoff()
        }
        let wlpsSync = wlps.addEventHandler { _ in
            let all = wlps.store.list().sorted { $0.name < $1.name }
            self.snapshot.withLock { $0.workloadPolicies = all }
            queue.moveAllToActiveOrBackoff()
        }
        let namespacesSync = namespaces.addEventHandler { _ in
            let all = namespaces.store.list()
            self.snapshot.withLock { s in
                s.namespaceLabels = Dictionary(
                    all.map { ($0.name, $0.metadata.labels) }, uniquingKeysWith: { a, _ in a })
            }
        }
        await withDiscardingTaskGroup { group in
            group.addTask { await factory.run() }
            group.addTask {
                // Handlers, not just caches, must have seen the initial lists before the first decision.
                _ = await podsSync.waitForSync()
                _ = await nodesSync.waitForSync()
                // Policy kinds may not be installed: give their informers a bounded time to sync.
                let synced = await Self.waitForSync(
                    [
                        { await dpsSync.waitForSync() }, { await cdpsSync.waitForSync() },
                        { await wlpsSync.waitForSync() },
                        { await claimsSync.waitForSync() }, { await volumesSync.waitForSync() },
                        { await classesSync.waitForSync() },
                        { await namespacesSync.waitForSync() },
                    ],
                    timeout: self.optionalSyncTimeout)
                if !synced { self.logger.info("some policy or volume caches did not sync in time; scheduling anyway") }
                self.logger.info("caches synced, scheduling")
                self.scheduling.withLock { $0 = true }
                await self.scheduleLoop(pods: pods)
                self.scheduling.withLock { $0 = false }
            }
        }
    }

    /// Waits until every wait returns or the timeout passes.
    /// - Returns: whether all of them returned in time.
    static func waitForSync(_ waits: [@Sendable () async -> Bool], timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withTaskGroup(of: Bool.self) { inner in
                    for w in waits { inner.addTask { await w() } }
                    return await inner.allSatisfy { $0 }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// The parts of a node that scheduling decisions read.
    static func schedulingRelevant(_ n: Node) -> [JSONValue?] {
        [
            n.json[path: ["metadata", "labels"]], n.json[path: ["metadata", "annotations"]], n.json[path: ["spec"]],
            n.json[path: ["status", "allocatable"]],
        ]
    }

    private func scheduleLoop(pods: SharedInformer<Pod>) async {
        await withDiscardingTaskGroup { group in
            while let entry = await queue.pop() {
                let key = ObjectKey(namespace: entry.pod.namespace, name: entry.pod.name)
                guard let current = pods.store.get(key), current.metadata.uid == entry.pod.pod.metadata.uid,
                    isPending(current), let algorithm = algorithms[current.spec.schedulerName]
                else {
                    queue.done(entry)
                    continue
                }
                let pod = entry.pod
                let result = snapshot.withLock { s -> ScheduleResult in
                    let r = algorithm.schedule(pod, in: s)
                    if let n = r.nodeName { s.assume(pod, on: n) }
                    return r
                }
                if let node = result.nodeName {
                    group.addTask { await self.bind(entry, to: node, algorithm: algorithm, state: result.state) }
                } else {
                    let message = result.diagnosis.message
                    logger.info("unschedulable", metadata: ["pod": "\(pod.key)", "why": "\(message)"])
                    queue.requeueUnschedulable(entry)
                    let nominated = result.nominatedNode
                    let victims = result.victims
                    group.addTask {
                        if let nominated { await self.preempt(for: pod, on: nominated, victims: victims) }
                        await self.reportUnschedulable(pod, message: message, nominatedNode: nominated)
                    }
                }
            }
        }
    }

    private func bind(
        _ entry: SchedulingQueue.Entry, to node: String, algorithm: SchedulingAlgorithm,
        state: CycleState
    ) async {
        let pod = entry.pod
        for p in algorithm.profile.reserve {
            let s = p.reserve(state, pod: pod, nodeName: node)
            if !s.isSuccess { return await forget(entry, node, algorithm, state, "reserve \(p.name): \(s)") }
        }
        for p in algorithm.profile.preBind {
            let s = await p.preBind(state, pod: pod, nodeName: node)
            if !s.isSuccess { return await forget(entry, node, algorithm, state, "prebind \(p.name): \(s)") }
        }
        do {
            var bound = false
            for p in algorithm.profile.bind {
                let s = await p.bind(state, pod: pod, nodeName: node)
                if s.code == .skip { continue }
                if !s.isSuccess { return await forget(entry, node, algorithm, state, "bind \(p.name): \(s)") }
                bound = true
                break
            }
            if !bound { try await client.bind(pod: pod.name, namespace: pod.namespace, toNode: node, uid: pod.uid) }
            logger.debug("bound", metadata: ["pod": "\(pod.key)", "node": "\(node)"])
            queue.done(entry)
        } catch {
            await forget(entry, node, algorithm, state, "bind: \(error)")
        }
    }

    private func forget(
        _ entry: SchedulingQueue.Entry, _ node: String, _ algorithm: SchedulingAlgorithm,
        _ state: CycleState, _ why: String
    ) async {
        logger.info("binding failed", metadata: ["pod": "\(entry.pod.key)", "node": "\(node)", "error": "\(why)"])
        for p in algorithm.profile.reserve { p.unreserve(state, pod: entry.pod, nodeName: node) }
        snapshot.withLock { _ = $0.removePod(uid: entry.pod.uid) }
        queue.done(entry, retry: true)
    }

    /// Evicts the victims (deletes them with their grace period) so that the pod fits the nominated node once
    /// their deletion is seen.
    private func preempt(for pod: PodInfo, on node: String, victims: [PodInfo]) async {
        for v in victims {
            logger.info("preempting", metadata: ["victim": "\(v.key)", "node": "\(node)", "for": "\(pod.key)"])
            do {
                try await client.delete(Pod.self, namespace: v.namespace, name: v.name)
            } catch {
                logger.info("preemption delete failed", metadata: ["victim": "\(v.key)", "error": "\(error)"])
            }
        }
    }

    private func reportUnschedulable(_ pod: PodInfo, message: String, nominatedNode: String? = nil) async {
        do {
            var latest = try await client.get(Pod.self, namespace: pod.namespace, name: pod.name)
            var status = latest.status
            if let nominatedNode { status.nominatedNodeName = nominatedNode }
            var conditions = status.conditions.filter { $0.type != "PodScheduled" }
            var c = Condition(type: "PodScheduled", status: .false)
            c.reason = "Unschedulable"
            c.message = message
            c.lastTransitionTime = Time.now()
            conditions.append(c)
            status.conditions = conditions
            latest.status = status
            _ = try await client.updateStatus(latest)
        } catch {
            logger.debug("pod condition not written", metadata: ["pod": "\(pod.key)", "error": "\(error)"])
        }
        do {
            // Named like client-go's recorder: the object's name and a unique hexadecimal suffix.
            var e = Event(
                name: "\(pod.name).\(String(UInt64.random(in: 1...UInt64.max), radix: 16))",
                namespace: pod.namespace)
            e.involvedObject = ObjectReference(
                apiVersion: "v1", kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.uid)
            e.reason = "FailedScheduling"
            e.message = message
            e.type = "Warning"
            e.source = ["component": "kosmos-scheduler"]
            e.firstTimestamp = Time.now()
            e.lastTimestamp = Time.now()
            e.count = 1
            e.reportingComponent = "kosmos-scheduler"
            _ = try await client.create(e)
        } catch {
            logger.debug("event not written", metadata: ["pod": "\(pod.key)", "error": "\(error)"])
        }
    }
}
