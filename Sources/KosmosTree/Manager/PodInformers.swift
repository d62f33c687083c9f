import KosmosAPI
import Logging

extension SharedInformer where Object == Pod {
    /// An informer of every pod of a cluster, kept without `metadata.managedFields`: nothing in ClusterTree reads
    /// them, and they are often the largest part of a pod, so leaving them out keeps the manager's caches of every
    /// host and member pod small (client-go informers commonly strip them the same way). Updates written from
    /// these pods leave the server's managedFields in place, as an update without the field does.
    static func trimmedPods(_ client: KubeClient, indexers: [String: IndexFunction<Pod>] = [:],
                            logger: Logger) -> SharedInformer<Pod> {
        SharedInformer(listerWatcher: KubeListerWatcher<Pod>(client: client), indexers: indexers,
                       transform: withoutManagedFields, logger: logger)
    }

    /// `pod` without `metadata.managedFields`.
    @Sendable static func withoutManagedFields(_ pod: Pod) -> Pod {
        guard pod.json["metadata"]?["managedFields"] != nil else { return pod }
        var trimmed = pod
        trimmed.json[path: ["metadata", "managedFields"]] = nil
        return trimmed
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
