import Foundation
import KosmosAPI
import KosmosNet

/// One probe between two endpoints of different clusters.
public struct ConnectivityResult: Sendable, Codable, Hashable {
    /// `cluster/namespace/pod` (or `cluster/node` for node sources).
    public var source: String
    /// The source endpoint's address of the probed family.
    public var sourceIP: String
    /// `cluster/namespace/pod`.
    public var target: String
    /// The address probed: the target's own address, or its global address when its cluster maps CIDRs.
    public var targetIP: String
    /// `icmp` or `tcp`.
    public var probe: String
    /// Whether the probe got its answer.
    public var ok: Bool
    /// Round-trip time in milliseconds when it succeeded.
    public var milliseconds: Double?
    /// Why it failed.
    public var detail: String?
    /// For TCP: the source address the target saw (the source's global address when its cluster maps CIDRs).
    public var seenSource: String?
}

/// The connectivity matrix of `kosmosctl check` for local clusters: from every Running pod (or every node) of
/// one cluster to every Running pod of another, ICMP echo and a TCP exchange per address family, probes run in
/// parallel inside the endpoints' network namespaces.
///
/// A target in a cluster with a `globalCIDRsMap` is probed at its global address (the only one other clusters can
/// reach when CIDRs overlap); the TCP probe also checks the target saw a source address it can answer.
public enum LocalConnectivityCheck {
    /// Where probes start.
    public enum Sources: String, Sendable, CaseIterable {
        /// The Running pods of the source cluster.
        case pods
        /// The node namespaces of the source cluster (host-network traffic).
        case nodes
    }

