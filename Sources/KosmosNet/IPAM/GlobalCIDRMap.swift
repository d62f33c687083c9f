/// One cluster's `globalCIDRsMap`: real CIDRs (pod or service ranges that clash with another cluster's) mapped
/// one to one onto global CIDRs of the same size that other clusters use to reach them.
///
/// A valid map has, per entry, one family and one length on both sides, and no two real or two global CIDRs
/// overlapping, so translation is a bijection: the network bits change, the host bits are kept
/// (`10.233.64.5` under `10.233.64.0/18 -> 10.100.64.0/18` is `10.100.64.5`, and back).
public struct GlobalCIDRMap: Sendable, Hashable, Sequence {
    /// One mapping: `real` is reached from other clusters as `global`.
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        /// The CIDR as the cluster itself uses it.
        public let real: IPPrefix
        /// The CIDR other clusters see.
        public let global: IPPrefix

        /// Pairs `real` with `global`; see `GlobalCIDRMap.init(_:)` for the rules.
        public init(real: IPPrefix, global: IPPrefix) {
            self.real = real
            self.global = global
        }

        public var description: String { "\(real) -> \(global)" }
    }

    /// The entries, sorted by real CIDR.
    public let entries: [Entry]

    /// The empty map: every address translates to itself.
    public init() { entries = [] }

    /// Validates and builds a map.
    /// - Parameter entries: the mappings, in any order.
    /// - Throws: `GlobalCIDRError` naming the first broken rule: families or sizes that differ within an
    ///   entry, two real CIDRs that overlap, or two global CIDRs that overlap.
    public init(_ entries: some Sequence<Entry>) throws(GlobalCIDRError) {
        let sorted = entries.sorted { $0.real < $1.real }
        for e in sorted {
            if e.real.family != e.global.family {
                throw GlobalCIDRError(
                    "global CIDR \(e.global) is \(e.global.family) but real CIDR \(e.real) is \(e.real.family)")
            }
            if e.real.length != e.global.length {
                throw GlobalCIDRError(
                    "global CIDR \(e.global) is not the same size as real CIDR \(e.real) "
                        + "(/\(e.global.length) vs /\(e.real.length))")
            }
        }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.real.overlaps(b.real) {
            throw GlobalCIDRError("real CIDRs \(a.real) and \(b.real) overlap, so their addresses cannot be told apart")
        }
        let byGlobal = sorted.sorted { $0.global < $1.global }
        for (a, b) in zip(byGlobal, byGlobal.dropFirst()) where a.global.overlaps(b.global) {
            throw GlobalCIDRError("global CIDRs \(a.global) (for \(a.real)) and \(b.global) (for \(b.real)) overlap")
        }
        self.entries = sorted
    }

    /// Parses and validates a map in Kosmos' form, `{"<real CIDR>": "<global CIDR>"}` (as in
    /// `Cluster.spec.clusterLinkOptions.globalCIDRsMap`). CIDRs are read leniently (host bits cleared).
    /// - Throws: `GlobalCIDRError` for text that is not a CIDR or a broken rule (see `init(_:)`).
    public init(kosmos map: [String: String]) throws(GlobalCIDRError) {
        var entries: [Entry] = []
        for (real, global) in map {
            do {
                entries.append(Entry(real: try IPPrefix(normalizing: real), global: try IPPrefix(normalizing: global)))
            } catch {
                throw GlobalCIDRError("entry \"\(real)\": \"\(global)\": \(error)")
            }
        }
        try self.init(entries)
    }

    /// The map in Kosmos' form, canonical text on both sides.
    public var kosmosMap: [String: String] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.real.description, $0.global.description) })
    }

    /// Whether the map has no entries.
    public var isEmpty: Bool { entries.isEmpty }

    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }

    // MARK: - Translation

    /// The global address of `address`: translated when it lies in a real CIDR, else unchanged.
    public func toGlobal(_ address: IPAddress) -> IPAddress {
        for e in entries where e.real.contains(address) { return e.real.translate(address, to: e.global)! }
        return address
    }

    /// The real address of `address`: translated back when it lies in a global CIDR, else unchanged.
    public func toReal(_ address: IPAddress) -> IPAddress {
        for e in entries where e.global.contains(address) { return e.global.translate(address, to: e.real)! }
        return address
    }

    /// The global form of `prefix`: translated when it lies inside a real CIDR, else unchanged
    /// (a node's `/24` pod CIDR inside a mapped `/16` maps to the matching `/24` of the global CIDR).
    public func toGlobal(_ prefix: IPPrefix) -> IPPrefix {
        for e in entries where e.real.contains(prefix) {
            return IPPrefix(containing: e.real.translate(prefix.address, to: e.global)!, length: prefix.length)!
        }
        return prefix
    }

    /// The real form of `prefix`: translated back when it lies inside a global CIDR, else unchanged.
    public func toReal(_ prefix: IPPrefix) -> IPPrefix {
        for e in entries where e.global.contains(prefix) {
            return IPPrefix(containing: e.global.translate(prefix.address, to: e.real)!, length: prefix.length)!
        }
        return prefix
    }

    // MARK: - Kosmos text rules

    /// Kosmos' `ConvertToGlobalCIDRs`: each CIDR text replaced by `map[text]` when that exact key exists,
    /// order kept. The match is textual: `10.233.64.1/18` does not match a key `10.233.64.0/18`.
    public static func kosmosConvert(_ cidrs: [String], using map: [String: String]) -> [String] {
        map.isEmpty ? cidrs : cidrs.map { map[$0] ?? $0 }
    }

    /// Kosmos' floater `NetMap`: the address translated by the first entry whose source CIDR contains it.
    /// Text that is not an address comes back unchanged; an address no entry holds comes back canonical.
    /// - Throws: `GlobalCIDRError` when the matching entry's two CIDRs differ in length or do not parse.
    public static func kosmosNetMap(_ address: String, using map: [String: String]) throws(GlobalCIDRError) -> String {
        guard let ip = IPAddress(address) else { return address }
        for (src, dst) in map.sorted(by: { $0.key < $1.key }) {
            guard let s = IPPrefix.lenient(src), let d = IPPrefix.lenient(dst) else {
                throw GlobalCIDRError("entry \"\(src)\": \"\(dst)\" is not a pair of CIDRs")
            }
            guard s.family == ip.family, d.family == ip.family, s.contains(ip) else { continue }
            guard s.length == d.length else {
                throw GlobalCIDRError("the subnet masks of \(src) and \(dst) need to be the same")
            }
            return d.address(withHostBitsOf: ip)!.description
        }
        return ip.description
    }
}

/// A `globalCIDRsMap` that breaks a rule; the description says which CIDRs and why.
public struct GlobalCIDRError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the CIDRs involved.
    public let reason: String

    init(_ reason: String) { self.reason = reason }

    public var description: String { "invalid globalCIDRsMap: \(reason)" }
}
