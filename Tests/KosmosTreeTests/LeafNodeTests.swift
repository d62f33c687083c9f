import KosmosAPI
import Testing
@testable import KosmosTree

@Suite struct LeafNodePlanTests {
    static func cluster(_ name: String, treeOptions: JSONValue?) -> Cluster {
        var c = Cluster(name: name)
        if let treeOptions { c.spec.json["clusterTreeOptions"] = treeOptions }
        return c
    }

    @Test func noLeafModelsMakesOneWholeClusterNode() {
        let plans = LeafNodePlan.plans(for: Self.cluster("member1", treeOptions: ["enable": true]))
        #expect(plans.map(\.name) == ["kosmos-member1"])
        #expect(plans.first?.mode == .wholeCluster)
    }

    @Test func disabledRootOrMissingOptionsMakeNoNodes() {
        #expect(LeafNodePlan.plans(for: Self.cluster("m", treeOptions: ["enable": false])).isEmpty)
        #expect(LeafNodePlan.plans(for: Self.cluster("m", treeOptions: nil)).isEmpty)
        var root = Self.cluster("host", treeOptions: ["enable": true])
        root.metadata.annotations[Cluster.clusterRoleAnnotation] = "root"
        #expect(LeafNodePlan.plans(for: root).isEmpty)
    }

    @Test func everyLeafModelCountsWithItsOwnModeLabelsAndTaints() throws {
        let options: JSONValue = ["enable": true, "leafModels": [
            ["leafNodeName": "gpu", "labels": ["team": "ml"],
             "taints": [["key": "gpu", "value": "true", "effect": "NoSchedule"]],
             "nodeSelector": ["labelSelector": ["matchLabels": ["gpu": "true"]]]],
            ["nodeSelector": ["nodeName": "member1-node-2"]],
            ["leafNodeName": "rest"],
        ]]
        let plans = LeafNodePlan.plans(for: Self.cluster("member1", treeOptions: options))
        #expect(plans.map(\.name) == ["kosmos-gpu-0", "member1-node-2", "kosmos-member1"])
        #expect(plans.map(\.mode) == [.party, .oneToOne, .wholeCluster])
        let party = try #require(plans.first)
        #expect(party.labels == ["team": "ml"])
        #expect(VirtualNode.taints(for: party).map(\.description)
            == ["kosmos.io/node=true:NoSchedule", "gpu=true:NoSchedule"])

        var gpuNode = Node(name: "a")
        gpuNode.metadata.labels = ["gpu": "true"]
        #expect(party.includes(gpuNode))
        #expect(!party.includes(Node(name: "b")))
        #expect(plans[1].includes(Node(name: "member1-node-2")))
        #expect(!plans[1].includes(Node(name: "member1-node-20")))
    }

    @Test func longNamesAreCutTo63Characters() {
        let name = String(repeating: "x", count: 70)
        let plans = LeafNodePlan.plans(for: Self.cluster(name, treeOptions: ["enable": true]))
        #expect(plans.first?.name.count == 63)
    }
}

@Suite struct LeafResourcesTests {
    static func node(_ name: String, ready: Bool = true, cpu: String, memory: String, pods: Int = 110) -> Node {
        var n = Node(name: name)
        n.status.allocatable = ["cpu": Quantity(stringLiteral: cpu), "memory": Quantity(stringLiteral: memory),
                                "pods": Quantity(Int64(pods))]
        n.status.conditions = [Condition(type: "Ready", status: ready ? .true : .false)]
        return n
    }

    static func pod(_ name: String, on node: String, phase: PodPhase, cpu: String? = nil, memory: String? = nil,
                    kosmos: Bool = false) -> Pod {
        var p = Pod(name: name, namespace: "default")
        var c = Container(name: "main", image: "nginx")
        var requests: [String: Quantity] = [:]
        if let cpu { requests["cpu"] = Quantity(stringLiteral: cpu) }
        if let memory { requests["memory"] = Quantity(stringLiteral: memory) }
        c.resources = ResourceRequirements(requests: requests)
        p.spec.containers = [c]
        p.spec.nodeName = node
        p.status.phase = phase
        if kosmos { p.metadata.labels[TreeKeys.kosmosPod] = "true" }
        return p
    }

