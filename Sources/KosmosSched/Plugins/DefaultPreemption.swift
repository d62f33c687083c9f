/// Explains, when no node fits, whether evicting lower-priority pods could help, in kube-scheduler's
/// `preemption: ...` wording.
///
/// It only diagnoses: victims are not evicted. A node counts as a candidate when it was rejected for resources
/// alone and removing every pod of lower priority would make room.
public struct DefaultPreemption: PostFilterPlugin {
    public let name = "DefaultPreemption"
    public init() {}

    public func postFilter(_ state: CycleState, pod: PodInfo, snapshot: Snapshot, statuses: [String: PluginStatus]) -> String? {
        if pod.pod.spec.preemptionPolicy == "Never" {
            return "preemption: not eligible due to preemptionPolicy=Never."
        }
        var reasons: [[String]] = []
        for node in snapshot.nodes {
            guard let s = statuses[node.name] else { continue }
            if s.code == .unschedulableAndUnresolvable {
                reasons.append(["Preemption is not helpful for scheduling"])
                continue
            }
            guard s.plugin == "NodeResourcesFit" else {
                reasons.append(["No preemption victims found for incoming pod"])
                continue
            }
            var used = node.requested
            var count = node.pods.count
            for p in node.pods where p.priority < pod.priority {
                used.subtract(p.requests)
                count -= 1
            }
            let fits = NodeResourcesFit.insufficient(pod.requests, podCount: count, used, node.allocatable).isEmpty
            reasons.append([fits ? "Preemption candidate found (victims are not evicted)"
                                 : "No preemption victims found for incoming pod"])
        }
        return "preemption: 0/\(snapshot.nodes.count) nodes are available: " + FitDiagnosis.histogram(reasons) + "."
    }
}
