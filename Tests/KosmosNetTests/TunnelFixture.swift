@testable import KosmosNet

/// Two namespaces joined by a veth underlay, with IPv4 and IPv6 VXLAN tunnels, routes in table 200 behind a
/// policy rule, static FDB and neighbour entries, and a "pod" bridge holding a pod address on each side: the
/// shape ClusterLink gives two gateway nodes, built only with the library.
struct TunnelFixture {
    let a: NetworkNamespace
    let b: NetworkNamespace
    let handleA: NetlinkHandle
    let handleB: NetlinkHandle

    struct Side {
        let underlay4: IPAddress
        let underlay6: IPAddress
        let tunnel4: IPAddress
        let tunnel6: IPAddress
        let pod4: IPAddress
        let pod6: IPAddress
        let podPrefix4: IPPrefix
        let podPrefix6: IPPrefix
        let mac4: MACAddress
        let mac6: MACAddress
    }

    static let sideA = Side(
        underlay4: IPAddress("192.168.77.1")!, underlay6: IPAddress("fd77::1")!,
        tunnel4: IPAddress("220.0.0.1")!, tunnel6: IPAddress("fd20::1")!,
        pod4: IPAddress("10.1.0.1")!, pod6: IPAddress("fd01::1")!,
        podPrefix4: IPPrefix("10.1.0.0/24")!, podPrefix6: IPPrefix("fd01::/64")!,
        mac4: MACAddress("0a:00:00:00:04:01")!, mac6: MACAddress("0a:00:00:00:06:01")!)
    static let sideB = Side(
        underlay4: IPAddress("192.168.77.2")!, underlay6: IPAddress("fd77::2")!,
        tunnel4: IPAddress("220.0.0.2")!, tunnel6: IPAddress("fd20::2")!,
        pod4: IPAddress("10.2.0.1")!, pod6: IPAddress("fd02::1")!,
        podPrefix4: IPPrefix("10.2.0.0/24")!, podPrefix6: IPPrefix("fd02::/64")!,
        mac4: MACAddress("0a:00:00:00:04:02")!, mac6: MACAddress("0a:00:00:00:06:02")!)

    static let table: UInt32 = 200
    static let flood = MACAddress.zero

    /// What each side installs, so tests can compare dumps with it.
    struct Installed {
        var routes: [Route] = []
        var neighbors: [Neighbor] = []
        var fdb4: [FDBEntry] = []
        var fdb6: [FDBEntry] = []
    }

    let installedA: Installed
    let installedB: Installed

    static func build(_ a: NetworkNamespace, _ b: NetworkNamespace, underlayMTU: Int = 1500) throws -> TunnelFixture {
        let handleA = try NetlinkHandle(namespace: a)
        let handleB = try NetlinkHandle(namespace: b)
        try handleA.addLink(.veth("ul0", peer: "ul0", peerNamespace: b, mtu: underlayMTU))
        let installedA = try configure(handleA, me: sideA, peer: sideB)
        let installedB = try configure(handleB, me: sideB, peer: sideA)
        return TunnelFixture(a: a, b: b, handleA: handleA, handleB: handleB, installedA: installedA,
                             installedB: installedB)
    }

    private static func configure(_ h: NetlinkHandle, me: Side, peer: Side) throws -> Installed {
        try h.setLinkUp("lo")
        try h.setLinkUp("ul0")
        try h.addAddress(InterfaceAddress(me.underlay4, prefixLength: 24, device: "ul0"))
        try h.addAddress(InterfaceAddress(me.underlay6, prefixLength: 64, device: "ul0",
                                          skipsDuplicateAddressDetection: true))
        let underlay = try h.link(named: "ul0")
        try h.addLink(.vxlan("vx-bridge", VXLAN(vni: 54, port: 4876, local: me.underlay4, learning: false),
                             underlay: underlay, mac: me.mac4))
        try h.addLink(.vxlan("vx-bridge-6", VXLAN(vni: 64, port: 4866, local: me.underlay6, learning: false),
                             underlay: underlay, mac: me.mac6))
        try h.addLink(.bridge("pod0"))
        for name in ["vx-bridge", "vx-bridge-6", "pod0"] { try h.setLinkUp(name) }
        try h.addAddress(InterfaceAddress(me.tunnel4, prefixLength: 8, device: "vx-bridge"))
        try h.addAddress(InterfaceAddress(me.tunnel6, prefixLength: 64, device: "vx-bridge-6",
                                          skipsDuplicateAddressDetection: true))
        try h.addAddress(InterfaceAddress(me.pod4, prefixLength: 24, device: "pod0"))
        try h.addAddress(InterfaceAddress(me.pod6, prefixLength: 64, device: "pod0",
                                          skipsDuplicateAddressDetection: true))

        var installed = Installed()
        installed.fdb4 = [
            FDBEntry(mac: flood, device: "vx-bridge", destination: peer.underlay4),
            FDBEntry(mac: peer.mac4, device: "vx-bridge", destination: peer.underlay4),
        ]
        installed.fdb6 = [
            FDBEntry(mac: flood, device: "vx-bridge-6", destination: peer.underlay6),
            FDBEntry(mac: peer.mac6, device: "vx-bridge-6", destination: peer.underlay6),
        ]
        installed.neighbors = [
            Neighbor(peer.tunnel4, mac: peer.mac4, device: "vx-bridge"),
            Neighbor(peer.tunnel6, mac: peer.mac6, device: "vx-bridge-6"),
        ]
        installed.routes = [
            Route(peer.podPrefix4, via: peer.tunnel4, device: "vx-bridge", table: table, onLink: true),
            Route(peer.podPrefix6, via: peer.tunnel6, device: "vx-bridge-6", table: table, onLink: true),
        ]
        for entry in installed.fdb4 + installed.fdb6 { try h.appendFDB(entry) }
        for neighbor in installed.neighbors { try h.setNeighbor(neighbor) }
        for route in installed.routes { try h.replaceRoute(route) }
        try h.addRule(Rule(family: .ipv4, priority: 200, table: table))
        try h.addRule(Rule(family: .ipv6, priority: 200, table: table))
        return installed
    }
}
