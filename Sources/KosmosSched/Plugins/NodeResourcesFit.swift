/// Filters nodes without room for the pod's requests and scores by how allocated they would be
/// (kube-scheduler `NodeResourcesFit`).
public struct NodeResourcesFit: PreFilterPlugin, FilterPlugin, ScorePlugin {
    /// How nodes are ranked.
    public enum Strategy: String, Sendable {
        /// Prefer nodes with the most free CPU and memory (spreads pods).
        case leastAllocated = "LeastAllocated"
        /// Prefer nodes with the least free CPU and memory (packs pods).
        case mostAllocated = "MostAllocated"
    }

    /// `NodeResourcesFit`.
    public let name = "NodeResourcesFit"
    /// The scoring strategy.
    public var strategy: Strategy

    /// - Parameter strategy: the scoring strategy, `leastAllocated` by default as in kube-scheduler.
    public init(strategy: Strategy = .leastAllocated) { self.strategy = strategy }

    public func preFilter(_ state: CycleState, pod: PodInfo, snapshot: Snapshot) -> PluginStatus { .success }

    public func filter(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> PluginStatus {
        let reasons = Self.insufficient(pod.requests, podCount: node.pods.count, node.requested, node.allocatable)
        return reasons.isEmpty ? .success : PluginStatus(.unschedulable, reasons)
    }

    /// The kube-scheduler reasons why `request` does not fit: `Too many pods`, `Insufficient cpu`, ...
    static func insufficient(
        _ req: ResourceVector, podCount: Int, _ used: ResourceVector,
        _ alloc: ResourceVector
    ) -> [String] {
        var reasons: [String] = []
        if Int64(podCount) + 1 > alloc.pods { reasons.append("Too many pods") }
        if req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU { reasons.append("Insufficient cpu") }
        if req.memory > 0 && req.memory > alloc.memory - used.memory { reasons.append("Insufficient memory") }
        if req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage {
            reasons.append("Insufficient ephemeral-storage")
        }
        if req.scalar.isEmpty { return reasons }
        for (k, v) in req.scalar.sorted(by: { $0.key < $1.key })
        where v > 0 && v > (alloc.scalar[k] ?? 0) - (used.scalar[k] ?? 0) {
            reasons.append("Insufficient \(k)")
        }
        return reasons
    }

    public func score(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> Int64 {
        let cpu = fraction(node.nonZeroCPU + pod.nonZeroCPU, node.allocatable.milliCPU)
        let mem = fraction(node.nonZeroMemory + pod.nonZeroMemory, node.allocatable.memory)
        return (cpu + mem) / 2
    }

    private func fraction(_ requested: Int64, _ capacity: Int64) -> Int64 {
        guard capacity > 0, requested <= capacity else { return 0 }
        switch strategy {
        case .leastAllocated: return (capacity - requested) * maxNodeScore / capacity
        case .mostAllocated: return requested * maxNodeScore / capacity
        }
    }
}
