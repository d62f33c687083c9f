import KosmosAPI
import Logging
import Synchronization

/// Runs host pods bound to one member cluster's leaf nodes in that member cluster, and brings their status
/// back.
///
/// - A host pod bound to a leaf node gets the no-eviction tolerations (``PodConversion/noEvictionTolerations``),
///   its ServiceAccount, Secrets, ConfigMaps and claims are copied into the member (``PodDependencySync``),
///   then the pod, converted (``PodConversion``) and rewritten by its convert policy (``PodConvertPolicies``),
///   is created (namespace ensured).
///   Later changes of images, labels, annotations and `activeDeadlineSeconds` are carried down.
/// - The member pod's status (phase, conditions, IPs, container statuses) is written to the host pod; while the
///   member pod is `Pending` the write may wait up to ``pendingStatusDelay`` for its next change.
/// - Deleting the host pod deletes the member pod with the host pod's grace (cases §3.13); once the member pod
///   is gone the host pod is removed (grace 0). A member pod deleted on the member side removes the host pod
///   with grace 0.
public final class PodSyncController: Sendable {
    /// The controller (exposed for readiness checks).
    public let controller: Controller

    private struct Shared: Sendable {
        let clusterName: String
        let plans: [String: LeafNodePlan]
        let host: KubeClient
        let member: KubeClient
        let hostPods: SharedInformer<Pod>
        let memberPods: SharedInformer<Pod>
        let pods: Mirror<Pod, Pod>
        let dependencies: [any PodDependencySync]
        let policies: ConvertPolicySource
        let hostServiceAccounts: SharedInformer<ServiceAccount>
        let created: RecentCopies
        let pendingStatus: PendingStatusWaits
        let logger: Logger
    }

    /// How long the host may wait for the status of a member pod that is still `Pending`: a pod just bound in
    /// the member usually turns Running a moment later, and one write of that status replaces two. A Running,
    /// finished or failed member pod's status is written at once.
    public static let pendingStatusDelay: Duration = .milliseconds(500)

    /// Since when each host pod's write of a `Pending` member status has been put off.
    final class PendingStatusWaits: Sendable {
        private let since = Mutex<[ObjectKey: ContinuousClock.Instant]>([:])

        /// How much longer the write for `key` may wait, or `nil` when it has waited `delay` already.
        func remaining(_ key: ObjectKey, of delay: Duration) -> Duration? {
            let now = ContinuousClock.now
            return since.withLock { s in
                guard let start = s[key] else {
                    // Pods deleted while they waited leave entries behind; drop the old ones now and then.
                    if s.count > 4_096 { s = s.filter { now - $0.value < delay * 10 } }
                    s[key] = now
                    return delay
                }
                let waited = now - start
                return waited < delay ? delay - waited : nil
            }
        }

        func clear(_ key: ObjectKey) {
            _ = since.withLock { $0.removeValue(forKey: key) }
        }
    }

    /// Member pods this controller created that the member informer may not have delivered yet (client-go's
    /// "expectations"): a reconcile that comes right after the create (the host pod's own update event, most
    /// often) finds the copy here instead of creating it again or reading it from the member apiserver.
    /// An entry goes when the informer shows the pod, and is trusted for a few seconds at most.
    final class RecentCopies: Sendable {
        private let entries = Mutex<[ObjectKey: (pod: Pod, at: ContinuousClock.Instant)]>([:])
        private let lifetime: Duration = .seconds(5)

        func remember(_ key: ObjectKey, _ pod: Pod) {
            let now = ContinuousClock.now
            entries.withLock { e in
                e[key] = (pod, now)
                // Entries the informer never cleared (the member went away meanwhile) must not pile up.
                if e.count > 4_096 { e = e.filter { now - $0.value.at < lifetime } }
            }
        }

        func recent(_ key: ObjectKey) -> Pod? {
            entries.withLock { e in
                guard let entry = e[key] else { return nil }
                if ContinuousClock.now - entry.at < lifetime { return entry.pod }
                e[key] = nil
                return nil
            }
        }

