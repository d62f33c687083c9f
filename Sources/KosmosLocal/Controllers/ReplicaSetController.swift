import KosmosAPI
import Logging

/// Keeps each ReplicaSet's pods at `spec.replicas` (kube-controller-manager's replicaset controller): creates pods
/// from the template (`generateName: <rs>-`, a controller owner reference), deletes surplus pods (unbound, pending
/// and not-ready ones first, then the newest), adopts matching orphans, and writes `status`.
struct ReplicaSetController: Reconciler {
    let client: KubeClient
    let replicaSets: SharedInformer<DynamicObject>
    let pods: SharedInformer<DynamicObject>
    let logger: Logger

    /// Most pods created or deleted in one reconcile; the rest follow in the next.
    static let maxBurst = 250
    /// How long a reconcile waits for its own writes to reach the cache, so the next one does not redo them.
    static let cacheWait = Duration.seconds(5)

    /// Feeds `controller` with the keys of changed ReplicaSets and of the owners of changed pods.
    func register(with controller: Controller) {
        controller.watch(replicaSets)
        let replicaSets = self.replicaSets
        controller.watch(pods) { event in
            var pods = [event.object]
            if case .updated(let old, _) = event { pods.append(old) }
            var keys: Set<ObjectKey> = []
            for pod in pods {
                if let ref = pod.controllerRef {
                    if ref.kind == "ReplicaSet" { keys.insert(ObjectKey(namespace: pod.namespace, name: ref.name)) }
                    continue
                }
                // An orphan: every ReplicaSet that would adopt it.
                for rs in replicaSets.store.list(namespace: pod.namespace) where Self.selects(rs, pod) {
                    keys.insert(ObjectKey(of: rs))
                }
            }
            return Array(keys)
        }
    }

    static func selector(of owner: DynamicObject) -> LabelSelector {
        LabelSelector(json: owner.json[path: ["spec", "selector"]] ?? .object(JSONObject()))
    }

    /// Whether an owner's (non-empty) selector matches the pod's labels.
    static func selects(_ owner: DynamicObject, _ pod: DynamicObject) -> Bool {
        let s = selector(of: owner)
        return !s.isEmpty && s.matches(pod.metadata.labels)
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        guard let rs = replicaSets.store.get(key), !rs.isTerminating else { return .done }
        let desired = rs.int("spec", "replicas") ?? 1
        var owned: [DynamicObject] = []
        for pod in pods.store.list(namespace: key.namespace) {
            if let ref = pod.controllerRef {
                if ref.uid == rs.uid { owned.append(pod) }
            } else if !pod.isTerminating, Self.selects(rs, pod) {
                if let adopted = try await adopt(pod, by: rs) { owned.append(adopted) }
            }
        }
        let active = owned.filter(\.isActivePod)
        let diff = active.count - desired
        if diff < 0 {
            try await createPods(min(-diff, Self.maxBurst), for: rs)
            return .done  // the new pods' events bring us back to write status
        } else if diff > 0 {
            let victims = Array(Self.deletionOrder(active).prefix(min(diff, Self.maxBurst)))
            try await deletePods(victims, of: rs)
            return .done
        }
        return try await updateStatus(rs, active: active)
    }

    // MARK: - Pods

    /// Makes an owner's controller reference.
    static func ownerReference(_ owner: DynamicObject, kind: String) -> OwnerReference {
        OwnerReference(apiVersion: "apps/v1", kind: kind, name: owner.name, uid: owner.uid, controller: true,
                       blockOwnerDeletion: true)
    }

    /// The pod a ReplicaSet's template describes.
    static func pod(for rs: DynamicObject) -> DynamicObject {
        DynamicObject.fromTemplate(
            rs.json[path: ["spec", "template"]] ?? .object(JSONObject()), apiVersion: "v1", kind: "Pod",
            name: .generated(prefix: "\(rs.name)-"), namespace: rs.namespace,
            owner: ownerReference(rs, kind: "ReplicaSet"), copyFinalizers: true)
    }

