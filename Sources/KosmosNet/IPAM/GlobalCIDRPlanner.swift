/// Checks the `globalCIDRsMap`s of a set of clusters and assigns global CIDRs to clusters whose ranges clash.
///
/// Every check and plan is deterministic: clusters are taken in name order, ranges in the order given, and
/// global CIDRs are the lowest free blocks of the pools, searched in order.
public struct GlobalCIDRPlanner: Sendable, Hashable {
    /// Where new global CIDRs come from, in search order; one family may have several pools.
    public var pools: [IPPrefix]

    /// `242.0.0.0/8` (reserved class E space, never routed on the internet, the range Submariner's Globalnet
    /// also uses) and the unique-local range `fd42::/16`, wide enough for IPv6 pod CIDRs of any usual size.
    public static let defaultPools: [IPPrefix] = [IPPrefix("242.0.0.0/8")!, IPPrefix("fd42::/16")!]

    /// Creates a planner drawing from `pools`.
    public init(pools: [IPPrefix] = GlobalCIDRPlanner.defaultPools) {
        self.pools = pools
    }

    // MARK: - Conflicts

    /// Every pair of ranges from different clusters that share addresses, as other clusters see them
    /// (global CIDRs in place of the real CIDRs they map).
    /// - Parameter clusters: the clusters, in any order.
    /// - Returns: the conflicts, sorted by cluster names, then ranges.
    public func conflicts(_ clusters: [ClusterCIDRs]) -> [CIDRConflict] {
        let sorted = clusters.sorted { $0.cluster < $1.cluster }
        let ranges = sorted.map { c in
            c.visibleRanges.map { CIDRConflict.Side(cluster: c.cluster, kind: $0.kind, cidr: $0.cidr) }
        }
        var out: [CIDRConflict] = []
        for i in sorted.indices {
            for j in sorted.indices where j > i {
                for a in ranges[i] {
                    for b in ranges[j] {
                        if let overlap = a.cidr.intersection(b.cidr) {
                            out.append(CIDRConflict(first: a, second: b, overlap: overlap))
                        }
                    }
                }
            }
        }
        return out
    }

    // MARK: - Validation

    /// Checks every cluster's `globalCIDRsMap` against all clusters' ranges: each real CIDR must lie inside one
    /// of its cluster's pod or service CIDRs; each global CIDR must be disjoint from every real CIDR of every
    /// cluster (those must stay reachable) and from every other cluster's global CIDRs; and after mapping, no
    /// two clusters may still share addresses.
    /// (Sizes, families and overlaps inside one map are already checked when a `GlobalCIDRMap` is built.)
    /// - Parameter clusters: the clusters, in any order.
    /// - Returns: the problems found, in cluster name order; empty when all maps are sound.
    public func validate(_ clusters: [ClusterCIDRs]) -> [GlobalCIDRProblem] {
        let sorted = clusters.sorted { $0.cluster < $1.cluster }
        var problems: [GlobalCIDRProblem] = []
        for c in sorted {
            for e in c.globalCIDRs.entries {
                if !c.realRanges.contains(where: { $0.cidr.contains(e.real) }) {
                    problems.append(GlobalCIDRProblem(
                        cluster: c.cluster,
                        reason: "globalCIDRsMap maps \(e.real), which is inside none of its pod or service CIDRs"))
                }
                for other in sorted {
                    for (kind, real) in other.realRanges where real.overlaps(e.global) {
                        let whose = other.cluster == c.cluster ? "its own" : "cluster \"\(other.cluster)\"'s"
                        problems.append(GlobalCIDRProblem(
                            cluster: c.cluster,
                            reason: "global CIDR \(e.global) (for \(e.real)) overlaps \(whose) \(kind.rawValue) "
                                + "CIDR \(real), which must stay reachable"))
                    }
                    guard other.cluster > c.cluster else { continue }
                    for f in other.globalCIDRs.entries where f.global.overlaps(e.global) {
                        problems.append(GlobalCIDRProblem(
                            cluster: c.cluster,
                            reason: "global CIDR \(e.global) (for \(e.real)) overlaps cluster "
                                + "\"\(other.cluster)\"'s global CIDR \(f.global) (for \(f.real))"))
                    }
                }
            }
        }
        for conflict in conflicts(sorted) where conflict.first.kind != .global && conflict.second.kind != .global {
            problems.append(GlobalCIDRProblem(
                cluster: conflict.second.cluster,
                reason: "\(conflict) and neither is mapped to a global CIDR"))
        }
        return problems
    }

    // MARK: - Planning

