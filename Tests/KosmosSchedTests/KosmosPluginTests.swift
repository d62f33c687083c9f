import KosmosAPI
import Testing

@testable import KosmosSched

@Suite struct KosmosPluginTests {
    // MARK: - LeafNodeTaintToleration (cases §4.2)

    @Test func leafTaintIsAlwaysToleratedButOthersAreNot() {
        let nodes = [
            Fixture.node("leaf-true", taints: [Taint(key: "kosmos.io/node", value: "true", effect: .noSchedule)]),
            Fixture.node("leaf-false", taints: [Taint(key: "kosmos.io/node", value: "false", effect: .noSchedule)]),
            Fixture.node("leaf-exec", taints: [Taint(key: "kosmos.io/node", value: "true", effect: .noExecute)]),
            Fixture.node("prefer", taints: [Taint(key: "x", value: "y", effect: .preferNoSchedule)]),
            Fixture.node(
                "other", taints: [Taint(key: "example.io/another-taint", value: "true", effect: .noSchedule)]),
        ]
        let r = Fixture.schedule(Fixture.pod("p"), nodes: nodes, plugins: [LeafNodeTaintToleration()])
        #expect(r.diagnosis.nodeStatuses.keys.sorted() == ["leaf-exec", "other"])
        #expect(
            r.diagnosis.nodeStatuses["other"]?.reasons
                == ["node(s) had taint {example.io/another-taint: true}, that the pod didn't tolerate"])
        let tolerant = Fixture.pod("p") {
            $0.spec.tolerations = [
                Toleration(
                    key: "example.io/another-taint", operator: .equal, value: "true",
                    effect: .noSchedule)
            ]
        }
        #expect(
            Fixture.feasible(tolerant, nodes: nodes, plugins: [LeafNodeTaintToleration()])
                == ["leaf-false", "leaf-true", "other", "prefer"])
    }

    // MARK: - LeafNodeDistribution (cases §4.1, upstream bugs fixed)

    static func dp(
        _ name: String, namespace: String, selectors: [JSONValue], terms: [JSONValue]
    )
        -> DistributionPolicy
    {
        var d = DistributionPolicy(name: name, namespace: namespace)
        d.json["spec"] = ["resourceSelectors": .array(selectors), "policyTerms": .array(terms)]
        return d
    }

    static func cdp(
        _ name: String, selectors: [JSONValue], terms: [JSONValue]
    )
        -> ClusterDistributionPolicy
    {
        ClusterDistributionPolicy(json: dp(name, namespace: "", selectors: selectors, terms: terms).json)
    }

    static let terms: [JSONValue] = [
        ["name": "host", "nodeType": "host"], ["name": "leaf", "nodeType": "leaf"],
        ["name": "mix", "nodeType": "mix"],
        ["name": "adv", "nodeType": "adv", "advancedTerm": ["nodeSelector": ["advNode": "true"]]],
    ]

    static let namespaced = dp(
        "kosmos-namespace-distribution-policy", namespace: "test-name-scope",
        selectors: [
            ["name": "nginx", "policyName": "leaf"],
            ["namePrefix": "nginx-prefix", "policyName": "host"],
            ["labelSelector": ["matchLabels": ["example-distribution-policy": "nginx"]], "policyName": "mix"],
        ], terms: terms)

    static let clusterScoped = cdp(
        "kosmos-cluster-distribution-policy",
        selectors: [
            ["name": "cluster-nginx", "policyName": "mix"],
            ["namePrefix": "cluster-nginx-prefix", "policyName": "host"],
            [
                "labelSelector": ["matchLabels": ["example-distribution-policy": "cluster-nginx"]],
                "policyName": "leaf",
            ],
        ], terms: terms)

    static let nodes = [
        Fixture.node("host1", labels: ["kubernetes.io/role": "agent"]),
        Fixture.node("host2", labels: ["kubernetes.io/role": "agent", "advNode": "true"]),
        Fixture.leaf("leaf1"),
    ]

    struct DistributionCase: Sendable, CustomTestStringConvertible {
        var namespace: String
        var name: String
        var labels: [String: String]
        var feasible: [String]
        var testDescription: String { "\(namespace)/\(name) \(labels) -> \(feasible)" }
    }

    @Test(arguments: [
        DistributionCase(namespace: "test-name-scope", name: "nginx", labels: [:], feasible: ["leaf1"]),
        DistributionCase(
            namespace: "test-name-scope", name: "nginx-prefix-01", labels: [:], feasible: ["host1", "host2"]),
        DistributionCase(
            namespace: "test-name-scope", name: "nginx-prefix", labels: [:], feasible: ["host1", "host2"]),
        DistributionCase(
            namespace: "test-name-scope", name: "web-1", labels: ["example-distribution-policy": "nginx"],
            feasible: ["host1", "host2", "leaf1"]),
        // name (6) beats label (4)
        DistributionCase(
            namespace: "test-name-scope", name: "nginx", labels: ["example-distribution-policy": "nginx"],
            feasible: ["leaf1"]),
        // no namespaced policy in this namespace: the cluster policy applies
        DistributionCase(
            namespace: "test-namespace-scope", name: "cluster-nginx", labels: [:],
            feasible: ["host1", "host2", "leaf1"]),
        DistributionCase(
            namespace: "test-namespace-scope", name: "cluster-nginx-prefix-1", labels: [:],
            feasible: ["host1", "host2"]),
        DistributionCase(
            namespace: "other", name: "x", labels: ["example-distribution-policy": "cluster-nginx"],
            feasible: ["leaf1"]),
        // namespaced beats cluster-scoped, even a namespaced label match against a cluster name match
        DistributionCase(
            namespace: "test-name-scope", name: "cluster-nginx-prefix-1",
            labels: ["example-distribution-policy": "nginx"], feasible: ["host1", "host2", "leaf1"]),
        // nothing matches: mix
        DistributionCase(namespace: "other", name: "x", labels: [:], feasible: ["host1", "host2", "leaf1"]),
    ])
    func distributionPolicyMatching(_ c: DistributionCase) {
        let pod = Fixture.pod(c.name, namespace: c.namespace, labels: c.labels)
        let fits = Fixture.feasible(pod, nodes: Self.nodes, plugins: [LeafNodeDistribution()]) { s in
            s.distributionPolicies = [Self.namespaced]
            s.clusterDistributionPolicies = [Self.clusterScoped]
        }
        #expect(fits == c.feasible)
    }

    @Test func matchLabelsAreANDedAndExpressionsHonoured() {
        let policy = Self.dp(
            "p", namespace: "default",
            selectors: [
                [
                    "labelSelector": [
                        "matchLabels": ["a": "1", "b": "2"],
                        "matchExpressions": [["key": "c", "operator": "NotIn", "values": ["x"]]],
                    ],
                    "policyName": "leaf",
                ]
            ], terms: Self.terms)
        func fits(_ labels: [String: String]) -> [String] {
            Fixture.feasible(Fixture.pod("x", labels: labels), nodes: Self.nodes, plugins: [LeafNodeDistribution()]) {
                $0.distributionPolicies = [policy]
            }
        }
        #expect(fits(["a": "1", "b": "2"]) == ["leaf1"])
        #expect(fits(["a": "1"]) == ["host1", "host2", "leaf1"])
        #expect(fits(["a": "1", "b": "2", "c": "x"]) == ["host1", "host2", "leaf1"])
    }

    @Test func bestMatchWinsAcrossPoliciesAndTiesGoToTheFirstName() {
        let byLabel = Self.dp(
            "a-label", namespace: "default",
            selectors: [
                ["labelSelector": ["matchLabels": ["app": "x"]], "policyName": "leaf"]
            ], terms: Self.terms)
        let byName = Self.dp(
            "z-name", namespace: "default", selectors: [["name": "web", "policyName": "host"]],
            terms: Self.terms)
        let alsoByLabel = Self.dp(
            "b-label", namespace: "default",
            selectors: [
                ["labelSelector": ["matchLabels": ["app": "x"]], "policyName": "host"]
            ], terms: Self.terms)
        let pod = Fixture.pod("web", labels: ["app": "x"])
        // Upstream used the last listed policy even when it did not match; the best match must win.
        #expect(
            Fixture.feasible(pod, nodes: Self.nodes, plugins: [LeafNodeDistribution()]) {
                $0.distributionPolicies = [byName, byLabel]
            } == ["host1", "host2"])
        #expect(
            Fixture.feasible(
                Fixture.pod("other", labels: ["app": "x"]), nodes: Self.nodes,
                plugins: [LeafNodeDistribution()]
            ) {
                $0.distributionPolicies = [alsoByLabel, byLabel]
            } == ["leaf1"])
    }

    @Test func advancedTermByNameSelectorAndToleration() {
        let policy = Self.dp(
            "p", namespace: "default", selectors: [["namePrefix": "", "name": "web", "policyName": "adv"]],
            terms: [
                [
                    "name": "adv", "nodeType": "adv",
                    "advancedTerm": [
                        "nodeName": "host1",
                        "tolerations": [["key": "gpu", "operator": "Exists", "effect": "NoSchedule"]],
                    ],
                ]
            ])
        let nodes =
            Self.nodes + [Fixture.node("gpu1", taints: [Taint(key: "gpu", value: "a100", effect: .noSchedule)])]
        #expect(
            Fixture.feasible(Fixture.pod("web"), nodes: nodes, plugins: [LeafNodeDistribution()]) {
                $0.distributionPolicies = [policy]
            } == ["gpu1", "host1"])
        let bySelector = Self.dp(
            "p", namespace: "default", selectors: [["name": "web", "policyName": "adv"]],
            terms: Self.terms)
        #expect(
            Fixture.feasible(Fixture.pod("web"), nodes: nodes, plugins: [LeafNodeDistribution()]) {
                $0.distributionPolicies = [bySelector]
            } == ["host2"])
    }

    @Test func daemonSetPodsBypassDistributionPolicies() {
        let pod = Fixture.pod("nginx", namespace: "test-name-scope") {
            $0.metadata.ownerReferences = [
                OwnerReference(
                    apiVersion: "apps/v1", kind: "DaemonSet", name: "ds", uid: "1",
                    controller: true)
            ]
        }
        #expect(
            Fixture.feasible(pod, nodes: Self.nodes, plugins: [LeafNodeDistribution()]) {
                $0.distributionPolicies = [Self.namespaced]
            } == ["host1", "host2", "leaf1"])
    }

    // MARK: - LeafNodeVolumeBinding (cases §4.3)

    @Test func clusterOwnedVolumesKeepPodsOnTheirLeaf() {
        let nodes = [
            Fixture.node("host1"), Fixture.leaf("leaf-a", cluster: "cluster-a"),
            Fixture.leaf("leaf-b", cluster: "cluster-b"),
        ]
        var pv = PersistentVolume(name: "pv1")
        pv.metadata.annotations = [KosmosKeys.clusterOwners: "cluster-a"]
        var pvc = PersistentVolumeClaim(name: "data", namespace: "default")
        pvc.spec.volumeName = "pv1"
        let pod = Fixture.pod("p") { p in
            var v = Volume(name: "data")
            v.persistentVolumeClaim = PersistentVolumeClaimVolumeSource(json: ["claimName": "data"])
            p.spec.volumes = [v]
        }
        let fits = Fixture.feasible(pod, nodes: nodes, plugins: [LeafNodeVolumeBinding()]) { s in
            s.claims["default/data"] = pvc
            s.volumes["pv1"] = pv
        }
        #expect(fits == ["leaf-a"])
        // An unbound claim without owners may go to leaf nodes (bound there) but not to real nodes.
        var unbound = pvc
        unbound.spec.volumeName = nil
        #expect(
            Fixture.feasible(pod, nodes: nodes, plugins: [LeafNodeVolumeBinding()]) {
                $0.claims["default/data"] = unbound
            } == ["leaf-a", "leaf-b"])
        let missing = Fixture.schedule(pod, nodes: nodes, plugins: [LeafNodeVolumeBinding()])
        #expect(missing.diagnosis.preFilterMessage == "persistentvolumeclaim \"data\" not found")
    }

    // MARK: - WorkloadPolicy (cases §4.4)

    static func workloadPolicy(required: Bool, fill: Bool = false) -> WorkloadPolicy {
        var w = WorkloadPolicy(name: "wp", namespace: "ns1")
        w.json["spec"] = [
            "topologyKey": "region",
            "labelSelector": ["matchLabels": ["app": "test"]],
            "allocationPolicy": [
                ["name": "zone1", "replicas": 2], ["name": "zone2", "replicas": 3],
                ["name": "zone4", "replicas": 4],
            ],
            "allocationType": .string(required ? "Required" : "Preferred"),
            "allocationMethod": .string(fill ? "Fill" : "Balance"),
        ]
        return w
    }

    static let regionNodes = [
        Fixture.node("n1", labels: ["region": "zone1"]), Fixture.node("n2", labels: ["region": "zone2"]),
        Fixture.node("n3", labels: ["region": "zone3"]), Fixture.node("n4", labels: ["region": "zone4"]),
        Fixture.node("n5"),
    ]

    static let regionPods = [
        Fixture.pod("a", namespace: "ns1", labels: ["app": "test"], nodeName: "n1"),
        Fixture.pod("b", namespace: "ns1", labels: ["app": "test"], nodeName: "n2"),
        Fixture.pod("c", namespace: "ns1", labels: ["app": "test"], nodeName: "n2"),
        Fixture.pod("d", namespace: "ns1", labels: ["app": "test"], nodeName: "n2"),
        Fixture.pod("e", namespace: "ns2", labels: ["app": "test"], nodeName: "n1"),
        Fixture.pod("f", namespace: "ns1", labels: ["app": "other"], nodeName: "n1"),
    ]

    @Test func workloadPolicyRequiredQuotas() {
        let pod = Fixture.pod("p", namespace: "ns1", labels: ["app": "test", WorkloadPolicy.podLabel: "wp"])
        let r = Fixture.schedule(
            pod, nodes: Self.regionNodes, pods: Self.regionPods,
            plugins: [LeafNodeWorkloadPolicy()]
        ) { $0.workloadPolicies = [Self.workloadPolicy(required: true)] }
        #expect(r.diagnosis.nodeStatuses["n2"]?.code == .unschedulableAndUnresolvable)
        #expect(
            r.diagnosis.nodeStatuses["n3"]?.reasons
                == ["node(s) didn't match pod workload-policy constraints (not match value)"])
        #expect(r.diagnosis.nodeStatuses["n3"]?.code == .unschedulable)
        #expect(r.diagnosis.nodeStatuses["n5"]?.code == .unschedulableAndUnresolvable)
        // zone1 has 1 of 2 (Balance 50), zone4 0 of 4 (Balance 100).
        #expect(r.nodeName == "n4")
        // Preferred: zone2 is full but still allowed.
        let preferred = Fixture.feasible(
            pod, nodes: Self.regionNodes, pods: Self.regionPods,
            plugins: [LeafNodeWorkloadPolicy()]
        ) { $0.workloadPolicies = [Self.workloadPolicy(required: false)] }
        #expect(preferred == ["n1", "n2", "n4"])
        // Pods without the label are not restricted.
        #expect(
            Fixture.feasible(
                Fixture.pod("q", namespace: "ns1"), nodes: Self.regionNodes,
                plugins: [LeafNodeWorkloadPolicy()]
            ) { $0.workloadPolicies = [Self.workloadPolicy(required: true)] }.count == 5)
    }

    @Test func workloadPolicyScores() {
        let plugin = LeafNodeWorkloadPolicy()
        let pod = PodInfo(Fixture.pod("p", namespace: "ns1", labels: ["app": "test", WorkloadPolicy.podLabel: "wp"]))
        for (fill, expected) in [(false, [50, 0, 0, 100]), (true, [50, 100, 0, 0])] {
            let s = Snapshot(nodes: Self.regionNodes, pods: Self.regionPods)
            s.workloadPolicies = [Self.workloadPolicy(required: false, fill: fill)]
            let state = CycleState()
            #expect(plugin.preFilter(state, pod: pod, snapshot: s).isSuccess)
            let scores = s.nodes.prefix(4).map { Int(plugin.score(state, pod: pod, node: $0)) }
            #expect(scores == expected, "fill=\(fill)")
        }
    }
}
