/// Many netlink requests sent together: packed into as few datagrams as the socket buffers allow, every ACK read,
/// one result per request. Failures do not stop the rest.
///
/// ```swift
/// var batch = NetlinkBatch()
/// for route in routes { batch.replaceRoute(route) }
/// for entry in fdb { batch.appendFDB(entry) }
/// let result = handle.perform(batch)
/// for (index, error) in result.failures { log("request \(index): \(error)") }
/// ```
/// Each method documents the same request as the handle verb of the same name.
public struct NetlinkBatch: Sendable {
    var requests: [NetlinkRequest] = []

    /// An empty batch.
    public init() {}

    /// The number of requests queued.
    public var count: Int { requests.count }

    /// Reserves room for `count` requests.
    public mutating func reserveCapacity(_ count: Int) { requests.reserveCapacity(count) }

    /// Queues ``NetlinkHandle/addRoute(_:)``.
    public mutating func addRoute(_ route: Route) { requests.append(RouteRequests.add(route)) }
    /// Queues ``NetlinkHandle/replaceRoute(_:)``.
    public mutating func replaceRoute(_ route: Route) { requests.append(RouteRequests.replace(route)) }
    /// Queues ``NetlinkHandle/deleteRoute(_:)``.
    public mutating func deleteRoute(_ route: Route) { requests.append(RouteRequests.delete(route)) }

    /// Queues ``NetlinkHandle/setNeighbor(_:)``.
    public mutating func setNeighbor(_ neighbor: Neighbor) { requests.append(NeighborRequests.set(neighbor)) }
    /// Queues ``NetlinkHandle/deleteNeighbor(_:)``.
    public mutating func deleteNeighbor(_ neighbor: Neighbor) {
        requests.append(NeighborRequests.change(neighbor, type: NLMsg.delNeigh, flags: 0,
                                                operation: "delete neighbour"))
    }

    /// Queues ``NetlinkHandle/appendFDB(_:)``.
    public mutating func appendFDB(_ entry: FDBEntry) {
        requests.append(NeighborRequests.fdb(entry, type: NLMsg.newNeigh, flags: NLMsg.create | NLMsg.append,
                                             operation: "append fdb"))
    }
    /// Queues ``NetlinkHandle/replaceFDB(_:)``.
    public mutating func replaceFDB(_ entry: FDBEntry) {
        requests.append(NeighborRequests.fdb(entry, type: NLMsg.newNeigh, flags: NLMsg.create | NLMsg.replace,
                                             operation: "replace fdb"))
    }
    /// Queues ``NetlinkHandle/deleteFDB(_:)``.
    public mutating func deleteFDB(_ entry: FDBEntry) {
        requests.append(NeighborRequests.fdb(entry, type: NLMsg.delNeigh, flags: 0, operation: "delete fdb"))
    }

    /// Queues ``NetlinkHandle/addAddress(_:)``.
    public mutating func addAddress(_ address: InterfaceAddress) {
        requests.append(AddressRequests.change(address, operation: "add address",
                                               flags: NLMsg.create | NLMsg.exclusive))
    }
    /// Queues ``NetlinkHandle/replaceAddress(_:)``.
    public mutating func replaceAddress(_ address: InterfaceAddress) {
        requests.append(AddressRequests.change(address, operation: "replace address",
                                               flags: NLMsg.create | NLMsg.replace))
    }

    /// Queues ``NetlinkHandle/addRule(_:)``.
    public mutating func addRule(_ rule: Rule) {
        requests.append(RuleRequests.change(rule, type: NLMsg.newRule, flags: NLMsg.create | NLMsg.exclusive,
                                            operation: "add rule"))
    }
    /// Queues ``NetlinkHandle/deleteRule(_:)``.
    public mutating func deleteRule(_ rule: Rule) {
        requests.append(RuleRequests.change(rule, type: NLMsg.delRule, flags: 0, operation: "delete rule"))
    }

    /// Queues ``NetlinkHandle/setLinkUp(_:)``.
    public mutating func setLinkUp(_ name: String) { requests.append(LinkRequests.setFlags(name, up: true)) }
    /// Queues ``NetlinkHandle/setLinkDown(_:)``.
    public mutating func setLinkDown(_ name: String) { requests.append(LinkRequests.setFlags(name, up: false)) }
    /// Queues ``NetlinkHandle/deleteLink(named:)``.
    public mutating func deleteLink(named name: String) {
        requests.append(LinkRequests.modify(name, operation: "delete link", type: NLMsg.delLink) { _ in })
    }
}

/// The outcome of ``NetlinkHandle/perform(_:)``: one entry per queued request, in order.
public struct NetlinkBatchResult: Sendable {
    /// nil where the kernel acknowledged the request, its error otherwise.
    public let errors: [NetlinkError?]

    /// True when every request succeeded.
    public var succeeded: Bool { errors.allSatisfy { $0 == nil } }

    /// The failed requests' positions and errors.
    public var failures: [(index: Int, error: NetlinkError)] {
        errors.enumerated().compactMap { index, error in error.map { (index, $0) } }
    }

    /// Throws the first failure, if any.
    /// - Throws: ``NetlinkError``.
    public func check() throws {
        if let first = errors.first(where: { $0 != nil }), let error = first { throw error }
    }
}

extension NetlinkHandle {
    /// Sends every request of `batch` and reads every ACK; failures do not stop the remaining requests.
    ///
    /// Requests go out in datagrams of up to 256 KiB (1,024 requests), each answered before the next is sent, so
    /// `ip -batch`'s one-round-trip-per-line cost is paid once per datagram instead.
    /// - Returns: one result per request, in order.
    public func perform(_ batch: NetlinkBatch) -> NetlinkBatchResult {
        NetlinkBatchResult(errors: execute(batch.requests))
    }
}
