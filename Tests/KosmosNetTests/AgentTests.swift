import Foundation
import KosmosAPI
import Testing
@testable import KosmosNet

/// NodeConfig specs for two gateway nodes "a" and "b" joined by a veth underlay, as the planner writes them for two
/// P2P clusters: vx-bridge and vx-bridge-6, a route to the peer's pod prefix, flood + peer FDB entries, a neighbour.
enum AgentFixture {
    struct Node {
        let underlay4: String, underlay6: String
        let tunnel4: String, tunnel6: String
        let mac4: String, mac6: String
        let pod4: String, pod6: String
        let podCIDR4: String, podCIDR6: String
    }

    static let a = Node(underlay4: "192.168.88.1", underlay6: "fd88::1", tunnel4: "220.168.88.1",
                        tunnel6: "9470::8801", mac4: "0a:00:00:00:44:01", mac6: "0a:00:00:00:66:01",
                        pod4: "10.11.0.1", pod6: "fd11::1", podCIDR4: "10.11.0.0/24", podCIDR6: "fd11::/64")
    static let b = Node(underlay4: "192.168.88.2", underlay6: "fd88::2", tunnel4: "220.168.88.2",
                        tunnel6: "9470::8802", mac4: "0a:00:00:00:44:02", mac6: "0a:00:00:00:66:02",
                        pod4: "10.12.0.1", pod6: "fd12::1", podCIDR4: "10.12.0.0/24", podCIDR6: "fd12::/64")

    static func spec(me: Node, peer: Node, nat: [[String: String]] = []) throws -> NodeConfigSpec {
        let text = """
        {"devices":[
          {"type":"vxlan","name":"vx-bridge","addr":"\(me.tunnel4)/8","mac":"\(me.mac4)","bindDev":"ul0","id":54,"port":4876},
          {"type":"vxlan","name":"vx-bridge-6","addr":"\(me.tunnel6)/16","mac":"\(me.mac6)","bindDev":"ul0","id":64,"port":4866}],
         "routes":[
          {"cidr":"\(peer.podCIDR4)","gw":"\(peer.tunnel4)","dev":"vx-bridge"},
          {"cidr":"\(peer.podCIDR6)","gw":"\(peer.tunnel6)","dev":"vx-bridge-6"}],
         "fdbs":[
          {"ip":"\(peer.underlay4)","mac":"00:00:00:00:00:00","dev":"vx-bridge"},
          {"ip":"\(peer.underlay4)","mac":"\(peer.mac4)","dev":"vx-bridge"},
          {"ip":"\(peer.underlay6)","mac":"00:00:00:00:00:00","dev":"vx-bridge-6"},
          {"ip":"\(peer.underlay6)","mac":"\(peer.mac6)","dev":"vx-bridge-6"}],
         "arps":[
          {"ip":"\(peer.tunnel4)","mac":"\(peer.mac4)","dev":"vx-bridge"},
          {"ip":"\(peer.tunnel6)","mac":"\(peer.mac6)","dev":"vx-bridge-6"}],
         "iptables": []}
        """
        var spec = NodeConfigSpec(json: try JSONValue.parse(text))
        spec.iptables = nat.map { rule in
            var entry = NodeConfig.Iptables(json: .object(JSONObject()))
            entry.table = "nat"
            entry.chain = rule["chain"] ?? ""
            entry.rule = rule["rule"] ?? ""
            return entry
        }
        return spec
    }

    /// Underlay (veth ul0 between the two namespaces) and a pod bridge per node; no ClusterLink state.
    static func underlay(_ ha: NetlinkHandle, _ hb: NetlinkHandle, b nsB: NetworkNamespace) throws {
        try ha.addLink(.veth("ul0", peer: "ul0", peerNamespace: nsB))
        for (handle, node) in [(ha, a), (hb, b)] {
            try handle.setLinkUp("lo")
            try handle.setLinkUp("ul0")
            try handle.addAddress(try #require(InterfaceAddress(node.underlay4 + "/24", device: "ul0")))
            try handle.addAddress(try #require(InterfaceAddress(node.underlay6 + "/64", device: "ul0",
                                                                skipsDuplicateAddressDetection: true)))
            try handle.addLink(.bridge("pod0"))
            try handle.setLinkUp("pod0")
            try handle.addAddress(try #require(InterfaceAddress(node.pod4 + "/24", device: "pod0")))
            try handle.addAddress(try #require(InterfaceAddress(node.pod6 + "/64", device: "pod0",
                                                                skipsDuplicateAddressDetection: true)))
            try handle.setForwarding(.ipv4, enabled: true)
            try handle.setForwarding(.ipv6, enabled: true)
        }
    }
}

