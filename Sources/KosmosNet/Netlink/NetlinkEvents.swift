internal import CLibMnl

/// A change the kernel announced on a netlink multicast group.
public enum NetlinkEvent: Sendable, Hashable {
    /// A link appeared or changed (`RTM_NEWLINK`).
    case linkChanged(Link)
    /// A link was deleted (`RTM_DELLINK`).
    case linkRemoved(Link)
    /// An address was added (`RTM_NEWADDR`).
    case addressAdded(InterfaceAddress)
    /// An address was removed (`RTM_DELADDR`).
    case addressRemoved(InterfaceAddress)
    /// A route was added or replaced (`RTM_NEWROUTE`).
    case routeAdded(Route)
    /// A route was removed (`RTM_DELROUTE`).
    case routeRemoved(Route)
    /// An ARP/NDP entry appeared or changed (`RTM_NEWNEIGH`).
    case neighborChanged(Neighbor)
    /// An ARP/NDP entry was removed (`RTM_DELNEIGH`).
    case neighborRemoved(Neighbor)
    /// An FDB entry appeared or changed (`RTM_NEWNEIGH` for `AF_BRIDGE`).
    case fdbChanged(FDBEntry)
    /// An FDB entry was removed (`RTM_DELNEIGH` for `AF_BRIDGE`).
    case fdbRemoved(FDBEntry)
    /// A policy-routing rule was added (`RTM_NEWRULE`).
    case ruleAdded(Rule)
    /// A policy-routing rule was removed (`RTM_DELRULE`).
    case ruleRemoved(Rule)
    /// The kernel dropped events because they were not read fast enough (`ENOBUFS`): list again to resynchronise.
    case overrun
}

/// Which event groups to subscribe to.
public struct NetlinkEventKinds: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `RTNLGRP_LINK`.
    public static let links = NetlinkEventKinds(rawValue: 1)
    /// `RTNLGRP_IPV4_IFADDR`, `RTNLGRP_IPV6_IFADDR`.
    public static let addresses = NetlinkEventKinds(rawValue: 2)
    /// `RTNLGRP_IPV4_ROUTE`, `RTNLGRP_IPV6_ROUTE`.
    public static let routes = NetlinkEventKinds(rawValue: 4)
    /// `RTNLGRP_NEIGH` (ARP, NDP and FDB).
    public static let neighbors = NetlinkEventKinds(rawValue: 8)
    /// `RTNLGRP_IPV4_RULE`, `RTNLGRP_IPV6_RULE`.
    public static let rules = NetlinkEventKinds(rawValue: 16)
    /// Everything above.
    public static let all: NetlinkEventKinds = [.links, .addresses, .routes, .neighbors, .rules]

    var groups: [UInt32] {
        var groups: [UInt32] = []
        if contains(.links) { groups.append(RTNLGRP_LINK.rawValue) }
        if contains(.addresses) { groups += [RTNLGRP_IPV4_IFADDR.rawValue, RTNLGRP_IPV6_IFADDR.rawValue] }
        if contains(.routes) { groups += [RTNLGRP_IPV4_ROUTE.rawValue, RTNLGRP_IPV6_ROUTE.rawValue] }
        if contains(.neighbors) { groups.append(RTNLGRP_NEIGH.rawValue) }
        if contains(.rules) { groups += [RTNLGRP_IPV4_RULE.rawValue, RTNLGRP_IPV6_RULE.rawValue] }
        return groups
    }
}

/// Kernel change notifications as an `AsyncSequence`, so an agent can repair drift the moment it happens.
///
/// A dedicated thread reads a netlink socket joined to the chosen groups (opened in the handle's namespace) and
/// feeds the sequence; it stops when the consuming task ends or is cancelled. Events are buffered up to
/// `bufferLimit`; beyond that the oldest are dropped and an ``NetlinkEvent/overrun`` is delivered, as when the
/// kernel itself drops.
public struct NetlinkEvents: AsyncSequence, Sendable {
    public typealias Element = NetlinkEvent

    let stream: AsyncThrowingStream<NetlinkEvent, any Error>

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<NetlinkEvent, any Error>.AsyncIterator

        public mutating func next() async throws -> NetlinkEvent? { try await base.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: stream.makeAsyncIterator()) }
}

/// Shared stop flag between the consumer and the reader thread.
private final class StopFlag: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = Lock()
    private var stopped = false
    var isStopped: Bool { lock.withLock { stopped } }
    func stop() { lock.withLock { stopped = true } }
}

/// The reader thread's socket. Only the reader thread uses it after creation.
private final class EventSocket: @unchecked Sendable {
    let socket: NetlinkSocket
    init(_ socket: NetlinkSocket) { self.socket = socket }
}

