import Foundation
import KosmosAPI
import KosmosNet

/// `kosmos-bench tunnel`: TCP throughput (iperf3, 5 s) through a KosmosNet-built VXLAN tunnel between two network
/// namespaces, against the plain veth path underneath it, in the same run (ratio = tunnel / veth, goal >= 0.90).
/// Also reports the MTU the library chose for the tunnel (underlay MTU - 50 on IPv4, - 70 on IPv6) and checks that
/// no IP fragments were created while the tunnel carried traffic. Needs root and iperf3.
enum TunnelBench {
    static let seconds = 5

    static func run() throws {
        guard getuid() == 0 else {
            NetBench.skip("tunnel", "needs root to create network namespaces")
            return
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/iperf3") else {
            NetBench.skip("tunnel", "iperf3 is not installed")
            return
        }
        try NetBench.withNamespaces("tb", 2) { namespaces in
            let a = namespaces[0]
            let b = namespaces[1]
            let handleA = try NetlinkHandle(namespace: a)
            let handleB = try NetlinkHandle(namespace: b)
            try handleA.addLink(.veth("ul0", peer: "ul0", peerNamespace: b))
            let macA = MACAddress("0a:00:00:00:00:01")!
            let macB = MACAddress("0a:00:00:00:00:02")!
            try build(handleA, underlay: "192.168.90.1", underlay6: "fd90::1", tunnel: "220.0.0.1", tunnel6: "fd21::1",
                      pod: "10.1.0.1", mac: macA, mac6: MACAddress("0a:00:00:00:06:01")!,
                      peerUnderlay: "192.168.90.2", peerUnderlay6: "fd90::2", peerTunnel: "220.0.0.2",
                      peerTunnel6: "fd21::2", peerPodPrefix: "10.2.0.0/24", peerPodPrefix6: "fd02::/64",
                      pod6: "fd01::1", peerMAC: macB, peerMAC6: MACAddress("0a:00:00:00:06:02")!)
            try build(handleB, underlay: "192.168.90.2", underlay6: "fd90::2", tunnel: "220.0.0.2", tunnel6: "fd21::2",
                      pod: "10.2.0.1", mac: macB, mac6: MACAddress("0a:00:00:00:06:02")!,
                      peerUnderlay: "192.168.90.1", peerUnderlay6: "fd90::1", peerTunnel: "220.0.0.1",
                      peerTunnel6: "fd21::1", peerPodPrefix: "10.1.0.0/24", peerPodPrefix6: "fd01::/64",
                      pod6: "fd02::1", peerMAC: macA, peerMAC6: MACAddress("0a:00:00:00:06:01")!)

            let underlayMTU = try handleA.link(named: "ul0").mtu ?? 1500
            let mtu4 = try handleA.link(named: "vx-bridge").mtu ?? 0
            let mtu6 = try handleA.link(named: "vx-bridge-6").mtu ?? 0
            NetBench.report("tunnel", "vxlan-mtu-ipv4-underlay", unit: "bytes", ours: Double(mtu4),
                            baseline: Double(underlayMTU - 50))
            NetBench.report("tunnel", "vxlan-mtu-ipv6-underlay", unit: "bytes", ours: Double(mtu6),
                            baseline: Double(underlayMTU - 70))

            // Three interleaved rounds, median of each path, so a busy moment on the machine hits all three.
            var plains: [Double] = []
            var tunnels: [Double] = []
            var tunnels6: [Double] = []
            let fragmentsBefore = try fragmentsCreated(a) + fragmentsCreated(b)
            for _ in 0..<3 {
                plains.append(try iperf(client: a, server: b, target: "192.168.90.2", bind: "192.168.90.2"))
                tunnels.append(try iperf(client: a, server: b, target: "10.2.0.1", bind: "10.2.0.1"))
                tunnels6.append(try iperf(client: a, server: b, target: "fd02::1", bind: "fd02::1"))
            }
            let fragments = try fragmentsCreated(a) + fragmentsCreated(b) - fragmentsBefore
            let plain = plains.sorted()[1]
            let tunnel = tunnels.sorted()[1]
            let tunnel6 = tunnels6.sorted()[1]
            NetBench.report("tunnel", "tcp-throughput-vxlan-ipv4", unit: "Gbit/s", ours: tunnel / 1e9,
                            baseline: plain / 1e9)
            NetBench.report("tunnel", "tcp-throughput-vxlan-ipv6", unit: "Gbit/s", ours: tunnel6 / 1e9,
                            baseline: plain / 1e9)
            NetBench.report("tunnel", "ip-fragments-created", unit: "packets", ours: Double(fragments), baseline: 0)
        }
    }

