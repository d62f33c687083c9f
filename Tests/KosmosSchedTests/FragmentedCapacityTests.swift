import KosmosAPI
import Testing

@testable import KosmosSched

@Suite struct FragmentedCapacityTests {
    static func tenMembers() -> [MemberNodeFree] {
        (0..<10).map { MemberNodeFree(name: "m\($0)", free: ["cpu": "1", "memory": "4Gi", "pods": "110"]) }
    }

    /// A leaf advertising the sum of ten 1-CPU member nodes.
    static func leaf() -> Node { Fixture.leaf("leaf", cpu: "10", memory: "40Gi", members: tenMembers()) }

    static let plugins: [any SchedulerPlugin] = [
        NodeResourcesFit(), LeafNodeTaintToleration(), LeafNodeFragmentedCapacity(),
    ]

    @Test func rejectsAPodLargerThanEveryMemberNode() {
        let r = Fixture.schedule(Fixture.pod("big", cpu: "4"), nodes: [Self.leaf()], plugins: Self.plugins)
        #expect(r.nodeName == nil)
        #expect(r.diagnosis.message == "0/1 nodes are available: 1 node(s) had no member node with room for the pod.")
    }

    @Test func acceptsTenOneCPUPodsThenNoMore() throws {
        let snapshot = Snapshot(nodes: [Self.leaf()])
        let algorithm = SchedulingAlgorithm(profile: Fixture.profile(Self.plugins), parallelism: 1)
        for i in 0..<10 {
            let pod = PodInfo(Fixture.pod("p\(i)", cpu: "1"))
            let r = algorithm.schedule(pod, in: snapshot)
            #expect(r.nodeName == "leaf", "pod \(i)")
            snapshot.assume(pod, on: "leaf")
        }
        // The leaf still advertises no spare CPU in total and no member has room.
        let eleventh = algorithm.schedule(PodInfo(Fixture.pod("p10", cpu: "100m")), in: snapshot)
        #expect(eleventh.nodeName == nil)
        // Once the leaf side republishes (a member freed up), the assumed pods count as already accounted for.
        var members = Self.tenMembers().map { m -> MemberNodeFree in
            var m = m
            m.free["cpu"] = 0
            return m
        }
        members[3].free["cpu"] = 500
        var node = Self.leaf()
        node.status.allocatable = ["cpu": "20", "memory": "40Gi", "pods": "110"]
        node.metadata.annotations = [MemberNodeFree.annotation: MemberNodeFree.render(members)]
        snapshot.upsertNode(node)
        #expect(algorithm.schedule(PodInfo(Fixture.pod("p11", cpu: "500m")), in: snapshot).nodeName == "leaf")
        #expect(algorithm.schedule(PodInfo(Fixture.pod("p12", cpu: "600m")), in: snapshot).nodeName == nil)
    }

    @Test func memberTaintsAndSelectorsCount() {
        let members = [
            MemberNodeFree(
                name: "gpu", free: ["cpu": "8"], labels: ["accelerator": "a100"],
                taints: [TaintInfo(key: "gpu", value: "true", effect: "NoSchedule")]),
            MemberNodeFree(name: "small", free: ["cpu": "1"], labels: ["accelerator": "none"]),
        ]
        let leaf = Fixture.leaf("leaf", cpu: "9", labels: ["region": "r1"], members: members)
        #expect(Fixture.feasible(Fixture.pod("p", cpu: "4"), nodes: [leaf], plugins: Self.plugins).isEmpty)
        let tolerant = Fixture.pod("p", cpu: "4") {
            $0.spec.tolerations = [Toleration(key: "gpu", operator: .exists)]
            $0.spec.nodeSelector = ["accelerator": "a100", "region": "r1"]
        }
        #expect(Fixture.feasible(tolerant, nodes: [leaf], plugins: Self.plugins) == ["leaf"])
        let affine = Fixture.pod("p", cpu: "1") { p in
            var a = Affinity(json: [:])
            var na = NodeAffinity(json: [:])
            na.requiredDuringSchedulingIgnoredDuringExecution = NodeSelector(terms: [
                NodeSelectorTerm(matchExpressions: [
                    NodeSelectorRequirement(key: "accelerator", operator: .in, values: ["a100"])
                ])
            ])
            a.nodeAffinity = na
            p.spec.affinity = a
        }
        // Only the gpu member has the label, and the pod does not tolerate its taint.
        #expect(Fixture.feasible(affine, nodes: [leaf], plugins: [LeafNodeFragmentedCapacity()]).isEmpty)
    }

    @Test func annotationRoundTripsAndReportsMalformedEntries() throws {
        let text = MemberNodeFree.render(Self.tenMembers())
        #expect(try MemberNodeFree.parse(text) == Self.tenMembers())
        #expect(throws: MemberNodeFreeError.self) { try MemberNodeFree.parse(#"[{"free": {}}]"#) }
        do {
            _ = try MemberNodeFree.parse(#"[{"name": "a", "free": {"cpu": "lots"}}]"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "kosmos.io/member-node-free[0].free.cpu: not a quantity")
        }
    }

    @Test func realNodesAndLeavesWithoutTheAnnotationPass() {
        let nodes = [Fixture.node("real", cpu: "8"), Fixture.leaf("bare", cpu: "8")]
        #expect(Fixture.feasible(Fixture.pod("p", cpu: "4"), nodes: nodes, plugins: Self.plugins) == ["bare", "real"])
    }
}
