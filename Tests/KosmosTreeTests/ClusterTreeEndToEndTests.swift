import Foundation
import KosmosAPI
import KosmosLocal
import KosmosTestSupport
@testable import KosmosTree
import Logging
import Testing

/// A host and a member `LocalAPIServer`; the member has two simulated 4-CPU/8Gi/110-pod nodes in zone z1, so
/// its pods go Running with IPs from 10.248.0.0/16. ClusterTree runs against them with a 1 s sync interval.
@Suite(.serialized) struct ClusterTreeEndToEndTests {
    static func cluster(_ name: String, kubeconfig: [UInt8], options: JSONValue = ["enable": true]) -> Cluster {
        var c = Cluster(name: name)
        c.spec.kubeconfig = kubeconfig
        c.spec.json["clusterTreeOptions"] = options
        return c
    }

    static func hostPod(_ name: String, node: String, configMap: String? = nil) -> Pod {
        var p = Pod(name: name, namespace: "default")
        var c = Container(name: "main", image: "nginx")
        c.resources = ResourceRequirements(requests: ["cpu": "500m"])
        if let configMap {
            c.envFrom = [EnvFromSource(json: ["configMapRef": ["name": .string(configMap)]])]
        }
        p.spec.containers = [c]
        p.spec.nodeName = node
        p.spec.tolerations = [Toleration(key: KosmosKeys.leafNode, operator: .exists, effect: .noSchedule)]
        return p
    }

    /// Starts a host (scheduling with KosmosSched when `hostSchedules`, without nodes of its own) and member1
    /// (two kubelets), runs a ClusterTreeManager in the host and hands them to `body`; stops everything after.
    static func withClusters(
        hostSchedules: Bool = false,
        _ body: (_ host: TreeTestCluster, _ member: TreeTestCluster, _ manager: ClusterTreeManager) async throws -> Void
    ) async throws {
        let host = try await TreeTestCluster.start(name: "host", schedules: hostSchedules)
        let member = try await TreeTestCluster.start(
            name: "member1", clusterCIDR: "10.248.0.0/16", kubelets: 2,
            kubeletOptions: .init(zone: "z1", heartbeatInterval: .seconds(2)))
        var logger = Logger(label: "kosmos.tree.test")
        logger.logLevel = .notice
        let manager = ClusterTreeManager(
            host: host.client, configuration: .init(leafNodes: .init(syncInterval: .seconds(1))), logger: logger)
        do {
            try await KosmosCRDs.install(using: host.client)
            host.start { await manager.run() }
            try await body(host, member, manager)
        } catch {
            await host.stop()
            await member.stop()
            throw error
        }
        await host.stop()
        await member.stop()
    }

