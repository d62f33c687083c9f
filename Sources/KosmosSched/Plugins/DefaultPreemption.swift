/// Preemption (kube-scheduler `DefaultPreemption`): when no node fits, find a node where evicting pods of lower
/// priority makes the pod pass every filter, evicting as few and as unimportant pods as possible.
///
/// For each node rejected as `Unschedulable` (not `UnschedulableAndUnresolvable`), every lower-priority pod is
/// removed; if the pod then passes the filters, removed pods are given back one by one, highest priority first,
/// as long as the pod still fits; the rest are the victims. The node whose victims have the lowest highest
/// priority wins, then the smallest priority sum, the fewest victims, the first name. Filters see the node
/// without the victims but the rest of the cluster as it is (PreFilter state is not recomputed), so preemption
/// for inter-pod affinity or spread constraints is not attempted more cleverly than that.
/// When nothing helps, the summary says why per node, in kube-scheduler's words.
public struct DefaultPreemption: PostFilterPlugin {
    /// `DefaultPreemption`.
    public let name = "DefaultPreemption"
    /// The plugin.
    public init() {}

    public func postFilter(
        _ state: CycleState, pod: PodInfo, snapshot: Snapshot, statuses: [String: PluginStatus],
        filter: (NodeInfo) -> PluginStatus
    ) -> PostFilterResult {
        if pod.pod.spec.preemptionPolicy == "Never" {
            return PostFilterResult(message: "preemption: not eligible due to preemptionPolicy=Never.")
        }
        var best: (key: (Int32, Int64, Int, String), node: String, victims: [PodInfo])?
        var reasons: [[String]] = []
        for node in snapshot.nodes {
            guard let s = statuses[node.name] else { continue }
            if s.code == .unschedulableAndUnresolvable {
                reasons.append(["Preemption is not helpful for scheduling"])
                continue
            }
            guard let victims = Self.victims(for: pod, on: node, filter: filter) else {
                reasons.append(["No preemption victims found for incoming pod"])
                continue
            }
            let key = (
                victims.map(\.priority).max() ?? Int32.min, victims.reduce(Int64(0)) { $0 + Int64($1.priority) },
                victims.count, node.name
            )
            if best.map({ key < $0.key }) ?? true { best = (key, node.name, victims) }
            reasons.append([])
        }
        if let best { return PostFilterResult(nominatedNode: best.node, victims: best.victims) }
        return PostFilterResult(
            message: "preemption: 0/\(snapshot.nodes.count) nodes are available: "
                + FitDiagnosis.histogram(reasons) + ".")
    }

    /// The fewest, least important lower-priority pods whose removal lets the pod pass the filters on the node.
    static func victims(for pod: PodInfo, on node: NodeInfo, filter: (NodeInfo) -> PluginStatus) -> [PodInfo]? {
        let lower = node.pods.filter { $0.priority < pod.priority }
        if lower.isEmpty { return nil }
        var removed = Set(lower.map(\.uid))
        guard filter(node.without(removed)).isSuccess else { return nil }
        var victims: [PodInfo] = []
        let byImportance = lower.sorted {
            $0.priority != $1.priority ? $0.priority > $1.priority : $0.creationTime < $1.creationTime
        }
        for v in byImportance {
            removed.remove(v.uid)
            if !filter(node.without(removed)).isSuccess {
                removed.insert(v.uid)
                victims.append(v)
            }
        }
        return victims
    }
}
