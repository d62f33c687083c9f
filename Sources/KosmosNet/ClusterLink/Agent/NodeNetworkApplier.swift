/// What ClusterLink owns in one network namespace, read back from the kernel.
public struct ObservedNodeNetwork: Sendable, Hashable {
    /// Every link of the namespace (the agent owns only `vx-` VXLAN links; the others are underlays).
    public var links: [Link]
    /// Every address of the namespace.
    public var addresses: [InterfaceAddress]
    /// Routes in table 200 on owned devices.
    public var routes: [Route]
    /// FDB entries on owned devices.
    public var fdb: [FDBEntry]
    /// Permanent neighbour entries on owned devices.
    public var neighbors: [Neighbor]
    /// The rules of the owned NAT table.
    public var natRules: [NATRule]
    /// Families whose `lookup 200 pref 200` rule exists.
    public var ruleFamilies: Set<IPFamily>

    /// The owned VXLAN links.
    public var ownedLinks: [Link] { links.filter { $0.name.hasPrefix(NodeNetwork.devicePrefix) && $0.vxlan != nil } }
}

/// The changes that take a namespace from what it has to what a ``NodeNetwork`` asks for.
///
/// Everything is compared by value: an entry that is right is left alone; a device whose identity (VNI, port,
/// MAC, underlay, source address, MTU) differs is deleted and created again, one whose only difference is its
/// address gets the address replaced.
public struct NodeNetworkChanges: Sendable, Hashable, CustomStringConvertible {
    /// Owned links to delete (gone from the spec, or to be recreated).
    public var deleteDevices: [String] = []
    /// Devices to create, with the link each becomes.
    public var createDevices: [TunnelDevice] = []
    /// Devices whose address must be replaced.
    public var readdressDevices: [TunnelDevice] = []
    /// Devices that exist but are down.
    public var bringUp: [String] = []
    /// Routes to delete and to add.
    public var deleteRoutes: [Route] = []
    public var addRoutes: [Route] = []
    /// FDB entries to delete and to add.
    public var deleteFDB: [FDBEntry] = []
    public var addFDB: [FDBEntry] = []
    /// Neighbour entries to delete and to set.
    public var deleteNeighbors: [Neighbor] = []
    public var setNeighbors: [Neighbor] = []
    /// The whole NAT ruleset to install when it differs (nil: unchanged; empty: remove the table).
    public var natRules: [NATRule]?
    /// Families whose policy rule must be added / removed.
    public var addRuleFamilies: [IPFamily] = []
    public var deleteRuleFamilies: [IPFamily] = []

    /// True when the namespace already matches.
    public var isEmpty: Bool {
        deleteDevices.isEmpty && createDevices.isEmpty && readdressDevices.isEmpty && bringUp.isEmpty
            && deleteRoutes.isEmpty && addRoutes.isEmpty && deleteFDB.isEmpty && addFDB.isEmpty
            && deleteNeighbors.isEmpty && setNeighbors.isEmpty && natRules == nil && addRuleFamilies.isEmpty
            && deleteRuleFamilies.isEmpty
    }

    /// One line per kind of change with counts, e.g. `devices -1 +1, routes +4, fdb +6`.
    public var description: String {
        var parts: [String] = []
        func part(_ name: String, _ removed: Int, _ added: Int) {
            var counts: [String] = []
            if removed > 0 { counts.append("-\(removed)") }
            if added > 0 { counts.append("+\(added)") }
            if !counts.isEmpty { parts.append("\(name) \(counts.joined(separator: " "))") }
        }
        part("devices", deleteDevices.count, createDevices.count)
        if !readdressDevices.isEmpty { parts.append("addresses ~\(readdressDevices.count)") }
        if !bringUp.isEmpty { parts.append("up \(bringUp.count)") }
        part("routes", deleteRoutes.count, addRoutes.count)
        part("fdb", deleteFDB.count, addFDB.count)
        part("neighbours", deleteNeighbors.count, setNeighbors.count)
        part("rules", deleteRuleFamilies.count, addRuleFamilies.count)
        if let natRules { parts.append("nat =\(natRules.count)") }
        return parts.isEmpty ? "no changes" : parts.joined(separator: ", ")
    }
}

/// Failures while applying; every step was still attempted, so whatever could be applied was.
public struct NodeNetworkApplyError: Error, Sendable, CustomStringConvertible {
    /// One line per failed step (`add route 10.2.0.0/16 via ...: Network is unreachable`).
    public var failures: [String]
    public var description: String { failures.joined(separator: "; ") }
}

