import Foundation
import KosmosAPI
import KosmosNet
import Logging
import Synchronization

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
                      dataplane: NetnsDataplane?, logger: Logger) async throws -> Started {
        guard let host = clusters.first?.client else { return Started() }
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

        var log = logger
        log[metadataKey: "component"] = "clusterlink"
        let started = Started()
        let manager = NetworkManager(client: host, configuration: .init(leaderElection: nil), logger: log)
        started.add(Task { await manager.run() })
        for running in clusters {
            let name = running.plan.name
            let controllers = ClusterLinkControllerManager(
                memberClient: running.client, hostClient: host, configuration: .init(clusterName: name), logger: log)
            started.add(Task { await controllers.run() })
            for node in running.plan.nodes {
                let elector = GatewayElector(
                    memberClient: running.client, hostClient: host,
                    configuration: .init(clusterName: name, nodeName: node), logger: log)
                started.add(Task { await elector.run() }, node: node, role: .elector)
                guard let dataplane else { continue }
                let namespace = dataplane.nodeNamespaceName(node)
                let nodeConfig = "\(name)-\(node)"
                let agentLog = log
                let makeAgent: @Sendable () throws -> Task<Void, Never> = {
                    let applier = try NodeNetworkApplier(namespace: .named(namespace))
                    let agent = ClusterLinkAgent(client: host, applier: applier,
                                                 configuration: .init(nodeConfigName: nodeConfig), logger: agentLog)
                    return Task { await agent.run() }
                }
                started.add(try makeAgent(), node: node, role: .agent)
                started.setAgentFactory(makeAgent, node: node)
            }
        }
        return started
    }

    /// The ClusterLink tasks of an environment, with per-node handles so a node's components can be stopped
    /// (a failed node) or its agent restarted.
    final class Started: Sendable {
        enum Role: Sendable { case elector, agent }
        private struct State {
            var shared: [Task<Void, Never>] = []
            var nodes: [String: [Role: Task<Void, Never>]] = [:]
            var agentFactories: [String: @Sendable () throws -> Task<Void, Never>] = [:]
        }
        private let state = Mutex(State())

        func add(_ task: Task<Void, Never>, node: String? = nil, role: Role = .agent) {
            state.withLock { s in
                if let node { s.nodes[node, default: [:]][role] = task } else { s.shared.append(task) }
            }
        }

        func setAgentFactory(_ factory: @escaping @Sendable () throws -> Task<Void, Never>, node: String) {
            state.withLock { $0.agentFactories[node] = factory }
        }

        /// Cancels a node's components and waits for them to end.
        func stop(node: String, roles: Set<Role>) async {
            let tasks: [Task<Void, Never>] = state.withLock { s in
                var stopped: [Task<Void, Never>] = []
                for role in roles { if let task = s.nodes[node]?.removeValue(forKey: role) { stopped.append(task) } }
                return stopped
            }
            for task in tasks { task.cancel() }
            for task in tasks { await task.value }
        }

        /// Starts a new agent for a node (after ``stop(node:roles:)``).
        func startAgent(node: String) throws {
            guard let factory = state.withLock({ $0.agentFactories[node] }) else {
                throw LocalEnvironmentError("node \(node) has no ClusterLink agent")
            }
            let task = try factory()
            add(task, node: node, role: .agent)
        }

        /// Cancels everything and waits.
        func stopAll() async {
            let tasks: [Task<Void, Never>] = state.withLock { s in
                defer { s.shared = []; s.nodes = [:] }
                return s.shared + s.nodes.values.flatMap { Array($0.values) }
            }
            for task in tasks { task.cancel() }
            for task in tasks { await task.value }
        }
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
