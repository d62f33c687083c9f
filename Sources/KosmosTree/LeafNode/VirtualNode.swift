import KosmosAPI

/// Builds the host Node object that stands for a leaf: labels, taints, annotations and status.
public enum VirtualNode {
    /// The taint every leaf node carries, so only pods that tolerate it (placed there on purpose) land on it.
    public static let kosmosTaint = Taint(key: KosmosKeys.leafNode, value: "true", effect: .noSchedule)
    /// The kubelet port advertised in `status.daemonEndpoints`.
    public static let kubeletPort: Int32 = 10250

    static let regionLabel = "topology.kubernetes.io/region"
    static let zoneLabel = "topology.kubernetes.io/zone"
    static let roleLabels = ["node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master",
                             "node-role.kubernetes.io/node"]

    /// The labels of a leaf node.
    ///
    /// The fixed set of the Go Kosmos, `kosmos.io/cluster`, topology region and zone when every member node
    /// behind the leaf has the same value, a one-to-one leaf's member labels (role labels dropped), then the
    /// leaf model's labels; later sources win.
    /// - Parameters:
    ///   - plan: the leaf.
    ///   - members: the member nodes behind it.
    public static func labels(for plan: LeafNodePlan, members: [Node]) -> [String: String] {
        var labels: [String: String] = [:]
        if plan.mode == .oneToOne, let member = members.first {
            labels = member.metadata.labels
            for k in roleLabels { labels[k] = nil }
        }
        for key in [regionLabel, zoneLabel] {
            let values = Set(members.map { $0.metadata.labels[key] })
            if values.count == 1, let v = values.first ?? nil { labels[key] = v }
        }
        labels[KosmosKeys.leafNode] = "true"
        labels["kubernetes.io/role"] = "agent"
        labels["kubernetes.io/hostname"] = plan.name
        labels["kubernetes.io/arch"] = "amd64"
        labels["kubernetes.io/os"] = "linux"
        labels["beta.kubernetes.io/os"] = "linux"
        labels[KosmosKeys.cluster] = plan.cluster
        for (k, v) in plan.labels { labels[k] = v }
        return labels
    }

    /// The taints of a leaf node: the Kosmos taint, then the leaf model's taints (same key and effect once).
    public static func taints(for plan: LeafNodePlan) -> [Taint] {
        var out = [kosmosTaint]
        for t in plan.taints where !out.contains(where: { $0.key == t.key && $0.effect == t.effect }) { out.append(t) }
        return out
    }

    /// The conditions of a leaf node.
    /// - Parameters:
    ///   - reachable: whether the member apiserver answered the last sync.
    ///   - message: why it is not reachable.
    ///   - now: the heartbeat time.
    ///   - previous: the node's current conditions (transition times are kept when the status does not change).
    public static func conditions(reachable: Bool, message: String?, now: Time, previous: [Condition]) -> [Condition] {
        func make(_ type: String, _ status: ConditionStatus, _ reason: String, _ msg: String) -> Condition {
            var c = Condition(type: type, status: status, reason: reason, message: msg)
            c.lastHeartbeatTime = now
            let old = previous[type: type]
            c.lastTransitionTime = old?.status == status ? (old?.lastTransitionTime ?? now) : now
            return c
        }
        let ready = reachable
            ? make("Ready", .true, "KubeletReady", "member cluster apiserver is reachable")
            : make("Ready", .false, "ClusterNotReachable",
                   "member cluster apiserver is not reachable: \(message ?? "unknown error")")
        return [
            ready,
            make("MemoryPressure", .false, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            make("DiskPressure", .false, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            make("PIDPressure", .false, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            make("NetworkUnavailable", .false, "RouteCreated", "leaf node network is managed by its member cluster"),
        ]
    }

    /// The addresses of a leaf node: the member nodes' InternalIPs, IPv4 first, then their other addresses.
    public static func addresses(members: [Node]) -> [NodeAddress] {
        let all = members.flatMap(\.status.addresses)
        let internalIPs = all.filter { $0.type == "InternalIP" }
        let v4 = internalIPs.filter { !$0.address.contains(":") }
        let v6 = internalIPs.filter { $0.address.contains(":") }
        var out: [NodeAddress] = []
        for a in v4 + v6 + all.filter({ $0.type != "InternalIP" && $0.type != "Hostname" })
        where !out.contains(where: { $0.type == a.type && $0.address == a.address }) {
            out.append(NodeAddress(type: a.type, address: a.address))
        }
        return out
    }

    /// The node info of a leaf node: Linux/amd64 and the kubelet version of the first member node.
    public static func nodeInfo(members: [Node]) -> NodeSystemInfo {
        var info = NodeSystemInfo()
        info.operatingSystem = "linux"
        info.architecture = "amd64"
        info.kubeletVersion = members.compactMap(\.status.nodeInfo.kubeletVersion).first ?? "v0.0.0-kosmos"
        info.osImage = "Kosmos leaf node"
        info.containerRuntimeVersion = "kosmos://member-cluster"
        return info
    }
}
