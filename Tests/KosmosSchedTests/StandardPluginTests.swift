import KosmosAPI
import Testing

@testable import KosmosSched

@Suite struct StandardPluginTests {
    struct TaintCase: Sendable, CustomTestStringConvertible {
        var taint: Taint
        var tolerations: [Toleration]
        var fits: Bool
        var testDescription: String { "\(taint.description) fits=\(fits)" }
    }

    @Test(arguments: [
        TaintCase(taint: Taint(key: "k", value: "v", effect: .noSchedule), tolerations: [], fits: false),
        TaintCase(
            taint: Taint(key: "k", value: "v", effect: .noSchedule),
            tolerations: [Toleration(key: "k", operator: .equal, value: "v", effect: .noSchedule)], fits: true),
        TaintCase(
            taint: Taint(key: "k", value: "v", effect: .noSchedule),
            tolerations: [Toleration(key: "k", operator: .equal, value: "w")], fits: false),
        TaintCase(
            taint: Taint(key: "k", value: "v", effect: .noExecute),
            tolerations: [Toleration(key: "k", operator: .exists)], fits: true),
        TaintCase(
            taint: Taint(key: "k", value: "v", effect: .noExecute),
            tolerations: [Toleration(key: "k", operator: .exists, effect: .noSchedule)], fits: false),
        TaintCase(taint: Taint(key: "k", value: "v", effect: .preferNoSchedule), tolerations: [], fits: true),
        TaintCase(
            taint: Taint(key: "k", value: "v", effect: .noSchedule),
            tolerations: [Toleration(operator: .exists)], fits: true),
    ])
    func taintToleration(_ c: TaintCase) {
        let pod = Fixture.pod("p") { $0.spec.tolerations = c.tolerations }
        let fits = Fixture.feasible(pod, nodes: [Fixture.node("a", taints: [c.taint])], plugins: [TaintToleration()])
        #expect(fits == (c.fits ? ["a"] : []))
    }

    @Test func taintTolerationScorePrefersFewerPreferNoScheduleTaints() {
        let nodes = [Fixture.node("a", taints: [Taint(key: "x", effect: .preferNoSchedule)]), Fixture.node("b")]
        #expect(Fixture.schedule(Fixture.pod("p"), nodes: nodes, plugins: [TaintToleration()]).nodeName == "b")
    }

    @Test func nodeNameAndUnschedulable() {
        let nodes = [Fixture.node("a"), Fixture.node("b", unschedulable: true), Fixture.node("c")]
        #expect(Fixture.feasible(Fixture.pod("p"), nodes: nodes, plugins: [NodeUnschedulable()]) == ["a", "c"])
        let tolerant = Fixture.pod("p") {
            $0.spec.tolerations = [Toleration(key: "node.kubernetes.io/unschedulable", operator: .exists)]
        }
        #expect(Fixture.feasible(tolerant, nodes: nodes, plugins: [NodeUnschedulable()]) == ["a", "b", "c"])
        let named = Fixture.pod("p") { $0.spec.nodeName = "c" }
        let r = Fixture.schedule(named, nodes: nodes, plugins: [NodeName()])
        #expect(r.nodeName == "c")
        #expect(r.diagnosis.nodeStatuses["a"]?.reasons == ["node(s) didn't match the requested node name"])
    }

    @Test func nodeAffinityRequiredPreferredAndSelector() {
        let nodes = [
            Fixture.node("a", labels: ["zone": "z1", "disk": "ssd"]),
            Fixture.node("b", labels: ["zone": "z2", "disk": "ssd"]),
            Fixture.node("c", labels: ["zone": "z3"]),
        ]
        let bySelector = Fixture.pod("p") { $0.spec.nodeSelector = ["disk": "ssd"] }
        #expect(Fixture.feasible(bySelector, nodes: nodes, plugins: [NodeAffinityPlugin()]) == ["a", "b"])
        let required = Fixture.pod("p") { p in
            var a = Affinity(json: [:])
            var na = NodeAffinity(json: [:])
            na.requiredDuringSchedulingIgnoredDuringExecution = NodeSelector(terms: [
                NodeSelectorTerm(matchExpressions: [
                    NodeSelectorRequirement(key: "zone", operator: .notIn, values: ["z1"])
                ])
            ])
            na.preferredDuringSchedulingIgnoredDuringExecution = [
                PreferredSchedulingTerm(json: [
                    "weight": 10,
                    "preference": ["matchExpressions": [["key": "zone", "operator": "In", "values": ["z3"]]]],
                ])
            ]
            a.nodeAffinity = na
            p.spec.affinity = a
        }
        let r = Fixture.schedule(required, nodes: nodes, plugins: [NodeAffinityPlugin()])
        #expect(r.diagnosis.nodeStatuses.keys.sorted() == ["a"])
        #expect(r.diagnosis.nodeStatuses["a"]?.reasons == ["node(s) didn't match Pod's node affinity/selector"])
        #expect(r.nodeName == "c")
    }