    /// Runs the matrix.
    /// - Parameters:
    ///   - stateDirectory: the local environment's state directory.
    ///   - from: the source cluster name.
    ///   - to: the target cluster name.
    ///   - sources: pods or nodes of `from`.
    ///   - probes: `icmp`, `tcp` or both.
    ///   - parallelism: probes at once.
    /// - Returns: one result per (source, target, family, probe), sorted.
    /// - Throws: `LocalEnvironmentError` when the environment, a cluster or the netns dataplane is missing.
    public static func run(stateDirectory: String, from: String, to: String, sources: Sources = .pods,
                           probes: Set<String> = ["icmp", "tcp"], parallelism: Int = 8) async throws
        -> [ConnectivityResult] {
        let status = try LocalEnvironmentStatus.read(stateDirectory: stateDirectory)
        guard status.options.dataplane == .netns else {
            throw LocalEnvironmentError("the environment has no netns dataplane: nothing to probe")
        }
        guard let source = status.clusters.first(where: { $0.name == from }),
              let target = status.clusters.first(where: { $0.name == to }) else {
            throw LocalEnvironmentError("no cluster named \(from) or \(to); have: "
                + status.clusters.map(\.name).joined(separator: ", "))
        }
        let prefix = LocalEnvironment.dataplanePrefix(stateDirectory: stateDirectory)
        let sourceClient = try KubeClient.fromKubeconfig(path: source.kubeconfig)
        let targetClient = try KubeClient.fromKubeconfig(path: target.kubeconfig)
        let hostClient = try KubeClient.fromKubeconfig(path: status.clusters[0].kubeconfig)
        var map = GlobalCIDRMap()
        if let cluster = try? await hostClient.get(Cluster.self, name: to),
           let global = cluster.spec.clusterLinkOptions?.globalCIDRsMap, !global.isEmpty {
            map = try GlobalCIDRMap(kosmos: global)
        }

        struct Endpoint: Sendable {
            var name: String
            var namespace: String
            var ips: [IPAddress]
        }
        func pods(_ client: KubeClient, cluster: String) async throws -> [Endpoint] {
            try await client.listAll(Pod.self).items.compactMap { pod in
                guard pod.status.phase == "Running", pod.spec.hostNetwork != true else { return nil }
                let ips = pod.status.podIPs.compactMap { IPAddress($0.ip) }
                guard !ips.isEmpty else { return nil }
                let namespace = NetnsDataplane.podNamespaceName(prefix: prefix, cluster: cluster,
                                                                namespace: pod.namespace ?? "default", pod: pod.name)
                return Endpoint(name: "\(cluster)/\(pod.namespace ?? "default")/\(pod.name)", namespace: namespace, ips: ips)
            }.sorted { $0.name < $1.name }
        }
        let targets = try await pods(targetClient, cluster: to)
        let starts: [Endpoint]
        switch sources {
        case .pods:
            starts = try await pods(sourceClient, cluster: from)
        case .nodes:
            starts = try await sourceClient.listAll(Node.self).items.map { node in
                let ips = node.status.addresses.filter { $0.type == "InternalIP" }.compactMap { IPAddress($0.address) }
                return Endpoint(name: "\(from)/\(node.name)", namespace: "\(prefix)-\(node.name)", ips: ips)
            }.sorted { $0.name < $1.name }
        }

        struct Job: Sendable {
            var source: Endpoint
            var sourceIP: IPAddress
            var target: Endpoint
            var targetIP: IPAddress
            var probe: String
            var port: UInt16
        }
        var jobs: [Job] = []
        var port: UInt16 = 30_000
        for s in starts {
            for t in targets {
                for ip in t.ips {
                    guard let sip = s.ips.first(where: { $0.family == ip.family }) else { continue }
                    for probe in ["icmp", "tcp"] where probes.contains(probe) {
                        port = port >= 39_999 ? 30_000 : port + 1
                        jobs.append(Job(source: s, sourceIP: sip, target: t, targetIP: map.toGlobal(ip),
                                        probe: probe, port: port))
                    }
                }
            }
        }
        let results = await withTaskGroup(of: ConnectivityResult.self) { group in
            var collected: [ConnectivityResult] = []
            var next = 0
            func add(_ job: Job) {
                group.addTask {
                    await Task.detached { run(job) }.value
                }
            }
            @Sendable func run(_ job: Job) -> ConnectivityResult {
                let started = ContinuousClock.now
                var result = ConnectivityResult(source: job.source.name, sourceIP: job.sourceIP.description,
                                                target: job.target.name, targetIP: job.targetIP.description,
                                                probe: job.probe, ok: false)
                do {
                    let from = NetworkNamespace.named(job.source.namespace)
                    if job.probe == "icmp" {
                        result.ok = try ConnectivityProbe.ping(job.targetIP, in: from, attempts: 4)
                        if !result.ok { result.detail = "no echo reply" }
                    } else {
                        let own = job.target.ips.first { $0.family == job.targetIP.family } ?? job.targetIP
                        let exchange = try ConnectivityProbe.tcpExchange(
                            server: .named(job.target.namespace), listen: own, client: from,
                            connectTo: job.targetIP, port: job.port, message: "kosmos-check")
                        result.ok = exchange.received == "kosmos-check" && exchange.reply.hasPrefix("peer=")
                        result.seenSource = exchange.peer
                        if !result.ok { result.detail = "exchange incomplete" }
                    }
                } catch {
                    result.detail = "\(error)"
                }
                if result.ok {
                    let elapsed = ContinuousClock.now - started
                    result.milliseconds = Double(elapsed.components.seconds) * 1000
                        + Double(elapsed.components.attoseconds) / 1e15
                }
                return result
            }
            while next < min(parallelism, jobs.count) {
                add(jobs[next])
                next += 1
            }
            for await result in group {
                collected.append(result)
                if next < jobs.count {
                    add(jobs[next])
                    next += 1
                }
            }
            return collected
        }
        return results.sorted {
            ($0.source, $0.target, $0.targetIP, $0.probe) < ($1.source, $1.target, $1.targetIP, $1.probe)
        }
    }

    /// The results as a kubectl-style table, one row per probe.
    public static func table(_ results: [ConnectivityResult]) -> String {
        TablePrinter.render(
            headers: ["SOURCE", "SOURCE-IP", "TARGET", "TARGET-IP", "PROBE", "RESULT", "TIME"],
            rows: results.map { r in
                [r.source, r.sourceIP, r.target, r.targetIP, r.probe.uppercased(),
                 r.ok ? "ok" : "FAILED" + (r.detail.map { " (\($0))" } ?? ""),
                 r.milliseconds.map { String(format: "%.1fms", $0) } ?? "-"]
            })
    }
}
