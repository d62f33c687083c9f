import KosmosAPI
import Testing

@testable import KosmosSched

@Suite struct SimulatorTests {
    static let state = """
        apiVersion: v1
        kind: Node
        metadata: {name: small, labels: {zone: a}}
        status: {allocatable: {cpu: "1", memory: 2Gi, pods: "10"}}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: big, labels: {zone: b}}
        status: {allocatable: {cpu: "8", memory: 16Gi, pods: "10"}}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: tainted, labels: {zone: c}}
        spec: {taints: [{key: dedicated, value: infra, effect: NoSchedule}]}
        status: {allocatable: {cpu: "8", memory: 16Gi, pods: "10"}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: running, namespace: default}
        spec: {nodeName: big, containers: [{name: c, resources: {requests: {cpu: "6"}}}]}
        """

    static let pods = """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: default}
        spec: {containers: [{name: c, resources: {requests: {cpu: "2"}}}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: huge, namespace: default}
        spec: {containers: [{name: c, resources: {requests: {cpu: "4"}}}]}
        """

    @Test func explainsEveryRejectionDeterministically() throws {
        let objects = try YAML.parseAll(Self.state) + YAML.parseAll(Self.pods)
        let (snapshot, pending) = try Simulator.load(objects)
        let placements = try Simulator().run(snapshot: snapshot, pods: pending)
        #expect(placements.map(\.pod) == ["default/web", "default/huge"])
        let web = try #require(placements.first)
        #expect(web.node == "big")
        #expect(
            web.rejections == [
                .init(node: "small", plugin: "NodeResourcesFit", reason: "Insufficient cpu"),
                .init(
                    node: "tainted", plugin: "LeafNodeTaintToleration",
                    reason: "node(s) had taint {dedicated: infra}, that the pod didn't tolerate"),
            ])
        let huge = try #require(placements.last)
        #expect(huge.node == nil)
        #expect(
            huge.message?.hasPrefix(
                "0/3 nodes are available: 1 node(s) had taint {dedicated: infra}, that the pod "
                    + "didn't tolerate, 2 Insufficient cpu.") == true)
        // Same input, same output.
        let (s2, p2) = try Simulator.load(objects)
        let again = try Simulator().run(snapshot: s2, pods: p2)
        #expect(Simulator.renderJSON(again) == Simulator.renderJSON(placements))
        #expect(
            Simulator.renderText(placements).contains(
                "default/web: scheduled to big\n  small: NodeResourcesFit: Insufficient cpu\n"))
    }

    @Test func loadsKosmosPoliciesAndLeafAnnotations() throws {
        let yaml = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Node
              metadata: {name: host-1}
              status: {allocatable: {cpu: "8", memory: 16Gi, pods: "110"}}
            - apiVersion: v1
              kind: Node
              metadata:
                name: leaf-1
                labels: {kosmos.io/node: "true"}
                annotations:
                  kosmos.io/member-node-free: '[{"name": "m1", "free": {"cpu": "2"}}, {"name": "m2", "free": {"cpu": "2"}}]'
              spec: {taints: [{key: kosmos.io/node, value: "true", effect: NoSchedule}]}
              status: {allocatable: {cpu: "10", memory: 16Gi, pods: "110"}}
            ---
            apiVersion: kosmos.io/v1alpha1
            kind: DistributionPolicy
            metadata: {name: to-leaf, namespace: default}
            spec:
              resourceSelectors: [{namePrefix: batch-, policyName: leaf}]
              policyTerms: [{name: leaf, nodeType: leaf}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: batch-small}
            spec: {containers: [{name: c, resources: {requests: {cpu: "2"}}}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: batch-big}
            spec: {containers: [{name: c, resources: {requests: {cpu: "3"}}}]}
            """
        let (snapshot, pending) = try Simulator.load(try YAML.parseAll(yaml))
        let placements = try Simulator().run(snapshot: snapshot, pods: pending)
        #expect(placements.map(\.node) == ["leaf-1", nil])
        let big = try #require(placements.last)
        #expect(big.rejections.map(\.plugin) == ["LeafNodeDistribution", "LeafNodeFragmentedCapacity"])
    }

    @Test func rejectsUnsupportedKindsNamingTheObject() throws {
        let objects = try YAML.parseAll("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n")
        #expect(throws: ConfigurationError.self) { try Simulator.load(objects, source: "state.yaml") }
        do {
            _ = try Simulator.load(objects, source: "state.yaml")
        } catch let e as ConfigurationError {
            #expect(e.message == "state.yaml: object 1: kind \"Secret\" is not supported by the simulator")
        }
    }
}

@Suite struct ConfigurationTests {
    @Test func profilesEnableDisableAndConfigurePlugins() throws {
        let yaml = """
            apiVersion: kubescheduler.config.k8s.io/v1
            kind: KubeSchedulerConfiguration
            leaderElection: {leaderElect: false}
            profiles:
            - schedulerName: kosmos
              plugins:
                filter:
                  disabled: [{name: LeafNodeDistribution}]
                score:
                  disabled: [{name: "*"}]
                  enabled: [{name: NodeResourcesFit, weight: 5}]
              pluginConfig:
              - name: NodeResourcesFit
                args: {scoringStrategy: {type: MostAllocated}}
            """
        let c = try SchedulerConfiguration.parse(yaml, file: "sched.yaml")
        #expect(c.leaderElect == false)
        let p = try #require(try c.makeProfiles().first)
        #expect(p.schedulerName == "kosmos")
        #expect(!p.filter.map(\.name).contains("LeafNodeDistribution"))
        #expect(p.score.map(\.plugin.name) == ["NodeResourcesFit"])
        #expect(p.score.first?.weight == 5)
        #expect((p.score.first?.plugin as? NodeResourcesFit)?.strategy == .mostAllocated)
    }

    @Test func multiPointEnablesAndDisablesEverywhere() throws {
        let yaml = """
            profiles:
            - schedulerName: plain
              plugins:
                multiPoint:
                  disabled: [{name: LeafNodeTaintToleration}, {name: LeafNodeDistribution}]
                  enabled: [{name: TaintToleration, weight: 3}]
            """
        let p = try #require(try SchedulerConfiguration.parse(yaml, file: "sched.yaml").makeProfiles().first)
        let filters = p.filter.map(\.name)
        #expect(filters.contains("TaintToleration"))
        #expect(!filters.contains("LeafNodeTaintToleration"))
        #expect(!p.preFilter.map(\.name).contains("LeafNodeDistribution"))
        #expect(p.score.first { $0.plugin.name == "TaintToleration" }?.weight == 3)
        #expect(!p.score.contains { $0.plugin.name == "LeafNodeTaintToleration" })
    }

    @Test(arguments: [
        (
            "profiles:\n- plugins:\n    filter: {enabled: [{name: Nope}]}\n",
            "sched.yaml: profiles[0]: plugins.filter: unknown plugin \"Nope\""
        ),
        (
            "profiles:\n- plugins:\n    fliter: {enabled: []}\n",
            "sched.yaml: profiles[0].plugins.fliter: unknown extension point"
        ),
        ("percentageOfNodesToScore: 300\n", "sched.yaml: percentageOfNodesToScore: expected an integer 0...100"),
        (
            "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args: {scoringStrategy: {type: Random}}\n",
            "pluginConfig NodeResourcesFit: scoringStrategy.type \"Random\" is not LeastAllocated or MostAllocated"
        ),
        ("schedulerNme: x\n", "sched.yaml: schedulerNme: unknown field"),
    ])
    func badConfigurationNamesFileAndField(_ input: String, _ message: String) {
        do {
            _ = try SchedulerConfiguration.parse(input, file: "sched.yaml")
            Issue.record("expected an error for \(input)")
        } catch let e as ConfigurationError {
            #expect(e.message == message)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