    static func spreadPod(
        _ name: String, maxSkew: Int32 = 1, key: String = "zone", hard: Bool = true,
        minDomains: Int32? = nil, nodeName: String? = nil
    ) -> Pod {
        Fixture.pod(name, labels: ["app": "web"], nodeName: nodeName) { p in
            var c = TopologySpreadConstraint(json: [:])
            c.maxSkew = maxSkew
            c.topologyKey = key
            c.whenUnsatisfiable = hard ? "DoNotSchedule" : "ScheduleAnyway"
            c.labelSelector = LabelSelector(matchLabels: ["app": "web"])
            c.minDomains = minDomains
            p.spec.topologySpreadConstraints = [c]
        }
    }

    @Test func podTopologySpreadFiltersBySkew() {
        let nodes = [
            Fixture.node("a", labels: ["zone": "z1"]), Fixture.node("b", labels: ["zone": "z2"]),
            Fixture.node("c", labels: [:]),
        ]
        let existing = [
            Self.spreadPod("e1", nodeName: "a"), Self.spreadPod("e2", nodeName: "a"),
            Self.spreadPod("e3", nodeName: "b"),
        ]
        let r = Fixture.schedule(Self.spreadPod("p"), nodes: nodes, pods: existing, plugins: [PodTopologySpread()])
        #expect(r.nodeName == "b")
        #expect(r.diagnosis.nodeStatuses["a"]?.reasons == ["node(s) didn't match pod topology spread constraints"])
        #expect(
            r.diagnosis.nodeStatuses["c"]?.reasons
                == ["node(s) didn't match pod topology spread constraints (missing required label)"])
        // maxSkew 2 admits both zones.
        #expect(
            Fixture.feasible(
                Self.spreadPod("p", maxSkew: 2), nodes: nodes, pods: existing,
                plugins: [PodTopologySpread()]) == ["a", "b"])
    }

    @Test func podTopologySpreadMinDomainsCountsMissingDomainsAsZero() {
        let nodes = [Fixture.node("a", labels: ["zone": "z1"]), Fixture.node("b", labels: ["zone": "z2"])]
        let existing = [Self.spreadPod("e1", nodeName: "a"), Self.spreadPod("e2", nodeName: "b")]
        #expect(
            Fixture.feasible(Self.spreadPod("p"), nodes: nodes, pods: existing, plugins: [PodTopologySpread()])
                == ["a", "b"])
        #expect(
            Fixture.feasible(
                Self.spreadPod("p", minDomains: 3), nodes: nodes, pods: existing,
                plugins: [PodTopologySpread()]
            ).isEmpty)
    }

    @Test func podTopologySpreadScheduleAnywayScoresTheEmptierDomain() {
        let nodes = [Fixture.node("a", labels: ["zone": "z1"]), Fixture.node("b", labels: ["zone": "z2"])]
        let existing = [Self.spreadPod("e1", nodeName: "a"), Self.spreadPod("e2", nodeName: "a")]
        let r = Fixture.schedule(
            Self.spreadPod("p", hard: false), nodes: nodes, pods: existing,
            plugins: [PodTopologySpread()])
        #expect(r.feasibleNodes == 2)
        #expect(r.nodeName == "b")
    }

    static func affinityPod(
        _ name: String, labels: [String: String] = [:], nodeName: String? = nil,
        affinity: [String: String]? = nil, anti: [String: String]? = nil,
        preferred: [String: String]? = nil, key: String = "zone"
    ) -> Pod {
        Fixture.pod(name, labels: labels, nodeName: nodeName) { p in
            func term(_ m: [String: String]) -> PodAffinityTerm {
                var t = PodAffinityTerm(json: [:])
                t.labelSelector = LabelSelector(matchLabels: m)
                t.topologyKey = key
                return t
            }
            var a = Affinity(json: [:])
            if affinity != nil || preferred != nil {
                var pa = PodAffinity(json: [:])
                if let affinity { pa.requiredDuringSchedulingIgnoredDuringExecution = [term(affinity)] }
                if let preferred {
                    var w = WeightedPodAffinityTerm(json: [:])
                    w.weight = 50
                    w.podAffinityTerm = term(preferred)
                    pa.preferredDuringSchedulingIgnoredDuringExecution = [w]
                }
                a.podAffinity = pa
            }
            if let anti {
                var pa = PodAffinity(json: [:])
                pa.requiredDuringSchedulingIgnoredDuringExecution = [term(anti)]
                a.podAntiAffinity = pa
            }
            p.spec.affinity = a
        }
    }

    @Test func interPodAffinityRequiredAffinityAndAntiAffinity() {
        let nodes = [
            Fixture.node("a", labels: ["zone": "z1"]), Fixture.node("b", labels: ["zone": "z2"]),
            Fixture.node("c", labels: ["zone": "z2"]),
        ]
        let db = Fixture.pod("db", labels: ["app": "db"], nodeName: "b")
        let withDB = Self.affinityPod("p", affinity: ["app": "db"])
        let r = Fixture.schedule(withDB, nodes: nodes, pods: [db], plugins: [InterPodAffinity()])
        #expect(r.diagnosis.nodeStatuses["a"]?.reasons == ["node(s) didn't match pod affinity rules"])
        #expect(r.feasibleNodes == 2)
        let awayFromDB = Self.affinityPod("p", anti: ["app": "db"])
        #expect(Fixture.feasible(awayFromDB, nodes: nodes, pods: [db], plugins: [InterPodAffinity()]) == ["a"])
        // No pod matches and the pod does not select itself: nowhere.
        #expect(
            Fixture.feasible(
                Self.affinityPod("p", affinity: ["app": "cache"]), nodes: nodes,
                plugins: [InterPodAffinity()]
            ).isEmpty)
        // The first pod of a self-selecting group may go anywhere.
        #expect(
            Fixture.feasible(
                Self.affinityPod("p", labels: ["app": "cache"], affinity: ["app": "cache"]),
                nodes: nodes, plugins: [InterPodAffinity()]) == ["a", "b", "c"])
    }

    @Test func interPodAffinityHonoursExistingPodsAntiAffinity() {
        let nodes = [Fixture.node("a", labels: ["zone": "z1"]), Fixture.node("b", labels: ["zone": "z2"])]
        let loner = Self.affinityPod("loner", nodeName: "a", anti: ["app": "web"])
        let r = Fixture.schedule(
            Fixture.pod("p", labels: ["app": "web"]), nodes: nodes, pods: [loner],
            plugins: [InterPodAffinity()])
        #expect(r.nodeName == "b")
        #expect(r.diagnosis.nodeStatuses["a"]?.reasons == ["node(s) didn't satisfy existing pods anti-affinity rules"])
    }

    @Test func interPodAffinityPreferredScoresTheMatchingDomain() {
        let nodes = [Fixture.node("a", labels: ["zone": "z1"]), Fixture.node("b", labels: ["zone": "z2"])]
        let cache = Fixture.pod("cache", labels: ["app": "cache"], nodeName: "b")
        let r = Fixture.schedule(
            Self.affinityPod("p", preferred: ["app": "cache"]), nodes: nodes, pods: [cache],
            plugins: [InterPodAffinity()])
        #expect(r.nodeName == "b")
    }

    @Test func volumeBindingChecksBoundVolumesNodeAffinity() {
        let nodes = [Fixture.node("a", labels: ["zone": "z1"]), Fixture.node("b", labels: ["zone": "z2"])]
        var pv = PersistentVolume(name: "pv1")
        pv.spec.nodeAffinity = VolumeNodeAffinity(json: [
            "required": [
                "nodeSelectorTerms": [
                    ["matchExpressions": [["key": "zone", "operator": "In", "values": ["z2"]]]]
                ]
            ]
        ])
        var pvc = PersistentVolumeClaim(name: "data", namespace: "default")
        pvc.spec.volumeName = "pv1"
        pvc.status.phase = "Bound"
        let pod = Fixture.pod("p") { p in
            var v = Volume(name: "data")
            v.persistentVolumeClaim = PersistentVolumeClaimVolumeSource(json: ["claimName": "data"])
            p.spec.volumes = [v]
        }
        let setup: (Snapshot) -> Void = { s in
            s.claims["default/data"] = pvc
            s.volumes["pv1"] = pv
        }
        let r = Fixture.schedule(pod, nodes: nodes, plugins: [VolumeBinding()], configure: setup)
        #expect(r.nodeName == "b")
        #expect(r.diagnosis.nodeStatuses["a"]?.reasons == ["node(s) had volume node affinity conflict"])
        let missing = Fixture.schedule(pod, nodes: nodes, plugins: [VolumeBinding()])
        #expect(missing.diagnosis.message == "0/2 nodes are available: persistentvolumeclaim \"data\" not found.")
        var unbound = pvc
        unbound.spec.volumeName = nil
        let u = Fixture.schedule(pod, nodes: nodes, plugins: [VolumeBinding()]) { $0.claims["default/data"] = unbound }
        #expect(u.diagnosis.preFilterMessage == "pod has unbound immediate PersistentVolumeClaims")
    }
}

