import KosmosAPI
import Logging

/// Runs host pods bound to one member cluster's leaf nodes in that member cluster, and brings their status
/// back.
///
/// - A host pod bound to a leaf node gets the no-eviction tolerations (``PodConversion/noEvictionTolerations``),
///   its ConfigMaps and Secrets are copied into the member (annotation `kosmos.io/global`, host object's
///   `kosmos-io/cluster-owners` gains the cluster), then the converted pod is created (namespace ensured).
///   Later changes of images, labels, annotations and `activeDeadlineSeconds` are carried down.
/// - The member pod's status (phase, conditions, IPs, container statuses) is written to the host pod.
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
        let configMaps: Mirror<ConfigMap, ConfigMap>
        let secrets: Mirror<Secret, Secret>
        let logger: Logger
    }

    /// Creates the controller; call ``run()`` to start it.
    /// - Parameters:
    ///   - clusterName: the member Cluster's name.
    ///   - plans: the cluster's leaf nodes.
    ///   - host: client of the host cluster.
    ///   - member: client of the member cluster.
    ///   - hostPods: informer of all host pods (run by the caller).
    ///   - memberPods: informer of all member pods (run by the caller).
    ///   - workers: how many pods are reconciled at once.
    ///   - logger: where failures go.
    public init(clusterName: String, plans: [LeafNodePlan], host: KubeClient, member: KubeClient,
                hostPods: SharedInformer<Pod>, memberPods: SharedInformer<Pod>, workers: Int = 4, logger: Logger) {
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
        let configMaps = Mirror<ConfigMap, ConfigMap>(
            name: "configmaps to member cluster \(clusterName)", target: member,
            transform: { cm in
                var copy = ConfigMap.new()
                copy.metadata = Self.copiedMeta(cm.metadata)
                if cm.metadata.name == TreeKeys.kubeRootCA { copy.metadata.name = TreeKeys.masterRootCA }
                copy.json["data"] = cm.json["data"]
                copy.json["binaryData"] = cm.json["binaryData"]
                return copy
            },
            marker: .global,
            update: { current, desired in
                guard current.json["data"] != desired.json["data"]
                    || current.json["binaryData"] != desired.json["binaryData"]
                    || current.metadata.labels != desired.metadata.labels else { return nil }
                var next = current
                next.metadata.labels = desired.metadata.labels
                next.json["data"] = desired.json["data"]
                next.json["binaryData"] = desired.json["binaryData"]
                return next
            },
            deletion: .withSource(grace: { _ in nil }))
        let secrets = Mirror<Secret, Secret>(
            name: "secrets to member cluster \(clusterName)", target: member,
            transform: { s in
                var copy = Secret.new()
                copy.metadata = Self.copiedMeta(s.metadata)
                copy.json["data"] = s.json["data"]
                copy.json["type"] = s.json["type"]
                return copy
            },
            marker: .global,
            update: { current, desired in
                guard current.json["data"] != desired.json["data"]
                    || current.metadata.labels != desired.metadata.labels else { return nil }
                var next = current
                next.metadata.labels = desired.metadata.labels
                next.json["data"] = desired.json["data"]
                return next
            },
            deletion: .withSource(grace: { _ in nil }))
        var l = logger
        l[metadataKey: "cluster"] = "\(clusterName)"
        let shared = Shared(clusterName: clusterName, plans: byName, host: host, member: member,
                            hostPods: hostPods, memberPods: memberPods, pods: pods, configMaps: configMaps,
                            secrets: secrets, logger: l)
        controller = Controller(name: "clustertree-pods-\(clusterName)",
                                reconciler: ReconcileFunction { key in try await Self.reconcile(key, shared) },
                                workers: max(1, workers), logger: l)
        controller.watch(hostPods) { event in
            byName[event.object.spec.nodeName ?? ""] != nil ? [event.key] : []
        }
        controller.watch(memberPods) { event in
            guard LeafResources.isKosmosPod(event.object) else { return [] }
            if case .deleted(let gone) = event { Task { await Self.memberPodDeleted(gone, shared) } }
            return [event.key]
        }
    }

    /// Reconciles until the task is cancelled (the informers must be running).
    public func run() async { await controller.run() }

    // MARK: - Reconcile

    private static func reconcile(_ key: ObjectKey, _ s: Shared) async throws -> ReconcileResult {
        guard let hostPod = s.hostPods.store.get(key), s.plans[hostPod.spec.nodeName ?? ""] != nil else {
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
        if let updated = try await addTolerations(hostPod, s) { _ = updated; return .done }
        try await copyDependencies(of: hostPod, s)
        if let cached = upToDateCopy(of: hostPod, s) {
            try await syncStatus(host: hostPod, member: cached, s)
            return .done
        }
        let outcome = try await s.pods.ensure(hostPod)
        if case .foreign(let other) = outcome {
            throw MirrorError(mirror: s.pods.name, object: other.key, step: "create copy",
                              underlying: PodConversionError(pod: hostPod.key, field: "metadata.name",
                                                             message: "the member cluster already has a pod of "
                                                                 + "this name that ClusterTree did not create"))
        }
        try await syncStatus(host: hostPod, member: outcome.object, s)
        return .done
    }

    /// The member copy from the informer's cache when it is ours and needs no update, so the common reconcile
    /// (a status change) sends no request to the member; `nil` leaves the decision to the mirror, which reads the
    /// member apiserver.
    private static func upToDateCopy(of hostPod: Pod, _ s: Shared) -> Pod? {
        guard let cached = s.memberPods.store.get(ObjectKey(of: hostPod)), s.pods.marker.isMarked(cached.metadata),
              var desired = try? s.pods.transform(hostPod) else { return nil }
        s.pods.marker.mark(&desired.metadata)
        return s.pods.update(cached, desired) == nil ? cached : nil
    }

    private static func memberPodExists(_ key: ObjectKey, _ s: Shared) async throws -> Bool {
        do {
            _ = try await s.member.get(Pod.self, namespace: key.namespace, name: key.name)
            return true
        } catch let e as KubeError where e.isNotFound {
            return false
        }
    }

    /// Adds the no-eviction tolerations the host pod lacks; returns the updated pod when it wrote one.
    private static func addTolerations(_ pod: Pod, _ s: Shared) async throws -> Pod? {
        let missing = PodConversion.noEvictionTolerations.filter { t in
            !pod.spec.tolerations.contains { $0.key == t.key && $0.effect == t.effect && $0.tolerationSeconds == nil
                && $0.operator == .exists }
        }
        guard !missing.isEmpty else { return nil }
        var next = pod
        next.spec.tolerations += missing
        do { return try await s.host.update(next) } catch let e as KubeError where e.isConflict { return pod } catch {
            // An apiserver that refuses the change must not keep the pod from running; it only loses the
            // protection against taint-based eviction.
            s.logger.info("add no-eviction tolerations to host pod \(pod.key): \(error)")
            return nil
        }
    }

    private static func copyDependencies(of pod: Pod, _ s: Shared) async throws {
        let deps = PodDependencies(of: pod)
        let ns = pod.metadata.namespace ?? "default"
        for (name, optional) in deps.configMaps.sorted(by: { $0.key < $1.key }) {
            guard let source = try await hostObject(ConfigMap.self, ns, name, optional: optional, pod, s) else {
                continue
            }
            _ = try await s.configMaps.ensure(source)
            try await recordOwner(source, s)
        }
        for (name, optional) in deps.secrets.sorted(by: { $0.key < $1.key }) {
            guard let source = try await hostObject(Secret.self, ns, name, optional: optional, pod, s) else {
                continue
            }
            _ = try await s.secrets.ensure(source)
            try await recordOwner(source, s)
        }
    }

    private static func hostObject<R: NamespacedResource>(_ type: R.Type, _ ns: String, _ name: String,
                                                          optional: Bool, _ pod: Pod,
                                                          _ s: Shared) async throws -> R? {
        do { return try await s.host.get(R.self, namespace: ns, name: name) } catch let e as KubeError
            where e.isNotFound {
            if optional { return nil }
            throw PodConversionError(pod: pod.key, field: "\(R.kind) \(ns)/\(name)",
                                     message: "not found in the host cluster; the pod waits for it")
        }
    }

    private static func recordOwner<R: NamespacedResource>(_ object: R, _ s: Shared) async throws {
        let current = object.metadata.annotations[TreeKeys.clusterOwners]
        guard !ClusterOwners.has(current, s.clusterName) else { return }
        var annotations = JSONObject()
        annotations.append(TreeKeys.clusterOwners, .string(ClusterOwners.add(current, s.clusterName)))
        let patch: JSONValue = ["metadata": ["annotations": .object(annotations)]]
        _ = try await s.host.patch(R.self, namespace: object.metadata.namespace, name: object.metadata.name ?? "",
                                   patch: .merge(patch))
    }

    private static func syncStatus(host: Pod, member: Pod, _ s: Shared) async throws {
        let status = PodConversion.hostStatus(from: member, current: host.status)
        guard status != host.status else { return }
        var next = host
        next.status = status
        // A conflict means a newer host pod is on its way through the informer, which reconciles again.
        do { _ = try await s.host.updateStatus(next) } catch let e as KubeError where e.isConflict {}
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

    /// Metadata of a member copy: name, namespace, labels and annotations (without the owner list).
    private static func copiedMeta(_ meta: ObjectMeta) -> ObjectMeta {
        var out = ObjectMeta()
        out.name = meta.name
        out.namespace = meta.namespace
        out.labels = meta.labels
        var annotations = meta.annotations
        annotations[TreeKeys.clusterOwners] = nil
        annotations["volume.kubernetes.io/selected-node"] = nil
        out.annotations = annotations
        return out
    }

    /// Carries image, label, annotation and `activeDeadlineSeconds` changes down to an existing member pod.
    private static func podUpdate(_ current: Pod, _ desired: Pod) -> Pod? {
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
        return next == current ? nil : next
    }
}
