import KosmosAPI
import Testing

@testable import KosmosSched

/// Claims of a `WaitForFirstConsumer` class are provisioned on the node their pod gets, so they must not keep the
/// pod from being scheduled; the class's allowed topologies still narrow the nodes.
@Suite struct DelayedVolumeBindingTests {
    static let nodes = [Fixture.node("a", labels: ["zone": "z1"]), Fixture.node("b", labels: ["zone": "z2"])]

    static let pod = Fixture.pod("p") { p in
        var v = Volume(name: "data")
        v.persistentVolumeClaim = PersistentVolumeClaimVolumeSource(json: ["claimName": "data"])
        p.spec.volumes = [v]
    }

    static func claim(className: String?) -> PersistentVolumeClaim {
        var pvc = PersistentVolumeClaim(name: "data", namespace: "default")
        pvc.spec.storageClassName = className
        pvc.status.phase = "Pending"
        return pvc
    }

    static func storageClass(_ name: String, mode: String, zones: [String]? = nil) -> StorageClass {
        var json: JSONValue = [
            "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": ["name": .string(name)],
            "provisioner": "local.kosmos.io/hostpath", "volumeBindingMode": .string(mode),
        ]
        if let zones {
            json["allowedTopologies"] = [["matchLabelExpressions": [["key": "zone",
                                                                      "values": .array(zones.map { .string($0) })]]]]
        }
        return StorageClass(json: json)
    }

    static func setup(_ className: String?, _ classes: [StorageClass]) -> (Snapshot) -> Void {
        { s in
            s.claims["default/data"] = claim(className: className)
            for c in classes { s.storageClasses[c.name] = c }
        }
    }

    @Test(arguments: [
        [VolumeBinding()] as [any SchedulerPlugin], [LeafNodeVolumeBinding()] as [any SchedulerPlugin],
    ])
    func unboundWaitForFirstConsumerClaimDoesNotBlock(_ plugins: [any SchedulerPlugin]) {
        let classes = [Self.storageClass("standard", mode: "WaitForFirstConsumer")]
        let r = Fixture.schedule(Self.pod, nodes: Self.nodes, plugins: plugins,
                                 configure: Self.setup("standard", classes))
        #expect(r.nodeName != nil, "\(r.diagnosis.message)")
    }

    @Test(arguments: [
        [VolumeBinding()] as [any SchedulerPlugin], [LeafNodeVolumeBinding()] as [any SchedulerPlugin],
    ])
    func allowedTopologiesNarrowTheNodes(_ plugins: [any SchedulerPlugin]) {
        let sc = Self.storageClass("zonal", mode: "WaitForFirstConsumer", zones: ["z2"])
        let feasible = Fixture.feasible(Self.pod, nodes: Self.nodes, plugins: plugins,
                                        configure: Self.setup("zonal", [sc]))
        #expect(feasible == ["b"])
        let r = Fixture.schedule(Self.pod, nodes: Self.nodes, plugins: plugins, configure: Self.setup("zonal", [sc]))
        #expect(r.diagnosis.nodeStatuses["a"]?.reasons
                    == ["node(s) didn't find available persistent volumes to bind"])
    }

    @Test(arguments: [
        [VolumeBinding()] as [any SchedulerPlugin], [LeafNodeVolumeBinding()] as [any SchedulerPlugin],
    ])
    func unboundImmediateOrClasslessClaimsStillWait(_ plugins: [any SchedulerPlugin]) {
        for (className, classes) in [("fast", [Self.storageClass("fast", mode: "Immediate")]),
                                     ("", [StorageClass]()), ("missing", [StorageClass]())] {
            let r = Fixture.schedule(Self.pod, nodes: Self.nodes, plugins: plugins,
                                     configure: Self.setup(className, classes))
            #expect(r.nodeName == nil, "class \(className)")
            #expect(r.diagnosis.message.contains("pod has unbound immediate PersistentVolumeClaims"),
                    "class \(className): \(r.diagnosis.message)")
        }
    }

    @Test func defaultProfileSchedulesAStatefulSetPodBeforeItsVolumeExists() throws {
        let profile = try PluginSet.kosmosDefault.profile(schedulerName: "default-scheduler")
        let snapshot = Snapshot(nodes: Self.nodes)
        Self.setup("standard", [Self.storageClass("standard", mode: "WaitForFirstConsumer")])(snapshot)
        let r = SchedulingAlgorithm(profile: profile, parallelism: 1).schedule(PodInfo(Self.pod), in: snapshot)
        #expect(r.nodeName != nil, "\(r.diagnosis.message)")
    }
}