@Suite struct NodeNetworkParsingTests {
    @Test func specBecomesTypedKernelState() throws {
        let spec = try AgentFixture.spec(me: AgentFixture.a, peer: AgentFixture.b, nat: [
            ["chain": "POSTROUTING", "rule": "-s 220.0.0.0/8 -o vx-bridge -j MASQUERADE"],
            ["chain": "PREROUTING", "rule": "-d 10.100.0.0/16 -i vx-bridge -j NETMAP --to 10.12.0.0/16"],
        ])
        let network = try NodeNetwork(spec: spec)
        #expect(network.devices.map(\.name) == ["vx-bridge", "vx-bridge-6"])
        #expect(network.devices[0].vni == 54 && network.devices[0].port == 4876)
        #expect(network.devices[1].family == .ipv6)
        #expect(network.routes.map(\.description) == [
            "10.12.0.0/24 via 220.168.88.2 dev vx-bridge table 200 onlink",
            "fd12::/64 via 9470::8802 dev vx-bridge-6 table 200 onlink",
        ])
        #expect(network.fdb.count == 4 && network.neighbors.count == 2)
        #expect(network.natRules.contains(.masquerade(source: try #require(IPPrefix("220.0.0.0/8")),
                                                      outputInterface: "vx-bridge")))
        #expect(network.natRules.contains(.mapDestination(from: try #require(IPPrefix("10.100.0.0/16")),
                                                          to: try #require(IPPrefix("10.12.0.0/16")),
                                                          inputInterface: "vx-bridge")))
        // Forward-accept for each tunnel device and its underlay, deduplicated.
        #expect(network.natRules.filter { $0.chain == .forward }.count == 3)
        #expect(network.families == [.ipv4, .ipv6])
    }

    @Test func routeCIDRsAreNormalisedToTheirNetwork() throws {
        var spec = try AgentFixture.spec(me: AgentFixture.a, peer: AgentFixture.b)
        var routes = spec.routes
        routes[0].cidr = "10.237.6.0/18"
        routes[1].cidr = "2409:8c2f:3800:0011::0a18:0000/114"
        routes[1].gw = "9470::8802"
        spec.routes = routes
        let network = try NodeNetwork(spec: spec)
        #expect(network.routes.map { $0.destination.description } == ["10.237.0.0/18", "2409:8c2f:3800:11::a18:0/114"])
    }

    @Test(arguments: [
        ("routes", 1, "cidr", "10.1.0.0/33", "spec.routes[1].cidr"),
        ("routes", 0, "gw", "fd00::1", "spec.routes[0].gw"),
        ("routes", 0, "dev", "vx-other", "spec.routes[0].dev"),
        ("fdbs", 2, "mac", "zz:00:00:00:00:00", "spec.fdbs[2].mac"),
        ("arps", 1, "ip", "not-an-ip", "spec.arps[1].ip"),
        ("devices", 0, "addr", "220.1.1.1", "spec.devices[0].addr"),
        ("devices", 1, "name", "eth0", "spec.devices[1].name"),
        ("devices", 0, "mac", "01:00:00:00:00:01", "spec.devices[0].mac"),
    ])
    func badFieldsAreNamed(list: String, index: Int, field: String, value: String, path: String) throws {
        var json = try AgentFixture.spec(me: AgentFixture.a, peer: AgentFixture.b).json
        var items = try #require(json[list]?.arrayValue)
        var item = try #require(items[index].objectValue)
        item[field] = .string(value)
        items[index] = .object(item)
        json[list] = .array(items)
        let error = #expect(throws: NodeConfigError.self) { try NodeNetwork(spec: NodeConfigSpec(json: json)) }
        #expect(error?.field == path)
        #expect(error?.value == value)
    }

    @Test func iptablesTextTranslation() throws {
        func rule(_ chain: String, _ text: String) throws -> NATRule { try IptablesRuleText.natRule(chain: chain, rule: text) }
        let p = { (text: String) in IPPrefix(text)! }
        #expect(try rule("POSTROUTING", "-s 210.0.0.0/8 -o vx-bridge -j MASQUERADE")
                == .masquerade(source: p("210.0.0.0/8"), outputInterface: "vx-bridge"))
        #expect(try rule("POSTROUTING", "-s 220.0.0.0/8 -j MASQUERADE") == .masquerade(source: p("220.0.0.0/8")))
        #expect(try rule("POSTROUTING", "-s 10.1.0.0/16 -o vx-bridge -j NETMAP --to 10.100.0.0/16")
                == .mapSource(from: p("10.1.0.0/16"), to: p("10.100.0.0/16"), outputInterface: "vx-bridge"))
        #expect(try rule("CLUSTERLINK-PREROUTING", "-i vx-bridge -d 10.100.0.0/16 -j NETMAP --to 10.1.0.0/16")
                == .mapDestination(from: p("10.100.0.0/16"), to: p("10.1.0.0/16"), inputInterface: "vx-bridge"))
        #expect(try rule("POSTROUTING", "-s fd00:1::/64 -o vx-bridge-6 -j SNAT --to-source fd00:9::1")
                == .snat(source: p("fd00:1::/64"), to: IPAddress("fd00:9::1")!, outputInterface: "vx-bridge-6"))
        #expect(try rule("POSTROUTING", "-s 10.0.0.7 -j MASQUERADE") == .masquerade(source: p("10.0.0.7/32")))
        for (chain, text, reason) in [
            ("POSTROUTING", "-s 10.0.0.0/8 -j DROP", "target DROP"),
            ("INPUT", "-s 10.0.0.0/8 -j MASQUERADE", "chain 'INPUT'"),
            ("POSTROUTING", "-s 10.0.0.0/8 -m comment --comment x -j MASQUERADE", "unsupported option -m"),
            ("POSTROUTING", "-s 10.1.0.0/16 -j NETMAP --to 10.100.0.0/24", "same length"),
            ("POSTROUTING", "-s 10.1.0.0/16 -j NETMAP --to fd00::/112", "families"),
            ("POSTROUTING", "-s 10.0.0.0/8 -o", "has no value"),
        ] {
            let error = #expect(throws: IptablesRuleText.Failure.self) { try rule(chain, text) }
            #expect(error?.reason.contains(reason) == true, "\(text): \(String(describing: error))")
        }
    }
}

