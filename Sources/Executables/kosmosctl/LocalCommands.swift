import ArgumentParser
import Foundation
import KosmosAPI
import KosmosLocal
import Logging

/// Flags shared by the local-* commands.
struct StateDirOption: ParsableArguments {
    @Option(name: .customLong("state-dir"),
            help: "Where kubeconfigs, databases and logs of local clusters live (default: $KOSMOS_STATE_DIR or ~/.kosmos/local).")
    var stateDir: String?

    var path: String { stateDir ?? LocalEnvironmentControl.defaultStateDirectory }
}

/// Flags that say what a local environment holds.
struct LocalShapeOptions: ParsableArguments {
    @Option(help: "Number of clusters: host, member1, member2, ...")
    var clusters: Int = 2

    @Option(help: "Nodes per cluster.")
    var nodes: Int = 2

    @Option(name: .customLong("ip-family"), help: "Address families of pods and services: ipv4, ipv6 or dual.")
    var ipFamily: LocalIPFamily = .ipv4

    @Flag(help: "Give every cluster the same pod and service CIDRs (exercises GlobalCIDR mapping).")
    var overlap = false

    @Option(help: "netns: each node and pod gets a network namespace (root only); none: API objects only.")
    var dataplane: LocalDataplane?

    @Option(name: .customLong("network-type"),
            help: "ClusterLink mode: p2p (every node tunnels to every remote node) or gateway (one gateway per cluster).")
    var networkType: String = "p2p"

    @Flag(name: .customLong("clusterlink"), inversion: .prefixedNo,
          help: "Run ClusterLink (controller-manager, network-manager, electors, agents) across the clusters.")
    var clusterLink = true

    @Flag(name: .customLong("clustertree"), inversion: .prefixedNo,
          help: """
              Run ClusterTree: host is the host cluster, every other cluster is joined as a leaf node \
              (kosmos-member1, ...) and a clustertree-manager runs in the supervisor, so pods created in host \
              and scheduled onto a leaf node run in that member cluster.
              """)
    var clusterTree = true

    func options(stateDirectory: String) -> LocalEnvironmentOptions {
        let defaultPlane: LocalDataplane = getuid() == 0 ? .netns : .none
        return LocalEnvironmentOptions(
            clusters: clusters, nodesPerCluster: nodes, ipFamily: ipFamily, overlap: overlap,
            dataplane: dataplane ?? defaultPlane, stateDirectory: stateDirectory,
            clusterLink: clusterLink ? LocalClusterLinkOptions(networkType: networkType) : nil,
            clusterTree: clusterTree ? LocalClusterTreeOptions() : nil)
    }

    var arguments: [String] {
        var a = ["--clusters", "\(clusters)", "--nodes", "\(nodes)", "--ip-family", ipFamily.rawValue]
        if overlap { a.append("--overlap") }
        if let dataplane { a += ["--dataplane", dataplane.rawValue] }
        a += ["--network-type", networkType]
        if !clusterLink { a.append("--no-clusterlink") }
        if !clusterTree { a.append("--no-clustertree") }
        return a
    }
}

extension LocalIPFamily: ExpressibleByArgument {}
extension LocalDataplane: ExpressibleByArgument {}

/// `kosmosctl local-up`.
struct LocalUp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local-up",
        abstract: "Start local clusters on this machine in the background and wait until they are Ready.",
        discussion: """
            Starts a supervisor process with N clusters (host, member1, ...), each with its own API server,
            controllers and simulated nodes; as root, each node and pod also gets a real network namespace.
            Writes <state-dir>/<name>.kubeconfig per cluster and <state-dir>/kubeconfig with contexts kosmos-<name>.
            By default ClusterLink and ClusterTree run too: `kubectl --context kosmos-host get nodes` lists the leaf
            nodes kosmos-member1, ..., and pods created in host that the scheduler places on a leaf node run in
            that member cluster with its pod IPs (--no-clustertree, --no-clusterlink turn them off).
            """)

    @OptionGroup var state: StateDirOption
    @OptionGroup var shape: LocalShapeOptions

    @Option(help: "Seconds to wait for every cluster to be Ready.")
    var timeout: Int = 180

    func run() async throws {
        let options = shape.options(stateDirectory: state.path)
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let command = [exe, "local-supervise", "--state-dir", state.path] + shape.arguments
        print("Creating \(options.clusters) local cluster(s) with \(options.nodesPerCluster) node(s) each "
            + "(dataplane \(options.dataplane.rawValue), \(options.ipFamily.rawValue)) ...")
        let status = try await LocalEnvironmentControl.start(
            options: options, supervisorCommand: command, timeout: .seconds(timeout),
            progress: { print(" • \($0)") })
        print(status.summary)
    }
}