/// Makes one network namespace match a ``NodeNetwork``: reads what ClusterLink owns there, computes the
/// difference, and changes only that.
///
/// Ownership: links named `vx-*` of type VXLAN, routes of table 200 on them, FDB and permanent neighbour entries on
/// them, the `lookup 200 pref 200` policy rules, and the nftables table ``natTable``. Nothing else is read for
/// changing or ever deleted; underlay links are only read (their MTU and addresses).
///
/// Order, as the Go agent: deletions (neighbours, FDB, NAT, routes, devices), then creations (devices, neighbours,
/// FDB, NAT, routes). A failing step does not stop the others; ``apply(_:)`` throws them all together.
///
/// ```swift
/// let applier = try NodeNetworkApplier(namespace: .named("node-a"))
/// let changes = try applier.apply(try NodeNetwork(spec: nodeConfig.spec))
/// print(changes)   // devices +2, routes +4, fdb +6, neighbours +3, rules +2, nat =4
/// ```
public final class NodeNetworkApplier: Sendable {
    /// The netlink handle of the namespace.
    public let handle: NetlinkHandle
    /// The owned nftables table.
    public let natTable: NATTable

    /// An applier for the namespace `handle` talks to.
    /// - Parameters:
    ///   - handle: an open handle.
    ///   - natTableName: the nftables table (`table inet NAME`) ClusterLink owns.
    public init(handle: NetlinkHandle, natTableName: String = "clusterlink") {
        self.handle = handle
        self.natTable = NATTable(name: natTableName, namespace: handle.namespace)
    }

    /// An applier for `namespace` (nil: the caller's namespace).
    public convenience init(namespace: NetworkNamespace?, natTableName: String = "clusterlink") throws {
        let handle = try namespace.map { try NetlinkHandle(namespace: $0) } ?? NetlinkHandle()
        self.init(handle: handle, natTableName: natTableName)
    }

    /// Reads what ClusterLink owns in the namespace.
    /// - Throws: ``NetlinkError`` or ``NATError``.
    public func observe() throws -> ObservedNodeNetwork {
        let links = try handle.links()
        let addresses = try handle.addresses()
        let owned = Set(links.filter { $0.name.hasPrefix(NodeNetwork.devicePrefix) && $0.vxlan != nil }.map(\.name))
        let routes = try handle.routes(table: NodeNetwork.routingTable).filter { route in
            route.table == NodeNetwork.routingTable && route.device.map(owned.contains) == true
        }
        var fdb: [FDBEntry] = []
        var neighbors: [Neighbor] = []
        for name in owned.sorted() {
            fdb += try handle.fdb(device: name).filter { $0.state.contains(.permanent) }
            neighbors += try handle.neighbors(device: name).filter { $0.state.contains(.permanent) }
        }
        var families = Set<IPFamily>()
        for family in [IPFamily.ipv4, .ipv6] where try handle.rules(family: family).contains(where: Self.isOwnRule) {
            families.insert(family)
        }
        return ObservedNodeNetwork(links: links, addresses: addresses, routes: routes, fdb: fdb,
                                   neighbors: neighbors, natRules: try natTable.rules(), ruleFamilies: families)
    }

    private static func isOwnRule(_ rule: Rule) -> Bool {
        rule.table == NodeNetwork.routingTable && rule.priority == NodeNetwork.rulePriority && rule.source == nil
            && rule.destination == nil && rule.inputInterface == nil && rule.outputInterface == nil
            && rule.firewallMark == nil
    }

    /// The link a device becomes on this namespace's underlay, or a reason it cannot be made.
    static func link(for device: TunnelDevice, in observed: ObservedNodeNetwork) -> Result<Link, NodeNetworkApplyError> {
        guard let underlay = observed.links.first(where: { $0.name == device.bindDevice }) else {
            return .failure(NodeNetworkApplyError(failures: ["device \(device.name): bind device \(device.bindDevice) does not exist"]))
        }
        let local = observed.addresses.first {
            $0.device == device.bindDevice && $0.family == device.family
                && ($0.scope ?? .universe) == .universe
        }
        guard let local else {
            return .failure(NodeNetworkApplyError(failures: [
                "device \(device.name): \(device.bindDevice) has no global \(device.family) address"]))
        }
        let settings = VXLAN(vni: device.vni, port: device.port, local: local.address, learning: false)
        return .success(.vxlan(device.name, settings, underlay: underlay, mac: device.mac))
    }