    /// The worked example of cases §3.4.
    @Test func capacityIsReadyAllocatableMinusRunningNonKosmosRequests() {
        let nodes = [Self.node("n1", cpu: "4", memory: "8Gi"), Self.node("n2", cpu: "2", memory: "4Gi"),
                     Self.node("n3", ready: false, cpu: "8", memory: "16Gi")]
        let pods = [Self.pod("p1", on: "n1", phase: .running, cpu: "1", memory: "1Gi"),
                    Self.pod("p2", on: "n1", phase: .running, cpu: "1", kosmos: true),
                    Self.pod("p3", on: "n2", phase: .pending, cpu: "1"),
                    Self.pod("p4", on: "n3", phase: .running, cpu: "2")]
        let r = LeafResources(nodes: nodes, pods: pods)
        #expect(r.allocatable == ["cpu": "5", "memory": "11Gi", "pods": 219])
    }

    @Test func unschedulableNodesAndPodsElsewhereDoNotCount() {
        var cordoned = Self.node("n2", cpu: "2", memory: "4Gi")
        cordoned.spec.unschedulable = true
        let r = LeafResources(nodes: [Self.node("n1", cpu: "4", memory: "8Gi"), cordoned],
                              pods: [Self.pod("far", on: "other", phase: .running, cpu: "3")])
        #expect(r.allocatable == ["cpu": "4", "memory": "8Gi", "pods": 110])
        #expect(r.memberNodes.map(\.name) == ["n1"])
    }

    @Test func memberNodeFreeCountsEveryBoundPodAndRendersTheSchedulerFormat() throws {
        var n1 = Self.node("n1", cpu: "4", memory: "8Gi", pods: 10)
        n1.metadata.labels = ["zone": "a"]
        n1.spec.taints = [Taint(key: "gpu", value: "true", effect: .noSchedule)]
        let pods = [Self.pod("p1", on: "n1", phase: .running, cpu: "1", memory: "1Gi"),
                    Self.pod("p2", on: "n1", phase: .pending, cpu: "1", kosmos: true),
                    Self.pod("done", on: "n1", phase: .succeeded, cpu: "1")]
        let r = LeafResources(nodes: [n1], pods: pods)
        let entry = try #require(r.memberNodes.first)
        #expect(entry.free == ["cpu": "2", "memory": "7Gi", "pods": 8])
        let text = MemberNodeFreeEntry.render(r.memberNodes)
        #expect(text == #"[{"name":"n1","free":{"cpu":"2","memory":"7Gi","pods":"8"},"labels":{"zone":"a"},"#
            + #""taints":[{"key":"gpu","value":"true","effect":"NoSchedule"}]}]"#)
    }

    @Test func topologyLabelsOnlyWhenMembersAgree() {
        var a = Node(name: "a")
        a.metadata.labels = ["topology.kubernetes.io/zone": "z1", "topology.kubernetes.io/region": "r1"]
        var b = Node(name: "b")
        b.metadata.labels = ["topology.kubernetes.io/zone": "z2", "topology.kubernetes.io/region": "r1"]
        let plan = LeafNodePlan(name: "kosmos-c", cluster: "c", mode: .wholeCluster, labels: ["extra": "yes"])
        let labels = VirtualNode.labels(for: plan, members: [a, b])
        #expect(labels["topology.kubernetes.io/region"] == "r1")
        #expect(labels["topology.kubernetes.io/zone"] == nil)
        #expect(labels["kosmos.io/node"] == "true")
        #expect(labels["kosmos.io/cluster"] == "c")
        #expect(labels["kubernetes.io/hostname"] == "kosmos-c")
        #expect(labels["extra"] == "yes")
    }

    @Test func unreachableMemberMakesReadyFalse() throws {
        let conditions = VirtualNode.conditions(reachable: false, message: "connection refused", now: .now(),
                                                previous: [])
        let ready = try #require(conditions[type: "Ready"])
        #expect(ready.status == .false)
        #expect(ready.reason == "ClusterNotReachable")
    }
}
