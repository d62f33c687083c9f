import ArgumentParser
import KosmosAPI
import KosmosTree
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// `clustertree-manager`: shows each member cluster as leaf node(s) of the host and runs host pods bound to
/// them in the member clusters.
@main
struct ClusterTreeManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clustertree-manager",
        abstract: "Run ClusterTree: member clusters as leaf nodes of the host cluster, pods synced down, status up.",
        discussion: """
            Watches the host's kosmos.io Clusters; for each one with spec.clusterTreeOptions.enable it connects to
            the member with spec.kubeconfig, keeps its leaf nodes (capacity, conditions, Lease heartbeats) and runs
            host pods bound to them in the member (shaped by Pod/ClusterPodConvertPolicies), writing their status
            back. Their ServiceAccounts, Secrets, ConfigMaps and PersistentVolumeClaims are copied into the member
            first and kept in step; member volumes of copied claims appear in the host, pinned to the leaf node.

            Example: clustertree-manager --kubeconfig host.kubeconfig --health-port 10259
            """)

    @Option(help: "Kubeconfig of the host cluster; kubectl's rules when absent.")
    var kubeconfig: String?

    @Option(help: "Context of the kubeconfig to use.")
    var context: String?

    @Flag(inversion: .prefixedNo, help: "Take part in leader election, so only one replica manages at a time.")
    var leaderElect: Bool = true

    @Option(help: "Namespace of the leader-election Lease (created when missing).")
    var leaderElectNamespace: String = "kosmos-system"

    @Option(help: "Name of the leader-election Lease.")
    var leaderElectName: String = "clustertree-cluster-manager"

    @Option(help: "Leader-election identity (defaults to the host name).")
    var identity: String?

    @Option(help: "Seconds between leaf-node refreshes and Lease renewals.")
    var syncInterval: Int = 10

    @Option(help: "Requests per second to the host apiserver (0: unlimited); the kubeconfig client's 50 when absent.")
    var hostQps: Double?

    @Option(help: "Requests to the host apiserver allowed in a burst above --host-qps.")
    var hostBurst: Int?

    @Option(help: "Requests per second to each member apiserver (0: unlimited; Go Kosmos uses 40).")
    var memberQps: Double = 40

    @Option(help: "Requests to each member apiserver allowed in a burst above --member-qps.")
    var memberBurst: Int = 60

    @Option(help: "Port of /healthz, /readyz (ready while leading with synced caches) and /metrics; omit for none.")
    var healthPort: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        if syncInterval <= 0 { throw ValidationError("--sync-interval must be positive") }
        if memberQps < 0 { throw ValidationError("--member-qps must not be negative") }
        if let hostQps, hostQps < 0 { throw ValidationError("--host-qps must not be negative") }
        if let hostBurst, hostBurst < 1 { throw ValidationError("--host-burst must be at least 1") }
        if memberBurst < 1 { throw ValidationError("--member-burst must be at least 1") }
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("--log-level \(logLevel) is not a level") }
    }

    func run() async throws {
        var logger = Logger(label: "clustertree-manager")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var hostConfig = try ClientConfig.fromKubeconfig(path: kubeconfig, context: context)
        if let hostQps { hostConfig.qps = hostQps }
        if let hostBurst { hostConfig.burst = hostBurst }
        let host = try KubeClient(config: hostConfig)
        let manager = ClusterTreeManager(
            host: host,
            configuration: .init(leafNodes: .init(syncInterval: .seconds(syncInterval)), memberQPS: memberQps,
                                 memberBurst: memberBurst),
            logger: logger)
        if !leaderElect {
            // A single replica: the manager runs directly (a termination signal ends the process).
            guard let healthPort else { return await manager.run() }
            let health = try HealthServer(port: healthPort, liveness: ["ping": { true }],
                                          readiness: ["manager": { manager.isReady }])
            await withDiscardingTaskGroup { group in
                group.addTask { await health.run() }
                await manager.run()
                group.cancelAll()
            }
            return
        }
        do { _ = try await host.create(Namespace(name: leaderElectNamespace)) } catch let e as KubeError
            where e.isAlreadyExists {}
        let elector = LeaderElector(
            store: KubeLeaseStore(client: host, namespace: leaderElectNamespace, name: leaderElectName),
            config: LeaderElectionConfig(identity: identity ?? Self.hostName()),
            logger: logger,
            onStartedLeading: { await manager.run() })
        try await ServiceRunner.run([elector], healthPort: healthPort,
                                    readiness: ["leading": { elector.isLeader && manager.isReady }], logger: logger)
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        return String(cString: buffer)
    }
}
