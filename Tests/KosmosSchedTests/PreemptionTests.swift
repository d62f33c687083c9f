import KosmosAPI
import Testing

@testable import KosmosSched

@Suite struct PreemptionTests {
    static let plugins: [any SchedulerPlugin] = [NodeResourcesFit(), TaintToleration(), DefaultPreemption()]

    @Test func evictsTheFewestLowerPriorityPods() throws {
        let nodes = [Fixture.node("a", cpu: "2"), Fixture.node("b", cpu: "2")]
        let pods = [
            Fixture.pod("a-low-1", cpu: "1", nodeName: "a", priority: 1),
            Fixture.pod("a-low-2", cpu: "1", nodeName: "a", priority: 2),
            Fixture.pod("b-mid", cpu: "2", nodeName: "b", priority: 5),
        ]
        let r = Fixture.schedule(
            Fixture.pod("vip", cpu: "1", priority: 10), nodes: nodes, pods: pods, plugins: Self.plugins)
        #expect(r.nodeName == nil)
        #expect(r.nominatedNode == "a")
        // One victim is enough, and the less important one goes.
        #expect(r.victims.map(\.name) == ["a-low-1"])
        #expect(r.diagnosis.message == "0/2 nodes are available: 2 Insufficient cpu.")
    }

    @Test func neverEvictsEqualOrHigherPriorityOrForUnresolvableNodes() {
        let nodes = [
            Fixture.node("a", cpu: "1"),
            Fixture.node("t", cpu: "8", taints: [Taint(key: "k", value: "v", effect: .noSchedule)]),
        ]
        let pods = [
            Fixture.pod("same", cpu: "1", nodeName: "a", priority: 10),
            Fixture.pod("low-on-tainted", cpu: "1", nodeName: "t", priority: 0),
        ]
        let r = Fixture.schedule(
            Fixture.pod("p", cpu: "1", priority: 10), nodes: nodes, pods: pods, plugins: Self.plugins)
        #expect(r.nominatedNode == nil)
        #expect(
            r.diagnosis.message == "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint "
                + "{k: v}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, "
                + "1 Preemption is not helpful for scheduling.")
        let never = Fixture.pod("p", cpu: "1", priority: 99) { $0.spec.preemptionPolicy = "Never" }
        let n = Fixture.schedule(never, nodes: nodes, pods: pods, plugins: Self.plugins)
        #expect(n.diagnosis.postFilterMessage == "preemption: not eligible due to preemptionPolicy=Never.")
    }

    @Test func simulatorShowsWhatPreemptionWouldEvict() throws {
        let snapshot = Snapshot(
            nodes: [Fixture.node("a", cpu: "1")],
            pods: [Fixture.pod("batch", cpu: "1", nodeName: "a", priority: 0)])
        let placements = try Simulator().run(snapshot: snapshot, pods: [Fixture.pod("web", cpu: "1", priority: 100)])
        let p = try #require(placements.first)
        #expect(p.node == "a")
        #expect(p.preempted == ["default/batch"])
        #expect(
            Simulator.renderText(placements).hasPrefix("default/web: scheduled to a by preempting default/batch\n"))
        #expect(snapshot.node(named: "a")?.pods.map(\.name) == ["web"])
    }
}
