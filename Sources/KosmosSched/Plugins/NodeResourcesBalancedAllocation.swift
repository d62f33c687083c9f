/// Prefers nodes whose CPU and memory would be used in equal shares (kube-scheduler
/// `NodeResourcesBalancedAllocation`).
public struct NodeResourcesBalancedAllocation: ScorePlugin {
    /// `NodeResourcesBalancedAllocation`.
    public let name = "NodeResourcesBalancedAllocation"
    /// The plugin.
    public init() {}

    public func score(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> Int64 {
        guard node.allocatable.milliCPU > 0, node.allocatable.memory > 0 else { return 0 }
        let cpu = min(1, Double(node.nonZeroCPU + pod.nonZeroCPU) / Double(node.allocatable.milliCPU))
        let mem = min(1, Double(node.nonZeroMemory + pod.nonZeroMemory) / Double(node.allocatable.memory))
        let std = abs(cpu - mem) / 2
        return Int64((1 - std) * Double(maxNodeScore))
    }
}