    /// Assigns global CIDRs so that no two clusters share addresses any more.
    ///
    /// Clusters are taken in name order. Existing map entries are kept when they break no rule (so a plan is
    /// stable across runs). A real range that clashes with a range an earlier cluster already shows gets a
    /// global CIDR of the same size: the lowest block of a pool of its family that overlaps no real CIDR of
    /// any cluster and no range shown so far.
    /// - Parameter clusters: the clusters, in any order.
    /// - Returns: the new maps, what was assigned and why, and the problems that could not be solved.
    public func plan(_ clusters: [ClusterCIDRs]) -> GlobalCIDRPlan {
        let sorted = clusters.sorted { $0.cluster < $1.cluster }
        let allReal = sorted.flatMap { $0.realRanges.map(\.cidr) }
        var shown: [CIDRConflict.Side] = []        // ranges other clusters route to, decided so far
        var taken: [IPPrefix] = allReal             // blocks a new global CIDR must avoid
        var maps: [String: GlobalCIDRMap] = [:]
        var assignments: [GlobalCIDRPlan.Assignment] = []
        var problems: [GlobalCIDRProblem] = []

        // Existing entries that stay; they are reserved before any new block is picked.
        var kept: [String: [GlobalCIDRMap.Entry]] = [:]
        for c in sorted {
            for e in c.globalCIDRs.entries {
                let inside = c.realRanges.contains { $0.cidr.contains(e.real) }
                let clashesReal = allReal.contains { $0.overlaps(e.global) }
                let clashesKept = kept.values.joined().contains { $0.global.overlaps(e.global) }
                if inside && !clashesReal && !clashesKept {
                    kept[c.cluster, default: []].append(e)
                    taken.append(e.global)
                } else {
                    problems.append(GlobalCIDRProblem(
                        cluster: c.cluster,
                        reason: "dropped globalCIDRsMap entry \(e): "
                            + (!inside ? "\(e.real) is inside none of its pod or service CIDRs"
                               : clashesReal ? "\(e.global) overlaps a real CIDR"
                               : "\(e.global) is already used by another cluster")))
                }
            }
        }

        for c in sorted {
            var entries = kept[c.cluster] ?? []
            let mappedReals = entries.map(\.real)
            for (kind, real) in c.realRanges {
                if entries.contains(where: { $0.real == real }) { continue }
                let visible = real.subtracting(mappedReals)
                let clash = shown.first { s in s.cluster != c.cluster && visible.contains { $0.overlaps(s.cidr) } }
                guard let clash else {
                    for piece in visible { shown.append(.init(cluster: c.cluster, kind: kind, cidr: piece)) }
                    continue
                }
                let conflict = CIDRConflict(
                    first: clash, second: .init(cluster: c.cluster, kind: kind, cidr: real),
                    overlap: real.intersection(clash.cidr) ?? clash.cidr)
                if visible != [real] {
                    problems.append(GlobalCIDRProblem(
                        cluster: c.cluster,
                        reason: "\(conflict); \(real) is partly mapped already, so it cannot be mapped as a whole"))
                    continue
                }
                guard let global = freeBlock(length: real.length, family: real.family, avoiding: taken) else {
                    problems.append(GlobalCIDRProblem(
                        cluster: c.cluster,
                        reason: "\(conflict); no free /\(real.length) left in the \(real.family) global CIDR pools "
                            + pools.filter { $0.family == real.family }.map(\.description).joined(separator: ", ")))
                    continue
                }
                let entry = GlobalCIDRMap.Entry(real: real, global: global)
                entries.append(entry)
                taken.append(global)
                assignments.append(.init(cluster: c.cluster, entry: entry, conflict: conflict))
            }
            for e in entries { shown.append(.init(cluster: c.cluster, kind: .global, cidr: e.global)) }
            // Entries were checked one by one against everything taken, so the map is valid.
            maps[c.cluster] = (try? GlobalCIDRMap(entries)) ?? GlobalCIDRMap()
        }
        return GlobalCIDRPlan(maps: maps, assignments: assignments, problems: problems)
    }

    /// The lowest block of `length` bits in a pool of `family` that overlaps nothing in `taken`.
    private func freeBlock(length: Int, family: IPFamily, avoiding taken: [IPPrefix]) -> IPPrefix? {
        let usable = pools.filter { $0.family == family && $0.length <= length }
        guard !usable.isEmpty,
              var allocator = try? SubnetAllocator(pools: usable, subnetLength: length, used: taken)
        else { return nil }
        return try? allocator.allocate()
    }
}

/// The outcome of `GlobalCIDRPlanner.plan(_:)`.
public struct GlobalCIDRPlan: Sendable, Hashable {
    /// A global CIDR given to a real range, and the clash that made it necessary.
    public struct Assignment: Sendable, Hashable, CustomStringConvertible {
        /// The cluster that owns the real range.
        public let cluster: String
        /// The new mapping.
        public let entry: GlobalCIDRMap.Entry
        /// The clash the mapping resolves.
        public let conflict: CIDRConflict

        public var description: String {
            "cluster \"\(cluster)\": mapped \(entry.real) to global CIDR \(entry.global) because \(conflict)"
        }
    }

    /// The `globalCIDRsMap` of every cluster (empty for clusters that need none).
    public let maps: [String: GlobalCIDRMap]
    /// New mappings, in cluster name order.
    public let assignments: [Assignment]
    /// Entries dropped and clashes left unsolved, in words.
    public let problems: [GlobalCIDRProblem]
}
