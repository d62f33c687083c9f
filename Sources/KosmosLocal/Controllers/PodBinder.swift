import KosmosAPI
import Logging
import Synchronization

/// A stand-in for a scheduler until KosmosSched runs in local clusters: binds each pod of the
/// `default-scheduler` that has no node to the next Ready node in name order (round robin) whose taints it
/// tolerates and whose labels match its `nodeSelector`, through `pods/<name>/binding`.
final class PodBinder: Reconciler {
    let client: KubeClient
    let pods: SharedInformer<DynamicObject>
    let nodes: SharedInformer<DynamicObject>
    let logger: Logger
    private let next = Mutex(0)

    init(client: KubeClient, pods: SharedInformer<DynamicObject>, nodes: SharedInformer<DynamicObject>,
         logger: Logger) {
        self.client = client
        self.pods = pods
        self.nodes = nodes
        self.logger = logger
    }

    static func wantsBinding(_ pod: DynamicObject) -> Bool {
        let scheduler = pod.string("spec", "schedulerName") ?? "default-scheduler"
        return pod.nodeName == nil && !pod.isTerminating && pod.podPhase == "Pending"
            && (scheduler == "default-scheduler" || scheduler.isEmpty)
    }

    func register(with controller: Controller) {
        controller.watch(pods) { event in
            if case .deleted = event { return [] }
            return Self.wantsBinding(event.object) ? [event.key] : []
        }
        let pods = self.pods
        controller.watch(nodes) { event in
            guard event.object.conditionStatus("Ready") == "True" else { return [] }
            if case .updated(let old, _) = event, old.conditionStatus("Ready") == "True",
               old.array("spec", "taints") == event.object.array("spec", "taints") { return [] }
            return pods.store.list().filter(Self.wantsBinding).map { ObjectKey(of: $0) }
        }
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        guard let pod = pods.store.get(key), Self.wantsBinding(pod) else { return .done }
        let selector = pod.stringMap("spec", "nodeSelector")
        let tolerations = pod.array("spec", "tolerations")
        let candidates = nodes.store.list().filter { node in
            node.conditionStatus("Ready") == "True" && !node.isTerminating
                && node.json[path: ["spec", "unschedulable"]]?.boolValue != true
                && selector.allSatisfy { node.metadata.labels[$0.key] == $0.value }
                && node.array("spec", "taints").allSatisfy { taint in
                    let effect = taint["effect"]?.stringValue ?? ""
                    return effect == "PreferNoSchedule" || tolerations.contains { Self.tolerates($0, taint) }
                }
        }.sorted { $0.name < $1.name }
        guard !candidates.isEmpty else { return .requeueAfter(.seconds(1)) }
        let index = next.withLock { n -> Int in
            defer { n &+= 1 }
            return n
        }
        let node = candidates[index % candidates.count]
        do {
            try await client.bind(pod: pod.name, namespace: pod.namespace, toNode: node.name, uid: pod.uid)
            logger.debug("bound pod \(key) to node \(node.name)")
        } catch let e as KubeError where e.isNotFound || e.isConflict {
            // Deleted, or bound by someone else meanwhile.
        }
        return .done
    }

    /// Whether a toleration matches a taint (key, operator `Equal`/`Exists`, value, effect).
    static func tolerates(_ toleration: JSONValue, _ taint: JSONValue) -> Bool {
        let effect = toleration["effect"]?.stringValue ?? ""
        if !effect.isEmpty && effect != taint["effect"]?.stringValue { return false }
        let key = toleration["key"]?.stringValue ?? ""
        if toleration["operator"]?.stringValue == "Exists" {
            return key.isEmpty || key == taint["key"]?.stringValue
        }
        return key == taint["key"]?.stringValue
            && (toleration["value"]?.stringValue ?? "") == (taint["value"]?.stringValue ?? "")
    }
}
