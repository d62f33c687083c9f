import KosmosAPI
import Logging
import Synchronization

/// Settings of one ``ClusterLinkAgent``.
public struct ClusterLinkAgentConfiguration: Sendable {
    /// The NodeConfig this agent applies: `<cluster>-<node>`, the name of the node's ClusterNode.
    public var nodeConfigName: String
    /// How often the agent re-reads the kernel even when nothing announced a change (catches what netlink events
    /// do not report, such as NAT rules changed by hand).
    public var resyncInterval: Duration
    /// How long the agent waits after a change notice before reading the kernel, so bursts collapse.
    public var debounce: Duration
    /// The nftables table (`table inet NAME`) the agent owns.
    public var natTableName: String
    /// Whether the agent fills its ClusterNode's (same name as the NodeConfig) `interfaceName`, `ip` and `ip6`
    /// with ``NodeInterfaceDetector``.
    public var detectsInterface: Bool

    /// Describes an agent.
    public init(nodeConfigName: String, resyncInterval: Duration = .seconds(30), debounce: Duration = .milliseconds(50),
                natTableName: String = "clusterlink", detectsInterface: Bool = true) {
        self.nodeConfigName = nodeConfigName
        self.resyncInterval = resyncInterval
        self.debounce = debounce
        self.natTableName = natTableName
        self.detectsInterface = detectsInterface
    }
}

/// What the agent did last, for tests, health checks and logs.
public struct ClusterLinkAgentState: Sendable {
    /// Completed syncs (successful or not).
    public var syncs = 0
    /// Syncs that changed the kernel.
    public var changes = 0
    /// The last error, nil after a successful sync.
    public var lastError: String?
    /// The changes of the last sync that changed anything.
    public var lastChanges: NodeNetworkChanges?
    /// Whether a NodeConfig was present at the last sync.
    public var hasNodeConfig = false
}

/// The ClusterLink agent of one node: keeps the node's kernel state equal to its NodeConfig.
///
/// It watches its NodeConfig (by name) in the cluster that holds the NodeConfigs, and on every change, on every
/// netlink notice that something it owns changed (so a route, neighbour, FDB entry, link or rule deleted by hand is
/// restored at once), and every ``ClusterLinkAgentConfiguration/resyncInterval``, makes the kernel match through a
/// ``NodeNetworkApplier``, which changes only what differs. When the NodeConfig is deleted, everything ClusterLink
/// made on the node is removed.
///
/// A NodeConfig that cannot be parsed is not applied at all (the previous state stays); the error goes into the
/// NodeConfig's status as condition `Applied=False` with the field named. After a successful sync the status
/// carries `lastSyncTime`, `lastChangeTime` (when the kernel last had to change) and `Applied=True`.
public final class ClusterLinkAgent: Sendable {
    /// The agent's settings.
    public let configuration: ClusterLinkAgentConfiguration
    /// The applier of the node's namespace.
    public let applier: NodeNetworkApplier
    private let client: KubeClient
    private let logger: Logger
    private let informer: SharedInformer<NodeConfig>
    private let state = Mutex(ClusterLinkAgentState())
    private let trigger = SyncTrigger()

