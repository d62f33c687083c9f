import Testing
@testable import KosmosNet

@Suite("VXLAN tunnel between namespaces")
struct TunnelTests {
    @Test func pingAndTCPCrossTheTunnelOverIPv4AndIPv6() throws {
        guard NamespaceFixture.requireRoot() else { return }
        try NamespaceFixture.withNamespaces(2) { namespaces in
            let fixture = try TunnelFixture.build(namespaces[0], namespaces[1])
            let a = TunnelFixture.sideA
            let b = TunnelFixture.sideB
            // Underlay first (sanity), then pod to pod through the tunnels, both families.
            #expect(try Probe.ping(b.underlay4, in: fixture.a))
            #expect(try Probe.ping(b.pod4, from: a.pod4, in: fixture.a))
            #expect(try Probe.ping(b.pod6, from: a.pod6, in: fixture.a))
            #expect(try Probe.ping(a.pod4, from: b.pod4, in: fixture.b))
            #expect(try Probe.ping(a.pod6, from: b.pod6, in: fixture.b))

            let v4 = try Probe.tcpExchange(server: fixture.b, listen: b.pod4, client: fixture.a, connectTo: b.pod4,
                                           from: a.pod4, port: 7401, message: "hello over vx-bridge")
            #expect(v4.received == "hello over vx-bridge")
            #expect(v4.peer == "10.1.0.1")
            #expect(v4.reply == "peer=10.1.0.1")
            let v6 = try Probe.tcpExchange(server: fixture.b, listen: b.pod6, client: fixture.a, connectTo: b.pod6,
                                           from: a.pod6, port: 7406, message: "hello over vx-bridge-6")
            #expect(v6.received == "hello over vx-bridge-6")
            #expect(v6.peer == "fd01::1")
        }
    }

    @Test func vxlanMTULeavesRoomForEncapsulation() throws {
        guard NamespaceFixture.requireRoot() else { return }
        try NamespaceFixture.withNamespaces(2) { namespaces in
            let fixture = try TunnelFixture.build(namespaces[0], namespaces[1], underlayMTU: 1400)
            #expect(try fixture.handleA.link(named: "ul0").mtu == 1400)
            #expect(try fixture.handleA.link(named: "vx-bridge").mtu == 1350)
            #expect(try fixture.handleA.link(named: "vx-bridge-6").mtu == 1330)
            #expect(VXLAN.mtu(underlayMTU: 1500, family: .ipv4) == 1450)
            #expect(VXLAN.mtu(underlayMTU: 1500, family: .ipv6) == 1430)
        }
    }

    @Test func tunnelDumpsReturnExactlyWhatWasSet() throws {
        guard NamespaceFixture.requireRoot() else { return }
        try NamespaceFixture.withNamespaces(2) { namespaces in
            let fixture = try TunnelFixture.build(namespaces[0], namespaces[1])
            let h = fixture.handleA
            let installed = fixture.installedA

            let routes = try h.routes(table: TunnelFixture.table)
            #expect(Set(routes) == Set(installed.routes))
            #expect(routes.count == installed.routes.count)

            let neighbors = try h.neighbors(device: "vx-bridge") + h.neighbors(device: "vx-bridge-6")
            #expect(Set(neighbors.filter { $0.state.contains(.permanent) }) == Set(installed.neighbors))

            #expect(Set(try h.fdb(device: "vx-bridge")) == Set(installed.fdb4))
            #expect(Set(try h.fdb(device: "vx-bridge-6")) == Set(installed.fdb6))

            let vxlan = try h.link(named: "vx-bridge")
            let underlay = try h.link(named: "ul0")
            #expect(vxlan.mac == TunnelFixture.sideA.mac4)
            #expect(vxlan.isUp)
            #expect(vxlan.vxlan == VXLAN(vni: 54, port: 4876, local: TunnelFixture.sideA.underlay4,
                                         underlayIndex: underlay.index, learning: false,
                                         udpChecksum: vxlan.vxlan?.udpChecksum ?? false))
            #expect(try h.link(named: "vx-bridge-6").vxlan?.local == TunnelFixture.sideA.underlay6)

            let rules4 = try h.rules(family: .ipv4)
            #expect(rules4.contains(Rule(family: .ipv4, priority: 200, table: TunnelFixture.table)))
            let rules6 = try h.rules(family: .ipv6)
            #expect(rules6.contains(Rule(family: .ipv6, priority: 200, table: TunnelFixture.table)))

            let addresses = try h.addresses(device: "vx-bridge", family: .ipv4)
            #expect(addresses.map { "\($0.address)/\($0.prefixLength)" } == ["220.0.0.1/8"])
        }
    }
}
