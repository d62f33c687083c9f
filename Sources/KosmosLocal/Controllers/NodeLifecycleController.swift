import KosmosAPI
import Logging
import Synchronization

/// Watches node heartbeats (kube-controller-manager's node lifecycle controller): a node whose kubelet has
/// neither renewed its Lease in `kube-node-lease` nor posted a Ready heartbeat for the grace period gets its
/// conditions set to Unknown and the `node.kubernetes.io/unreachable` NoSchedule and NoExecute taints; a node
/// that reports Ready=False gets the `node.kubernetes.io/not-ready` taints. The taints go once the node is Ready.
/// When a node turns Unknown its pods' Ready condition is set to False, so they leave Service endpoints; the
/// kubelet sets it back when it returns. (Evicting pods through the NoExecute taint is not done.)
///
/// Silence is measured with this process's monotonic clock from the moment a heartbeat was *seen* to change, so
/// clock skew between kubelet and controller does not matter.
final class NodeLifecycleController: Reconciler {
    let client: KubeClient
    let nodes: SharedInformer<DynamicObject>
    let leases: SharedInformer<DynamicObject>
    let pods: SharedInformer<DynamicObject>
    let gracePeriod: Duration
    let logger: Logger

    static let unreachableTaint = "node.kubernetes.io/unreachable"
    static let notReadyTaint = "node.kubernetes.io/not-ready"
    static let watchedConditions = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]

    private struct Probe {
        var lease: String?
        var heartbeat: String?
        var seenAt: ContinuousClock.Instant
    }
    private let probes = Mutex<[String: Probe]>([:])

    init(client: KubeClient, nodes: SharedInformer<DynamicObject>, leases: SharedInformer<DynamicObject>,
         pods: SharedInformer<DynamicObject>, gracePeriod: Duration, logger: Logger) {
        self.client = client
        self.nodes = nodes
        self.leases = leases
        self.pods = pods
        self.gracePeriod = gracePeriod
        self.logger = logger
    }

    func register(with controller: Controller) {
        controller.watch(nodes)
        controller.watch(leases) { event in
            guard event.object.namespace == ClusterResources.nodeLeaseNamespace else { return [] }
            return [ObjectKey(namespace: nil, name: event.object.name)]
        }
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        guard let node = nodes.store.get(key) else {
            _ = probes.withLock { $0.removeValue(forKey: key.name) }
            return .done
        }
        let lease = leases.store.get(namespace: ClusterResources.nodeLeaseNamespace, name: key.name)
        let renew = lease?.string("spec", "renewTime")
        let heartbeat = node.array("status", "conditions").first { $0["type"]?.stringValue == "Ready" }?[
            "lastHeartbeatTime"]?.stringValue
        let now = ContinuousClock.now
        let seenAt = probes.withLock { all -> ContinuousClock.Instant in
            var p = all[key.name] ?? Probe(lease: renew, heartbeat: heartbeat, seenAt: now)
            if p.lease != renew || p.heartbeat != heartbeat {
                p = Probe(lease: renew, heartbeat: heartbeat, seenAt: now)
            }
            all[key.name] = p
            return p.seenAt
        }
        let silent = now - seenAt
        var ready = node.conditionStatus("Ready") ?? "Unknown"
        if silent >= gracePeriod && ready != "Unknown" {
            try await markUnknown(node)
            ready = "Unknown"
            logger.info("node \(key.name) stopped posting status for \(silent); marked Unknown")
        }
        try await syncTaints(node, ready: ready)
        if ready == "Unknown" { try await markPodsNotReady(on: key.name) }
        return silent >= gracePeriod ? .done : .requeueAfter(gracePeriod - silent + .milliseconds(100))
    }

    private func markUnknown(_ node: DynamicObject) async throws {
        let now = kubeTimestamp()
        var conditions = node.array("status", "conditions")
        for type in Self.watchedConditions where !conditions.contains(where: { $0["type"]?.stringValue == type }) {
            conditions.append(["type": .string(type), "status": "Unknown", "lastHeartbeatTime": .string(now)])
        }
        conditions = conditions.map { c in
            guard let type = c["type"]?.stringValue, Self.watchedConditions.contains(type) else { return c }
            var c = c
            if c["status"]?.stringValue != "Unknown" { c["lastTransitionTime"] = .string(now) }
            c["status"] = "Unknown"
            c["reason"] = "NodeStatusUnknown"
            c["message"] = "Kubelet stopped posting node status."
            return c
        }
        _ = try await client.dynamic(ClusterResources.nodes).patch(
            name: node.name, patch: .merge(["status": ["conditions": .array(conditions)]]), subresource: "status")
    }

    /// Sets Ready=False on the pods of a node that stopped reporting (kube's `MarkPodsNotReady`).
    private func markPodsNotReady(on node: String) async throws {
        let now = kubeTimestamp()
        for pod in pods.store.list() where pod.nodeName == node && pod.isReadyPod && !pod.isTerminating {
            let conditions = pod.array("status", "conditions").map { c -> JSONValue in
                guard c["type"]?.stringValue == "Ready" else { return c }
                var c = c
                c["status"] = "False"
                c["reason"] = "NodeNotReady"
                c["lastTransitionTime"] = .string(now)
                return c
            }
            do {
                _ = try await client.dynamic(ClusterResources.pods).patch(
                    namespace: pod.namespace, name: pod.name,
                    patch: .merge(["status": ["conditions": .array(conditions)]]), subresource: "status")
            } catch let e as KubeError where e.isNotFound {}
        }
    }

    private func syncTaints(_ node: DynamicObject, ready: String) async throws {
        let wantKey: String? = switch ready {
        case "True": nil
        case "False": Self.notReadyTaint
        default: Self.unreachableTaint
        }
        let existing = node.array("spec", "taints")
        let ours = [Self.unreachableTaint, Self.notReadyTaint]
        var taints = existing.filter { t in
            guard let k = t["key"]?.stringValue, ours.contains(k) else { return true }
            return k == wantKey
        }
        if let wantKey {
            for effect in ["NoSchedule", "NoExecute"] where !taints.contains(where: {
                $0["key"]?.stringValue == wantKey && $0["effect"]?.stringValue == effect
            }) {
                var t: JSONObject = ["key": .string(wantKey), "effect": .string(effect)]
                if effect == "NoExecute" { t.append("timeAdded", .string(kubeTimestamp())) }
                taints.append(.object(t))
            }
        }
        guard taints != existing else { return }
        _ = try await client.dynamic(ClusterResources.nodes).patch(
            name: node.name, patch: .merge(["spec": ["taints": taints.isEmpty ? .null : .array(taints)]]))
    }
}
