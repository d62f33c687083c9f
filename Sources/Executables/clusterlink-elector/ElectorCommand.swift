import ArgumentParser
import Foundation
import KosmosAPI
import KosmosNet
import Logging

/// `clusterlink-elector`: one per node of a member cluster; the Lease holder is the cluster's gateway.
@main
struct ElectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clusterlink-elector",
        abstract: "Elects this member cluster's ClusterLink gateway through a Lease.",
        discussion: """
            Every node of a member cluster runs one elector. They compete for a Lease in the member cluster; the
            holder gives its own ClusterNode the role gateway and removes it from every other node of the cluster.
            When the gateway dies its lease expires and another node takes over (about --lease-seconds plus
            --retry-seconds). Nodes of other clusters are never touched.

            Example: clusterlink-elector --kubeconfig member1.kubeconfig --host-kubeconfig host.kubeconfig \\
                       --cluster-name member1 --node-name node-1
            """)

    @Option(help: "Kubeconfig of the member cluster, where the Lease lives (default: $KUBECONFIG, ~/.kube/config, in-cluster).")
    var kubeconfig: String?

    @Option(name: .customLong("host-kubeconfig"), help: "Kubeconfig of the cluster holding ClusterNodes (default: --kubeconfig).")
    var hostKubeconfig: String?

    @Option(name: .customLong("cluster-name"), help: "The member cluster (default: $CLUSTER_NAME).")
    var clusterName: String?

    @Option(name: .customLong("node-name"), help: "This node (default: $NODE_NAME, then the host name).")
    var nodeName: String?

    @Option(name: .customLong("lease-namespace"), help: "Namespace of the election Lease.")
    var leaseNamespace = "kosmos-system"

    @Option(name: .customLong("lease-seconds"), help: "Lease duration in seconds.")
    var leaseSeconds = 5

    @Option(name: .customLong("renew-seconds"), help: "Renew deadline in seconds (less than --lease-seconds).")
    var renewSeconds = 3

    @Option(name: .customLong("retry-seconds"), help: "Seconds between attempts to acquire or renew.")
    var retrySeconds = 1

    @Option(name: .customLong("health-port"), help: "Serve /healthz, /readyz and Prometheus /metrics on this port.")
    var healthPort: Int?

    @Flag(name: [.customShort("v"), .long], help: "Log debug messages.")
    var verbose = false

    func validate() throws {
        guard retrySeconds >= 1, renewSeconds > retrySeconds, leaseSeconds > renewSeconds else {
            throw ValidationError("need --lease-seconds > --renew-seconds > --retry-seconds >= 1")
        }
    }

    func run() async throws {
        let identity = try ComponentIdentity(clusterName: clusterName, nodeName: nodeName)
        let (cluster, node) = (identity.clusterName, identity.nodeName)
        var logger = Logger(label: "clusterlink-elector")
        logger.logLevel = verbose ? .debug : .info
        let member = try KubeClient.fromKubeconfig(path: kubeconfig)
        let host = try hostKubeconfig.map { try KubeClient.fromKubeconfig(path: $0) } ?? member
        let elector = GatewayElector(
            memberClient: member, hostClient: host,
            configuration: .init(clusterName: cluster, nodeName: node, leaseNamespace: leaseNamespace,
                                 leaseDuration: .seconds(leaseSeconds), renewDeadline: .seconds(renewSeconds),
                                 retryPeriod: .seconds(retrySeconds)),
            logger: logger)
        try await ServiceRunner.run([elector], healthPort: healthPort, logger: logger)
    }
}