        func forget(_ key: ObjectKey) {
            _ = entries.withLock { $0.removeValue(forKey: key) }
        }
    }

    /// Where the convert policies come from: the host's informers once synced, else a direct list (so that a
    /// pod created at start-up is not converted without its policy).
    public final class ConvertPolicySource: Sendable {
        /// Informer of the host's ClusterPodConvertPolicies (run by the caller).
        public let clusterPolicies: SharedInformer<ClusterPodConvertPolicy>
        /// Informer of the host's PodConvertPolicies (run by the caller).
        public let policies: SharedInformer<PodConvertPolicy>
        /// Kinds whose CRD the host lacked, until when: pods created meanwhile cost no extra request.
        private let absent = Mutex<[String: ContinuousClock.Instant]>([:])

        /// Creates a source.
        public init(clusterPolicies: SharedInformer<ClusterPodConvertPolicy>,
                    policies: SharedInformer<PodConvertPolicy>) {
            self.clusterPolicies = clusterPolicies
            self.policies = policies
        }

        func current(_ host: KubeClient, namespace: String) async throws
            -> ([ClusterPodConvertPolicy], [PodConvertPolicy]) {
            let cluster = clusterPolicies.hasSynced ? clusterPolicies.store.list()
                : try await list(ClusterPodConvertPolicy.self, host, namespace: nil)
            let local = policies.hasSynced ? policies.store.list(namespace: namespace)
                : try await list(PodConvertPolicy.self, host, namespace: namespace)
            return (cluster, local)
        }

        private func list<R: Resource>(_: R.Type, _ host: KubeClient, namespace: String?) async throws -> [R] {
            let now = ContinuousClock.now
            if let until = absent.withLock({ $0[R.kind] }), now < until { return [] }
            do { return try await host.listAll(R.self, namespace: namespace).items } catch let e as KubeError
                where e.isNotFound {
                // The CRD is not installed: no policies; ask again in a while.
                absent.withLock { $0[R.kind] = now + .seconds(30) }
                return []
            }
        }
    }