/// `kosmosctl local-status`.
struct LocalStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local-status", abstract: "Show the local clusters started by local-up.")

    @OptionGroup var state: StateDirOption

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: String = "text"

    func run() async throws {
        let s = try LocalEnvironmentControl.status(stateDirectory: state.path)
        if output == "json" {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try enc.encode(s), as: UTF8.self))
        } else {
            print(s.summary)
        }
        if s.phase == .failed { throw ExitCode(1) }
    }
}

/// `kosmosctl local-down`.
struct LocalDown: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local-down",
        abstract: "Stop the local clusters and remove every namespace and file they made.")

    @OptionGroup var state: StateDirOption

    func run() async throws {
        let stopped = try await LocalEnvironmentControl.down(stateDirectory: state.path)
        print(stopped ? "Stopped the local environment and removed \(state.path)."
                      : "No local environment was running; removed \(state.path) if it existed.")
    }
}

/// The supervisor process body; started by local-up, not meant to be typed.
struct LocalSupervise: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local-supervise", abstract: "Run local clusters in the foreground (used by local-up).",
        shouldDisplay: false)

    @OptionGroup var state: StateDirOption
    @OptionGroup var shape: LocalShapeOptions

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let env = try LocalEnvironment(options: shape.options(stateDirectory: state.path),
                                       logger: Logger(label: "kosmos.local"))
        try await SignalScope.runUntilTerminated { try await env.run() }
    }
}

/// `kosmosctl local exec CLUSTER NS/POD -- CMD...`.
struct LocalExec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local-exec",
        abstract: "Run a command in a local pod's network namespace (ping, iperf3, a TCP server, ...).",
        discussion: "Example: kosmosctl local-exec host default/web-1 -- ping -c 1 10.100.2.2")

    @OptionGroup var state: StateDirOption

    @Argument(help: "The cluster: host, member1, ...")
    var cluster: String

    @Argument(help: "The pod as NAMESPACE/NAME (or NAME in namespace default).")
    var pod: String

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the command to run after --") }
    }

    func run() throws {
        let parts = pod.split(separator: "/", maxSplits: 1).map(String.init)
        let (ns, name) = parts.count == 2 ? (parts[0], parts[1]) : ("default", parts[0])
        let netns = try LocalEnvironmentControl.podNetworkNamespace(
            stateDirectory: state.path, cluster: cluster, namespace: ns, pod: name)
        let argv = ["ip", "netns", "exec", netns] + command
        var cargs = argv.map { strdup($0) } + [nil]
        execvp("ip", &cargs)
        throw ValidationError("cannot run ip netns exec: \(String(cString: strerror(errno)))")
    }
}

/// `kosmosctl local ...`: the local-* commands grouped, as in `kosmosctl local exec`.
struct Local: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Local clusters on this machine (same as the local-* commands).",
        subcommands: [LocalUpAlias.self, LocalStatusAlias.self, LocalDownAlias.self, LocalExecAlias.self])

    struct LocalUpAlias: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "up", abstract: LocalUp.configuration.abstract)
        @OptionGroup var inner: LocalUp
        func run() async throws { try await inner.run() }
    }

    struct LocalStatusAlias: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status",
                                                        abstract: LocalStatus.configuration.abstract)
        @OptionGroup var inner: LocalStatus
        func run() async throws { try await inner.run() }
    }

    struct LocalDownAlias: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "down", abstract: LocalDown.configuration.abstract)
        @OptionGroup var inner: LocalDown
        func run() async throws { try await inner.run() }
    }

    struct LocalExecAlias: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "exec", abstract: LocalExec.configuration.abstract)
        @OptionGroup var inner: LocalExec
        func validate() throws { try inner.validate() }
        func run() throws { try inner.run() }
    }
}
