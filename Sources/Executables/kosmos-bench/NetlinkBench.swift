import Foundation
import KosmosAPI
import KosmosNet

/// `kosmos-bench netlink`: 10,000 routes + 10,000 ARP entries + 10,000 FDB entries installed in a fresh network
/// namespace with KosmosNet's batch API, against `ip -batch` / `bridge -batch` installing the same entries into
/// another fresh namespace in the same run; then a full dump of the 10,000 routes against `ip route show`.
///
/// Install figures are entries per second (ratio = speed-up, goal >= 2); the dump figure is milliseconds
/// (ratio = ours / baseline; goal: ours <= 50 ms). Needs root; namespaces are removed afterwards.
enum NetlinkBench {
    static let count = 10_000

    static func run() throws {
        guard getuid() == 0 else {
            NetBench.skip("netlink", "needs root to create network namespaces")
            return
        }
        let routes = (0..<count).map { i in
            Route(IPPrefix("10.\(100 + i / 256).\(i % 256).0/24")!, via: IPAddress("10.0.0.2")!, device: "v0",
                  table: 100)
        }
        let neighbors = (0..<count).map { i in
            Neighbor(IPAddress("10.0.\(1 + i / 250).\(1 + i % 250)")!, mac: mac(i, 0x10), device: "v0")
        }
        let fdb = (0..<count).map { i in
            FDBEntry(mac: mac(i, 0x20), device: "vx0", destination: IPAddress("10.0.\(1 + i / 250).\(1 + i % 250)")!)
        }

        try NetBench.withNamespaces("nb", 2) { namespaces in
            let ours = namespaces[0]
            let theirs = namespaces[1]
            let handle = try prepare(ours)
            _ = try prepare(theirs)

            // Ours: one batch per kind, every ACK read.
            let oursRoutes = try timed { try install(handle) { batch in routes.forEach { batch.addRoute($0) } } }
            let oursNeighbors = try timed {
                try install(handle) { batch in neighbors.forEach { batch.setNeighbor($0) } }
            }
            let oursFDB = try timed { try install(handle) { batch in fdb.forEach { batch.appendFDB($0) } } }

            // Baseline: the same entries through iproute2's batch mode.
            let routeLines = routes.map { "route add \($0.destination) via 10.0.0.2 dev v0 table 100" }
            let neighLines = neighbors.map { "neigh add \($0.address) lladdr \($0.mac!) dev v0 nud permanent" }
            let fdbLines = fdb.map { "fdb append \($0.mac) dev vx0 dst \($0.destination!) self permanent" }
            let baseRoutes = try timed { try NetBench.batch("ip", theirs, routeLines) }
            let baseNeighbors = try timed { try NetBench.batch("ip", theirs, neighLines) }
            let baseFDB = try timed { try NetBench.batch("bridge", theirs, fdbLines) }

            // Both sides really installed everything.
            let check = try NetlinkHandle(namespace: theirs)
            guard try handle.routes(table: 100).count == count, try check.routes(table: 100).count == count,
                  try handle.fdb(device: "vx0").count == count, try check.fdb(device: "vx0").count == count else {
                throw NetBench.Failure("netlink: an install did not produce \(count) entries")
            }

            let perSecond = { (seconds: Double) in Double(count) / seconds }
            NetBench.report("netlink", "install-10k-routes", unit: "routes/s",
                            ours: perSecond(oursRoutes), baseline: perSecond(baseRoutes))
            NetBench.report("netlink", "install-10k-arp", unit: "entries/s",
                            ours: perSecond(oursNeighbors), baseline: perSecond(baseNeighbors))
            NetBench.report("netlink", "install-10k-fdb", unit: "entries/s",
                            ours: perSecond(oursFDB), baseline: perSecond(baseFDB))
            NetBench.report("netlink", "install-30k-total", unit: "entries/s",
                            ours: Double(3 * count) / (oursRoutes + oursNeighbors + oursFDB),
                            baseline: Double(3 * count) / (baseRoutes + baseNeighbors + baseFDB))

            // Full dump of the 10,000 routes: best of 5, ours vs `ip route show table 100`.
            var dumped = 0
            let oursDump = try (0..<5).map { _ in try timed { dumped = try handle.routes(table: 100).count } }.min()!
            let baseDump = try (0..<5).map { _ in
                try timed {
                    _ = try NetBench.run(["/usr/sbin/ip", "-n", theirs.name!, "route", "show", "table", "100"])
                }
            }.min()!
            guard dumped == count else { throw NetBench.Failure("netlink: dump returned \(dumped) routes") }
            NetBench.report("netlink", "dump-10k-routes", unit: "ms", ours: oursDump * 1000, baseline: baseDump * 1000)
        }
    }