    /// The changes from `observed` to `desired` (pure; nothing is touched).
    public static func changes(to desired: NodeNetwork, from observed: ObservedNodeNetwork) -> NodeNetworkChanges {
        var changes = NodeNetworkChanges()
        let ownedLinks = observed.ownedLinks
        var recreated = Set<String>()
        let wanted = Dictionary(desired.devices.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for link in ownedLinks where wanted[link.name] == nil {
            changes.deleteDevices.append(link.name)
        }
        for device in desired.devices {
            let existing = ownedLinks.first { $0.name == device.name }
            guard let existing else {
                changes.createDevices.append(device)
                recreated.insert(device.name)
                continue
            }
            guard case .success(let target) = link(for: device, in: observed),
                  let have = existing.vxlan, let want = target.vxlan else {
                continue   // reported when applying
            }
            let underlayName = observed.links.first { $0.index == have.underlayIndex }?.name
            let same = have.vni == want.vni && have.port == want.port && have.local == want.local
                && have.learning == want.learning && underlayName == device.bindDevice
                && (device.mac == nil || existing.mac == device.mac) && (target.mtu == nil || existing.mtu == target.mtu)
            if !same {
                changes.deleteDevices.append(device.name)
                changes.createDevices.append(device)
                recreated.insert(device.name)
                continue
            }
            let current = observed.addresses.filter {
                $0.device == device.name && ($0.scope ?? .universe) == .universe
            }
            if current.count != 1 || current[0].address != device.address.address
                || current[0].prefixLength != device.address.length {
                changes.readdressDevices.append(device)
            }
            if !existing.isUp { changes.bringUp.append(device.name) }
        }

        // Entries on a device that is recreated vanish with it: delete nothing there, add everything.
        func survives(_ device: String?) -> Bool { device.map { !recreated.contains($0) } ?? false }
        let routeKey = { (route: Route) in "\(route.destination)|\(route.gateway?.description ?? "")|\(route.device ?? "")" }
        let haveRoutes = Dictionary(observed.routes.filter { survives($0.device) }.map { (routeKey($0), $0) },
                                    uniquingKeysWith: { first, _ in first })
        let wantRoutes = Set(desired.routes.map(routeKey))
        changes.deleteRoutes = observed.routes.filter { survives($0.device) && !wantRoutes.contains(routeKey($0)) }
        changes.addRoutes = desired.routes.filter { haveRoutes[routeKey($0)] == nil }

        let fdbKey = { (entry: FDBEntry) in "\(entry.mac)|\(entry.device)|\(entry.destination?.description ?? "")" }
        let haveFDB = Set(observed.fdb.filter { survives($0.device) }.map(fdbKey))
        let wantFDB = Set(desired.fdb.map(fdbKey))
        changes.deleteFDB = observed.fdb.filter {
            survives($0.device) && !wantFDB.contains(fdbKey($0)) && $0.mac != .broadcast
        }
        changes.addFDB = desired.fdb.filter { !haveFDB.contains(fdbKey($0)) }

        let neighborKey = { (entry: Neighbor) in "\(entry.address)|\(entry.mac?.description ?? "")|\(entry.device)" }
        let haveNeighbors = Set(observed.neighbors.filter { survives($0.device) }.map(neighborKey))
        let wantNeighbors = Set(desired.neighbors.map(neighborKey))
        changes.deleteNeighbors = observed.neighbors.filter {
            survives($0.device) && !wantNeighbors.contains(neighborKey($0)) && $0.mac != .broadcast
        }
        changes.setNeighbors = desired.neighbors.filter { !haveNeighbors.contains(neighborKey($0)) }

        let wantNAT = NATTable.normalized(desired.natRules)
        if NATTable.normalized(observed.natRules) != wantNAT { changes.natRules = wantNAT }

        let wantFamilies = desired.families
        changes.addRuleFamilies = [IPFamily.ipv4, .ipv6].filter {
            wantFamilies.contains($0) && !observed.ruleFamilies.contains($0)
        }
        changes.deleteRuleFamilies = [IPFamily.ipv4, .ipv6].filter {
            !wantFamilies.contains($0) && observed.ruleFamilies.contains($0)
        }
        return changes
    }

    /// Reads the namespace, then changes what differs from `desired`.
    /// - Returns: the changes that were made (empty when everything already matched).
    /// - Throws: ``NodeNetworkApplyError`` listing every step that failed (the others were applied), or the
    ///   error of reading the namespace.
    @discardableResult
    public func apply(_ desired: NodeNetwork) throws -> NodeNetworkChanges {
        let observed = try observe()
        let changes = Self.changes(to: desired, from: observed)
        if changes.isEmpty { return changes }
        var failures: [String] = []
        func attempt(_ what: @autoclosure () -> String, _ body: () throws -> Void) {
            do { try body() } catch { failures.append("\(what()): \(error)") }
        }

        for neighbor in changes.deleteNeighbors {
            attempt("delete neighbour \(neighbor)") { try ignoringMissing { try handle.deleteNeighbor(neighbor) } }
        }
        for entry in changes.deleteFDB {
            attempt("delete fdb \(entry)") { try ignoringMissing { try handle.deleteFDB(entry) } }
        }
        if let rules = changes.natRules, rules.isEmpty {
            attempt("remove table inet \(natTable.name)") { try natTable.remove() }
        }
        for route in changes.deleteRoutes {
            attempt("delete route \(route)") { try ignoringMissing { try handle.deleteRoute(route) } }
        }
        for family in changes.deleteRuleFamilies {
            attempt("delete rule \(family)") {
                try ignoringMissing {
                    try handle.deleteRule(Rule(family: family, priority: NodeNetwork.rulePriority,
                                               table: NodeNetwork.routingTable))
                }
            }
        }
        for name in changes.deleteDevices {
            attempt("delete link \(name)") { try ignoringMissing { try handle.deleteLink(named: name) } }
        }

        // Creations read the namespace again for underlay indexes and addresses.
        let current = changes.createDevices.isEmpty ? observed : ((try? observe()) ?? observed)
        for device in changes.createDevices {
            attempt("create \(device)") {
                switch Self.link(for: device, in: current) {
                case .failure(let error): throw error
                case .success(let link):
                    try handle.addLink(link)
                    try handle.setLinkUp(device.name)
                    try configure(device)
                }
            }
        }
        for device in changes.readdressDevices {
            attempt("readdress \(device.name)") {
                for old in current.addresses where old.device == device.name && (old.scope ?? .universe) == .universe {
                    try ignoringMissing { try handle.deleteAddress(old) }
                }
                try configure(device)
            }
        }
        for name in changes.bringUp {
            attempt("set \(name) up") { try handle.setLinkUp(name) }
        }
        for family in changes.addRuleFamilies {
            attempt("add rule \(family)") {
                try ignoringExisting {
                    try handle.addRule(Rule(family: family, priority: NodeNetwork.rulePriority,
                                            table: NodeNetwork.routingTable))
                }
            }
        }
        for neighbor in changes.setNeighbors {
            attempt("set neighbour \(neighbor)") { try handle.setNeighbor(neighbor) }
        }
        for entry in changes.addFDB {
            attempt("append fdb \(entry)") { try ignoringExisting { try handle.appendFDB(entry) } }
        }
        if let rules = changes.natRules, !rules.isEmpty {
            attempt("apply table inet \(natTable.name)") { try natTable.apply(rules) }
        }
        for route in changes.addRoutes {
            attempt("add route \(route)") { try handle.replaceRoute(route) }
        }
        if !failures.isEmpty { throw NodeNetworkApplyError(failures: failures) }
        return changes
    }

    /// Address and sysctls of a device that exists.
    private func configure(_ device: TunnelDevice) throws {
        let dad = device.family == .ipv6
        if dad { try handle.setIPv6Disabled(device.name, false) }
        try handle.replaceAddress(InterfaceAddress(device.address.address, prefixLength: device.address.length,
                                                   device: device.name, skipsDuplicateAddressDetection: dad))
        if device.family == .ipv4 {
            // Loose reverse-path filtering: replies from other clusters arrive on the tunnel, not the route back.
            try handle.setReversePathFilter(device.name, mode: 2)
            try handle.setReversePathFilter(device.bindDevice, mode: 2)
        }
    }

    private func ignoringMissing(_ body: () throws -> Void) throws {
        do { try body() } catch let error as NetlinkError where error.errno == .enoent || error.errno == .esrch
            || error.errno == .enodev || error.errno == .eaddrnotavail {
            return
        }
    }

    private func ignoringExisting(_ body: () throws -> Void) throws {
        do { try body() } catch let error as NetlinkError where error.errno == .eexist {
            return
        }
    }
}
