import ArgumentParser
import Foundation
import KosmosAPI
import KosmosNet
import Logging

/// `clusterlink-controller-manager`: one per member cluster.
@main
struct ControllerManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clusterlink-controller-manager",
        abstract: "Publishes a member cluster's CIDRs and nodes to the ClusterLink control plane.",
        discussion: """
            Fills the Cluster's status.clusterLinkStatus with the member's pod CIDRs (Calico IPPools, the flannel or
            cilium ConfigMap, else the nodes' podCIDRs) and service CIDRs (the kube-apiserver flag, else the range
            the API server names for an out-of-range Service), keeps one ClusterNode per member node, deletes those
            of vanished nodes, and on Cluster deletion removes the cluster's ClusterNodes before releasing its
            finalizer.

            Example: clusterlink-controller-manager --kubeconfig member1.kubeconfig --host-kubeconfig host.kubeconfig \\
                       --cluster-name member1
            """)

    @Option(help: "Kubeconfig of the member cluster (default: $KUBECONFIG, ~/.kube/config, in-cluster).")
    var kubeconfig: String?

    @Option(name: .customLong("host-kubeconfig"), help: "Kubeconfig of the cluster holding Cluster objects (default: --kubeconfig).")
    var hostKubeconfig: String?

    @Option(name: .customLong("cluster-name"), help: "The member cluster's name (default: $CLUSTER_NAME).")
    var clusterName: String?

    @Option(name: .customLong("resync-seconds"), help: "Full re-check interval in seconds.")
    var resyncSeconds = 60

    @Option(name: .customLong("health-port"), help: "Serve /healthz, /readyz and Prometheus /metrics on this port.")
    var healthPort: Int?

    @Flag(name: [.customShort("v"), .long], help: "Log debug messages.")
    var verbose = false

    func run() async throws {
        let cluster = try ComponentIdentity(clusterName: clusterName, nodeName: nil).clusterName
        var logger = Logger(label: "clusterlink-controller-manager")
        logger.logLevel = verbose ? .debug : .info
        let member = try KubeClient.fromKubeconfig(path: kubeconfig)
        let host = try hostKubeconfig.map { try KubeClient.fromKubeconfig(path: $0) } ?? member
        let manager = ClusterLinkControllerManager(
            memberClient: member, hostClient: host,
            configuration: .init(clusterName: cluster, resyncInterval: .seconds(max(1, resyncSeconds))), logger: logger)
        try await ServiceRunner.run([manager], healthPort: healthPort, logger: logger)
    }
}