extension NetlinkHandle {
    /// Subscribes to link, address, route, neighbour and rule changes in this handle's namespace.
    ///
    /// The corresponding command is `ip monitor link address route neigh rule`; the socket joins the
    /// `RTNLGRP_*` multicast groups of `kinds`. Subscribe before listing to avoid missing changes in between.
    /// - Parameters:
    ///   - kinds: which groups to join.
    ///   - bufferLimit: events held for a slow consumer before the oldest are dropped.
    /// - Returns: the event sequence; iterate it from one task.
    /// - Throws: ``NetlinkError`` when the socket cannot be opened.
    public func events(_ kinds: NetlinkEventKinds = .all, bufferLimit: Int = 65536) throws -> NetlinkEvents {
        let groups = kinds.groups
        let raw: NetlinkSocket
        if let namespace {
            raw = try namespace.run { try NetlinkSocket(groups: groups) }
        } else {
            raw = try NetlinkSocket(groups: groups)
        }
        raw.setReceiveTimeout(milliseconds: 200)
        let socket = EventSocket(raw)
        let stop = StopFlag()
        let initialMap = (try? linkIndexMap()) ?? LinkIndexMap([])
        let (stream, continuation) = AsyncThrowingStream<NetlinkEvent, any Error>.makeStream(
            bufferingPolicy: .bufferingNewest(bufferLimit))
        continuation.onTermination = { _ in stop.stop() }
        let handle = self
        Task.detached {
            // The blocking reader gets a thread of its own rather than a cooperative one.
            _ = try? await DedicatedThread.run {
                var names = initialMap
                while !stop.isStopped {
                    let datagram: UnsafeRawBufferPointer?
                    do {
                        datagram = try socket.socket.receive(operation: "read events")
                    } catch let error as NetlinkError where error.errno == .enobufs {
                        continuation.yield(.overrun)
                        continue
                    } catch {
                        continuation.finish(throwing: error)
                        return
                    }
                    guard let datagram else { continue }
                    NetlinkMessage.forEach(in: datagram) { message in
                        if let event = NetlinkEventParser.parse(message, names: &names, handle: handle) {
                            if case .dropped = continuation.yield(event) { continuation.yield(.overrun) }
                        }
                        return true
                    }
                }
                continuation.finish()
            }
        }
        return NetlinkEvents(stream: stream)
    }
}

enum NetlinkEventParser {
    static func parse(_ message: NetlinkMessage, names: inout LinkIndexMap, handle: NetlinkHandle) -> NetlinkEvent? {
        switch message.type {
        case NLMsg.newLink, NLMsg.delLink:
            guard let link = LinkParser.parse(message) else { return nil }
            names.set(link.index, link.name)
            return message.type == NLMsg.newLink ? .linkChanged(link) : .linkRemoved(link)
        case NLMsg.newAddr, NLMsg.delAddr:
            resolve(message, ifindexOffset: 4, names: &names, handle: handle)
            guard let address = AddressRequests.parse(message, map: names) else { return nil }
            return message.type == NLMsg.newAddr ? .addressAdded(address) : .addressRemoved(address)
        case NLMsg.newRoute, NLMsg.delRoute:
            guard let route = RouteRequests.parse(message, map: names, table: nil) else { return nil }
            return message.type == NLMsg.newRoute ? .routeAdded(route) : .routeRemoved(route)
        case NLMsg.newNeigh, NLMsg.delNeigh:
            resolve(message, ifindexOffset: 4, names: &names, handle: handle)
            if let entry = NeighborRequests.parseFDB(message, name: { names.name($0) }) {
                return message.type == NLMsg.newNeigh ? .fdbChanged(entry) : .fdbRemoved(entry)
            }
            guard let neighbor = NeighborRequests.parseNeighbor(message, map: names) else { return nil }
            return message.type == NLMsg.newNeigh ? .neighborChanged(neighbor) : .neighborRemoved(neighbor)
        case NLMsg.newRule, NLMsg.delRule:
            guard let rule = RuleRequests.parse(message) else { return nil }
            return message.type == NLMsg.newRule ? .ruleAdded(rule) : .ruleRemoved(rule)
        default:
            return nil
        }
    }

    /// Learns the name of a link first seen in an address or neighbour event (both keep the index at offset 4).
    private static func resolve(_ message: NetlinkMessage, ifindexOffset: Int, names: inout LinkIndexMap,
                                handle: NetlinkHandle) {
        guard message.payload.count >= ifindexOffset + 4 else { return }
        let index = message.payload.loadUnaligned(fromByteOffset: ifindexOffset, as: Int32.self)
        guard index != 0, !names.knows(index), let link = try? handle.link(index: index) else { return }
        names.set(index, link.name)
    }
}
