import KosmosAPI

@testable import KosmosSched

/// Builders for the objects scheduling tests need.
enum Fixture {
    static func node(
        _ name: String, cpu: String = "4", memory: String = "8Gi", pods: String = "110",
        labels: [String: String] = [:], taints: [Taint] = [], unschedulable: Bool = false,
        annotations: [String: String] = [:]
    ) -> Node {
        var n = Node(name: name)
        var l = labels
        l["kubernetes.io/hostname"] = l["kubernetes.io/hostname"] ?? name
        n.metadata.labels = l
        n.metadata.annotations = annotations
        n.spec.taints = taints
        if unschedulable { n.spec.unschedulable = true }
        let alloc: [String: Quantity] = [
            "cpu": Quantity(stringLiteral: cpu), "memory": Quantity(stringLiteral: memory),
            "pods": Quantity(stringLiteral: pods),
        ]
        n.status.allocatable = alloc
        n.status.capacity = alloc
        return n
    }

    static func leaf(
        _ name: String, cpu: String = "100", memory: String = "400Gi", labels: [String: String] = [:],
        members: [MemberNodeFree]? = nil, cluster: String? = nil
    ) -> Node {
        var l = labels
        l[KosmosKeys.leafNode] = "true"
        var annotations: [String: String] = [:]
        if let members { annotations[MemberNodeFree.annotation] = MemberNodeFree.render(members) }
        if let cluster { annotations[KosmosKeys.ownedByCluster] = cluster }
        return node(
            name, cpu: cpu, memory: memory, labels: l,
            taints: [Taint(key: KosmosKeys.leafNode, value: "true", effect: .noSchedule)], annotations: annotations)
    }

    static func pod(
        _ name: String, namespace: String = "default", cpu: String? = nil, memory: String? = nil,
        labels: [String: String] = [:], nodeName: String? = nil, priority: Int32? = nil,
        configure: (inout Pod) -> Void = { _ in }
    ) -> Pod {
        var p = Pod(name: name, namespace: namespace)
        p.metadata.uid = namespace + "/" + name
        p.metadata.labels = labels
        var c = Container(name: "app", image: "nginx")
        var req: [String: Quantity] = [:]
        if let cpu { req["cpu"] = Quantity(stringLiteral: cpu) }
        if let memory { req["memory"] = Quantity(stringLiteral: memory) }
        c.resources = ResourceRequirements(requests: req)
        p.spec.containers = [c]
        p.spec.nodeName = nodeName
        p.spec.priority = priority
        configure(&p)
        return p
    }

    /// A profile with just these plugins at the points each supports.
    static func profile(_ plugins: [any SchedulerPlugin], percentage: Int = 100) -> Profile {
        var p = Profile(schedulerName: "test")
        for x in plugins {
            if let f = x as? any PreFilterPlugin { p.preFilter.append(f) }
            if let f = x as? any FilterPlugin { p.filter.append(f) }
            if let f = x as? any PostFilterPlugin { p.postFilter.append(f) }
            if let f = x as? any PreScorePlugin { p.preScore.append(f) }
            if let f = x as? any ScorePlugin { p.score.append((f, 1)) }
        }
        p.percentageOfNodesToScore = percentage
        return p
    }

    /// Schedules one pod and returns the result.
    static func schedule(
        _ pod: Pod, nodes: [Node], pods: [Pod] = [], plugins: [any SchedulerPlugin],
        configure: (Snapshot) -> Void = { _ in }
    ) -> ScheduleResult {
        let snapshot = Snapshot(nodes: nodes, pods: pods)
        configure(snapshot)
        return SchedulingAlgorithm(profile: profile(plugins), parallelism: 1).schedule(PodInfo(pod), in: snapshot)
    }

    /// The nodes that pass filtering, sorted.
    static func feasible(
        _ pod: Pod, nodes: [Node], pods: [Pod] = [], plugins: [any SchedulerPlugin],
        configure: (Snapshot) -> Void = { _ in }
    ) -> [String] {
        let r = schedule(pod, nodes: nodes, pods: pods, plugins: plugins, configure: configure)
        return nodes.map(\.name).filter { r.diagnosis.nodeStatuses[$0] == nil }.sorted()
    }
}