    @Test func leafNodeAppearsWithCapacityAnnotationAndLease() async throws {
        try await Self.withClusters { host, member, _ in
            #expect(await eventually("member nodes are Ready") {
                try await member.client.list(Node.self).items.filter(\.isReady).count == 2
            })
            _ = try await host.client.create(Self.cluster("member1", kubeconfig: member.kubeconfig))
            var leaf: Node?
            #expect(await eventually("leaf node kosmos-member1 has the members' capacity") {
                leaf = try await host.client.get(Node.self, name: "kosmos-member1")
                return leaf?.status.allocatable["cpu"] == "8" && leaf?.isReady == true
            })
            let node = try #require(leaf)
            #expect(node.status.capacity == node.status.allocatable)
            #expect(node.status.capacity["cpu"] == "8")
            #expect(node.status.capacity["memory"] == "16Gi")
            #expect(node.status.capacity["pods"] == 220)
            #expect(node.metadata.labels["kosmos.io/node"] == "true")
            #expect(node.metadata.labels["kosmos.io/cluster"] == "member1")
            #expect(node.metadata.labels["topology.kubernetes.io/zone"] == "z1")
            #expect(node.spec.taints.contains { $0.key == "kosmos.io/node" && $0.effect == .noSchedule })
            #expect(node.status.nodeInfo.operatingSystem == "linux")
            #expect(node.status.daemonEndpoints.kubeletPort == 10250)
            let free = try #require(node.metadata.annotations[KosmosKeys.memberNodeFree])
            let entries = try #require(try JSONValue.parse(free).arrayValue)
            #expect(entries.compactMap { $0["name"]?.stringValue } == ["member1-node-1", "member1-node-2"])
            #expect(entries.first?["free"]?["cpu"] == "4")
            let lease = try await host.client.get(Lease.self, namespace: "kube-node-lease", name: "kosmos-member1")
            #expect(lease.spec.leaseDurationSeconds == 40)
            #expect(lease.spec.holderIdentity == "kosmos-member1")

            // Deleting the Cluster removes its leaf node.
            try await host.client.delete(Cluster.self, namespace: nil, name: "member1")
            #expect(await eventually("leaf node is removed with its Cluster") {
                do { _ = try await host.client.get(Node.self, name: "kosmos-member1") } catch let e as KubeError
                    where e.isNotFound { return true }
                return false
            })
        }
    }

    @Test func hostPodRunsInMemberAndDeletionFollows() async throws {
        try await Self.withClusters { host, member, _ in
            var cm = ConfigMap(name: "web-config", namespace: "default")
            cm.data = ["GREETING": "hello"]
            _ = try await host.client.create(cm)
            _ = try await host.client.create(Self.cluster("member1", kubeconfig: member.kubeconfig))
            #expect(await eventually("leaf node is Ready") {
                try await host.client.get(Node.self, name: "kosmos-member1").isReady
            })
            _ = try await host.client.create(Self.hostPod("web", node: "kosmos-member1", configMap: "web-config"))

            var hostPod: Pod?
            #expect(await eventually("host pod shows Running with the member pod's IP") {
                hostPod = try await host.client.get(Pod.self, namespace: "default", name: "web")
                return hostPod?.status.phase == .running && hostPod?.status.podIP?.hasPrefix("10.248.") == true
            })
            let memberPod = try await member.client.get(Pod.self, namespace: "default", name: "web")
            #expect(memberPod.metadata.labels[TreeKeys.kosmosPod] == "true")
            #expect(memberPod.status.podIP == hostPod?.status.podIP)
            #expect(memberPod.spec.nodeName?.hasPrefix("member1-node-") == true)
            #expect(hostPod?.status.conditions[type: "Ready"]?.status == .true)
            #expect(hostPod?.spec.tolerations.contains { $0.key == "node.kubernetes.io/unreachable" } == true)

            let copy = try await member.client.get(ConfigMap.self, namespace: "default", name: "web-config")
            #expect(copy.data == ["GREETING": "hello"])
            #expect(copy.metadata.annotations[TreeKeys.global] == "true")
            let source = try await host.client.get(ConfigMap.self, namespace: "default", name: "web-config")
            #expect(source.metadata.annotations[KosmosKeys.clusterOwners] == "member1")

            try await host.client.delete(Pod.self, namespace: "default", name: "web")
            #expect(await eventually("member pod and host pod are gone") {
                let memberGone: Bool
                do { _ = try await member.client.get(Pod.self, namespace: "default", name: "web"); memberGone = false }
                catch let e as KubeError where e.isNotFound { memberGone = true }
                let hostGone: Bool
                do { _ = try await host.client.get(Pod.self, namespace: "default", name: "web"); hostGone = false }
                catch let e as KubeError where e.isNotFound { hostGone = true }
                return memberGone && hostGone
            })
        }
    }

    @Test func unreachableMemberTurnsLeafNotReadyWithoutEvictingPods() async throws {
        try await Self.withClusters { host, member, _ in
            _ = try await host.client.create(Self.cluster("member1", kubeconfig: member.kubeconfig))
            // Pods are bound to existing nodes only (the host's pod GC removes pods of unknown nodes).
            #expect(await eventually("leaf node is Ready") {
                try await host.client.get(Node.self, name: "kosmos-member1").isReady
            })
            _ = try await host.client.create(Self.hostPod("stays", node: "kosmos-member1"))
            #expect(await eventually("host pod is Running") {
                try await host.client.get(Pod.self, namespace: "default", name: "stays").status.phase == .running
            })
            await member.stopServer()
            #expect(await eventually("leaf node turns NotReady (ClusterNotReachable)") {
                let node = try await host.client.get(Node.self, name: "kosmos-member1")
                let ready = node.status.conditions[type: "Ready"]
                return ready?.status == .false && ready?.reason == "ClusterNotReachable"
            })
            // A few more sync rounds: the host pod is neither deleted nor marked terminating.
            try await Task.sleep(for: .seconds(3))
            let pod = try await host.client.get(Pod.self, namespace: "default", name: "stays")
            #expect(!pod.metadata.isBeingDeleted)
            #expect(pod.status.phase == .running)
        }
    }
}
