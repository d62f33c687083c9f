/// One rule of an owned NAT/filter ruleset. IPv4 and IPv6 rules live side by side; a rule's family is its
/// prefixes' family.
///
/// Each case says which chain it lands in and what `nft` rule it becomes:
///
/// | case | chain (hook) | nft |
/// |---|---|---|
/// | `masquerade` | postrouting | `[oifname O] ip saddr S masquerade` |
/// | `snat` | postrouting | `[oifname O] ip saddr S snat ip to A` |
/// | `dnat` | prerouting | `[iifname I] ip daddr D dnat ip to A` |
/// | `mapSource` | postrouting | `[oifname O] ip saddr F snat ip prefix to ip saddr map { F : T }` |
/// | `mapDestination` | prerouting | `[iifname I] ip daddr F dnat ip prefix to ip daddr map { F : T }` |
/// | `accept` | forward | `[iifname I] [oifname O] [ip saddr S] [ip daddr D] accept` |
///
/// `mapSource` / `mapDestination` are iptables' NETMAP: a 1:1 prefix translation that keeps host bits
/// (10.1.0.7 in 10.1.0.0/16 -> 10.100.0.7 in 10.100.0.0/16).
public enum NATRule: Sendable, Hashable, CustomStringConvertible {
    /// Rewrite the source of packets from `source` leaving by `outputInterface` to the outgoing link's address.
    case masquerade(source: IPPrefix, outputInterface: String? = nil)
    /// Rewrite the source of packets from `source` leaving by `outputInterface` to `to`.
    case snat(source: IPPrefix, to: IPAddress, outputInterface: String? = nil)
    /// Rewrite the destination of packets for `destination` arriving on `inputInterface` to `to`.
    case dnat(destination: IPPrefix, to: IPAddress, inputInterface: String? = nil)
    /// Translate source addresses in `from` to the same host bits in `to` (same length), leaving by
    /// `outputInterface`.
    case mapSource(from: IPPrefix, to: IPPrefix, outputInterface: String? = nil)
    /// Translate destination addresses in `from` to the same host bits in `to` (same length), arriving on
    /// `inputInterface`.
    case mapDestination(from: IPPrefix, to: IPPrefix, inputInterface: String? = nil)
    /// Accept forwarded packets matching every given selector (nil selectors match everything).
    case accept(source: IPPrefix? = nil, destination: IPPrefix? = nil, inputInterface: String? = nil,
                outputInterface: String? = nil)

    /// The chain the rule belongs to.
    public var chain: NATChain {
        switch self {
        case .masquerade, .snat, .mapSource: return .postrouting
        case .dnat, .mapDestination: return .prerouting
        case .accept: return .forward
        }
    }

    /// The family of the rule's addresses; nil for an `accept` without prefixes (both families).
    public var family: IPFamily? {
        switch self {
        case .masquerade(let source, _): return source.family
        case .snat(let source, _, _): return source.family
        case .dnat(let destination, _, _): return destination.family
        case .mapSource(let from, _, _): return from.family
        case .mapDestination(let from, _, _): return from.family
        case .accept(let source, let destination, _, _): return source?.family ?? destination?.family
        }
    }

    /// Checks families and lengths agree.
    func validate() throws {
        func fail(_ why: String) -> NATError { NATError(operation: "validate rule", object: description, detail: why) }
        switch self {
        case .snat(let source, let to, _):
            if source.family != to.family { throw fail("address families differ") }
        case .dnat(let destination, let to, _):
            if destination.family != to.family { throw fail("address families differ") }
        case .mapSource(let from, let to, _), .mapDestination(let from, let to, _):
            if from.family != to.family { throw fail("address families differ") }
            if from.length != to.length { throw fail("a 1:1 mapping needs prefixes of the same length") }
        case .accept(let source?, let destination?, _, _):
            if source.family != destination.family { throw fail("address families differ") }
        default:
            break
        }
        for name in interfaces where name.isEmpty || name.contains("\"") || name.utf8.count > 15 {
            throw fail("bad interface name '\(name)'")
        }
    }

    private var interfaces: [String] {
        switch self {
        case .masquerade(_, let o), .snat(_, _, let o), .mapSource(_, _, let o): return o.map { [$0] } ?? []
        case .dnat(_, _, let i), .mapDestination(_, _, let i): return i.map { [$0] } ?? []
        case .accept(_, _, let i, let o): return [i, o].compactMap { $0 }
        }
    }

    /// The rule in nft syntax, as written into the owned table.
    var nft: String {
        func ip(_ family: IPFamily) -> String { family == .ipv4 ? "ip" : "ip6" }
        func iif(_ name: String?) -> String { name.map { "iifname \"\($0)\" " } ?? "" }
        func oif(_ name: String?) -> String { name.map { "oifname \"\($0)\" " } ?? "" }
        switch self {
        case .masquerade(let source, let o):
            return "\(oif(o))\(ip(source.family)) saddr \(source) masquerade"
        case .snat(let source, let to, let o):
            return "\(oif(o))\(ip(source.family)) saddr \(source) snat \(ip(to.family)) to \(to)"
        case .dnat(let destination, let to, let i):
            return "\(iif(i))\(ip(destination.family)) daddr \(destination) dnat \(ip(to.family)) to \(to)"
        case .mapSource(let from, let to, let o):
            let f = ip(from.family)
            return "\(oif(o))\(f) saddr \(from) snat \(f) prefix to \(f) saddr map { \(from) : \(to) }"
        case .mapDestination(let from, let to, let i):
            let f = ip(from.family)
            return "\(iif(i))\(f) daddr \(from) dnat \(f) prefix to \(f) daddr map { \(from) : \(to) }"
        case .accept(let source, let destination, let i, let o):
            var text = iif(i) + oif(o)
            if let source { text += "\(ip(source.family)) saddr \(source) " }
            if let destination { text += "\(ip(destination.family)) daddr \(destination) " }
            return text + "accept"
        }
    }

    public var description: String { "\(chain): \(nft)" }
}

/// The chains of an owned table, each a base chain at its hook.
public enum NATChain: String, Sendable, Hashable, CaseIterable {
    /// `type nat hook prerouting priority dstnat` (DNAT, destination mappings).
    case prerouting
    /// `type nat hook postrouting priority srcnat` (SNAT, MASQUERADE, source mappings).
    case postrouting
    /// `type filter hook forward priority filter` (accept rules).
    case forward

    /// The chain's name inside the table (plain words like `forward` are nft keywords).
    var nftName: String {
        switch self {
        case .prerouting: return "nat_prerouting"
        case .postrouting: return "nat_postrouting"
        case .forward: return "filter_forward"
        }
    }

    var declaration: String {
        switch self {
        case .prerouting: return "type nat hook prerouting priority dstnat; policy accept;"
        case .postrouting: return "type nat hook postrouting priority srcnat; policy accept;"
        case .forward: return "type filter hook forward priority filter; policy accept;"
        }
    }
}

/// A failure applying or reading an owned ruleset; the description names the table, the operation and what `nft`
/// said.
public struct NATError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was being done: "apply ruleset", "read ruleset".
    public let operation: String
    /// The table or rule concerned.
    public let object: String
    /// Why it failed (for `nft` failures, its error output).
    public let detail: String

    public init(operation: String, object: String, detail: String) {
        self.operation = operation
        self.object = object
        self.detail = detail
    }

    public var description: String { "\(operation) \(object): \(detail)" }
}