    // swiftlint:disable:next function_parameter_count
    static func build(_ h: NetlinkHandle, underlay: String, underlay6: String, tunnel: String, tunnel6: String,
                      pod: String, mac: MACAddress, mac6: MACAddress, peerUnderlay: String, peerUnderlay6: String,
                      peerTunnel: String, peerTunnel6: String, peerPodPrefix: String, peerPodPrefix6: String,
                      pod6: String, peerMAC: MACAddress, peerMAC6: MACAddress) throws {
        try h.setLinkUp("lo")
        try h.setLinkUp("ul0")
        try h.addAddress(InterfaceAddress(underlay + "/24", device: "ul0")!)
        try h.addAddress(InterfaceAddress(underlay6 + "/64", device: "ul0", skipsDuplicateAddressDetection: true)!)
        let ul = try h.link(named: "ul0")
        try h.addLink(.vxlan("vx-bridge", VXLAN(vni: 54, port: 4876, local: IPAddress(underlay)!, learning: false),
                             underlay: ul, mac: mac))
        try h.addLink(.vxlan("vx-bridge-6", VXLAN(vni: 64, port: 4866, local: IPAddress(underlay6)!, learning: false),
                             underlay: ul, mac: mac6))
        try h.addLink(.bridge("pod0"))
        for name in ["vx-bridge", "vx-bridge-6", "pod0"] { try h.setLinkUp(name) }
        try h.addAddress(InterfaceAddress(tunnel + "/8", device: "vx-bridge")!)
        try h.addAddress(InterfaceAddress(tunnel6 + "/64", device: "vx-bridge-6",
                                          skipsDuplicateAddressDetection: true)!)
        try h.addAddress(InterfaceAddress(pod + "/24", device: "pod0")!)
        try h.addAddress(InterfaceAddress(pod6 + "/64", device: "pod0", skipsDuplicateAddressDetection: true)!)
        var batch = NetlinkBatch()
        batch.appendFDB(FDBEntry(mac: .zero, device: "vx-bridge", destination: IPAddress(peerUnderlay)!))
        batch.appendFDB(FDBEntry(mac: peerMAC, device: "vx-bridge", destination: IPAddress(peerUnderlay)!))
        batch.appendFDB(FDBEntry(mac: .zero, device: "vx-bridge-6", destination: IPAddress(peerUnderlay6)!))
        batch.appendFDB(FDBEntry(mac: peerMAC6, device: "vx-bridge-6", destination: IPAddress(peerUnderlay6)!))
        batch.setNeighbor(Neighbor(IPAddress(peerTunnel)!, mac: peerMAC, device: "vx-bridge"))
        batch.setNeighbor(Neighbor(IPAddress(peerTunnel6)!, mac: peerMAC6, device: "vx-bridge-6"))
        batch.replaceRoute(Route(IPPrefix(peerPodPrefix)!, via: IPAddress(peerTunnel)!, device: "vx-bridge",
                                 table: 200, onLink: true))
        batch.replaceRoute(Route(IPPrefix(peerPodPrefix6)!, via: IPAddress(peerTunnel6)!, device: "vx-bridge-6",
                                 table: 200, onLink: true))
        batch.addRule(Rule(family: .ipv4, priority: 200, table: 200))
        batch.addRule(Rule(family: .ipv6, priority: 200, table: 200))
        try h.perform(batch).check()
    }

    /// Runs an iperf3 server in `server` bound to `bind` and a client in `client` towards `target`; returns the
    /// received bits per second.
    static func iperf(client: NetworkNamespace, server: NetworkNamespace, target: String,
                      bind: String) throws -> Double {
        let port = String(Int.random(in: 20000...40000))
        let serverProcess = Process()
        serverProcess.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        serverProcess.arguments = ["netns", "exec", server.name!, "iperf3", "-s", "-1", "-B", bind, "-p", port]
        let serverLog = NSTemporaryDirectory() + "kosmos-bench-iperf3-\(port).log"
        FileManager.default.createFile(atPath: serverLog, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: serverLog) }
        let logHandle = FileHandle(forWritingAtPath: serverLog)
        serverProcess.standardOutput = logHandle
        serverProcess.standardError = logHandle
        try serverProcess.run()
        defer {
            if serverProcess.isRunning { serverProcess.terminate() }
            serverProcess.waitUntilExit()
        }
        var output: (status: Int32, stdout: String, stderr: String) = (1, "", "")
        // The server needs a moment to listen; retry the client briefly.
        for _ in 0..<20 {
            output = try NetBench.run(["/usr/sbin/ip", "netns", "exec", client.name!, "iperf3", "-c", target,
                                       "-p", port, "-t", String(seconds), "-J"])
            if output.status == 0 && !output.stdout.contains("\"error\"") { break }
            usleep(200_000)
        }
        let failed = output.status != 0 || output.stdout.contains("\"error\"")
        guard !failed else {
            let log = (try? String(contentsOfFile: serverLog, encoding: .utf8)) ?? ""
            throw NetBench.Failure("iperf3 to \(target) failed: \(output.stdout.suffix(200)); server: \(log)")
        }
        let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        let end = object?["end"] as? [String: Any]
        let received = end?["sum_received"] as? [String: Any]
        guard let bits = (received?["bits_per_second"] as? NSNumber)?.doubleValue else {
            throw NetBench.Failure("iperf3 printed no end.sum_received.bits_per_second: \(output.stdout.prefix(300))")
        }
        return bits
    }

    /// The namespace's `Ip: FragCreates` counter (IPv4) plus `Ip6FragCreates` (IPv6).
    static func fragmentsCreated(_ namespace: NetworkNamespace) throws -> Int {
        try namespace.run {
            var total = 0
            if let snmp = try? String(contentsOfFile: "/proc/thread-self/net/snmp", encoding: .utf8) {
                let lines = snmp.split(separator: "\n").filter { $0.hasPrefix("Ip: ") }
                if lines.count == 2 {
                    let names = lines[0].split(separator: " ")
                    let values = lines[1].split(separator: " ")
                    if let index = names.firstIndex(of: "FragCreates"), index < values.count {
                        total += Int(values[index]) ?? 0
                    }
                }
            }
            if let snmp6 = try? String(contentsOfFile: "/proc/thread-self/net/snmp6", encoding: .utf8) {
                for line in snmp6.split(separator: "\n") where line.hasPrefix("Ip6FragCreates") {
                    total += Int(line.split(separator: " ", omittingEmptySubsequences: true).last ?? "0") ?? 0
                }
            }
            return total
        }
    }
}
