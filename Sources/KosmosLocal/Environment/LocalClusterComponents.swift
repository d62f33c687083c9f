import KosmosAPI
import KosmosNet
import Logging

/// Starts what runs beside a local cluster's API server: its controllers, one simulated kubelet per node and,
/// with the netns dataplane, each node's namespace and routes.
enum LocalClusterComponents {
    /// Starts the components as tasks that end when cancelled.
    static func start(plan: LocalClusterPlan, clusterIndex: Int, options: LocalEnvironmentOptions,
                      client: KubeClient, dataplane: NetnsDataplane?, logger: Logger) throws -> [Task<Void, Never>] {
        var tasks: [Task<Void, Never>] = []
        var log = logger
        log[metadataKey: "cluster"] = "\(plan.name)"
        let manager = LocalControllerManager(
            client: client, options: .init(volumeDirectory: "\(options.stateDirectory)/\(plan.name)/volumes"),
            logger: log)
        let managerLog = log
        tasks.append(Task {
            do { try await manager.run() } catch is CancellationError {} catch {
                managerLog.error("controller manager stopped: \(error)")
            }
        })
        let families: [IPFamily] = switch options.ipFamily {
        case .ipv4: [.ipv4]
        case .ipv6: [.ipv6]
        case .dual: [.ipv4, .ipv6]
        }
        var cidrsByNode: [String: [IPPrefix]] = [:]
        for (j, node) in plan.nodes.enumerated() {
            let cidrs = plan.nodePodCIDRs[j]
            cidrsByNode[node] = cidrs.compactMap { IPPrefix($0) }
            var internalIPs: [String] = []
            var hook: (any PodNetworkHook)?
            if let dataplane {
                let a = try dataplane.addNode(cluster: plan.name, clusterIndex: clusterIndex, node: node,
                                              nodeIndex: j + 1, families: families)
                internalIPs = a.addresses.map(\.description)
                let fixed = cidrsByNode[node] ?? []
                hook = dataplane.podHook(cluster: plan.name, node: node, podCIDRs: { fixed })
            } else {
                internalIPs = families.map { $0 == .ipv4 ? "172.30.\(clusterIndex).\(j + 1)" : "fd00:30::\(clusterIndex):\(j + 1)" }
            }
            let kubeletFamilies: SimulatedKubelet.IPFamilies = switch options.ipFamily {
            case .ipv4: .ipv4
            case .ipv6: .ipv6
            case .dual: .dualStack
            }
            let kubelet = SimulatedKubelet(
                client: client, nodeName: node,
                options: .init(labels: ["kosmos.io/local-cluster": plan.name], zone: "\(plan.name)-zone\(j % 2 + 1)",
                               region: plan.name, podCIDRs: cidrs, ipFamilies: kubeletFamilies,
                               internalIPs: internalIPs),
                networkHook: hook, logger: log)
            let kubeletLog = log
            tasks.append(Task {
                do { try await kubelet.run() } catch is CancellationError {} catch {
                    kubeletLog.error("kubelet \(node) stopped: \(error)")
                }
            })
        }
        if let dataplane {
            try dataplane.routePodCIDRs(cluster: plan.name, podCIDRs: cidrsByNode)
        }
        return tasks
    }
}
