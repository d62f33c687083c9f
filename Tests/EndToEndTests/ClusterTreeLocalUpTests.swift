import Foundation
import KosmosAPI
import KosmosLocal
import KosmosNet
import Testing

/// ClusterTree as `kosmosctl local-up` runs it (with ClusterLink and the netns dataplane), driven with the real
/// `kubectl` against the host: leaf nodes listed, a Deployment spread onto them by KosmosSched, its pods Running
/// with member-cluster IPs, and a host pod reaching them by IP through the ClusterLink tunnels.
@Suite(.serialized) struct ClusterTreeLocalUpTests {
    static let kubectlPath = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs kubectl with the environment's merged kubeconfig against context `kosmos-host`.
    static func kubectl(_ env: LocalClusters, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: kubectlPath ?? "kubectl")
        p.arguments = ["--kubeconfig", env.directory + "/kubeconfig", "--context", "kosmos-host",
                       "--cache-dir", env.directory + "/kubectl-cache"] + args
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test func hostDeploymentRunsOnLeafNodesAndHostPodReachesIt() async throws {
        if let reason = LocalClusters.skipReason() {
            print("SKIP hostDeploymentRunsOnLeafNodesAndHostPodReachesIt: \(reason)")
            return
        }
        guard Self.kubectlPath != nil else {
            print("SKIP hostDeploymentRunsOnLeafNodesAndHostPodReachesIt: kubectl is not installed")
            return
        }
        let env = try await LocalClusters(clusters: 3, nodes: 2, networkType: "p2p")
        do {
            try await check(env)
        } catch {
            await env.stop()
            throw error
        }
        await env.stop()
    }

    private func check(_ env: LocalClusters) async throws {
        let nodes = try Self.kubectl(env, ["get", "nodes", "-o", "name"])
        #expect(nodes.status == 0, "kubectl get nodes: \(nodes.err)")
        let names = Set(nodes.out.split(separator: "\n").map(String.init))
        #expect(names.isSuperset(of: ["node/kosmos-member1", "node/kosmos-member2", "node/host-node1"]), "\(names)")

        let created = try Self.kubectl(env, ["create", "deployment", "web", "--image=nginx", "--replicas=6"])
        #expect(created.status == 0, "kubectl create deployment: \(created.err)")

        let host = try env.client("host")
        var pods: [Pod] = []
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            pods = try await host.listAll(Pod.self, namespace: "default",
                                          options: ListOptions(labelSelector: "app=web")).items
            if pods.count == 6, pods.allSatisfy({ $0.status.phase == .running && $0.status.podIP != nil }) { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(pods.count == 6)
        #expect(pods.allSatisfy { $0.status.phase == .running }, "\(pods.map { ($0.metadata.name, $0.status.phase) })")
        // The host's own nodes are schedulable too; the scheduler must use both leaf nodes.
        let leafPods = pods.filter { $0.spec.nodeName?.hasPrefix("kosmos-member") == true }
        #expect(Set(leafPods.compactMap(\.spec.nodeName)) == ["kosmos-member1", "kosmos-member2"],
                "placement: \(pods.map { $0.spec.nodeName ?? "-" })")

        // Each leaf pod runs in its member with that member's pod IP (member1: 10.101/16, member2: 10.102/16).
        for pod in leafPods {
            let member = String(pod.spec.nodeName?.dropFirst("kosmos-".count) ?? "")
            let copy = try await env.client(member).get(Pod.self, namespace: "default", name: pod.metadata.name ?? "")
            #expect(copy.status.podIP == pod.status.podIP)
            let prefix = member == "member1" ? "10.101." : "10.102."
            #expect(pod.status.podIP?.hasPrefix(prefix) == true,
                    "\(pod.metadata.name ?? ""): \(pod.status.podIP ?? "-")")
        }

        // A host pod reaches every leaf pod by IP through the netns dataplane and ClusterLink.
        let from = env.podNamespace(cluster: "host", pod: "p-host-node1")
        for pod in leafPods {
            guard let ip = pod.status.podIP.flatMap(IPAddress.init) else { continue }
            let took = try await env.pingUntilReply(ip, from: from, seconds: 30)
            #expect(took != nil, "no ping reply from \(pod.metadata.name ?? "") at \(ip)")
        }
        if let first = leafPods.first, let ip = first.status.podIP.flatMap(IPAddress.init),
           let member = first.spec.nodeName?.dropFirst("kosmos-".count) {
            let target = env.podNamespace(cluster: String(member), pod: first.metadata.name ?? "")
            let hostIP = try await env.podIPs(cluster: "host", pod: "p-host-node1")[0]
            let r = try ConnectivityProbe.tcpExchange(server: target, listen: ip, client: from, connectTo: ip,
                                                      port: 8080, message: "hello leaf")
            #expect(r.received == "hello leaf")
            #expect(r.peer.hasPrefix(hostIP.description), "the leaf pod saw \(r.peer), the host pod is \(hostIP)")
        }
    }
}
