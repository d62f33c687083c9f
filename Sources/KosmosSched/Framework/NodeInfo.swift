import KosmosAPI

/// A node and the pods placed on it, in evaluation form.
///
/// Instances belong to one `Snapshot` and change only through it; plugins read them, also from several threads
/// at once during filtering, while no mutation can happen.
public final class NodeInfo: @unchecked Sendable {
    /// The node as read from the API.
    public private(set) var node: Node
    /// The name.
    public let name: String
    /// The labels.
    public private(set) var labels: [String: String]
    /// The taints.
    public private(set) var taints: [TaintInfo]
    /// Whether the node is cordoned (`spec.unschedulable`).
    public private(set) var unschedulable: Bool
    /// What pods may use on the node.
    public private(set) var allocatable: ResourceVector
    /// Whether the node is a Kosmos leaf node (label `kosmos.io/node`).
    public private(set) var isLeaf: Bool
    /// The free slots of the leaf's member nodes, when published (see `MemberNodeFree`).
    public private(set) var memberNodes: [MemberNodeFree]?
    /// The annotations the scheduler reads (cluster ownership).
    public private(set) var annotations: [String: String]

    /// Sum of the requests of the pods on the node.
    public private(set) var requested = ResourceVector()
    var nonZeroCPU: Int64 = 0
    var nonZeroMemory: Int64 = 0
    /// Pods on the node (bound or assumed).
    public private(set) var pods: [PodInfo] = []
    /// Pods with a term that matters for scoring other pods (see `PodInfo.affectsScoring`).
    private(set) var podsWithAffinity: [PodInfo] = []
    /// Pods with a required anti-affinity term.
    private(set) var podsWithRequiredAntiAffinity: [PodInfo] = []
    /// Pods placed on a leaf node since its member-node free slots were last published; they still have to be
    /// subtracted from those slots.
    private(set) var podsSincePublish: [PodInfo] = []

    /// Converts a node.
    /// - Parameter node: the API object.
    public init(_ node: Node) {
        self.node = node
        name = node.name
        labels = [:]
        taints = []
        unschedulable = false
        allocatable = ResourceVector()
        isLeaf = false
        annotations = [:]
        setNode(node)
    }

    func setNode(_ node: Node) {
        let oldFree = annotations[MemberNodeFree.annotation]
        self.node = node
        let meta = node.metadata
        labels = meta.labels
        annotations = meta.annotations
        taints = node.spec.taints.map(TaintInfo.init)
        unschedulable = node.spec.unschedulable
        allocatable = ResourceVector(node.status.allocatable)
        isLeaf = labels[KosmosKeys.leafNode] != nil
        let free = annotations[MemberNodeFree.annotation]
        if free != oldFree {
            memberNodes = free.flatMap { try? MemberNodeFree.parse($0) }
            podsSincePublish = []
        }
    }

    /// A detached copy of the node without the given pods, to ask "would the pod fit if these were gone?".
    public func without(_ uids: Set<String>) -> NodeInfo {
        let copy = NodeInfo(node)
        for p in pods where !uids.contains(p.uid) {
            copy.add(p, sincePublish: podsSincePublish.contains { $0.uid == p.uid })
        }
        return copy
    }

    func add(_ pod: PodInfo, sincePublish: Bool) {
        pods.append(pod)
        requested.add(pod.requests)
        nonZeroCPU += pod.nonZeroCPU
        nonZeroMemory += pod.nonZeroMemory
        if pod.affectsScoring { podsWithAffinity.append(pod) }
        if !pod.requiredAntiAffinity.isEmpty { podsWithRequiredAntiAffinity.append(pod) }
        if sincePublish && isLeaf { podsSincePublish.append(pod) }
    }

    @discardableResult
    func remove(uid: String) -> PodInfo? {
        guard let i = pods.firstIndex(where: { $0.uid == uid }) else { return nil }
        let pod = pods.remove(at: i)
        requested.subtract(pod.requests)
        nonZeroCPU -= pod.nonZeroCPU
        nonZeroMemory -= pod.nonZeroMemory
        podsWithAffinity.removeAll { $0.uid == uid }
        podsWithRequiredAntiAffinity.removeAll { $0.uid == uid }
        podsSincePublish.removeAll { $0.uid == uid }
        return pod
    }
}