    /// Creates `count` pods in batches of 1, 2, 4, ... (a failing batch stops the rest), then waits until the
    /// cache holds them.
    private func createPods(_ count: Int, for rs: DynamicObject) async throws {
        let podClient = client.dynamic(ClusterResources.pods)
        let template = Self.pod(for: rs)
        var created: [String] = []
        var remaining = count
        var batch = 1
        var failure: (any Error)?
        while remaining > 0 && failure == nil {
            let n = min(batch, remaining)
            let results = await withTaskGroup(of: Result<String, any Error>.self) { group in
                for _ in 0..<n {
                    group.addTask {
                        do {
                            return .success(try await podClient.create(template).name)
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                var all: [Result<String, any Error>] = []
                for await r in group { all.append(r) }
                return all
            }
            for r in results {
                switch r {
                case .success(let name): created.append(name)
                case .failure(let e): failure = e
                }
            }
            remaining -= n
            batch *= 2
        }
        if !created.isEmpty {
            logger.debug("created \(created.count) pod(s) for replicaset \(rs.namespace)/\(rs.name)")
        }
        let store = pods.store
        let ns = rs.namespace
        _ = await waitUntil(timeout: Self.cacheWait) {
            created.allSatisfy { store.get(namespace: ns, name: $0) != nil }
        }
        if let failure {
            throw ControllerError(controller: "replicaset", object: "\(rs.namespace)/\(rs.name)",
                                  operation: "create pods", cause: "\(failure)")
        }
    }

    private func deletePods(_ victims: [DynamicObject], of rs: DynamicObject) async throws {
        let podClient = client.dynamic(ClusterResources.pods)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for pod in victims {
                group.addTask {
                    do {
                        try await podClient.delete(namespace: pod.namespace, name: pod.name,
                                                   options: DeleteOptions(preconditionUID: pod.uid))
                    } catch let e as KubeError where e.isNotFound || e.isConflict {
                        // Gone already, or replaced by another pod of the same name.
                    }
                }
            }
            try await group.waitForAll()
        }
        let store = pods.store
        _ = await waitUntil(timeout: Self.cacheWait) {
            victims.allSatisfy { v in
                guard let p = store.get(namespace: v.namespace, name: v.name) else { return true }
                return p.uid != v.uid || !p.isActivePod
            }
        }
    }

    /// Sets a controller reference on an orphan that the ReplicaSet selects; `nil` when the pod changed meanwhile.
    private func adopt(_ pod: DynamicObject, by rs: DynamicObject) async throws -> DynamicObject? {
        let refs = pod.metadata.ownerReferences.map(\.json) + [Self.ownerReference(rs, kind: "ReplicaSet").json]
        do {
            let patched = try await client.dynamic(ClusterResources.pods).patch(
                namespace: pod.namespace, name: pod.name,
                patch: .merge(["metadata": ["ownerReferences": .array(refs),
                                            "resourceVersion": .string(pod.metadata.resourceVersion ?? "")]]))
            return patched.withTypeMeta(ClusterResources.pods)
        } catch let e as KubeError where e.isNotFound || e.isConflict {
            return nil
        }
    }

    /// Pods in the order a scale-down removes them: unbound before bound, Pending before Unknown before Running,
    /// not ready before ready, ready for less time before longer, newer before older.
    static func deletionOrder(_ pods: [DynamicObject]) -> [DynamicObject] {
        func phaseRank(_ p: DynamicObject) -> Int {
            switch p.podPhase {
            case "Pending": 0
            case "Unknown": 1
            default: 2
            }
        }
        func readySince(_ p: DynamicObject) -> String {
            p.array("status", "conditions").first { $0["type"]?.stringValue == "Ready" }?["lastTransitionTime"]?
                .stringValue ?? ""
        }
        return pods.sorted { a, b in
            if (a.nodeName == nil) != (b.nodeName == nil) { return a.nodeName == nil }
            if phaseRank(a) != phaseRank(b) { return phaseRank(a) < phaseRank(b) }
            if a.isReadyPod != b.isReadyPod { return !a.isReadyPod }
            if a.isReadyPod, readySince(a) != readySince(b) { return readySince(a) > readySince(b) }
            let ca = a.metadata.creationTimestamp ?? "", cb = b.metadata.creationTimestamp ?? ""
            if ca != cb { return ca > cb }
            return a.name > b.name
        }
    }

    // MARK: - Status

    /// Ready pods that have been ready for `minReadySeconds`, and the time until the next one becomes available.
    static func availability(of pods: [DynamicObject], minReadySeconds: Int, now: Time = .now())
        -> (available: Int, nextIn: Double?)
    {
        var available = 0
        var next: Double?
        for p in pods where p.isReadyPod {
            guard minReadySeconds > 0 else {
                available += 1
                continue
            }
            let since = p.array("status", "conditions").first { $0["type"]?.stringValue == "Ready" }?[
                "lastTransitionTime"]?.stringValue.flatMap { try? Time.parse($0) } ?? now
            let left = Double(minReadySeconds) - now.seconds(since: since)
            if left <= 0 { available += 1 } else { next = min(next ?? left, left) }
        }
        return (available, next)
    }

    private func updateStatus(_ rs: DynamicObject, active: [DynamicObject]) async throws -> ReconcileResult {
        let templateLabels = LabelSelector(matchLabels: rs.stringMap("spec", "template", "metadata", "labels"))
        let fullyLabeled = active.filter { templateLabels.matches($0.metadata.labels) }.count
        let ready = active.filter(\.isReadyPod).count
        let (available, nextIn) = Self.availability(of: active, minReadySeconds: rs.int("spec", "minReadySeconds") ?? 0)
        var status = JSONObject()
        status.append("replicas", .int(Int64(active.count)))
        status.append("fullyLabeledReplicas", fullyLabeled > 0 ? .int(Int64(fullyLabeled)) : .null)
        status.append("readyReplicas", ready > 0 ? .int(Int64(ready)) : .null)
        status.append("availableReplicas", available > 0 ? .int(Int64(available)) : .null)
        status.append("observedGeneration", .int(rs.json[path: ["metadata", "generation"]]?.intValue ?? 1))
        if Self.statusDiffers(rs, status) {
            do {
                _ = try await client.dynamic(ClusterResources.replicaSets).patch(
                    namespace: rs.namespace, name: rs.name,
                    patch: .merge(["status": .object(status)]), subresource: "status")
            } catch let e as KubeError where e.isNotFound {
                return .done
            }
        }
        if let nextIn { return .requeueAfter(.milliseconds(Int64(nextIn * 1000) + 100)) }
        return .done
    }

    /// Whether applying the merge-patch `status` would change the object's status.
    static func statusDiffers(_ object: DynamicObject, _ status: JSONObject) -> Bool {
        for (k, v) in status {
            let current = object.json[path: ["status", k]]
            if v.isNull { if current != nil && current?.isNull == false { return true } } else if current != v {
                return true
            }
        }
        return false
    }
}

/// A controller could not bring an object to its desired state.
public struct ControllerError: Error, Sendable, CustomStringConvertible {
    /// The controller, e.g. `replicaset`.
    public var controller: String
    /// The object, `namespace/name`.
    public var object: String
    /// What was being done.
    public var operation: String
    /// Why it failed.
    public var cause: String

    public var description: String { "\(controller) controller: \(operation) for \(object): \(cause)" }
}