    /// Creates the controller; call ``run()`` to start it.
    /// - Parameters:
    ///   - clusterName: the member Cluster's name.
    ///   - plans: the cluster's leaf nodes.
    ///   - host: client of the host cluster.
    ///   - member: client of the member cluster.
    ///   - hostPods: informer of all host pods (run by the caller).
    ///   - memberPods: informer of all member pods (run by the caller).
    ///   - dependencies: what makes a pod's ServiceAccount, Secrets, ConfigMaps and claims exist in the member,
    ///     in that order, before the pod; they are told of every change of what the member's host pods need.
    ///   - policies: the host's convert policies.
    ///   - hostServiceAccounts: informer of the host's ServiceAccounts (run by the caller), for their
    ///     `automountServiceAccountToken`.
    ///   - workers: how many pods are reconciled at once.
    ///   - logger: where failures go.
    public init(clusterName: String, plans: [LeafNodePlan], host: KubeClient, member: KubeClient,
                hostPods: SharedInformer<Pod>, memberPods: SharedInformer<Pod>,
                dependencies: [any PodDependencySync], policies: ConvertPolicySource,
                hostServiceAccounts: SharedInformer<ServiceAccount>, workers: Int = 4, logger: Logger) {
        let byName = Dictionary(plans.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let pods = Mirror<Pod, Pod>(
            name: "pods to member cluster \(clusterName)", target: member,
            transform: { pod in
                guard let plan = byName[pod.spec.nodeName ?? ""] else {
                    throw PodConversionError(pod: pod.key, field: "spec.nodeName",
                                             message: "not a leaf node of cluster \(clusterName)")
                }
                return try PodConversion.memberPod(from: pod, leaf: plan)
            },
            marker: .kosmosPod, update: Self.podUpdate,
            deletion: .withSource(grace: { PodConversion.deleteGrace(for: $0) }))
        var l = logger
        l[metadataKey: "cluster"] = "\(clusterName)"
        let shared = Shared(clusterName: clusterName, plans: byName, host: host, member: member,
                            hostPods: hostPods, memberPods: memberPods, pods: pods,
                            dependencies: dependencies, policies: policies,
                            hostServiceAccounts: hostServiceAccounts, created: RecentCopies(),
                            pendingStatus: PendingStatusWaits(), logger: l)
        controller = Controller(name: "clustertree-pods-\(clusterName)",
                                reconciler: ReconcileFunction { key in try await Self.reconcile(key, shared) },
                                workers: max(1, workers), logger: l)
        for dependency in dependencies { dependency.wakesWaitingPods(of: controller) }
        controller.watch(hostPods) { event in
            // One look at each host pod change serves the pod and its dependency kinds alike.
            if !dependencies.isEmpty {
                PodDependencies.changes(event, leaves: byName) { needs, ns in
                    for dependency in dependencies { dependency.podNeeds(needs, namespace: ns) }
                }
            }
            return byName[event.object.spec.nodeName ?? ""] != nil ? [event.key] : []
        }
        controller.watch(memberPods) { event in
            guard LeafResources.isKosmosPod(event.object) else { return [] }
            // The informer has the pod now (or saw it go): its cache speaks for it from here on.
            shared.created.forget(event.key)
            if case .deleted(let gone) = event { Task { await Self.memberPodDeleted(gone, shared) } }
            return [event.key]
        }
    }

    /// Reconciles until the task is cancelled (the informers must be running).
    public func run() async { await controller.run() }

    // MARK: - Reconcile

    private static func reconcile(_ key: ObjectKey, _ s: Shared) async throws -> ReconcileResult {
        guard var hostPod = s.hostPods.store.get(key), s.plans[hostPod.spec.nodeName ?? ""] != nil else {
            // The host pod is gone (or no longer ours): its member copy goes too.
            if s.hostPods.store.get(key) == nil { try await s.pods.remove(key, lastSource: nil) }
            return .done
        }
        if hostPod.metadata.isBeingDeleted {
            if try await s.pods.remove(key, lastSource: hostPod) { return .requeueAfter(.seconds(2)) }
            if try await memberPodExists(key, s) { return .requeueAfter(.seconds(2)) }
            // The member pod is gone: finish the host pod's deletion, as its kubelet would.
            do {
                try await s.host.delete(Pod.self, namespace: key.namespace, name: key.name,
                                        options: DeleteOptions(gracePeriodSeconds: 0,
                                                               preconditionUID: hostPod.metadata.uid))
            } catch let e as KubeError where e.isNotFound || e.isConflict {}
            return .done
        }
        // One pass: the tolerations, then the member pod and the status, from the pod as the host now has it.
        switch try await addTolerations(hostPod, s) {
        case .unchanged: break
        case .updated(let updated): hostPod = updated
        case .conflict: return .done  // a newer host pod is on its way through the informer
        }
        let outcome: MirrorOutcome<Pod>
        let existing = s.memberPods.store.get(key) ?? s.created.recent(key)
        if let existing, s.pods.marker.isMarked(existing.metadata) {
            // Created already: only the update rule applies (policies and dependencies were settled then).
            outcome = try await s.pods.ensure(hostPod, cached: existing)
        } else {
            let plan = s.plans[hostPod.spec.nodeName ?? ""]!
            let needs = PodDependencies(of: hostPod)
            for dependency in s.dependencies {
                try await dependency.ensureCopies(for: hostPod, needs: needs, plan: plan)
            }
            let choice = try await convertPolicy(for: hostPod, plan: plan, s)
            // The account's choice applies when the pod makes none, whether or not the host's admission
            // honoured it.
            let noToken = hostPod.spec.automountServiceAccountToken == nil
                && s.hostServiceAccounts.store.get(namespace: key.namespace, name: needs.serviceAccount)?
                    .automountServiceAccountToken == false
            // The member informer has synced (the controller runs only then) and has no pod of this name.
            outcome = try await s.pods.ensure(hostPod, adjusting: { pod in
                if let choice { PodConvertPolicies.apply(choice, to: &pod) }
                if noToken { PodConversion.disableTokenMount(&pod.spec) }
            }, likelyAbsent: existing == nil)
            if case .created(let copy) = outcome { s.created.remember(key, copy) }
        }
        if case .foreign(let other) = outcome {
            throw MirrorError(mirror: s.pods.name, object: other.key, step: "create copy",
                              underlying: PodConversionError(pod: hostPod.key, field: "metadata.name",
                                                             message: "the member cluster already has a pod of "
                                                                 + "this name that ClusterTree did not create"))
        }
        return try await syncStatus(host: hostPod, member: outcome.object, s)
    }

    private static func memberPodExists(_ key: ObjectKey, _ s: Shared) async throws -> Bool {
        do {
            _ = try await s.member.get(Pod.self, namespace: key.namespace, name: key.name)
            return true
        } catch let e as KubeError where e.isNotFound {
            return false
        }
    }

    /// What ``addTolerations(_:_:)`` did.
    private enum TolerationChange {
        /// The pod had them, or the apiserver refused them (logged).
        case unchanged
        /// The host pod as written.
        case updated(Pod)
        /// The cached pod was out of date.
        case conflict
    }

    /// Adds the no-eviction tolerations the host pod lacks.
    private static func addTolerations(_ pod: Pod, _ s: Shared) async throws -> TolerationChange {
        let tolerations = pod.spec.tolerations
        let missing = PodConversion.noEvictionTolerations.filter { t in
            !tolerations.contains { $0.key == t.key && $0.effect == t.effect && $0.tolerationSeconds == nil
                && $0.operator == .exists }
        }
        guard !missing.isEmpty else { return .unchanged }
        var next = pod
        next.spec.tolerations = tolerations + missing
        // A merge patch of the whole list (merge patches replace lists) under the cached resourceVersion: the
        // same change and conflict as an update of the cached pod, without sending the rest of the pod.
        let patch = changePatch(of: pod, ["spec": ["tolerations": next.spec.json["tolerations"] ?? .array([])]])
        do {
            return .updated(try await s.host.patch(Pod.self, namespace: pod.metadata.namespace, name: pod.name,
                                                   patch: .merge(patch)))
        } catch let e as KubeError where e.isConflict {
            return .conflict
        } catch {
            // An apiserver that refuses the change must not keep the pod from running; it only loses the
            // protection against taint-based eviction.
            s.logger.info("add no-eviction tolerations to host pod \(pod.key): \(error)")
            return .unchanged
        }
    }

    /// The convert policy for a pod about to be created in the member.
    private static func convertPolicy(for pod: Pod, plan: LeafNodePlan, _ s: Shared) async throws
        -> PodConvertPolicies.Choice? {
        let (cluster, local) = try await s.policies.current(s.host, namespace: pod.metadata.namespace ?? "default")
        guard !cluster.isEmpty || !local.isEmpty else { return nil }
        var nodeLabels: [String: String] = [:]
        if cluster.contains(where: { $0.spec.leafNodeSelector != nil })
            || local.contains(where: { $0.spec.leafNodeSelector != nil }) {
            nodeLabels = try await s.host.get(Node.self, name: plan.name).metadata.labels
        }
        return PodConvertPolicies.choose(clusterPolicies: cluster, policies: local, for: pod,
                                         leafNodeLabels: nodeLabels)
    }

    private static func syncStatus(host: Pod, member: Pod, _ s: Shared) async throws -> ReconcileResult {
        let key = ObjectKey(of: host)
        let status = PodConversion.hostStatus(from: member, current: host.status)
        guard status != host.status else {
            s.pendingStatus.clear(key)
            return .done
        }
        if member.status.phase == .pending, host.status.phase == .pending,
           let wait = s.pendingStatus.remaining(key, of: pendingStatusDelay) {
            // The member pod's next change (Running, usually) reconciles sooner and writes both at once.
            return .requeueAfter(wait)
        }
        s.pendingStatus.clear(key)
        // Only the fields that changed, under the cached resourceVersion (as an update of the cached pod's status
        // would be). A conflict means a newer host pod is on its way through the informer, which reconciles again.
        let patch = changePatch(of: host, ["status": PodConversion.statusPatch(from: host.status, to: status)])
        do {
            _ = try await s.host.patch(Pod.self, namespace: host.metadata.namespace, name: host.name,
                                       patch: .merge(patch), subresource: "status")
        } catch let e as KubeError where e.isConflict {}
        return .done
    }

    /// A merge patch of `fields` that applies only to `pod` as cached: it carries the pod's resourceVersion, which
    /// the apiserver checks like an update's.
    static func changePatch(of pod: Pod, _ fields: JSONObject) -> JSONValue {
        var patch = fields
        if let rv = pod.metadata.resourceVersion, !rv.isEmpty {
            patch["metadata"] = ["resourceVersion": .string(rv)]
        }
        return .object(patch)
    }

    /// A ClusterTree pod vanished from the member while its host pod still runs: the host pod goes (grace 0).
    private static func memberPodDeleted(_ gone: Pod, _ s: Shared) async {
        let key = ObjectKey(of: gone)
        guard let hostPod = s.hostPods.store.get(key), !hostPod.metadata.isBeingDeleted,
              s.plans[hostPod.spec.nodeName ?? ""] != nil else { return }
        // Only the member pod this host pod made: a copy created before the host pod existed is another pod.
        if let created = hostPod.metadata.creationTime, let copyCreated = gone.metadata.creationTime,
           copyCreated < created { return }
        do {
            try await s.host.delete(Pod.self, namespace: key.namespace, name: key.name,
                                    options: DeleteOptions(gracePeriodSeconds: 0,
                                                           preconditionUID: hostPod.metadata.uid))
        } catch {
            s.logger.info("delete host pod \(key) after its member pod went: \(error)")
        }
    }

    // MARK: - Transforms

    /// Carries image, label, annotation, `activeDeadlineSeconds` and toleration changes down to an existing member
    /// pod. Tolerations can only be added to a pod, so those the desired pod has (from the host pod's
    /// `kosmos.io/cluster-selector`) and the member pod lacks are appended, unless a convert policy set them.
    static func podUpdate(_ current: Pod, _ desired: Pod) -> Pod? {
        var next = current
        next.metadata.labels = desired.metadata.labels
        next.metadata.annotations = desired.metadata.annotations.merging(
            current.metadata.annotations.filter { desired.metadata.annotations[$0.key] == nil }) { a, _ in a }
        func images(_ from: [Container], onto: [Container]) -> [Container] {
            onto.map { c in
                var c = c
                if let image = from.first(where: { $0.name == c.name })?.image { c.image = image }
                return c
            }
        }
        next.spec.containers = images(desired.spec.containers, onto: current.spec.containers)
        next.spec.initContainers = images(desired.spec.initContainers, onto: current.spec.initContainers)
        next.spec.activeDeadlineSeconds = desired.spec.activeDeadlineSeconds
        if current.metadata.annotations[PodConvertPolicy.appliedAnnotation] == nil {
            func same(_ a: Toleration, _ b: Toleration) -> Bool {
                a.key == b.key && a.operator == b.operator && a.value == b.value && a.effect == b.effect
                    && a.tolerationSeconds == b.tolerationSeconds
            }
            let missing = desired.spec.tolerations.filter { t in !current.spec.tolerations.contains { same($0, t) } }
            if !missing.isEmpty { next.spec.tolerations = current.spec.tolerations + missing }
        }
        return next == current ? nil : next
    }
}