@Suite(.serialized) struct NodeNetworkApplierTests {
    @Test func applyingTwoNodeConfigsCarriesPacketsAndChangesOnlyWhatDiffers() throws {
        guard NamespaceFixture.requireRoot(), NamespaceFixture.requireTool("nft") else { return }
        try NamespaceFixture.withNamespaces(2) { ns in
            let ha = try NetlinkHandle(namespace: ns[0])
            let hb = try NetlinkHandle(namespace: ns[1])
            try AgentFixture.underlay(ha, hb, b: ns[1])
            let applierA = NodeNetworkApplier(handle: ha)
            let applierB = NodeNetworkApplier(handle: hb)
            let specA = try AgentFixture.spec(me: AgentFixture.a, peer: AgentFixture.b, nat: [
                ["chain": "POSTROUTING", "rule": "-s 220.0.0.0/8 -o vx-bridge -j MASQUERADE"]])
            let first = try applierA.apply(try NodeNetwork(spec: specA))
            #expect(first.createDevices.count == 2)
            #expect(first.addRoutes.count == 2 && first.addFDB.count == 4 && first.setNeighbors.count == 2)
            #expect(first.addRuleFamilies == [.ipv4, .ipv6])
            try applierB.apply(try NodeNetwork(spec: AgentFixture.spec(me: AgentFixture.b, peer: AgentFixture.a)))

            // What the kernel has now is exactly what was asked.
            let link = try ha.link(named: "vx-bridge")
            #expect(link.mac == MACAddress(AgentFixture.a.mac4))
            #expect(link.mtu == 1450)
            #expect(try ha.link(named: "vx-bridge-6").mtu == 1430)
            #expect(try ha.sysctl("net/ipv4/conf/vx-bridge/rp_filter") == "2")

            // Packets: pod address of A to pod address of B over both families.
            let pod4B = try #require(IPAddress(AgentFixture.b.pod4))
            let pod6B = try #require(IPAddress(AgentFixture.b.pod6))
            #expect(try Probe.ping(pod4B, from: IPAddress(AgentFixture.a.pod4), in: ns[0], attempts: 10))
            #expect(try Probe.ping(pod6B, from: IPAddress(AgentFixture.a.pod6), in: ns[0], attempts: 10))

            // Idempotent: the same spec again changes nothing.
            let again = try applierA.apply(try NodeNetwork(spec: specA))
            #expect(again.isEmpty, "\(again)")

            // One route's gateway changes: only that route is replaced, nothing else touched.
            var moved = specA
            var routes = moved.routes
            routes[0].gw = "220.168.88.9"
            moved.routes = routes
            let routeOnly = try applierA.apply(try NodeNetwork(spec: moved))
            #expect(routeOnly.deleteRoutes.count == 1 && routeOnly.addRoutes.count == 1)
            #expect(routeOnly.createDevices.isEmpty && routeOnly.addFDB.isEmpty && routeOnly.natRules == nil)
            #expect(try ha.routes(table: 200).contains { $0.gateway == IPAddress("220.168.88.9") })

            // A MAC change recreates that device, and its entries come back with it.
            var remac = moved
            var devices = remac.devices
            devices[0].mac = "0a:00:00:00:44:99"
            remac.devices = devices
            let recreated = try applierA.apply(try NodeNetwork(spec: remac))
            #expect(recreated.deleteDevices == ["vx-bridge"] && recreated.createDevices.map(\.name) == ["vx-bridge"])
            #expect(try ha.link(named: "vx-bridge").mac == MACAddress("0a:00:00:00:44:99"))
            #expect(try applierA.apply(try NodeNetwork(spec: remac)).isEmpty)

            // Deleting the NodeConfig removes everything ClusterLink owns and nothing else.
            try applierA.apply(.empty)
            let observed = try applierA.observe()
            #expect(observed.ownedLinks.isEmpty && observed.routes.isEmpty && observed.natRules.isEmpty)
            #expect(observed.ruleFamilies.isEmpty)
            #expect(try ha.link(named: "ul0").isUp && (try ha.link(named: "pod0").isUp))
            #expect(try ha.addresses(device: "ul0").contains { $0.address == IPAddress(AgentFixture.a.underlay4) })
            #expect(try Probe.ping(pod4B, from: IPAddress(AgentFixture.a.pod4), in: ns[0], attempts: 2) == false)
        }
    }

