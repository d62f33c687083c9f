import Foundation
import KosmosAPI
import KosmosLocal
import KosmosTree
import Logging
import Synchronization

/// `kosmos-bench clustertree`: a host and two member `LocalAPIServer`s in this process (plain HTTP on loopback);
/// each member has 10 simulated 700-pod nodes and its own controllers and scheduler. The ClusterTree manager is
/// the `clustertree-manager` executable beside this one, in its own process as in a cluster, with unlimited QPS
/// (the local servers are on loopback; Go Kosmos caps leaf clients at 40 QPS, which alone would hold pods to a
/// few dozen per second); when it is not built, a `ClusterTreeManager` runs in this process instead (slower: it
/// then shares this process's task pool) and the memory figure is skipped.
///
/// Figures (one JSON line each):
/// - `pods-per-second` (pods/s): 1,000 pods created in the host by 8 concurrent clients, bound to the two leaf
///   nodes alternately; the rate is 1,000 over the time from the first create to the last pod seen Running in
///   the host (status synced back). Baseline: the same 1,000 pods created straight in the member clusters
///   (scheduled there, no ClusterTree), until the last is seen Running in its member.
/// - `p50-seconds-per-pod`, `p99-seconds-per-pod` (s): per pod, from just before its create request to the
///   moment an informer on the host sees it Running; baseline as above. The writers outrun ClusterTree, so
///   these include the time a pod waits behind the pods created before it.
/// - `p50-seconds-per-pod-at-200-pods-per-s`, `p99-...` (s): the same for another 1,000 host pods that arrive
///   at 200 pods/s (the throughput goal), timed from each pod's due time; baseline: 1,000 pods arriving at that
///   rate straight in the members.
/// - `manager-rss-10000-pods` (MiB): the resident memory of the manager process once 10,000 host pods (the
///   2,000 above plus 8,000) all show Running. Baseline: the goal (300 MiB; ratio < 1 meets it).
///
/// Before any wave, each member has run one probe pod through its scheduler and a kubelet (a member's scheduler
/// starts up to a second after its nodes are Ready; pods arriving before would time that start-up, not ClusterTree).
///
/// `KOSMOS_BENCH_SCALE` (default 1) scales the pod counts down for a quick run (e.g. 0.1). For diagnosis:
/// `KOSMOS_BENCH_LOG` and `KOSMOS_BENCH_MANAGER_LOG` set the log level of this process and of the manager process
/// (default `warning`); `KOSMOS_BENCH_TRACE=1` logs every change of the first pod in the host and its member, and
/// the latency of every 50th pod of each wave in creation order.
enum ClusterTreeBench {
    static let scenario = "clustertree"
    static let members = ["member1", "member2"]
    static let nodesPerMember = 10
    static let podsPerNode = 700
    /// The arrival rate of the paced waves: the throughput goal.
    static let pacedRate = 200.0
    static let creators = 8

    static func run() async throws {
        let scale = Double(ProcessInfo.processInfo.environment["KOSMOS_BENCH_SCALE"] ?? "") ?? 1
        let waveSize = max(100, Int(1_000 * scale))
        let memorySize = max(waveSize, Int(10_000 * scale))
        let root = NSTemporaryDirectory() + "kosmos-bench-clustertree-\(UUID().uuidString.prefix(8))"
        var logger = Logger(label: "kosmos.bench.clustertree")
        let level = ProcessInfo.processInfo.environment["KOSMOS_BENCH_LOG"]
        logger.logLevel = level.flatMap { Logger.Level(rawValue: $0) } ?? .warning
        let env = try await BenchClusters.start(root: root, logger: logger)
        do {
            try await measure(env, waveSize: waveSize, memorySize: memorySize, logger: logger)
        } catch {
            await env.stop()
            throw error
        }
        await env.stop()
    }

