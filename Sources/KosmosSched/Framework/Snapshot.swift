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
    /// Pods placed by `assume` whose binding the API has not confirmed yet.
    public private(set) var assumedPods: Set<String> = []
    /// Pods whose node is not (yet) known to the snapshot, by uid: they are placed once the node appears.
    private var orphanPods: [String: PodInfo] = [:]
    /// PersistentVolumeClaims by `namespace/name`.
    public var claims: [String: PersistentVolumeClaim] = [:]
    /// PersistentVolumes by name.
    public var volumes: [String: PersistentVolume] = [:]
    /// StorageClasses by name.
    public var storageClasses: [String: StorageClass] = [:]
    /// Namespaced distribution policies.
    public var distributionPolicies: [DistributionPolicy] = []
    /// Cluster-scoped distribution policies.
    public var clusterDistributionPolicies: [ClusterDistributionPolicy] = []
    /// Workload policies.
    public var workloadPolicies: [WorkloadPolicy] = []
    /// Labels of each namespace, for affinity terms with a namespace selector.
    public var namespaceLabels: [String: [String: String]] = [:]
    /// Placed pods by uid.
    private var placedPods: [String: PodInfo] = [:]
    /// Placed pods by each of their labels, so that selectors with a `key=value` requirement visit only the pods
    /// that can match.
    private var podsByLabel: [LabelPair: Set<String>] = [:]
    /// Placed pods with a required anti-affinity term, by the `key=value` pair that term requires.
    private var antiAffinityByLabel: [LabelPair: Set<String>] = [:]
    /// Placed pods with a required anti-affinity term that requires no single pair.
    private var antiAffinityUnindexed: Set<String> = []

    /// Bumped whenever a node is added, changed or removed.
    private var nodeGeneration = 0
    /// Per topology key: each node's value by position, and the set of values; valid for one node generation.
    private var topologyCache: [String: (generation: Int, values: [String?], domains: Set<String>)] = [:]

    /// Each node's value of a label (by position in `nodes`) and the distinct values, cached until nodes change.
    /// Call only while the snapshot is not read concurrently (PreFilter, PreScore).
    func topologyValues(_ key: String) -> (values: [String?], domains: Set<String>) {
        if let c = topologyCache[key], c.generation == nodeGeneration { return (c.values, c.domains) }
        let values = nodes.map { $0.labels[key] }
        let domains = Set(values.compactMap { $0 })
        topologyCache[key] = (nodeGeneration, values, domains)
        return (values, domains)
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

    /// The position of a node in `nodes`.
    func position(ofNode name: String) -> Int? { nodeIndex[name] }

    /// The node a pod is placed on.
    public func nodeName(ofPod uid: String) -> String? { podNodes[uid] }

    /// Every placed pod.
    public var allPods: [PodInfo] { nodes.flatMap(\.pods) }

    // MARK: - Nodes

    /// Adds or replaces a node.
    public func upsertNode(_ node: Node) {
        nodeGeneration &+= 1
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
            indexAdd(pod)
        }
    }

    /// Removes a node; its pods wait until a node of that name returns.
    public func removeNode(named name: String) {
        nodeGeneration &+= 1
        guard let i = nodeIndex[name] else { return }
        let info = nodes.remove(at: i)
        nodeIndex[name] = nil
        reindex(from: i)
        for p in info.pods {
            podNodes[p.uid] = nil
            orphanPods[p.uid] = p
            indexRemove(p)
        }
    }

    private func reindex(from start: Int) {
        for i in start..<nodes.count { nodeIndex[nodes[i].name] = i }
    }

    // MARK: - Pods

    /// Adds, moves or removes a pod according to its `spec.nodeName` and phase: finished pods and pods without a
    /// node are not placed. An assumed pod stays where it is until a copy with a node (or finished, or being
    /// deleted) arrives.
    public func upsertPod(_ pod: Pod) {
        let info = PodInfo(pod)
        if !info.nodeName.isEmpty {
            assumedPods.remove(info.uid)
        } else if assumedPods.contains(info.uid) && !info.isFinished && !info.isTerminating {
            // A copy from before the binding: the assumption stands until the bound pod arrives.
            return
        }
        if let current = podNodes[info.uid], current == info.nodeName, !info.isFinished,
            let node = node(named: current)
        {
            // Replace the object but keep the leaf bookkeeping (assumed pods stay "since publish").
            let wasSincePublish = node.podsSincePublish.contains { $0.uid == info.uid }
            if let old = node.remove(uid: info.uid) { indexRemove(old) }
            node.add(info, sincePublish: wasSincePublish)
            indexAdd(info)
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
        assumedPods.insert(pod.uid)
    }

    private func place(_ pod: PodInfo, on nodeName: String, sincePublish: Bool) {
        if let node = node(named: nodeName) {
            node.add(pod, sincePublish: sincePublish)
            podNodes[pod.uid] = nodeName
            indexAdd(pod)
        } else {
            orphanPods[pod.uid] = pod
        }
    }

    /// Removes a pod wherever it is placed.
    @discardableResult
    public func removePod(uid: String) -> PodInfo? {
        assumedPods.remove(uid)
        if let p = orphanPods.removeValue(forKey: uid) { return p }
        guard let n = podNodes.removeValue(forKey: uid), let node = node(named: n) else { return nil }
        let removed = node.remove(uid: uid)
        if let removed { indexRemove(removed) }
        return removed
    }

    // MARK: - Label index

    private func indexAdd(_ pod: PodInfo) {
        placedPods[pod.uid] = pod
        for (k, v) in pod.labels { podsByLabel[LabelPair(key: k, value: v), default: []].insert(pod.uid) }
        for t in pod.requiredAntiAffinity {
            if let pair = t.selector.indexPair {
                antiAffinityByLabel[pair, default: []].insert(pod.uid)
            } else {
                antiAffinityUnindexed.insert(pod.uid)
            }
        }
    }

    private func indexRemove(_ pod: PodInfo) {
        placedPods[pod.uid] = nil
        for (k, v) in pod.labels { podsByLabel[LabelPair(key: k, value: v)]?.remove(pod.uid) }
        for t in pod.requiredAntiAffinity {
            if let pair = t.selector.indexPair {
                antiAffinityByLabel[pair]?.remove(pod.uid)
            } else {
                antiAffinityUnindexed.remove(pod.uid)
            }
        }
    }

    /// The placed pods (with their nodes) that may match `selector`; every placed pod when the selector
    /// requires no single `key=value` pair.
    func candidates(for selector: CompiledSelector) -> [(pod: PodInfo, node: NodeInfo)] {
        if selector.matchesNothing { return [] }
        guard let pair = selector.indexPair else {
            return nodes.flatMap { n in n.pods.map { ($0, n) } }
        }
        return resolve(podsByLabel[pair] ?? [])
    }

    /// The placed pods with a required anti-affinity term that may select a pod with these labels.
    func antiAffinityCandidates(for labels: [String: String]) -> [(pod: PodInfo, node: NodeInfo)] {
        var uids = antiAffinityUnindexed
        for (k, v) in labels { if let s = antiAffinityByLabel[LabelPair(key: k, value: v)] { uids.formUnion(s) } }
        return resolve(uids)
    }

    private func resolve(_ uids: Set<String>) -> [(pod: PodInfo, node: NodeInfo)] {
        var out: [(pod: PodInfo, node: NodeInfo)] = []
        out.reserveCapacity(uids.count)
        for uid in uids {
            guard let p = placedPods[uid], let n = podNodes[uid], let node = node(named: n) else { continue }
            out.append((p, node))
        }
        return out
    }
}

/// A label `key=value`.
struct LabelPair: Hashable, Sendable {
    var key: String
    var value: String
}

extension Array {
    /// The first index whose element satisfies `belongsAfter` (the array is partitioned by it).
    func partitioningIndex(where belongsAfter: (Element) -> Bool) -> Int {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if belongsAfter(self[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
