import Foundation
import KosmosAPI
import KosmosNet
import Logging
import Testing

@testable import KosmosLocal

@Suite struct LocalEnvironmentPlanTests {
    @Test func distinctRangesUnlessOverlap() {
        let opts = LocalEnvironmentOptions(clusters: 3, nodesPerCluster: 2, ipFamily: .dual, stateDirectory: "/x")
        let plan = LocalEnvironmentPlanner.plan(opts)
        #expect(plan.map(\.name) == ["host", "member1", "member2"])
        #expect(Set(plan.map(\.podCIDRs)).count == 3)
        #expect(plan[1].podCIDRs == ["10.101.0.0/16", "fd00:10:101::/56"])
        #expect(plan[1].nodePodCIDRs[1] == ["10.101.2.0/24", "fd00:10:101:2::/64"])
        // Every node range lies inside its cluster range.
        for c in plan {
            for node in c.nodePodCIDRs {
                for (i, cidr) in node.enumerated() {
                    #expect(IPPrefix(c.podCIDRs[i])!.contains(IPPrefix(cidr)!))
                }
            }
        }
        var overlap = opts
        overlap.overlap = true
        #expect(Set(LocalEnvironmentPlanner.plan(overlap).map(\.podCIDRs)).count == 1)
    }

    @Test func rejectsOutOfRangeOptions() {
        #expect(throws: LocalEnvironmentError.self) {
            try LocalEnvironmentOptions(clusters: 0, stateDirectory: "/x").validate()
        }
        #expect(throws: LocalEnvironmentError.self) {
            try LocalEnvironmentOptions(nodesPerCluster: 500, stateDirectory: "/x").validate()
        }
    }
}

/// Two clusters with the netns dataplane, in this process: pods on different nodes of one cluster reach each
/// other by ping and TCP.
@Suite(.serialized) struct LocalEnvironmentDataplaneTests {
    @Test func podsOnDifferentNodesPingAndTalkTCP() async throws {
        guard getuid() == 0 else {
            print("SKIP podsOnDifferentNodesPingAndTalkTCP: needs root for network namespaces")
            return
        }
        for tool in ["ping", "nc", "ip"] where !Self.onPath(tool) {
            print("SKIP podsOnDifferentNodesPingAndTalkTCP: \(tool) is not installed")
            return
        }
        let dir = NSTemporaryDirectory() + "kosmos-env-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let options = LocalEnvironmentOptions(clusters: 2, nodesPerCluster: 2, ipFamily: .dual, dataplane: .netns,
                                              stateDirectory: dir)
        let env = try LocalEnvironment(options: options, logger: Logger(label: "test"))
        defer { NetnsDataplane.removeAll(prefix: env.dataplanePrefix) }
        let task = Task { try await env.run() }
        defer { task.cancel() }
        let status = try await Self.waitReady(dir: dir, task: task)
        #expect(status.clusters.count == 2)

        let client = try KubeClient.fromKubeconfig(path: env.kubeconfigPath(cluster: "member1"))
        for (name, node) in [("a", "member1-node1"), ("b", "member1-node2")] {
            let pod: JSONValue = [
                "apiVersion": "v1", "kind": "Pod",
                "metadata": ["name": .string(name), "namespace": "default"],
                "spec": ["nodeName": .string(node), "containers": [["name": "c", "image": "busybox"]]],
            ]
            _ = try await client.dynamic(GroupVersionResource(apiVersion: "v1", resource: "pods", scope: .namespaced))
                .create(DynamicObject(json: pod))
        }
        let ipsA = try await Self.waitPodIPs(client, "a")
        let ipsB = try await Self.waitPodIPs(client, "b")
        #expect(ipsA.count == 2 && ipsB.count == 2)
        let nsA = NetnsDataplane.podNamespaceName(prefix: env.dataplanePrefix, cluster: "member1",
                                                  namespace: "default", pod: "a")
        let nsB = NetnsDataplane.podNamespaceName(prefix: env.dataplanePrefix, cluster: "member1",
                                                  namespace: "default", pod: "b")
        for ip in ipsB {
            // IPv6 needs a moment after the pod starts (link-local addresses, neighbour discovery on two hops):
            // retry for up to 20 s; ping exits 0 once a reply came back.
            var ping = try Self.run(["ip", "netns", "exec", nsA, "ping", "-c", "1", "-W", "2", ip])
            for _ in 0..<10 where ping.status != 0 {
                ping = try Self.run(["ip", "netns", "exec", nsA, "ping", "-c", "1", "-W", "2", ip])
            }
            #expect(ping.status == 0, "ping \(ip) from pod a: \(ping.output)")
        }
        // TCP: pod b listens, pod a connects and sends a line; b prints what it got.
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        server.arguments = ["netns", "exec", nsB, "nc", "-l", "-p", "7070"]
        let out = Pipe()
        server.standardOutput = out
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        var sent = false
        for _ in 0..<50 where !sent {
            try await Task.sleep(for: .milliseconds(100))
            let r = try Self.run(["ip", "netns", "exec", nsA, "sh", "-c", "echo hello-from-a | nc -N -w 2 \(ipsB[0]) 7070"])
            sent = r.status == 0
        }
        #expect(sent)
        server.waitUntilExit()
        let got = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(got.contains("hello-from-a"))

        task.cancel()
        _ = await task.result
        let left = NetworkNamespace.list().filter { $0.hasPrefix(env.dataplanePrefix) }
        #expect(left.isEmpty, "namespaces left after stop: \(left)")
    }

    static func waitReady(dir: String, task: Task<Void, any Error>) async throws -> LocalEnvironmentStatus {
        for _ in 0..<600 {
            if let s = try? LocalEnvironmentStatus.read(stateDirectory: dir) {
                if s.phase == .ready { return s }
                if s.phase == .failed { throw LocalEnvironmentError(s.error ?? "failed") }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw LocalEnvironmentError("environment not ready in 60 s")
    }

    static func waitPodIPs(_ client: KubeClient, _ name: String) async throws -> [String] {
        let pods = client.dynamic(GroupVersionResource(apiVersion: "v1", resource: "pods", scope: .namespaced))
        for _ in 0..<300 {
            let p = try await pods.get(namespace: "default", name: name)
            if p.json["status"]?["phase"] == "Running",
               let ips = p.json["status"]?["podIPs"]?.arrayValue?.compactMap({ $0["ip"]?.stringValue }), !ips.isEmpty
            {
                return ips
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw LocalEnvironmentError("pod \(name) not Running in 30 s")
    }

    static func onPath(_ tool: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin:/usr/sbin:/sbin").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
    }

    static func run(_ argv: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
