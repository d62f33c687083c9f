import KosmosAPI
import Logging

/// Lists and watches pods for ClusterTree's informers without their `metadata.managedFields`: nothing in ClusterTree
/// reads them, and they are often the largest part of a pod, so leaving them out keeps the manager's caches of
/// every host and member pod small (client-go informers commonly strip them the same way). Updates written from
/// these pods leave the server's managedFields in place, as an update without the field does.
struct TrimmedPodListerWatcher: ListerWatcher {
    typealias Object = Pod

    /// Where the pods come from.
    let base: KubeListerWatcher<Pod>

    init(client: KubeClient) { base = KubeListerWatcher(client: client) }

    func list() async throws -> ListSnapshot<Pod> {
        var snapshot = try await base.list()
        snapshot.items = snapshot.items.map(Self.trim)
        return snapshot
    }

    func watch(resourceVersion: String, timeout: Duration) async throws
        -> AsyncMapSequence<KubeWatchEvents<Pod>, ReflectorEvent<Pod>> {
        try await base.watch(resourceVersion: resourceVersion, timeout: timeout).map { event in
            switch event {
            case .added(let pod): .added(Self.trim(pod))
            case .modified(let pod): .modified(Self.trim(pod))
            case .deleted(let pod): .deleted(Self.trim(pod))
            case .bookmark: event
            }
        }
    }

    func isResourceExpired(_ error: any Error) -> Bool { base.isResourceExpired(error) }

    static func trim(_ pod: Pod) -> Pod {
        guard pod.json["metadata"]?["managedFields"] != nil else { return pod }
        var trimmed = pod
        trimmed.json[path: ["metadata", "managedFields"]] = nil
        return trimmed
    }
}

extension SharedInformer where Object == Pod {
    /// An informer of every pod of a cluster, kept without managedFields (``TrimmedPodListerWatcher``).
    static func trimmedPods(_ client: KubeClient, indexers: [String: IndexFunction<Pod>] = [:],
                            logger: Logger) -> SharedInformer<Pod> {
        SharedInformer(listerWatcher: TrimmedPodListerWatcher(client: client), indexers: indexers, logger: logger)
    }
}

/// Indices ClusterTree keeps on pod caches.
enum PodIndex {
    /// Pods by `spec.nodeName` (the host's: which host pods a member's leaf nodes hold).
    static let byNode = "clustertree-node"

    /// The ``byNode`` index function.
    static let nodeName: IndexFunction<Pod> = { pod in
        guard let node = pod.spec.nodeName, !node.isEmpty else { return [] }
        return [node]
    }
}