@Suite struct MatchLabelKeysTests {
    @Test func spreadMatchLabelKeysCountOnlyTheSameRevision() {
        let nodes = [Fixture.node("a", labels: ["zone": "z1"]), Fixture.node("b", labels: ["zone": "z2"])]
        func pod(_ name: String, hash: String, nodeName: String? = nil) -> Pod {
            Fixture.pod(name, labels: ["app": "web", "pod-template-hash": hash], nodeName: nodeName) { p in
                var c = TopologySpreadConstraint(json: [:])
                c.maxSkew = 1
                c.topologyKey = "zone"
                c.whenUnsatisfiable = "DoNotSchedule"
                c.labelSelector = LabelSelector(matchLabels: ["app": "web"])
                c.matchLabelKeys = ["pod-template-hash"]
                p.spec.topologySpreadConstraints = [c]
            }
        }
        // Two old-revision pods in z1 do not count for the new revision.
        let existing = [pod("o1", hash: "old", nodeName: "a"), pod("o2", hash: "old", nodeName: "a")]
        #expect(
            Fixture.feasible(pod("n1", hash: "new"), nodes: nodes, pods: existing, plugins: [PodTopologySpread()])
                == ["a", "b"])
        #expect(
            Fixture.feasible(pod("o3", hash: "old"), nodes: nodes, pods: existing, plugins: [PodTopologySpread()])
                == ["b"])
    }

    @Test func antiAffinityMismatchLabelKeysOnlyRepelOtherTenants() {
        let nodes = [Fixture.node("a"), Fixture.node("b")]
        func pod(_ name: String, tenant: String, nodeName: String? = nil) -> Pod {
            Fixture.pod(name, labels: ["tenant": tenant], nodeName: nodeName) { p in
                var t = PodAffinityTerm(json: [:])
                t.labelSelector = LabelSelector(matchExpressions: [
                    LabelSelectorRequirement(key: "tenant", operator: .exists)
                ])
                t.topologyKey = "kubernetes.io/hostname"
                t.mismatchLabelKeys = ["tenant"]
                var anti = PodAffinity(json: [:])
                anti.requiredDuringSchedulingIgnoredDuringExecution = [t]
                var a = Affinity(json: [:])
                a.podAntiAffinity = anti
                p.spec.affinity = a
            }
        }
        let existing = [pod("x", tenant: "red", nodeName: "a")]
        #expect(
            Fixture.feasible(pod("y", tenant: "red"), nodes: nodes, pods: existing, plugins: [InterPodAffinity()])
                == ["a", "b"])
        #expect(
            Fixture.feasible(pod("z", tenant: "blue"), nodes: nodes, pods: existing, plugins: [InterPodAffinity()])
                == ["b"])
    }
}

