import Foundation
#if canImport(Glibc)
import Glibc
#endif
import KosmosAPI
import KosmosNet

/// `kosmos-bench planner`: a full NodeConfig plan at scale, Gateway mode 100 clusters x 100 nodes and P2P mode
/// 10 clusters x 100 nodes (IPv4, every cluster with a gateway node so service routes exist).
///
/// The baseline is the goal of issue 5 (one second per full plan), not another implementation: there is no Go
/// Kosmos on this machine to run. Memory is the process' peak resident set (VmHWM) during the first plan, against
/// the resident set with only the input built (so the ratio says how much planning adds on top of the input).
enum PlannerBench {
    static func run() throws {
        for (mode, clusters, nodes) in [("gateway", 100, 100), ("p2p", 10, 100)] {
            let (c, n) = topology(mode: mode, clusters: clusters, nodes: nodes)
            let name = "\(mode)-\(clusters)x\(nodes)"
            // The first plan is measured for memory (and warms up); then the best of three for time.
            releaseFreedMemory()
            BenchMemory.resetPeak()
            let before = BenchMemory.residentBytes()
            var configs = NodeConfigPlanner.plan(clusters: c, clusterNodes: n, existing: [])
            let peak = BenchMemory.peakBytes()
            let entries = configs.reduce(0) { total, config in
                let s = config.spec
                return total + s.devices.count + s.routes.count + s.iptables.count + s.fdbs.count + s.arps.count
            }
            configs = []
            let seconds = BenchData.time(repeat: 3) {
                configs = NodeConfigPlanner.plan(clusters: c, clusterNodes: n, existing: [])
                configs = []
            }
            FileHandle.standardError.write(Data(
                "planner \(name): \(n.count) nodes, \(entries) list entries per plan\n".utf8))
            BenchData.report("planner", "\(name)-plan-seconds", unit: "s", ours: seconds, baseline: 1.0)
            BenchData.report(
                "planner", "\(name)-peak-memory", unit: "MiB",
                ours: Double(peak) / 1_048_576, baseline: Double(before) / 1_048_576)
        }
    }

    /// Hands freed heap back to the kernel so the resident set measures live memory.
    static func releaseFreedMemory() {
        #if canImport(Glibc)
        // glibc's malloc_trim is not in the Glibc module; look it up (RTLD_DEFAULT is the null handle).
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(nil, "malloc_trim") { _ = unsafeBitCast(symbol, to: Trim.self)(0) }
        #endif
    }

    /// A synthetic host: cluster `c<i>` has pods `10.<i>.0.0/16` (P2P nodes own `10.<i>.<j>.0/24`), services
    /// `10.<100+i>.0.0/16`, node `j` at `100.<i>.<j>.1`, node 0 being the gateway.
    static func topology(mode: String, clusters: Int, nodes: Int) -> ([Cluster], [ClusterNode]) {
        var cs: [Cluster] = []
        var ns: [ClusterNode] = []
        for i in 0..<clusters {
            var c = Cluster(name: "c\(i)")
            var o = ClusterLinkOptions()
            o.networkType = NetworkType(rawValue: mode)
            o.ipFamily = .ipv4
            c.spec.clusterLinkOptions = o
            var s = ClusterLinkStatus()
            s.podCIDRs = ["10.\(i).0.0/16"]
            s.serviceCIDRs = ["10.\(100 + i).0.0/16"]
            c.status.clusterLinkStatus = s
            cs.append(c)
            for j in 0..<nodes {
                var n = ClusterNode(name: "c\(i)-n\(j)")
                var spec = ClusterNodeSpec()
                spec.clusterName = "c\(i)"
                spec.nodeName = "n\(j)"
                spec.ip = "100.\(i).\(j).1"
                spec.interfaceName = "eth0"
                if mode == "p2p" { spec.podCIDRs = ["10.\(i).\(j).0/24"] }
                if j == 0 { spec.roles = [.gateway] }
                n.spec = spec
                ns.append(n)
            }
        }
        return (cs, ns)
    }
}
