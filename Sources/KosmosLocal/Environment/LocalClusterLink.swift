import Foundation
import KosmosAPI
import KosmosNet
import Logging

/// How `local-up` runs ClusterLink across its clusters.
public struct LocalClusterLinkOptions: Sendable, Codable, Equatable {
    /// `p2p` (every node tunnels to every remote node) or `gateway` (one gateway per cluster carries the traffic).
    public var networkType: String

    /// Describes the ClusterLink setup.
    public init(networkType: String = "p2p") {
        self.networkType = networkType
    }
}

/// Runs ClusterLink for a local environment: the host cluster holds Cluster, ClusterNode and NodeConfig objects
/// and the network-manager; every cluster (the host too, as upstream joins it) gets a Cluster object, a
/// controller-manager, one gateway elector per node and, with the netns dataplane, one agent per node
/// programming the node's namespace.
///
/// Each local cluster advertises its pod ranges the way flannel does (ConfigMap `kube-flannel/kube-flannel-cfg`),
/// so the controller-manager finds one CIDR per family. With overlapping CIDRs, cluster *i* is given global pod
/// CIDR `10.(150+i).0.0/16` (`fd00:11:(100+i)::/56`) and global service CIDR `10.(180+i).0.0/16`
/// (`fd00:21:(100+i)::/108`) in its `globalCIDRsMap`.
enum LocalClusterLink {
    /// The globalCIDRsMap of cluster `index`, or empty without overlap.
    static func globalCIDRs(plan: LocalClusterPlan, index: Int, overlap: Bool) -> [String: String] {
        guard overlap else { return [:] }
        var map: [String: String] = [:]
        for cidr in plan.podCIDRs {
            map[cidr] = cidr.contains(":") ? "fd00:11:\(100 + index)::/56" : "10.\(150 + index).0.0/16"
        }
        for cidr in plan.serviceCIDRs {
            map[cidr] = cidr.contains(":") ? "fd00:21:\(100 + index)::/108" : "10.\(180 + index).0.0/16"
        }
        return map
    }

    /// The Cluster object of one local cluster.
    static func clusterObject(plan: LocalClusterPlan, index: Int, options: LocalEnvironmentOptions,
                              link: LocalClusterLinkOptions, kubeconfig: [UInt8]) -> Cluster {
        var cluster = Cluster(name: plan.name)
        var linkOptions = ClusterLinkOptions(json: .object(JSONObject()))
        linkOptions.enable = true
        linkOptions.cni = "flannel"
        linkOptions.networkType = NetworkType(rawValue: link.networkType)
        linkOptions.ipFamily = switch options.ipFamily {
        case .ipv4: .ipv4
        case .ipv6: .ipv6
        case .dual: .all
        }
        linkOptions.defaultNICName = "eth0"
        let map = globalCIDRs(plan: plan, index: index, overlap: options.overlap)
        if !map.isEmpty { linkOptions.globalCIDRsMap = map }
        cluster.spec.clusterLinkOptions = linkOptions
        cluster.spec.kubeconfig = kubeconfig
        if index == 0 { cluster.metadata.annotations[Cluster.clusterRoleAnnotation] = "root" }
        return cluster
    }

    /// Writes the CRDs, the flannel-style ConfigMaps and the Cluster objects, then starts every ClusterLink
    /// component as a task that ends when cancelled.
    static func start(options: LocalEnvironmentOptions, link: LocalClusterLinkOptions, clusters: [RunningCluster],
                      dataplane: NetnsDataplane?, logger: Logger) async throws -> [Task<Void, Never>] {
        guard let host = clusters.first?.client else { return [] }
        try await KosmosCRDs.install(using: host)
        for (index, running) in clusters.enumerated() {
            try await writeFlannelConfig(client: running.client, plan: running.plan)
            let kubeconfig = Array(try Data(contentsOf: URL(fileURLWithPath: running.kubeconfigPath)))
            let wanted = clusterObject(plan: running.plan, index: index, options: options, link: link,
                                       kubeconfig: kubeconfig)
            do {
                _ = try await host.create(wanted)
            } catch let error as KubeError where error.isAlreadyExists {
                var current = try await host.get(Cluster.self, name: running.plan.name)
                current.spec = wanted.spec
                _ = try await host.update(current)
            }
        }

        var tasks: [Task<Void, Never>] = []
        var log = logger
        log[metadataKey: "component"] = "clusterlink"
        let manager = NetworkManager(client: host, configuration: .init(leaderElection: nil), logger: log)
        tasks.append(Task { await manager.run() })
        for running in clusters {
            let name = running.plan.name
            let controllers = ClusterLinkControllerManager(
                memberClient: running.client, hostClient: host, configuration: .init(clusterName: name), logger: log)
            tasks.append(Task { await controllers.run() })
            for node in running.plan.nodes {
                let elector = GatewayElector(
                    memberClient: running.client, hostClient: host,
                    configuration: .init(clusterName: name, nodeName: node), logger: log)
                tasks.append(Task { await elector.run() })
                guard let dataplane else { continue }
                let applier = try NodeNetworkApplier(namespace: .named(dataplane.nodeNamespaceName(node)))
                let agent = ClusterLinkAgent(client: host, applier: applier,
                                             configuration: .init(nodeConfigName: "\(name)-\(node)"), logger: log)
                tasks.append(Task {
                    await agent.run()
                })
            }
        }
        return tasks
    }

    /// The ConfigMap flannel keeps its network in, which is where the controller-manager reads pod CIDRs.
    static func writeFlannelConfig(client: KubeClient, plan: LocalClusterPlan) async throws {
        _ = try? await client.create(Namespace(name: "kube-flannel"))
        var net = JSONObject()
        if let v4 = plan.podCIDRs.first(where: { !$0.contains(":") }) { net["Network"] = .string(v4) }
        if let v6 = plan.podCIDRs.first(where: { $0.contains(":") }) {
            net["EnableIPv6"] = true
            net["IPv6Network"] = .string(v6)
        }
        net["Backend"] = ["Type": "host-gw"]
        var configMap = ConfigMap(name: "kube-flannel-cfg", namespace: "kube-flannel")
        configMap.data = ["net-conf.json": JSONValue.object(net).serializedString()]
        do {
            _ = try await client.create(configMap)
        } catch let error as KubeError where error.isAlreadyExists {
            var current = try await client.get(ConfigMap.self, namespace: "kube-flannel", name: "kube-flannel-cfg")
            current.data = configMap.data
            _ = try await client.update(current)
        }
    }
}

extension LocalClusterLink {
    /// Waits until every planned node has a NodeConfig whose agent reports `Applied=True`.
    static func waitApplied(host: KubeClient, plans: [LocalClusterPlan], timeout: Duration) async throws {
        let wanted = Set(plans.flatMap { plan in plan.nodes.map { "\(plan.name)-\($0)" } })
        let deadline = ContinuousClock.now + timeout
        var pending = wanted
        while ContinuousClock.now < deadline {
            if let configs = try? await host.listAll(NodeConfig.self).items {
                let applied = configs.filter { $0.status.conditions[type: "Applied"]?.status == .true }.map(\.name)
                pending = wanted.subtracting(applied)
                if pending.isEmpty { return }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw LocalEnvironmentError("ClusterLink: NodeConfigs not applied after \(timeout): "
            + pending.sorted().joined(separator: ", "))
    }
}