    static func measure(_ env: BenchClusters, waveSize: Int, memorySize: Int, logger: Logger) async throws {
        let host = env.host.client
        _ = try await host.create(Namespace(name: "bench"))
        for (i, m) in env.members.enumerated() {
            var cluster = Cluster(name: members[i])
            cluster.spec.kubeconfig = Array(FileManager.default.contents(atPath: m.server.kubeconfigPath) ?? Data())
            cluster.spec.json["clusterTreeOptions"] = ["enable": true]
            _ = try await host.create(cluster)
        }
        let manager = try ManagerUnderTest.start(env, logger: logger)
        do {
            try await waves(env, manager: manager, waveSize: waveSize, memorySize: memorySize, logger: logger)
        } catch {
            await manager.stop()
            throw error
        }
        await manager.stop()
    }

    static func waves(_ env: BenchClusters, manager: ManagerUnderTest, waveSize: Int, memorySize: Int,
                      logger: Logger) async throws {
        let host = env.host.client
        let leaves = members.map { "kosmos-\($0)" }
        try await waitUntil("leaf nodes Ready", timeout: .seconds(60)) {
            let nodes = try await host.listAll(Node.self).items
            return leaves.allSatisfy { leaf in nodes.contains { $0.metadata.name == leaf && $0.isReady } }
        }
        log("leaf nodes Ready; creating \(waveSize) pods in the host")

        let clients = [host] + env.members.map(\.client)
        var traces: [Task<Void, Never>] = []
        if ProcessInfo.processInfo.environment["KOSMOS_BENCH_TRACE"] != nil {
            // Every change of the first pod in the host and in its member, timed from now.
            let t0 = ContinuousClock.now
            for (label, client) in [("host", host), ("member1", env.members[0].client)] {
                let factory = SharedInformerFactory(provider: client, namespace: "bench", logger: logger)
                factory.informer(for: Pod.self).addEventHandler { event in
                    let pod = event.object
                    guard pod.metadata.name == "web-0" else { return }
                    log(String(format: "  trace +%.3f s %@ web-0 %@ phase=%@ node=%@ rv=%@",
                               seconds(ContinuousClock.now - t0), label, "\(event)".prefix(9).description,
                               pod.status.phase.rawValue, pod.spec.nodeName ?? "-",
                               pod.metadata.resourceVersion ?? "-"))
                }
                traces.append(Task { await factory.run() })
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        defer { for t in traces { t.cancel() } }
        let before = try await revisions(clients)
        let ours = try await wave(clients: [host], namespace: "bench", names: (0..<waveSize).map { "web-\($0)" },
                                  nodes: leaves, logger: logger)
        log("ClusterTree: \(ours.summary)")
        // Writes per pod in each cluster while the wave ran (the store's revision counts every write): what each
        // pod cost the API servers, beside the time.
        let after = try await revisions(clients)
        log("writes per pod (host, members): " + zip(before, after).map {
            String(format: "%.2f", Double($1 - $0) / Double(waveSize)) }.joined(separator: ", "))
        let memberClients = env.members.map(\.client)
        for c in memberClients { _ = try await c.create(Namespace(name: "direct")) }
        let direct = try await wave(clients: memberClients, namespace: "direct",
                                    names: (0..<waveSize).map { "direct-\($0)" }, nodes: nil, logger: logger)
        log("direct in members: \(direct.summary)")
        NetBench.report(scenario, "pods-per-second-\(waveSize)-pods", unit: "pods/s", ours: ours.podsPerSecond,
                        baseline: direct.podsPerSecond)
        NetBench.report(scenario, "p50-seconds-per-pod", unit: "s", ours: ours.p50, baseline: direct.p50)
        NetBench.report(scenario, "p99-seconds-per-pod", unit: "s", ours: ours.p99, baseline: direct.p99)

        // The same number of pods arriving at the throughput goal's rate: the time each pod takes through
        // ClusterTree when no queue of earlier pods stands in front of it.
        let rate = pacedRate
        log("creating \(waveSize) pods at \(Int(rate)) pods/s in the host, then the same straight in the members")
        let paced = try await wave(clients: [host], namespace: "bench", names: (0..<waveSize).map { "paced-\($0)" },
                                   nodes: leaves, rate: rate, logger: logger)
        log("ClusterTree at \(Int(rate)) pods/s: \(paced.summary)")
        let directPaced = try await wave(clients: memberClients, namespace: "direct",
                                         names: (0..<waveSize).map { "direct-paced-\($0)" }, nodes: nil, rate: rate,
                                         logger: logger)
        log("direct in members at \(Int(rate)) pods/s: \(directPaced.summary)")
        NetBench.report(scenario, "p50-seconds-per-pod-at-\(Int(rate))-pods-per-s", unit: "s", ours: paced.p50,
                        baseline: directPaced.p50)
        NetBench.report(scenario, "p99-seconds-per-pod-at-\(Int(rate))-pods-per-s", unit: "s", ours: paced.p99,
                        baseline: directPaced.p99)

        try await measureManagerMemory(env, manager: manager, hostPods: 2 * waveSize, total: memorySize,
                                       leaves: leaves, logger: logger)
    }

    /// Each cluster's current revision (the resourceVersion of a list).
    static func revisions(_ clients: [KubeClient]) async throws -> [Int] {
        var out: [Int] = []
        for c in clients {
            let list = try await c.list(Namespace.self, options: .init(limit: 1))
            out.append(Int(list.metadata.resourceVersion ?? "") ?? 0)
        }
        return out
    }

    // MARK: - One wave of pods

    struct WaveResult {
        var podsPerSecond: Double
        var p50: Double
        var p99: Double
        var running: Int
        var summary: String {
            String(format: "%d Running, %.1f pods/s, p50 %.3f s, p99 %.3f s", running, podsPerSecond, p50, p99)
        }
    }

    /// Creates the named pods (round-robin over `clients`; bound round-robin to `nodes` when given) with
    /// `creators` concurrent writers and waits until an informer on each client has seen every pod Running.
    /// Without `rate` the writers create as fast as the servers take them; with it, pod `i` is due `i / rate`
    /// seconds after the start and its time counts from then (so a writer that falls behind does not hide the
    /// delay).
    static func wave(clients: [KubeClient], namespace: String, names: [String], nodes: [String]?,
                     rate: Double? = nil, logger: Logger) async throws -> WaveResult {
        let created = Stamps()
        let running = Stamps()
        let wanted = Set(names)
        var informerTasks: [Task<Void, Never>] = []
        for client in clients {
            let factory = SharedInformerFactory(provider: client, namespace: namespace, logger: logger)
            let informer = factory.informer(for: Pod.self)
            informer.addEventHandler { event in
                let pod = event.object
                guard pod.status.phase == .running, let name = pod.metadata.name, wanted.contains(name) else { return }
                let now = ContinuousClock.now
                running.first(name, now)
            }
            informerTasks.append(Task { await factory.run() })
            _ = await informer.waitForCacheSync()
        }
        defer { for t in informerTasks { t.cancel() } }
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<creators {
                group.addTask {
                    for i in stride(from: w, to: names.count, by: creators) {
                        var pod = Pod(name: names[i], namespace: namespace)
                        var c = Container(name: "web", image: "nginx")
                        c.resources = ResourceRequirements(requests: ["cpu": "10m", "memory": "16Mi"])
                        pod.spec.containers = [c]
                        if let nodes {
                            pod.spec.nodeName = nodes[i % nodes.count]
                            pod.spec.tolerations = [Toleration(key: KosmosKeys.leafNode, operator: .exists,
                                                               effect: .noSchedule)]
                        }
                        var t = ContinuousClock.now
                        if let rate {
                            let due = start + .milliseconds(Int64((Double(i) / rate * 1000).rounded()))
                            try await Task.sleep(until: due, clock: .continuous)
                            t = due
                        }
                        _ = try await clients[i % clients.count].create(pod)
                        created.first(names[i], t)
                    }
                }
            }
            try await group.waitForAll()
        }
        try await waitUntil("\(names.count) pods Running", timeout: .seconds(300)) {
            running.count == names.count
        }
        let (c, r) = (created.all, running.all)
        let latencies = names.compactMap { n -> Double? in
            guard let a = c[n], let b = r[n] else { return nil }
            return seconds(b - a)
        }.sorted()
        let last = r.values.max() ?? start
        if ProcessInfo.processInfo.environment["KOSMOS_BENCH_TRACE"] != nil {
            let byCreate = names.compactMap { n in c[n].map { (n, $0) } }.sorted { $0.1 < $1.1 }
            for (i, (n, t)) in byCreate.enumerated() where i % 50 == 0 || i == byCreate.count - 1 {
                let done = r[n].map { String(format: "%.3f", seconds($0 - t)) } ?? "-"
                log(String(format: "  #%d %@ created +%.3f s, Running after %@ s", i, n, seconds(t - start), done))
            }
        }
        return WaveResult(podsPerSecond: Double(names.count) / max(1e-9, seconds(last - start)),
                          p50: percentile(latencies, 0.50), p99: percentile(latencies, 0.99), running: r.count)
    }

    /// When each pod was first seen doing something, by name.
    final class Stamps: Sendable {
        private let times = Mutex<[String: ContinuousClock.Instant]>([:])
        func first(_ name: String, _ at: ContinuousClock.Instant) {
            times.withLock { if $0[name] == nil { $0[name] = at } }
        }
        var count: Int { times.withLock { $0.count } }
        var all: [String: ContinuousClock.Instant] { times.withLock { $0 } }
    }

    // MARK: - Manager memory

    /// Fills the host up to `total` pods and reads the manager process's resident memory once all are Running.
    static func measureManagerMemory(_ env: BenchClusters, manager: ManagerUnderTest, hostPods existing: Int,
                                     total: Int, leaves: [String], logger: Logger) async throws {
        guard let pid = manager.pid else {
            log("manager memory skipped: the manager ran in this process")
            return
        }
        log("creating \(total - existing) more host pods")
        let more = (existing..<total).map { "web-\($0)" }
        let result = try await wave(clients: [env.host.client], namespace: "bench", names: more, nodes: leaves,
                                    logger: logger)
        log("with the manager process: \(result.summary)")
        // Let the first sync rounds after the burst settle, then take the largest of a few samples.
        var rss = 0
        for _ in 0..<5 {
            try await Task.sleep(for: .seconds(2))
            rss = max(rss, residentBytes(pid: pid))
        }
        NetBench.report(scenario, "manager-rss-\(total)-pods", unit: "MiB", ours: Double(rss) / 1_048_576,
                        baseline: 300)
    }

    /// The ClusterTree manager under test: the `clustertree-manager` executable beside this one in a process of
    /// its own, as it runs in a cluster (`--no-leader-elect --member-qps 0 --host-qps 0`); when that executable is
    /// not built, a `ClusterTreeManager` in this process, noted in the log (it then shares this process's
    /// two-thread task pool with the clients of the API servers, kubelets and controllers, and runs slower).
    final class ManagerUnderTest: @unchecked Sendable {
        // @unchecked: both properties are set once; the process is only started and stopped by the bench's task.
        let process: Process?
        let task: Task<Void, Never>?

        /// The manager process, or `nil` when the manager runs in this process.
        var pid: Int32? { process?.processIdentifier }

        private init(process: Process?, task: Task<Void, Never>?) {
            self.process = process
            self.task = task
        }

        static func start(_ env: BenchClusters, logger: Logger) throws -> ManagerUnderTest {
            let exe = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(
                atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
                .deletingLastPathComponent().appendingPathComponent("clustertree-manager").path
            guard FileManager.default.isExecutableFile(atPath: exe) else {
                log("\(exe) not found (swift build --product clustertree-manager): the manager runs in this process")
                let manager = ClusterTreeManager(
                    host: env.host.client,
                    configuration: .init(leafNodes: .init(syncInterval: .seconds(10)), memberQPS: 0), logger: logger)
                return ManagerUnderTest(process: nil, task: Task { await manager.run() })
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: exe)
            process.arguments = ["--kubeconfig", env.host.server.kubeconfigPath, "--no-leader-elect",
                                 "--member-qps", "0", "--host-qps", "0", "--log-level",
                                 ProcessInfo.processInfo.environment["KOSMOS_BENCH_MANAGER_LOG"] ?? "warning"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.standardError
            try process.run()
            log("clustertree-manager pid \(process.processIdentifier)")
            return ManagerUnderTest(process: process, task: nil)
        }

        func stop() async {
            task?.cancel()
            await task?.value
            if let process, process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
    }

    static func residentBytes(pid: Int32) -> Int {
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in s.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (line.split(separator: " ").dropFirst().compactMap { Int($0) }.first ?? 0) * 1024
        }
        return 0
    }

    // MARK: - Helpers

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    static func waitUntil(_ what: String, timeout: Duration, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError("clustertree: not \(what) after \(timeout)")
    }

    static func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }
}

/// The bench's clusters: a host API server, and two members with controllers and simulated kubelets.
struct BenchClusters {
    struct Member {
        let server: LocalAPIServer
        let client: KubeClient
    }

    let root: String
    let host: Member
    let members: [Member]
    let tasks: [Task<Void, Never>]

    static func start(root: String, logger: Logger) async throws -> BenchClusters {
        func server(_ name: String, cidr: String) async throws -> Member {
            let s = try LocalAPIServer(configuration: .init(
                dataDirectory: "\(root)/\(name)", tls: false, clusterCIDR: cidr, clusterName: name,
                requireToken: false))
            try await s.start()
            var config = try ClientConfig.fromKubeconfig(path: s.kubeconfigPath)
            config.qps = 0
            return Member(server: s, client: try KubeClient(config: config))
        }
        let host = try await server("host", cidr: "10.240.0.0/16")
        var members: [Member] = []
        var tasks: [Task<Void, Never>] = []
        for (i, name) in ClusterTreeBench.members.enumerated() {
            let second = 241 + i
            let m = try await server(name, cidr: "10.\(second).0.0/16")
            members.append(m)
            let manager = LocalControllerManager(client: m.client, logger: logger)
            tasks.append(Task { try? await manager.run() })
            for n in 0..<ClusterTreeBench.nodesPerMember {
                let kubelet = SimulatedKubelet(
                    client: m.client, nodeName: "\(name)-node-\(n + 1)",
                    options: .init(cpu: "64", memory: "256Gi", pods: ClusterTreeBench.podsPerNode,
                                   podCIDRs: ["10.\(second).\(n * 4).0/22"]),
                    logger: logger)
                tasks.append(Task { try? await kubelet.run() })
            }
        }
        try await KosmosCRDs.install(using: host.client)
        let env = BenchClusters(root: root, host: host, members: members, tasks: tasks)
        for m in members {
            try await ClusterTreeBench.waitUntil("member nodes Ready", timeout: .seconds(60)) {
                try await m.client.listAll(Node.self).items.filter(\.isReady).count == ClusterTreeBench.nodesPerMember
            }
            // A member is ready for work once its scheduler places pods (it starts after its caches sync, up to a
            // second after the nodes): one pod through scheduler and kubelet, then gone.
            var probe = Pod(name: "bench-probe", namespace: "default")
            probe.spec.containers = [Container(name: "probe", image: "pause")]
            _ = try await m.client.create(probe)
            try await ClusterTreeBench.waitUntil("a probe pod Running in each member", timeout: .seconds(60)) {
                try await m.client.get(Pod.self, namespace: "default", name: "bench-probe").status.phase == .running
            }
            try await m.client.delete(Pod.self, namespace: "default", name: "bench-probe",
                                      options: DeleteOptions(gracePeriodSeconds: 0))
        }
        return env
    }

    func stop() async {
        for t in tasks { t.cancel() }
        for t in tasks { await t.value }
        for s in [host] + members { try? await s.server.shutdown() }
        try? FileManager.default.removeItem(atPath: root)
    }
}
