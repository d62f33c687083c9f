import Foundation
import KosmosAPI
@testable import KosmosLocal
import Testing

@Suite struct LocalControllerManagerTests {
    typealias Cluster = ControllerTestCluster

    func runningPods(_ c: Cluster, _ app: String, namespace: String = "default") async throws -> [DynamicObject] {
        try await c.pods(namespace, selector: "app=\(app)").filter(\.isRunningAndReady)
    }

    @Test func deploymentRunsItsReplicasAndScalesDown() async throws {
        try await Cluster.run(nodes: 2) { c in
            // Both nodes Ready first, so that round robin has two to choose from.
            #expect(await c.eventually("2 nodes are Ready") {
                try await c.client.dynamic(ClusterResources.nodes).list().items
                    .filter { $0.conditionStatus("Ready") == "True" }.count == 2
            })
            _ = try await c.create(ClusterResources.deployments, Cluster.deployment("web", replicas: 3))
            #expect(await c.eventually("3 web pods run") { try await runningPods(c, "web").count == 3 })
            var deployment: DynamicObject?
            #expect(await c.eventually("deployment web is available") {
                deployment = try await c.get(ClusterResources.deployments, "default", "web")
                return deployment?.int("status", "availableReplicas") == 3
                    && deployment?.conditionStatus("Available") == "True"
            })
            let d = try #require(deployment)
            #expect(d.int("status", "replicas") == 3)
            #expect(d.int("status", "readyReplicas") == 3)
            #expect(d.int("status", "updatedReplicas") == 3)
            #expect(d.int("status", "observedGeneration") == d.int("metadata", "generation"))
            #expect(d.metadata.annotations["deployment.kubernetes.io/revision"] == "1")

            let pods = try await runningPods(c, "web")
            let rsName = try #require(pods.first?.controllerRef?.name)
            #expect(pods.allSatisfy { $0.controllerRef?.kind == "ReplicaSet" && $0.controllerRef?.name == rsName })
            #expect(pods.allSatisfy { $0.name.hasPrefix("\(rsName)-") })
            #expect(Set(pods.compactMap(\.nodeName)) == ["node-1", "node-2"], "round-robin binding")
            let rs = try #require(try await c.get(ClusterResources.replicaSets, "default", rsName))
            let hash = try #require(rs.metadata.labels["pod-template-hash"])
            #expect(rsName == "web-\(hash)")
            #expect(rs.controllerRef?.kind == "Deployment")
            #expect(rs.int("status", "readyReplicas") == 3)

            _ = try await c.client.dynamic(ClusterResources.deployments).patch(
                namespace: "default", name: "web", patch: .merge(["spec": ["replicas": 1]]), subresource: "scale")
            #expect(await c.eventually("web scales to 1 pod") {
                try await c.pods("default", selector: "app=web").count == 1
            })
            #expect(await c.eventually("deployment reports 1 replica") {
                let d = try await c.get(ClusterResources.deployments, "default", "web")
                return d?.int("status", "replicas") == 1 && d?.int("status", "availableReplicas") == 1
            })
        }
    }

    @Test func rollingUpdateMovesEveryPodToTheNewImage() async throws {
        try await Cluster.run(nodes: 2) { c in
            _ = try await c.create(ClusterResources.deployments,
                                   Cluster.deployment("roll", replicas: 4, maxSurge: 1, maxUnavailable: 1))
            #expect(await c.eventually("4 roll pods run") { try await runningPods(c, "roll").count == 4 })
            _ = try await c.client.dynamic(ClusterResources.deployments).patch(
                namespace: "default", name: "roll",
                patch: .strategicMerge(["spec": ["template": ["spec": ["containers": [
                    ["name": "main", "image": "nginx:1.27"]]]]]]))
            #expect(await c.eventually("every roll pod runs nginx:1.27", timeout: .seconds(30)) {
                let all = try await c.pods("default", selector: "app=roll")
                let running = all.filter(\.isRunningAndReady)
                return all.count == 4 && running.count == 4 && running.allSatisfy {
                    $0.array("spec", "containers").first?["image"] == "nginx:1.27"
                        && $0.array("status", "containerStatuses").first?["image"] == "docker.io/library/nginx:1.27"
                }
            })
            #expect(await c.eventually("rollout completes") {
                let d = try await c.get(ClusterResources.deployments, "default", "roll")
                return d?.int("status", "updatedReplicas") == 4 && d?.int("status", "availableReplicas") == 4
                    && d?.int("status", "replicas") == 4
                    && d?.metadata.annotations["deployment.kubernetes.io/revision"] == "2"
            })
            let sets = try await c.client.dynamic(ClusterResources.replicaSets).list(namespace: "default").items
            #expect(sets.count == 2)
            #expect(sets.map { $0.int("spec", "replicas") ?? -1 }.sorted() == [0, 4])
        }
    }

    @Test func endpointSliceFollowsTheServicesReadyPods() async throws {
        try await Cluster.run(nodes: 1) { c in
            for i in 0..<3 {
                _ = try await c.create(ClusterResources.pods, Cluster.pod("api-\(i)", node: "node-1",
                                                                        labels: ["app": "api"]))
            }
            _ = try await c.create(ClusterResources.services, [
                "apiVersion": "v1", "kind": "Service", "metadata": ["name": "api", "namespace": "default"],
                "spec": ["selector": ["app": "api"],
                         "ports": [["name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"]]],
            ])
            func sliceAddresses() async throws -> [String] {
                let slices = try await c.client.dynamic(ClusterResources.endpointSlices).list(
                    namespace: "default", options: ListOptions(labelSelector: "kubernetes.io/service-name=api")).items
                return slices.flatMap { $0.array("endpoints") }
                    .filter { $0["conditions"]?["ready"] == true }
                    .compactMap { $0["addresses"]?.arrayValue?.first?.stringValue }.sorted()
            }
            func podAddresses() async throws -> [String] {
                try await c.pods("default", selector: "app=api").filter(\.isRunningAndReady)
                    .compactMap { $0.string("status", "podIP") }.sorted()
            }
            #expect(await c.eventually("the slice lists 3 ready pods") {
                let pods = try await podAddresses()
                let listed = try await sliceAddresses()
                return pods.count == 3 && listed == pods
            })
            let slices = try await c.client.dynamic(ClusterResources.endpointSlices).list(
                namespace: "default", options: ListOptions(labelSelector: "kubernetes.io/service-name=api")).items
            let slice = try #require(slices.first)
            #expect(slice.string("addressType") == "IPv4")
            #expect(slice.array("ports").first?["port"] == 8080)
            #expect(slice.array("ports").first?["name"] == "http")
            #expect(slice.controllerRef?.kind == "Service")
            #expect(slice.metadata.labels["endpointslice.kubernetes.io/managed-by"]
                == "endpointslice-controller.k8s.io")
            #expect(slice.array("endpoints").first?["nodeName"] == "node-1")
            #expect(slice.array("endpoints").first?["targetRef"]?["kind"] == "Pod")
            func endpointsAddresses() async throws -> [String] {
                let e = try await c.get(ClusterResources.endpoints, "default", "api")
                return (e?.array("subsets") ?? []).flatMap { $0["addresses"]?.arrayValue ?? [] }
                    .compactMap { $0["ip"]?.stringValue }.sorted()
            }
            #expect(await c.eventually("the Endpoints list 3 addresses") {
                try await endpointsAddresses() == podAddresses()
            })

            try await c.client.dynamic(ClusterResources.pods).delete(namespace: "default", name: "api-0")
            try await c.client.dynamic(ClusterResources.pods).delete(namespace: "default", name: "api-1")
            #expect(await c.eventually("the slice lists the one pod left") {
                let pods = try await podAddresses()
                let listed = try await sliceAddresses()
                return pods.count == 1 && listed == pods
            })
            #expect(await c.eventually("the Endpoints list the one pod left") {
                try await endpointsAddresses() == podAddresses()
            })
            try await c.client.dynamic(ClusterResources.services).delete(namespace: "default", name: "api")
            #expect(await c.eventually("the Endpoints go with the Service") {
                try await c.get(ClusterResources.endpoints, "default", "api") == nil
            })
        }
    }

    @Test func deletingANamespaceRemovesItsContent() async throws {
        try await Cluster.run(nodes: 1) { c in
            _ = try await c.create(ClusterResources.namespaces, Cluster.namespace("doomed"))
            _ = try await c.create(ClusterResources.deployments, Cluster.deployment("app", namespace: "doomed",
                                                                                    replicas: 2))
            #expect(await c.eventually("2 app pods run") {
                try await runningPods(c, "app", namespace: "doomed").count == 2
            })
            #expect(await c.eventually("the default service account exists") {
                try await c.get(ClusterResources.serviceAccounts, "doomed", "default") != nil
            })
            try await c.client.dynamic(ClusterResources.namespaces).delete(name: "doomed")
            #expect(await c.eventually("namespace doomed is gone", timeout: .seconds(30)) {
                try await c.get(ClusterResources.namespaces, nil, "doomed") == nil
            })
            #expect(try await c.pods("doomed").isEmpty)
            #expect(try await c.client.dynamic(ClusterResources.replicaSets).list(namespace: "doomed").items.isEmpty)
            #expect(try await c.client.dynamic(ClusterResources.deployments).list(namespace: "doomed").items.isEmpty)
        }
    }

    @Test func everyNamespaceGetsADefaultServiceAccountBack() async throws {
        try await Cluster.run(nodes: 0) { c in
            _ = try await c.create(ClusterResources.namespaces, Cluster.namespace("team"))
            #expect(await c.eventually("team/default exists") {
                try await c.get(ClusterResources.serviceAccounts, "team", "default") != nil
            })
            let first = try #require(try await c.get(ClusterResources.serviceAccounts, "team", "default"))
            try await c.client.dynamic(ClusterResources.serviceAccounts).delete(namespace: "team", name: "default")
            #expect(await c.eventually("team/default is recreated") {
                let sa = try await c.get(ClusterResources.serviceAccounts, "team", "default")
                return sa != nil && sa?.uid != first.uid
            })
            #expect(try await c.get(ClusterResources.serviceAccounts, "kube-system", "default") != nil)
        }
    }

    @Test func backgroundDeletionOfAReplicaSetRemovesItsPods() async throws {
        try await Cluster.run(nodes: 1) { c in
            _ = try await c.create(ClusterResources.replicaSets, [
                "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": ["name": "rs", "namespace": "default"],
                "spec": ["replicas": 3, "selector": ["matchLabels": ["app": "rs"]],
                         "template": ["metadata": ["labels": ["app": "rs"]],
                                      "spec": ["containers": [["name": "main", "image": "busybox"]]]]],
            ])
            #expect(await c.eventually("3 rs pods run") { try await runningPods(c, "rs").count == 3 })
            try await c.client.dynamic(ClusterResources.replicaSets).delete(
                namespace: "default", name: "rs", options: DeleteOptions(propagationPolicy: .background))
            #expect(await c.eventually("rs pods are gone") { try await c.pods("default", selector: "app=rs").isEmpty })
            #expect(try await c.get(ClusterResources.replicaSets, "default", "rs") == nil)
        }
    }

    @Test func orphanedPodsAreAdoptedByANewReplicaSetInsteadOfReplaced() async throws {
        try await Cluster.run(nodes: 1) { c in
            func replicaSet(_ name: String) -> JSONValue {
                ["apiVersion": "apps/v1", "kind": "ReplicaSet",
                 "metadata": ["name": .string(name), "namespace": "default"],
                 "spec": ["replicas": 2, "selector": ["matchLabels": ["app": "adopt"]],
                          "template": ["metadata": ["labels": ["app": "adopt"]],
                                       "spec": ["containers": [["name": "main", "image": "busybox"]]]]]]
            }
            _ = try await c.create(ClusterResources.replicaSets, replicaSet("first"))
            #expect(await c.eventually("2 adopt pods run") { try await runningPods(c, "adopt").count == 2 })
            let before = Set(try await runningPods(c, "adopt").map(\.uid))
            try await c.client.dynamic(ClusterResources.replicaSets).delete(
                namespace: "default", name: "first", options: DeleteOptions(propagationPolicy: .orphan))
            #expect(await c.eventually("the pods are orphaned") {
                let pods = try await c.pods("default", selector: "app=adopt")
                return pods.count == 2 && pods.allSatisfy { $0.metadata.ownerReferences.isEmpty }
            })
            let second = try await c.create(ClusterResources.replicaSets, replicaSet("second"))
            #expect(await c.eventually("the second ReplicaSet adopts both pods") {
                let pods = try await c.pods("default", selector: "app=adopt")
                return pods.count == 2 && pods.allSatisfy { $0.controllerRef?.uid == second.uid }
            })
            #expect(Set(try await c.pods("default", selector: "app=adopt").map(\.uid)) == before)
            #expect(await c.eventually("the second ReplicaSet reports them ready") {
                try await c.get(ClusterResources.replicaSets, "default", "second")?.int("status", "readyReplicas") == 2
            })
        }
    }

    @Test func recreateStrategyReplacesAllPodsAtOnce() async throws {
        try await Cluster.run(nodes: 1) { c in
            var d = Cluster.deployment("rec", replicas: 2)
            d[path: ["spec", "strategy"]] = ["type": "Recreate"]
            _ = try await c.create(ClusterResources.deployments, d)
            #expect(await c.eventually("2 rec pods run") { try await runningPods(c, "rec").count == 2 })
            _ = try await c.client.dynamic(ClusterResources.deployments).patch(
                namespace: "default", name: "rec",
                patch: .merge(["spec": ["template": ["spec": ["containers": [
                    ["name": "main", "image": "nginx:1.27"]]]]]]))
            #expect(await c.eventually("both rec pods run nginx:1.27") {
                let all = try await c.pods("default", selector: "app=rec")
                return all.count == 2 && all.allSatisfy {
                    $0.isRunningAndReady && $0.array("spec", "containers").first?["image"] == "nginx:1.27"
                }
            })
            let sets = try await c.client.dynamic(ClusterResources.replicaSets).list(namespace: "default").items
            #expect(sets.map { $0.int("spec", "replicas") ?? -1 }.sorted() == [0, 2])
        }
    }

    @Test func podsWhoseOwnerIsAlreadyGoneAreCollected() async throws {
        try await Cluster.run(nodes: 1) { c in
            var orphan = Cluster.pod("stray", node: "node-1", labels: ["x": "y"])
            orphan[path: ["metadata", "ownerReferences"]] = [[
                "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "never-was",
                "uid": "8f2d6c1e-0000-4000-8000-000000000001", "controller": true,
            ]]
            _ = try await c.create(ClusterResources.pods, orphan)
            var kept = Cluster.pod("kept", node: "node-1")
            let owner = try await c.create(ClusterResources.services, [
                "apiVersion": "v1", "kind": "Service", "metadata": ["name": "owner", "namespace": "default"],
                "spec": ["ports": [["port": 80]]],
            ])
            kept[path: ["metadata", "ownerReferences"]] = [
                ["apiVersion": "v1", "kind": "Service", "name": "owner", "uid": .string(owner.uid)],
                ["apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "gone",
                 "uid": "8f2d6c1e-0000-4000-8000-000000000002"],
            ]
            _ = try await c.create(ClusterResources.pods, kept)
            #expect(await c.eventually("stray is collected") {
                try await c.get(ClusterResources.pods, "default", "stray") == nil
            })
            #expect(await c.eventually("kept loses its dangling reference") {
                let p = try await c.get(ClusterResources.pods, "default", "kept")
                return p?.metadata.ownerReferences.map(\.name) == ["owner"]
            })
        }
    }

    @Test func silentNodeBecomesUnreachableAndRecovers() async throws {
        let kubeletOptions = SimulatedKubelet.Options(heartbeatInterval: .milliseconds(300))
        try await Cluster.run(nodes: 0, managerOptions: .init(nodeMonitorGracePeriod: .seconds(2))) { c in
            c.startKubelet("quiet", options: kubeletOptions)
            #expect(await c.eventually("node quiet is Ready") {
                try await c.get(ClusterResources.nodes, nil, "quiet")?.conditionStatus("Ready") == "True"
            })
            _ = try await c.create(ClusterResources.pods, Cluster.pod("stranded", node: "quiet"))
            #expect(await c.eventually("pod stranded runs") {
                try await c.get(ClusterResources.pods, "default", "stranded")?.isRunningAndReady == true
            })
            await c.stop("kubelet-quiet")
            var node: DynamicObject?
            #expect(await c.eventually("node quiet is unreachable") {
                node = try await c.get(ClusterResources.nodes, nil, "quiet")
                return node?.conditionStatus("Ready") == "Unknown" && node?.array("spec", "taints").count == 2
            })
            let taints = try #require(node).array("spec", "taints")
            #expect(Set(taints.compactMap { $0["key"]?.stringValue }) == ["node.kubernetes.io/unreachable"])
            #expect(Set(taints.compactMap { $0["effect"]?.stringValue }) == ["NoSchedule", "NoExecute"])
            let ready = try #require(node).array("status", "conditions").first { $0["type"] == "Ready" }
            #expect(ready?["reason"] == "NodeStatusUnknown")
            #expect(await c.eventually("pod stranded is not ready") {
                try await c.get(ClusterResources.pods, "default", "stranded")?.conditionStatus("Ready") == "False"
            })

            c.startKubelet("quiet", options: kubeletOptions)
            #expect(await c.eventually("node quiet is Ready again without taints") {
                let n = try await c.get(ClusterResources.nodes, nil, "quiet")
                return n?.conditionStatus("Ready") == "True" && n?.array("spec", "taints").isEmpty == true
            })
            #expect(await c.eventually("pod stranded is ready again") {
                try await c.get(ClusterResources.pods, "default", "stranded")?.isRunningAndReady == true
            })
        }
    }

    @Test func kubectlCreateDeploymentEndsWithReadyPods() async throws {
        guard let kubectl = Self.which("kubectl") else {
            print("skipped kubectlCreateDeploymentEndsWithReadyPods: kubectl is not on the PATH")
            return
        }
        try await Cluster.run(nodes: 2, tls: true) { c in
            let kubeconfig = c.server.kubeconfigPath
            let create = try Self.run(kubectl, ["--kubeconfig", kubeconfig, "create", "deployment", "web",
                                               "--image=nginx", "--replicas=3"])
            #expect(create.status == 0, "kubectl create: \(create.output)")
            // `kubectl wait` fails at once when no pod matches yet.
            #expect(await c.eventually("3 web pods exist") {
                try await c.pods("default", selector: "app=web").count == 3
            })
            let wait = try Self.run(kubectl, ["--kubeconfig", kubeconfig, "wait", "--for=condition=Ready", "pod",
                                              "-l", "app=web", "--timeout=30s"])
            #expect(wait.status == 0, "kubectl wait: \(wait.output)")
            #expect(wait.output.components(separatedBy: "condition met").count - 1 == 3, "\(wait.output)")
            let rollout = try Self.run(kubectl, ["--kubeconfig", kubeconfig, "rollout", "status", "deployment/web",
                                                 "--timeout=30s"])
            #expect(rollout.status == 0, "kubectl rollout status: \(rollout.output)")
        }
    }

    // MARK: - Processes

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