    @Test func aMissingBindDeviceFailsThatDeviceButAppliesTheRest() throws {
        guard NamespaceFixture.requireRoot(), NamespaceFixture.requireTool("nft") else { return }
        try NamespaceFixture.withNamespaces(2) { ns in
            let ha = try NetlinkHandle(namespace: ns[0])
            let hb = try NetlinkHandle(namespace: ns[1])
            try AgentFixture.underlay(ha, hb, b: ns[1])
            var spec = try AgentFixture.spec(me: AgentFixture.a, peer: AgentFixture.b)
            var devices = spec.devices
            devices[1].bindDev = "eth9"
            spec.devices = devices
            let applier = NodeNetworkApplier(handle: ha)
            let error = #expect(throws: NodeNetworkApplyError.self) { try applier.apply(try NodeNetwork(spec: spec)) }
            #expect(error?.description.contains("bind device eth9 does not exist") == true)
            #expect(try ha.link(named: "vx-bridge").vxlan?.vni == 54)
            #expect(try ha.routes(table: 200).contains { $0.device == "vx-bridge" })
            try applier.apply(.empty)
        }
    }
}

@Suite(.serialized) struct NodeInterfaceDetectorTests {
    @Test func nicNamesMatchExactly() throws {
        let entries = try [
            NICNodeNames(json: JSONValue.parse(#"{"nodeName":["node10"],"interfaceName":"eth10"}"#)),
            NICNodeNames(json: JSONValue.parse(#"{"nodeName":["node1","node2"],"interfaceName":"eth1"}"#)),
        ]
        #expect(NodeInterfaceDetector.interfaceName(nicNodeNames: entries, nodeName: "node1", defaultName: "d") == "eth1")
        #expect(NodeInterfaceDetector.interfaceName(nicNodeNames: entries, nodeName: "node10", defaultName: "d") == "eth10")
        #expect(NodeInterfaceDetector.interfaceName(nicNodeNames: entries, nodeName: "node3", defaultName: "d") == "d")
    }

    @Test func detectsNamedAndReachingInterfaces() throws {
        guard NamespaceFixture.requireRoot() else { return }
        try NamespaceFixture.withNamespaces(2) { ns in
            let ha = try NetlinkHandle(namespace: ns[0])
            let hb = try NetlinkHandle(namespace: ns[1])
            try AgentFixture.underlay(ha, hb, b: ns[1])
            let detector = NodeInterfaceDetector(handle: ha)
            var options = ClusterLinkOptions(json: .object(JSONObject()))
            options.defaultNICName = "ul0"
            let named = try detector.detect(options: options, nodeName: "a")
            #expect(named.interfaceName == "ul0")
            #expect(named.ip == IPAddress(AgentFixture.a.underlay4) && named.ip6 == IPAddress(AgentFixture.a.underlay6))

            options.defaultNICName = "*"
            options.autodetectionMethod = "can-reach=\(AgentFixture.b.pod4)"
            // No route to b's pod network: a clear error. With the underlay peer as target: ul0.
            #expect(throws: NodeInterfaceDetector.Failure.self) { try detector.detect(options: options, nodeName: "a") }
            options.autodetectionMethod = "can-reach=\(AgentFixture.b.underlay4)"
            #expect(try detector.detect(options: options, nodeName: "a").interfaceName == "ul0")

            options.defaultNICName = "eth7"
            let error = #expect(throws: NodeInterfaceDetector.Failure.self) { try detector.detect(options: options, nodeName: "a") }
            #expect(error?.description.contains("eth7") == true)
        }
    }
}