    /// Loopback up, a veth pair `v0`/`v1` with 10.0.0.1/16, and a VXLAN link `vx0` over it.
    static func prepare(_ namespace: NetworkNamespace) throws -> NetlinkHandle {
        let handle = try NetlinkHandle(namespace: namespace)
        try handle.setLinkUp("lo")
        try handle.addLink(.veth("v0", peer: "v1"))
        try handle.setLinkUp("v0")
        try handle.setLinkUp("v1")
        try handle.addAddress(InterfaceAddress("10.0.0.1/16", device: "v0")!)
        let underlay = try handle.link(named: "v0")
        try handle.addLink(.vxlan("vx0", VXLAN(vni: 54, port: 4876, local: IPAddress("10.0.0.1")!, learning: false),
                                  underlay: underlay))
        try handle.setLinkUp("vx0")
        return handle
    }

    static func install(_ handle: NetlinkHandle, _ fill: (inout NetlinkBatch) -> Void) throws {
        var batch = NetlinkBatch()
        batch.reserveCapacity(count)
        fill(&batch)
        try handle.perform(batch).check()
    }

    static func mac(_ i: Int, _ tag: UInt8) -> MACAddress {
        MACAddress(bytes: [0x02, tag, 0, UInt8(i >> 16 & 0xff), UInt8(i >> 8 & 0xff), UInt8(i & 0xff)])!
    }

    static func timed(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// Helpers shared by the netlink and tunnel scenarios.
enum NetBench {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// One JSON line: {"scenario","figure","unit","ours","baseline","ratio"} with ratio = ours / baseline.
    static func report(_ scenario: String, _ figure: String, unit: String, ours: Double, baseline: Double) {
        var object = JSONObject()
        object.append("scenario", .string(scenario))
        object.append("figure", .string(figure))
        object.append("unit", .string(unit))
        object.append("ours", .double((ours * 1000).rounded() / 1000))
        object.append("baseline", .double((baseline * 1000).rounded() / 1000))
        object.append("ratio", .double(baseline == 0 ? 0 : ((ours / baseline) * 1000).rounded() / 1000))
        print(JSONValue.object(object).serializedString(.compact))
    }

    static func skip(_ scenario: String, _ reason: String) {
        FileHandle.standardError.write(Data("\(scenario): skipped: \(reason)\n".utf8))
    }

    /// Fresh namespaces named `kb-<tag>-<random>-N`, always deleted afterwards.
    static func withNamespaces<T>(_ tag: String, _ count: Int, _ body: ([NetworkNamespace]) throws -> T) throws -> T {
        let prefix = "kb-\(tag)-\(UInt32.random(in: 0...0xffffff))-"
        var made: [NetworkNamespace] = []
        defer { for namespace in made { try? namespace.delete() } }
        for index in 0..<count { made.append(try NetworkNamespace.create(named: "\(prefix)\(index)")) }
        return try body(made)
    }

    /// Runs `tool -n NS -batch FILE` with the lines written to a temporary file.
    static func batch(_ tool: String, _ namespace: NetworkNamespace, _ lines: [String]) throws {
        let path = NSTemporaryDirectory() + "kosmos-bench-\(UUID().uuidString).batch"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try run(["/usr/sbin/\(tool)", "-n", namespace.name!, "-batch", path])
        guard output.status == 0 else { throw Failure("\(tool) -batch failed: \(output.stderr)") }
    }

    /// Runs a command to completion, capturing its output.
    @discardableResult
    static func run(_ command: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and stall the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self),
                String(decoding: stderr, as: UTF8.self))
    }
}