    /// Creates an agent.
    /// - Parameters:
    ///   - client: a client of the cluster holding the NodeConfigs.
    ///   - applier: the applier of the node's network namespace.
    ///   - configuration: names and intervals.
    ///   - logger: where syncs and failures are logged.
    public init(client: KubeClient, applier: NodeNetworkApplier, configuration: ClusterLinkAgentConfiguration,
                logger: Logger = Logger(label: "kosmos.clusterlink.agent")) {
        self.client = client
        self.applier = applier
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "nodeconfig"] = "\(configuration.nodeConfigName)"
        self.logger = logger
        informer = SharedInformer(listerWatcher: KubeListerWatcher<NodeConfig>(
            client: client, fieldSelector: "metadata.name=\(configuration.nodeConfigName)"))
    }

    /// A snapshot of what the agent did last.
    public var status: ClusterLinkAgentState { state.withLock { $0 } }

    /// Asks for a sync soon (coalesced with other requests).
    public func requestSync() { trigger.request() }

    /// Runs until the calling task is cancelled: watches the NodeConfig and the kernel, and syncs.
    /// The kernel state is left as it is on cancellation (an agent restart does not interrupt traffic); call
    /// ``tearDown()`` to remove it.
    public func run() async {
        let trigger = self.trigger
        informer.addEventHandler { _ in trigger.request() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.informer.run() }
            group.addTask { await self.watchKernel() }
            if self.configuration.detectsInterface {
                group.addTask { await self.detectInterface() }
            }
            group.addTask {
                guard await self.informer.waitForCacheSync() else { return }
                await trigger.run(resyncEvery: self.configuration.resyncInterval,
                                  debounce: self.configuration.debounce) { await self.sync() }
            }
            // Every task ends when the calling task is cancelled; the group waits for them.
        }
    }

    /// Removes everything ClusterLink made on the node (devices, routes, entries, rules, NAT table).
    /// - Throws: ``NodeNetworkApplyError`` listing what could not be removed.
    public func tearDown() throws {
        try applier.apply(.empty)
    }

    /// One sync: read the NodeConfig from the cache, apply it, write the status.
    func sync() async {
        let object = informer.store.get(namespace: nil, name: configuration.nodeConfigName)
        var desired = NodeNetwork.empty
        if let object {
            do {
                desired = try NodeNetwork(spec: object.spec)
            } catch {
                logger.warning("NodeConfig not applied: \(error)")
                record(error: "\(error)", changes: nil, hasNodeConfig: true)
                await writeStatus(object, error: "invalid NodeConfig: \(error)", changed: false)
                return
            }
        }
        do {
            let changes = try applier.apply(desired)
            if !changes.isEmpty { logger.info("applied: \(changes)") }
            record(error: nil, changes: changes, hasNodeConfig: object != nil)
            if let object { await writeStatus(object, error: nil, changed: !changes.isEmpty) }
        } catch {
            logger.warning("apply failed: \(error)")
            record(error: "\(error)", changes: nil, hasNodeConfig: object != nil)
            if let object { await writeStatus(object, error: "\(error)", changed: true) }
        }
    }

    private func record(error: String?, changes: NodeNetworkChanges?, hasNodeConfig: Bool) {
        state.withLock { s in
            s.syncs += 1
            s.lastError = error
            s.hasNodeConfig = hasNodeConfig
            if let changes, !changes.isEmpty {
                s.changes += 1
                s.lastChanges = changes
            }
        }
    }

    /// Writes the status when it says something new, or when the last sync time is older than the resync interval.
    private func writeStatus(_ object: NodeConfig, error: String?, changed: Bool) async {
        let now = Time.now()
        var updated = object
        var status = updated.status
        let condition = Condition(type: "Applied", status: error == nil ? .true : .false,
                                  reason: error == nil ? "Synced" : "ApplyFailed", message: error ?? "")
        var conditions = status.conditions
        let conditionChanged = conditions.set(condition, now: now)
        let resync = Double(configuration.resyncInterval.components.seconds)
        let stale = status.lastSyncTime.map { now.seconds(since: $0) >= resync } ?? true
        guard conditionChanged || changed || stale else { return }
        status.conditions = conditions
        status.lastSyncTime = now.truncatedToSeconds
        if changed || status.lastChangeTime == nil { status.lastChangeTime = now.truncatedToSeconds }
        updated.status = status
        do {
            _ = try await client.updateStatus(updated)
        } catch {
            // A conflict means a newer NodeConfig is on its way; the next sync writes again.
            logger.debug("status not written: \(error)")
        }
    }

    /// Keeps the ClusterNode's interface and addresses current: when it appears or changes (watched by name),
    /// every 2 s while detection fails, and every resync interval.
    private func detectInterface() async {
        let detector = NodeInterfaceDetector(handle: applier.handle)
        let changed = SyncTrigger()
        let clusterNodes = SharedInformer(listerWatcher: KubeListerWatcher<ClusterNode>(
            client: client, fieldSelector: "metadata.name=\(configuration.nodeConfigName)"))
        clusterNodes.addEventHandler { event in
            if case .deleted = event { return }
            let spec = event.object.spec
            if spec.interfaceName.isEmpty || (spec.ip ?? "").isEmpty && (spec.ip6 ?? "").isEmpty { changed.request() }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await clusterNodes.run() }
            group.addTask {
                await changed.run(resyncEvery: self.configuration.resyncInterval, retryAfter: .seconds(2),
                                  onError: { self.logger.debug("interface detection: \($0)") }) {
                    if try await detector.sync(client: self.client, clusterNodeName: self.configuration.nodeConfigName) {
                        self.logger.info("ClusterNode interface and addresses updated")
                    }
                }
            }
        }
    }

    /// Signals a sync whenever the kernel reports a change to something the agent owns.
    private func watchKernel() async {
        while !Task.isCancelled {
            do {
                let events = try applier.handle.events([.links, .routes, .neighbors, .rules, .addresses])
                for try await event in events {
                    if Self.concernsClusterLink(event) { trigger.request() }
                }
            } catch {
                logger.debug("netlink events failed, resubscribing: \(error)")
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    static func concernsClusterLink(_ event: NetlinkEvent) -> Bool {
        func owned(_ name: String?) -> Bool { name?.hasPrefix(NodeNetwork.devicePrefix) ?? false }
        switch event {
        case .linkChanged(let link), .linkRemoved(let link): return owned(link.name)
        case .addressAdded(let address), .addressRemoved(let address): return owned(address.device)
        case .routeAdded(let route), .routeRemoved(let route):
            return route.table == NodeNetwork.routingTable || owned(route.device)
        case .neighborChanged(let neighbor), .neighborRemoved(let neighbor): return owned(neighbor.device)
        case .fdbChanged(let entry), .fdbRemoved(let entry): return owned(entry.device)
        case .ruleAdded(let rule), .ruleRemoved(let rule): return rule.table == NodeNetwork.routingTable
        case .overrun: return true
        }
    }
}
