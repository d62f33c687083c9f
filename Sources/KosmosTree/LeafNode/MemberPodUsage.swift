import KosmosAPI
import Synchronization

/// What a member pod takes from its node, as far as the leaf-node resources care: node, phase, whether
/// ClusterTree made it, and its requests.
public struct PodUsage: Sendable, Hashable {
    /// `spec.nodeName`.
    public var nodeName: String
    /// `status.phase`.
    public var phase: PodPhase
    /// Whether ClusterTree created the pod (label `kosmos-io/pod=true`).
    public var isKosmosPod: Bool
    /// The pod's effective requests.
    public var requests: [String: Quantity]

    /// The usage of a pod bound to a node; `nil` for a pod not bound yet.
    /// - Parameter pod: a member pod.
    public init?(of pod: Pod) {
        guard let node = pod.spec.nodeName, !node.isEmpty else { return nil }
        nodeName = node
        phase = pod.status.phase
        isKosmosPod = LeafResources.isKosmosPod(pod)
        requests = pod.spec.effectiveRequests
    }
}

/// The ``PodUsage`` of every pod of a member, kept current by the member pod informer's events.
///
/// A leaf-node sync reads these few fields instead of every cached member pod: the informer keeps pods as JSON
/// text, and decoding thousands of them every sync round cost more memory than the cache itself.
final class MemberPodUsage: Sendable {
    private final class Entries: Sendable {
        let map = Mutex<[ObjectKey: PodUsage]>([:])
    }

    private let entries: Entries
    private let registration: EventHandlerRegistration

    /// Starts following `pods` (run by the caller).
    init(pods: SharedInformer<Pod>) {
        let entries = Entries()
        self.entries = entries
        registration = pods.addEventHandler { event in
            let key = event.key
            switch event {
            case .added(let pod), .updated(_, let pod):
                let usage = PodUsage(of: pod)
                entries.map.withLock { $0[key] = usage }
            case .deleted:
                _ = entries.map.withLock { $0.removeValue(forKey: key) }
            }
        }
    }

    /// Whether the informer's first list has been taken in.
    var hasSynced: Bool { registration.hasSynced }

    /// The usage of every pod bound to a node.
    var all: [PodUsage] { entries.map.withLock { Array($0.values) } }
}
