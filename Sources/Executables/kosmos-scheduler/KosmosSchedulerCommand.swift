import ArgumentParser
import KosmosAPI
import KosmosSched
import Logging

/// `kosmos-scheduler`: schedules pods onto real and leaf nodes (`run`), or answers what-if questions without a
/// cluster (`simulate`).
@main
struct KosmosSchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kosmos-scheduler",
        abstract: "Schedules pods onto real and leaf (member-cluster) nodes.",
        subcommands: [Run.self, Simulate.self],
        defaultSubcommand: Run.self)
}

/// Schedules the pending pods of a cluster.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Connect to a cluster and schedule its pending pods.")

    @Option(help: "Path of the kubeconfig; kubectl's rules when absent.")
    var kubeconfig: String?

    @Option(help: "Context of the kubeconfig to use.")
    var context: String?

    @Option(help: "KubeSchedulerConfiguration-shaped YAML file (profiles, plugins, pluginConfig, leaderElection).")
    var config: String?

    @Option(help: "Scheduler name to serve when no configuration file is given.")
    var schedulerName: String = "default-scheduler"

    @Flag(inversion: .prefixedNo, help: "Take part in leader election (overrides the configuration file).")
    var leaderElect: Bool?

    @Option(help: "Leader-election identity (defaults to the host name).")
    var identity: String?

    @Option(help: "Port of /healthz and /readyz (ready while this instance schedules); 0 turns them off.")
    var healthPort: Int = 10259

    @Option(help: "Seconds to wait for the caches of optional kinds (Kosmos policy CRDs, volumes) before scheduling.")
    var optionalSyncTimeout: Int = 10

    func run() async throws {
        var configuration = SchedulerConfiguration(schedulerNames: [schedulerName])
        if let config {
            let bytes = try YAMLFile.read(config)
            configuration = try SchedulerConfiguration.parse(bytes, file: config)
        }
        if let leaderElect { configuration.leaderElect = leaderElect }
        let client = try KubeClient(config: try ClientConfig.fromKubeconfig(path: kubeconfig, context: context))
        let scheduler = try Scheduler(
            client: client, configuration: configuration,
            identity: identity ?? YAMLFile.hostName(),
            optionalSyncTimeout: .seconds(optionalSyncTimeout))
        guard healthPort > 0 else {
            await scheduler.run()
            return
        }
        let health = try HealthServer(
            port: healthPort, liveness: ["ping": { true }],
            readiness: ["scheduling": { scheduler.isScheduling }])
        await withDiscardingTaskGroup { group in
            group.addTask { await health.run() }
            await scheduler.run()
            group.cancelAll()
        }
    }
}

/// Schedules pods against objects from files, without a cluster.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show where pods would go and why other nodes were rejected, without a cluster.",
        discussion: """
            Files hold Nodes, Pods (with spec.nodeName: already placed; without: to schedule), PVCs, PVs,
            DistributionPolicies, ClusterDistributionPolicies, WorkloadPolicies and Namespaces, in YAML or JSON.
            Pods are scheduled one after another, highest priority first, each decision seen by the next.
            """)

    @Option(name: .shortAndLong, help: "A YAML/JSON file of objects; repeat for several files.")
    var file: [String] = []

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: String = "text"

    @Option(help: "KubeSchedulerConfiguration-shaped YAML file; the first profile is used.")
    var config: String?

    func validate() throws {
        if file.isEmpty { throw ValidationError("give at least one -f FILE") }
        if output != "text" && output != "json" { throw ValidationError("-o must be text or json") }
    }

    func run() async throws {
        var objects: [JSONValue] = []
        for f in file { objects.append(contentsOf: try YAML.parseFile(f)) }
        var profile: Profile?
        if let config {
            profile = try SchedulerConfiguration.parse(try YAMLFile.read(config), file: config).makeProfiles().first
        }
        let simulator = try Simulator(profile: profile)
        let (snapshot, pods) = try Simulator.load(objects, source: file.joined(separator: ", "))
        let placements = simulator.run(snapshot: snapshot, pods: pods)
        print(output == "json" ? Simulator.renderJSON(placements) : Simulator.renderText(placements), terminator: "")
        if output == "json" { print() }
    }
}

#if canImport(Glibc)
    import Glibc
#endif

/// Small file helpers for the command line.
enum YAMLFile {
    static func read(_ path: String) throws -> String {
        guard let f = fopen(path, "rb") else { throw ValidationError("\(path): cannot open") }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            bytes.append(contentsOf: buf[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hostName() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, buf.count)
        let name = String(cString: buf)
        return name.isEmpty ? "kosmos-scheduler" : name
    }
}
