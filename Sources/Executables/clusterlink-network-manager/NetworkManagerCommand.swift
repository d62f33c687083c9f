import ArgumentParser
import Foundation
import KosmosAPI
import KosmosNet
import Logging

/// `clusterlink-network-manager`: computes every node's NodeConfig from the Clusters and ClusterNodes of the host
/// cluster and keeps them written, or, with `--plan-only`, prints what it would write for objects read from files.
@main
struct NetworkManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clusterlink-network-manager",
        abstract: "Plans and writes the ClusterLink NodeConfig of every node.",
        discussion: """
            Against a cluster (the default), it watches Clusters, ClusterNodes and NodeConfigs in the host cluster, \
            recomputes every NodeConfig on any change, writes only the ones that changed and deletes those of nodes \
            that are gone. Only the elected leader writes.

            With --plan-only it needs no cluster: it reads Cluster, ClusterNode and (optionally) existing NodeConfig \
            objects from YAML or JSON files (several documents per file, or kind: List) and prints the NodeConfigs \
            it would write. Identical input always prints identical output. Objects that are left out (for example \
            a ClusterNode whose agent has not reported its interface yet) are listed on stderr.

            Examples:
              clusterlink-network-manager --plan-only -f clusters.yaml -f clusternodes.yaml
              kubectl get clusters,clusternodes,nodeconfigs -o yaml > now.yaml
              clusterlink-network-manager --plan-only -f now.yaml -o json
              clusterlink-network-manager --kubeconfig ~/.kube/host.config
            """)

    @Flag(help: "Read objects from files (-f), print the planned NodeConfigs and exit; no cluster is contacted.")
    var planOnly = false

    @Option(
        name: [.customShort("f"), .customLong("filename")],
        help: ArgumentHelp(
            "A YAML or JSON file of Cluster, ClusterNode and NodeConfig objects "
                + "(--plan-only; repeatable; '-' reads stdin).",
            valueName: "file"))
    var files: [String] = []

    @Option(name: [.customShort("o"), .customLong("output")], help: "Output format of --plan-only: yaml or json.")
    var output: OutputFormat = .yaml

    @Option(help: ArgumentHelp(
        "The kubeconfig of the host cluster (default: $KUBECONFIG, then ~/.kube/config, then in-cluster).",
        valueName: "path"))
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use (default: its current context).")
    var context: String?

    @Option(
        name: .customLong("leader-elect"),
        help: "Elect a leader among replicas through a Lease so only one writes (true or false).")
    var leaderElect: Bool = true

    @Option(help: "The namespace of the leader-election Lease.")
    var leaderElectNamespace = "kosmos-system"

    @Option(help: "The name of the leader-election Lease.")
    var leaderElectName = "clusterlink-network-manager"

    @Option(help: "This replica's identity in the election (default: the host name).")
    var identity: String?

    @Option(help: "Revisit everything this often even without changes, in seconds (0: never).")
    var resyncSeconds: Int = 300

    @Option(name: .customLong("health-port"), help: "Serve /healthz, /readyz and Prometheus /metrics on this port.")
    var healthPort: Int?

    @Flag(name: [.customShort("v"), .long], help: "Log debug messages.")
    var verbose = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case yaml, json
    }

    func validate() throws {
        if planOnly && files.isEmpty {
            throw ValidationError("--plan-only needs at least one -f FILE")
        }
        if !planOnly && !files.isEmpty {
            throw ValidationError("-f is only read with --plan-only")
        }
        if resyncSeconds < 0 { throw ValidationError("--resync-seconds must not be negative") }
    }

    func run() async throws {
        if planOnly {
            try planFromFiles()
            return
        }
        var logger = Logger(label: "clusterlink-network-manager")
        logger.logLevel = verbose ? .debug : .info
        let client = try KubeClient.fromKubeconfig(path: kubeconfig, context: context)
        let election = leaderElect
            ? LeaderElectionConfig(identity: identity ?? ProcessInfo.processInfo.hostName) : nil
        let manager = NetworkManager(
            client: client,
            configuration: .init(
                leaderElection: election, leaseNamespace: leaderElectNamespace, leaseName: leaderElectName,
                resyncPeriod: resyncSeconds == 0 ? nil : .seconds(resyncSeconds)),
            logger: logger)
        // SIGTERM/SIGINT cancel the run, so the leader releases its Lease and another replica takes over at once.
        try await ServiceRunner.run([manager], healthPort: healthPort,
                                    readiness: ["planned": { manager.completedSyncs > 0 }], logger: logger)
    }

    private func planFromFiles() throws {
        var input = PlannerInput()
        for file in files {
            // Input errors name file and document themselves; they are not usage errors, so no usage text.
            if file == "-" {
                try input.add(bytes: Array(FileHandle.standardInput.readDataToEndOfFile()), file: "stdin")
            } else {
                try input.add(file: file)
            }
        }
        let report = NodeConfigPlanner.planReport(
            clusters: input.clusters, clusterNodes: input.clusterNodes, existing: input.nodeConfigs)
        for w in report.warnings {
            FileHandle.standardError.write(Data("warning: \(w)\n".utf8))
        }
        switch output {
        case .yaml:
            FileHandle.standardOutput.write(Data(YAML.serializeAll(report.nodeConfigs.map(\.json)).utf8))
        case .json:
            var list = JSONObject()
            list.append("apiVersion", "v1")
            list.append("kind", "List")
            list.append("items", .array(report.nodeConfigs.map(\.json)))
            FileHandle.standardOutput.write(Data((JSONValue.object(list).serializedString(.pretty) + "\n").utf8))
        }
    }
}
