import Testing
@testable import KosmosNet

@Suite("NAT rulesets (nftables)")
struct NATTests {
    static let rules: [NATRule] = [
        .masquerade(source: IPPrefix("220.0.0.0/8")!, outputInterface: "vx-bridge"),
        .snat(source: IPPrefix("10.8.0.0/16")!, to: IPAddress("192.0.2.1")!),
        .dnat(destination: IPPrefix(host: IPAddress("10.9.0.1")!), to: IPAddress("10.1.0.5")!, inputInterface: "ul0"),
        .mapSource(from: IPPrefix("10.1.0.0/24")!, to: IPPrefix("10.91.0.0/24")!, outputInterface: "vx-bridge"),
        .mapDestination(from: IPPrefix("10.92.0.0/24")!, to: IPPrefix("10.2.0.0/24")!, inputInterface: "vx-bridge"),
        .mapSource(from: IPPrefix("fd01::/64")!, to: IPPrefix("fd91::/64")!, outputInterface: "vx-bridge-6"),
        .mapDestination(from: IPPrefix("fd92::/64")!, to: IPPrefix("fd02::/64")!),
        .masquerade(source: IPPrefix("fd20::/64")!),
        .accept(outputInterface: "vx-bridge"),
        .accept(source: IPPrefix("fd00::/8")!, inputInterface: "ul0"),
    ]

    @Test func applyIsAtomicIdempotentReadableAndLeavesForeignTablesAlone() throws {
        guard NamespaceFixture.requireRoot(), NamespaceFixture.requireTool("nft") else { return }
        try NamespaceFixture.withNamespaces(1) { namespaces in
            let namespace = namespaces[0]
            // A table somebody else owns.
            let foreign = NATTable(name: "someone_else", namespace: namespace)
            try foreign.apply([.masquerade(source: IPPrefix("172.16.0.0/12")!)])

            let table = NATTable(name: "kosmos", namespace: namespace)
            #expect(try table.rules().isEmpty)
            try table.apply(Self.rules)
            #expect(try table.rules() == NATTable.normalized(Self.rules))
            try table.apply(Self.rules)
            #expect(try table.rules() == NATTable.normalized(Self.rules))

            let fewer = Array(Self.rules.prefix(3))
            try table.apply(fewer)
            #expect(try table.rules() == NATTable.normalized(fewer))

            // A rejected script changes nothing (one transaction).
            let bad = NATRule.snat(source: IPPrefix("10.0.0.0/8")!, to: IPAddress("10.0.0.1")!,
                                   outputInterface: "this-name-is-too-long")
            #expect(throws: NATError.self) { try table.apply(fewer + [bad]) }
            #expect(throws: NATError.self) {
                try table.apply([.mapSource(from: IPPrefix("10.0.0.0/8")!, to: IPPrefix("11.0.0.0/16")!)])
            }
            #expect(try table.rules() == NATTable.normalized(fewer))

            try table.remove()
            try table.remove()
            #expect(try table.rules().isEmpty)
            #expect(try foreign.rules() == [.masquerade(source: IPPrefix("172.16.0.0/12")!)])
        }
    }

    @Test func prefixMappingIsObservedOnTheWire() throws {
        guard NamespaceFixture.requireRoot(), NamespaceFixture.requireTool("nft") else { return }
        try NamespaceFixture.withNamespaces(2) { namespaces in
            let fixture = try TunnelFixture.build(namespaces[0], namespaces[1])
            let a = TunnelFixture.sideA
            // A's pods appear to B as 10.91.0.0/24, B's pods are reached from A as 10.92.0.0/24 (both directions,
            // IPv4 and IPv6), the GlobalCIDR arrangement of ClusterLink.
            try NATTable(name: "kosmos", namespace: fixture.a).apply([
                .mapSource(from: IPPrefix("10.1.0.0/24")!, to: IPPrefix("10.91.0.0/24")!, outputInterface: "vx-bridge"),
                .mapSource(from: IPPrefix("fd01::/64")!, to: IPPrefix("fd91::/64")!, outputInterface: "vx-bridge-6"),
            ])
            try NATTable(name: "kosmos", namespace: fixture.b).apply([
                .mapDestination(from: IPPrefix("10.92.0.0/24")!, to: IPPrefix("10.2.0.0/24")!,
                                inputInterface: "vx-bridge"),
                .mapDestination(from: IPPrefix("fd92::/64")!, to: IPPrefix("fd02::/64")!,
                                inputInterface: "vx-bridge-6"),
            ])
            try fixture.handleA.addRoute(Route(IPPrefix("10.92.0.0/24")!, via: IPAddress("220.0.0.2")!,
                                               device: "vx-bridge", table: 200, onLink: true))
            try fixture.handleA.addRoute(Route(IPPrefix("fd92::/64")!, via: IPAddress("fd20::2")!,
                                               device: "vx-bridge-6", table: 200, onLink: true))
            try fixture.handleB.addRoute(Route(IPPrefix("10.91.0.0/24")!, via: IPAddress("220.0.0.1")!,
                                               device: "vx-bridge", table: 200, onLink: true))
            try fixture.handleB.addRoute(Route(IPPrefix("fd91::/64")!, via: IPAddress("fd20::1")!,
                                               device: "vx-bridge-6", table: 200, onLink: true))

            let v4 = try Probe.tcpExchange(server: fixture.b, listen: IPAddress("10.2.0.1")!, client: fixture.a,
                                           connectTo: IPAddress("10.92.0.1")!, from: a.pod4, port: 7501,
                                           message: "mapped")
            #expect(v4.received == "mapped")
            #expect(v4.peer == "10.91.0.1")
            #expect(v4.reply == "peer=10.91.0.1")
            let v6 = try Probe.tcpExchange(server: fixture.b, listen: IPAddress("fd02::1")!, client: fixture.a,
                                           connectTo: IPAddress("fd92::1")!, from: a.pod6, port: 7506,
                                           message: "mapped6")
            #expect(v6.received == "mapped6")
            #expect(v6.peer == "fd91::1")
        }
    }

    @Test func scriptReplacesTheOwnedTableInOneTransaction() throws {
        let script = try NATTable(name: "kosmos").script(for: [.masquerade(source: IPPrefix("10.0.0.0/8")!)])
        #expect(script.hasPrefix("table inet kosmos {}\ndelete table inet kosmos\ntable inet kosmos {\n"))
        #expect(script.contains("ip saddr 10.0.0.0/8 masquerade"))
        #expect(throws: NATError.self) { try NATTable(name: "bad name").script(for: []) }
    }
}
