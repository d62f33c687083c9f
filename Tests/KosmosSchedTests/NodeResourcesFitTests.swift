import KosmosAPI
import Testing

@testable import KosmosSched

@Suite struct NodeResourcesFitTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var requests: [String: Quantity]
        var allocatable: [String: Quantity]
        var existing: [[String: Quantity]]
        var reasons: [String]
        var testDescription: String { name }
    }

    static let base: [String: Quantity] = ["cpu": "2", "memory": "4Gi", "pods": "3"]

    @Test(arguments: [
        Case(name: "fits", requests: ["cpu": "1", "memory": "1Gi"], allocatable: base, existing: [], reasons: []),
        Case(name: "exact fit", requests: ["cpu": "1"], allocatable: base, existing: [["cpu": "1"]], reasons: []),
        Case(
            name: "cpu short by 1m", requests: ["cpu": "1001m"], allocatable: base, existing: [["cpu": "1"]],
            reasons: ["Insufficient cpu"]),
        Case(
            name: "memory", requests: ["memory": "5Gi"], allocatable: base, existing: [],
            reasons: ["Insufficient memory"]),
        Case(
            name: "pod count", requests: [:], allocatable: base, existing: [[:], [:], [:]], reasons: ["Too many pods"]),
        Case(
            name: "zero requests still need a pod slot", requests: [:], allocatable: base, existing: [[:], [:]],
            reasons: []),
        Case(
            name: "extended resource missing", requests: ["nvidia.com/gpu": "1"], allocatable: base, existing: [],
            reasons: ["Insufficient nvidia.com/gpu"]),
        Case(
            name: "extended resource present", requests: ["nvidia.com/gpu": "1"],
            allocatable: base.merging(["nvidia.com/gpu": "2"]) { a, _ in a }, existing: [["nvidia.com/gpu": "1"]],
            reasons: []),
        Case(
            name: "ephemeral storage", requests: ["ephemeral-storage": "10Gi"],
            allocatable: base.merging(["ephemeral-storage": "5Gi"]) { a, _ in a }, existing: [],
            reasons: ["Insufficient ephemeral-storage"]),
        Case(
            name: "every shortage is reported", requests: ["cpu": "3", "memory": "8Gi"], allocatable: base,
            existing: [[:], [:], [:]], reasons: ["Too many pods", "Insufficient cpu", "Insufficient memory"]),
    ])
    func filter(_ c: Case) {
        var node = Fixture.node("n")
        node.status.allocatable = c.allocatable
        let existing = c.existing.enumerated().map { i, req in
            Fixture.pod("e\(i)", nodeName: "n") {
                $0.spec.containers[0].resources = ResourceRequirements(requests: req)
            }
        }
        let pod = Fixture.pod("p") { $0.spec.containers[0].resources = ResourceRequirements(requests: c.requests) }
        let r = Fixture.schedule(pod, nodes: [node], pods: existing, plugins: [NodeResourcesFit()])
        #expect((r.diagnosis.nodeStatuses["n"]?.reasons ?? []) == c.reasons)
    }

    @Test func balancedAllocationPrefersEvenUse() {
        // After placing the pod: node a would be 50% cpu / 50% memory, node b 75% cpu / 25% memory.
        let nodes = [Fixture.node("a", cpu: "4", memory: "4Gi"), Fixture.node("b", cpu: "4", memory: "4Gi")]
        let existing = [
            Fixture.pod("x", cpu: "1", memory: "1Gi", nodeName: "a"),
            Fixture.pod("y", cpu: "2", memory: "0", nodeName: "b"),
        ]
        let r = Fixture.schedule(
            Fixture.pod("p", cpu: "1", memory: "1Gi"), nodes: nodes, pods: existing,
            plugins: [NodeResourcesBalancedAllocation()])
        #expect(r.nodeName == "a")
    }
}
