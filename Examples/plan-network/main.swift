// plan-network: what NodeConfigs would ClusterLink write for these objects?
//
//   swift run plan-network clusters-and-nodes.yaml [more.yaml ...]
//
// Reads Cluster, ClusterNode (and existing NodeConfig) objects, plans with the same pure function the
// network-manager runs, and prints one summary line per node: its devices, routes, FDB and ARP entries.
import Foundation
import KosmosAPI
import KosmosNet

let files = Array(CommandLine.arguments.dropFirst())
guard !files.isEmpty else {
    FileHandle.standardError.write(Data("usage: plan-network FILE.yaml [FILE.yaml ...]\n".utf8))
    exit(2)
}
var input = PlannerInput()
do {
    for file in files { try input.add(file: file) }
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
let report = NodeConfigPlanner.planReport(clusters: input.clusters, clusterNodes: input.clusterNodes,
                                          existing: input.nodeConfigs)
for warning in report.warnings { print("skipped: \(warning)") }
for config in report.nodeConfigs {
    let spec = config.spec
    let devices = spec.devices.map { "\($0.name) \($0.addr)" }.joined(separator: ", ")
    print("\(config.name): [\(devices)] routes \(spec.routes.count), fdb \(spec.fdbs.count), arp \(spec.arps.count), "
        + "nat \(spec.iptables.count)")
}