@Suite struct NodePortsTests {
    static func pod(
        _ name: String, port: Int32, ip: String? = nil, proto: String? = nil, nodeName: String? = nil
    ) -> Pod {
        Fixture.pod(name, nodeName: nodeName) { p in
            var c = p.spec.containers[0]
            var cp = ContainerPort(containerPort: 80, protocol: proto)
            cp.hostPort = port
            cp.hostIP = ip
            c.ports = [cp]
            p.spec.containers = [c]
        }
    }

    @Test(arguments: [
        (Int32(8080), String?.none, String?.none, false),
        (Int32(8081), String?.none, String?.none, true),
        (Int32(8080), "10.0.0.2", String?.none, false),  // the existing pod binds every address
        (Int32(8080), String?.none, "UDP", true),
    ])
    func hostPortConflicts(_ port: Int32, _ ip: String?, _ proto: String?, _ fits: Bool) {
        let existing = [Self.pod("x", port: 8080, nodeName: "a")]
        let r = Fixture.schedule(
            Self.pod("p", port: port, ip: ip, proto: proto), nodes: [Fixture.node("a")],
            pods: existing, plugins: [NodePorts()])
        #expect((r.nodeName == "a") == fits)
        if !fits {
            #expect(
                r.diagnosis.message
                    == "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.")
        }
    }
}
