/// A scheduling plugin. A plugin takes part in each extension point whose protocol it adopts.
public protocol SchedulerPlugin: Sendable {
    /// The name used in configuration and in rejection reports, e.g. `NodeResourcesFit`.
    var name: String { get }
}

/// Runs once per scheduling attempt before filtering; may reject the pod for every node, or answer `skip` so
/// that the plugin's Filter does not run.
public protocol PreFilterPlugin: SchedulerPlugin {
    /// - Returns: success, skip, or a rejection that holds for every node.
    func preFilter(_ state: CycleState, pod: PodInfo, snapshot: Snapshot) -> PluginStatus
}

/// Decides whether one node can hold the pod. Called concurrently for different nodes.
public protocol FilterPlugin: SchedulerPlugin {
    /// - Returns: success or a rejection with reasons in kube-scheduler's wording.
    func filter(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> PluginStatus
}

/// What a PostFilter plugin concluded.
public struct PostFilterResult: Sendable {
    /// Appended to the failure summary, e.g. `preemption: 0/3 nodes are available: ...`.
    public var message: String?
    /// The node the pod can use once the victims are gone.
    public var nominatedNode: String?
    /// Pods to evict from the nominated node.
    public var victims: [PodInfo]

    /// A result.
    public init(message: String? = nil, nominatedNode: String? = nil, victims: [PodInfo] = []) {
        self.message = message
        self.nominatedNode = nominatedNode
        self.victims = victims
    }
}

/// Runs when no node passed filtering (preemption lives here).
public protocol PostFilterPlugin: SchedulerPlugin {
    /// - Parameters:
    ///   - statuses: the rejection of each evaluated node.
    ///   - filter: runs the profile's filters for the pod on a node (e.g. a copy without some pods).
    /// - Returns: a nominated node with victims, or a message for the failure summary.
    func postFilter(
        _ state: CycleState, pod: PodInfo, snapshot: Snapshot, statuses: [String: PluginStatus],
        filter: (NodeInfo) -> PluginStatus
    ) -> PostFilterResult
}

/// Runs once before scoring the feasible nodes.
public protocol PreScorePlugin: SchedulerPlugin {
    /// - Returns: success, or skip so that the plugin's Score does not run.
    func preScore(_ state: CycleState, pod: PodInfo, nodes: [NodeInfo], snapshot: Snapshot) -> PluginStatus
}

/// Ranks feasible nodes; scores are normalised to 0...100 and then multiplied by the plugin's weight.
public protocol ScorePlugin: SchedulerPlugin {
    /// The raw score of one node.
    func score(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> Int64
    /// Brings raw scores into 0...100 (in place, same order as the nodes).
    func normalize(_ state: CycleState, pod: PodInfo, scores: inout [Int64])
}

extension ScorePlugin {
    /// Leaves scores as they are.
    public func normalize(_ state: CycleState, pod: PodInfo, scores: inout [Int64]) {}
}

/// Keeps plugin-side bookkeeping in step with a decision before the binding is known to succeed.
public protocol ReservePlugin: SchedulerPlugin {
    func reserve(_ state: CycleState, pod: PodInfo, nodeName: String) -> PluginStatus
    func unreserve(_ state: CycleState, pod: PodInfo, nodeName: String)
}

/// Runs before binding (e.g. to provision volumes).
public protocol PreBindPlugin: SchedulerPlugin {
    func preBind(_ state: CycleState, pod: PodInfo, nodeName: String) async -> PluginStatus
}

/// Binds the pod to the node; the first bind plugin that does not answer `skip` decides.
public protocol BindPlugin: SchedulerPlugin {
    func bind(_ state: CycleState, pod: PodInfo, nodeName: String) async -> PluginStatus
}

/// The largest node score.
public let maxNodeScore: Int64 = 100

/// Scales scores to 0...100 by the largest one; `reverse` makes the largest raw score the worst.
func defaultNormalize(_ scores: inout [Int64], reverse: Bool) {
    let maxScore = scores.max() ?? 0
    if maxScore == 0 {
        if reverse { for i in scores.indices { scores[i] = maxNodeScore } }
        return
    }
    for i in scores.indices {
        let s = maxNodeScore * scores[i] / maxScore
        scores[i] = reverse ? maxNodeScore - s : s
    }
}
