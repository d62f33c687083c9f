import ArgumentParser
import Foundation
import KosmosAPI
import KosmosNet
import Logging

/// `clusterlink-agent`: keeps one node's kernel network equal to its NodeConfig.
@main
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clusterlink-agent",
        abstract: "Applies this node's ClusterLink NodeConfig to the kernel and keeps it applied.",
        discussion: """
            Watches the NodeConfig named <cluster>-<node> in the cluster holding NodeConfigs and makes the node's
            VXLAN devices, routes (table 200), FDB and neighbour entries, policy rules and NAT table (nftables,
            table inet clusterlink) match it, changing only what differs. Anything it owns that is changed or
            deleted by hand is restored within a second; a full re-check runs every --resync-seconds. Deleting the
            NodeConfig removes everything ClusterLink made on the node. It also fills the node's ClusterNode with
            its interface and addresses. Needs CAP_NET_ADMIN.

            Example: clusterlink-agent --kubeconfig host.kubeconfig --cluster-name member1 --node-name node-1
            """)

    @Option(help: "Kubeconfig of the cluster holding NodeConfigs (default: $KUBECONFIG, ~/.kube/config, in-cluster).")
    var kubeconfig: String?

    @Option(help: "Kubeconfig context.")
    var context: String?

    @Option(name: .customLong("cluster-name"), help: "This node's member cluster (default: $CLUSTER_NAME).")
    var clusterName: String?

    @Option(name: .customLong("node-name"), help: "This node's name (default: $NODE_NAME, then the host name).")
    var nodeName: String?

    @Option(help: "Operate inside this named network namespace instead of the current one (local testing).")
    var netns: String?

    @Option(name: .customLong("resync-seconds"), help: "Full re-check interval in seconds.")
    var resyncSeconds: Int = 30

    @Flag(name: .customLong("detect-interface"), inversion: .prefixedNo,
          help: "Fill the ClusterNode's interfaceName, ip and ip6.")
    var detectInterface = true

    @Flag(name: .customLong("teardown"), help: "Remove everything ClusterLink made on this node and exit.")
    var teardown = false

    @Option(name: .customLong("health-port"), help: "Serve /healthz, /readyz and Prometheus /metrics on this port.")
    var healthPort: Int?

    @Flag(name: [.customShort("v"), .long], help: "Log debug messages.")
    var verbose = false

    func validate() throws {
        if resyncSeconds < 1 { throw ValidationError("--resync-seconds must be at least 1") }
    }

    func run() async throws {
        let identity = try ComponentIdentity(clusterName: clusterName, nodeName: nodeName)
        let (cluster, node) = (identity.clusterName, identity.nodeName)
        var logger = Logger(label: "clusterlink-agent")
        logger.logLevel = verbose ? .debug : .info
        let applier = try NodeNetworkApplier(namespace: netns.map { .named($0) })
        if teardown {
            print(try applier.apply(.empty))
            return
        }
        let client = try KubeClient.fromKubeconfig(path: kubeconfig, context: context)
        let agent = ClusterLinkAgent(
            client: client, applier: applier,
            configuration: .init(nodeConfigName: "\(cluster)-\(node)", resyncInterval: .seconds(resyncSeconds),
                                 detectsInterface: detectInterface),
            logger: logger)
        try await ServiceRunner.run([agent], healthPort: healthPort,
                                    readiness: ["synced": { agent.status.syncs > 0 }], logger: logger)
    }
}
