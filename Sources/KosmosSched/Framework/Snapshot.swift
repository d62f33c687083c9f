import KosmosAPI

/// The cluster as the scheduler sees it: nodes with their pods (bound and assumed), volumes, policies and
/// namespace labels, all in evaluation form.
///
/// A snapshot is not thread-safe: one owner mutates it (the scheduler under its lock, the simulator, a
/// benchmark) and the scheduling algorithm reads it meanwhile from several threads only while no mutation runs.
public final class Snapshot: @unchecked Sendable {
    /// Nodes sorted by name.
    public private(set) var nodes: [NodeInfo] = []
    private var nodeIndex: [String: Int] = [:]
    /// Node name of every placed pod, by pod uid.
    private var podNodes: [String: String] = [:]
    /// Pods whose node is not (yet) known to the snapshot, by uid: they are placed once the node appears.
    private var orphanPods: [String: PodInfo] = [:]
    /// PersistentVolumeClaims by `namespace/name`.
    public var claims: [String: PersistentVolumeClaim] = [:]
    /// PersistentVolumes by name.
    public var volumes: [String: PersistentVolume] = [:]
    /// Namespaced distribution policies.
    public var distributionPolicies: [DistributionPolicy] = []
    /// Cluster-scoped distribution policies.
    public var clusterDistributionPolicies: [ClusterDistributionPolicy] = []
    /// Workload policies.
    public var workloadPolicies: [WorkloadPolicy] = []
    /// Labels of each namespace, for affinity terms with a namespace selector.
    public var namespaceLabels: [String: [String: String]] = [:]
    /// How many nodes hold a pod with a required anti-affinity term (lets InterPodAffinity skip work).
    var nodesWithRequiredAntiAffinity: Int {
        nodes.reduce(0) { $0 + ($1.podsWithRequiredAntiAffinity.isEmpty ? 0 : 1) }
    }

    /// An empty snapshot.
    public init() {}

    /// A snapshot of the given objects; pods with a `spec.nodeName` are placed on their node.
    public convenience init(nodes: [Node], pods: [Pod] = []) {
        self.init()
        for n in nodes { upsertNode(n) }
        for p in pods { upsertPod(p) }
    }

    /// The node with that name.
    public func node(named name: String) -> NodeInfo? { nodeIndex[name].map { nodes[$0] } }

    /// The node a pod is placed on.
    public func nodeName(ofPod uid: String) -> String? { podNodes[uid] }

    /// Every placed pod.
    public var allPods: [PodInfo] { nodes.flatMap(\.pods) }

    // MARK: - Nodes

    /// Adds or replaces a node.
    public func upsertNode(_ node: Node) {
        if let i = nodeIndex[node.name] {
            nodes[i].setNode(node)
            return
        }
        let info = NodeInfo(node)
        let at = nodes.partitioningIndex { $0.name > info.name }
        nodes.insert(info, at: at)
        reindex(from: at)
        for (uid, pod) in orphanPods where pod.nodeName == info.name {
            orphanPods[uid] = nil
            info.add(pod, sincePublish: false)
            podNodes[uid] = info.name
        }
    }

    /// Removes a node; its pods wait until a node of that name returns.
    public func removeNode(named name: String) {
        guard let i = nodeIndex[name] else { return }
        let info = nodes.remove(at: i)
        nodeIndex[name] = nil
        reindex(from: i)
        for p in info.pods {
            podNodes[p.uid] = nil
            orphanPods[p.uid] = p
        }
    }

    private func reindex(from start: Int) {
        for i in start..<nodes.count { nodeIndex[nodes[i].name] = i }
    }

    // MARK: - Pods

    /// Adds, moves or removes a pod according to its `spec.nodeName` and phase: finished pods and pods without a
    /// node are not placed. A pod already assumed on the same node stays where it is.
    public func upsertPod(_ pod: Pod) {
        let info = PodInfo(pod)
        if let current = podNodes[info.uid], current == info.nodeName, !info.isFinished,
           let node = node(named: current) {
            // Replace the object but keep the leaf bookkeeping (assumed pods stay "since publish").
            let wasSincePublish = node.podsSincePublish.contains { $0.uid == info.uid }
            node.remove(uid: info.uid)
            node.add(info, sincePublish: wasSincePublish)
            return
        }
        removePod(uid: info.uid)
        guard !info.nodeName.isEmpty, !info.isFinished else { return }
        place(info, on: info.nodeName, sincePublish: false)
    }

    /// Places a pod on a node before the API confirms it (a scheduling decision).
    public func assume(_ pod: PodInfo, on nodeName: String) {
        removePod(uid: pod.uid)
        place(pod, on: nodeName, sincePublish: true)
    }

    private func place(_ pod: PodInfo, on nodeName: String, sincePublish: Bool) {
        if let node = node(named: nodeName) {
            node.add(pod, sincePublish: sincePublish)
            podNodes[pod.uid] = nodeName
        } else {
            orphanPods[pod.uid] = pod
        }
    }

    /// Removes a pod wherever it is placed.
    @discardableResult
    public func removePod(uid: String) -> PodInfo? {
        if let p = orphanPods.removeValue(forKey: uid) { return p }
        guard let n = podNodes.removeValue(forKey: uid), let node = node(named: n) else { return nil }
        return node.remove(uid: uid)
    }
}

extension Array {
    /// The first index whose element satisfies `belongsAfter` (the array is partitioned by it).
    func partitioningIndex(where belongsAfter: (Element) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if belongsAfter(self[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
