import KosmosAPI
@testable import KosmosNet
import Testing

/// The NodeConfig planner against kosmos-semantics §3.6.
///
/// kosmos-cases §2.8/2.9 (the upstream worked examples) are kept outside this repository, so the golden cases here
/// are worked by hand from the §3.6 rules, byte for byte. Where the output differs from upstream on purpose it is
/// said at the test: NETMAP instead of SNAT for GlobalCIDR egress, derived instead of random MACs.
@Suite struct PlannerTests {
    typealias F = PlannerFixture

    // MARK: - Golden: gateway mode

    /// Two gateway-mode clusters: c1 with a gateway and an internal node, c2 with only a gateway. MACs come from
    /// the existing NodeConfigs so the expected text is readable (and MAC reuse is part of the check).
    static let gatewayClusters = [
        F.cluster("c1", pods: ["10.1.0.0/16"], services: ["10.11.0.0/16"]),
        F.cluster("c2", pods: ["10.2.0.0/16"], services: ["10.12.0.0/16"]),
    ]
    static let gatewayNodes = [
        F.node("c1", "n2", ip: "192.168.1.2"),
        F.node("c2", "n1", ip: "192.168.2.1", gateway: true),
        F.node("c1", "n1", ip: "192.168.1.1", gateway: true),
    ]
    static let gatewayExisting = [
        F.existing("c1-n1", macs: ["vx-local": "02:00:00:00:01:01", "vx-bridge": "02:00:00:00:01:b1"]),
        F.existing("c1-n2", macs: ["vx-local": "02:00:00:00:01:02"]),
        F.existing("c2-n1", macs: ["vx-local": "02:00:00:00:02:01", "vx-bridge": "02:00:00:00:02:b1"]),
    ]

    @Test func gatewayModeMatchesTheWorkedExampleByteForByte() throws {
        let configs = NodeConfigPlanner.plan(
            clusters: Self.gatewayClusters, clusterNodes: Self.gatewayNodes, existing: Self.gatewayExisting)
        #expect(configs.map(\.name) == ["c1-n1", "c1-n2", "c2-n1"])
        try #require(configs.count == 3)
        let head = #"{"apiVersion":"kosmos.io/v1alpha1","kind":"NodeConfig","metadata":{"name":"#
        let masquerade = #"{"table":"nat","chain":"POSTROUTING","rule":"-s 220.0.0.0/8 -j MASQUERADE"},"#
            + #"{"table":"nat","chain":"POSTROUTING","rule":"-s 210.0.0.0/8 -o vx-bridge -j MASQUERADE"}"#
        let c1n1 = head + #""c1-n1"},"spec":{"devices":["#
            + #"{"type":"vxlan","name":"vx-local","addr":"210.168.1.1/8","mac":"02:00:00:00:01:01","bindDev":"eth0","#
            + #""id":55,"port":4877},"#
            + #"{"type":"vxlan","name":"vx-bridge","addr":"220.168.1.1/8","mac":"02:00:00:00:01:b1","bindDev":"eth0","#
            + #""id":54,"port":4876}],"#
            + #""routes":[{"cidr":"10.2.0.0/16","gw":"220.168.2.1","dev":"vx-bridge"},"#
            + #"{"cidr":"10.12.0.0/16","gw":"220.168.2.1","dev":"vx-bridge"}],"#
            + #""iptables":["# + masquerade + "],"
            + #""fdbs":[{"ip":"192.168.2.1","mac":"02:00:00:00:02:b1","dev":"vx-bridge"},"#
            + #"{"ip":"192.168.2.1","mac":"00:00:00:00:00:00","dev":"vx-bridge"},"#
            + #"{"ip":"192.168.1.2","mac":"02:00:00:00:01:02","dev":"vx-local"},"#
            + #"{"ip":"192.168.1.2","mac":"00:00:00:00:00:00","dev":"vx-local"}],"#
            + #""arps":[{"ip":"220.168.2.1","mac":"02:00:00:00:02:b1","dev":"vx-bridge"},"#
            + #"{"ip":"210.168.1.2","mac":"02:00:00:00:01:02","dev":"vx-local"}]}}"#
        let c1n2 = head + #""c1-n2"},"spec":{"devices":["#
            + #"{"type":"vxlan","name":"vx-local","addr":"210.168.1.2/8","mac":"02:00:00:00:01:02","bindDev":"eth0","#
            + #""id":55,"port":4877}],"#
            + #""routes":[{"cidr":"10.2.0.0/16","gw":"210.168.1.1","dev":"vx-local"},"#
            + #"{"cidr":"10.12.0.0/16","gw":"210.168.1.1","dev":"vx-local"}],"#
            + #""fdbs":[{"ip":"192.168.1.1","mac":"02:00:00:00:01:01","dev":"vx-local"},"#
            + #"{"ip":"192.168.1.1","mac":"00:00:00:00:00:00","dev":"vx-local"}],"#
            + #""arps":[{"ip":"210.168.1.1","mac":"02:00:00:00:01:01","dev":"vx-local"}]}}"#
        let c2n1 = head + #""c2-n1"},"spec":{"devices":["#
            + #"{"type":"vxlan","name":"vx-local","addr":"210.168.2.1/8","mac":"02:00:00:00:02:01","bindDev":"eth0","#
            + #""id":55,"port":4877},"#
            + #"{"type":"vxlan","name":"vx-bridge","addr":"220.168.2.1/8","mac":"02:00:00:00:02:b1","bindDev":"eth0","#
            + #""id":54,"port":4876}],"#
            + #""routes":[{"cidr":"10.11.0.0/16","gw":"220.168.1.1","dev":"vx-bridge"},"#
            + #"{"cidr":"10.1.0.0/16","gw":"220.168.1.1","dev":"vx-bridge"}],"#
            + #""iptables":["# + masquerade + "],"
            + #""fdbs":[{"ip":"192.168.1.1","mac":"02:00:00:00:01:b1","dev":"vx-bridge"},"#
            + #"{"ip":"192.168.1.1","mac":"00:00:00:00:00:00","dev":"vx-bridge"}],"#
            + #""arps":[{"ip":"220.168.1.1","mac":"02:00:00:00:01:b1","dev":"vx-bridge"}]}}"#
        #expect(configs[0].json.serializedString() == c1n1)
        #expect(configs[1].json.serializedString() == c1n2)
        #expect(configs[2].json.serializedString() == c2n1)
    }

    // MARK: - P2P

    @Test func p2pNodesRouteStraightToTheNodeOwningEachPodCIDR() throws {
        let plan = F.plan(
            [
                F.cluster("a", type: "p2p", pods: ["10.1.0.0/16"], services: ["10.11.0.0/16"]),
                F.cluster("b", type: "p2p", pods: ["10.2.0.0/16"], services: ["10.12.0.0/16"]),
            ],
            [
                F.node("a", "n1", ip: "192.168.1.1", pods: ["10.1.1.0/24"]),
                F.node("a", "n2", ip: "192.168.1.2", pods: ["10.1.2.0/24"]),
                F.node("b", "n1", ip: "192.168.2.1", pods: ["10.2.1.0/24"]),
            ])
        let an1 = try #require(plan["a-n1"])
        let bn1 = try #require(plan["b-n1"])
        // Only vx-bridge, no vx-local, no masquerading in P2P mode.
        #expect(an1.deviceLines == ["vx-bridge 220.168.1.1/8"])
        #expect(an1.spec.iptables.isEmpty)
        #expect(an1.routeLines == ["10.2.1.0/24 220.168.2.1 vx-bridge"])
        #expect(bn1.routeLines == ["10.1.2.0/24 220.168.1.2 vx-bridge", "10.1.1.0/24 220.168.1.1 vx-bridge"])
        // No gateway in either cluster: service CIDRs are not routed anywhere.
        #expect(!bn1.routeLines.contains { $0.hasPrefix("10.11.") })
        // Every bridge node knows every other one, in its own cluster too.
        #expect(an1.fdbLines.count == 4)
        #expect(bn1.arpLines == ["220.168.1.2 \(mac("a-n2", "vx-bridge")) vx-bridge",
                                 "220.168.1.1 \(mac("a-n1", "vx-bridge")) vx-bridge"])
    }

    @Test func p2pGatewayCarriesTheServiceRoutes() throws {
        let plan = F.plan(
            [
                F.cluster("a", type: "p2p", pods: ["10.1.0.0/16"], services: ["10.11.0.0/16"]),
                F.cluster("b", type: "gateway", pods: ["10.2.0.0/16"], services: ["10.12.0.0/16"]),
            ],
            [
                F.node("a", "n1", ip: "192.168.1.1", gateway: true, pods: ["10.1.1.0/24"]),
                F.node("a", "n2", ip: "192.168.1.2", pods: ["10.1.2.0/24"]),
                F.node("b", "n1", ip: "192.168.2.1", gateway: true),
                F.node("b", "n2", ip: "192.168.2.2"),
            ])
        // b's internal node reaches a's service CIDR and each of a's node pod CIDRs through b's gateway.
        #expect(try #require(plan["b-n2"]).routeLines == [
            "10.11.0.0/16 210.168.2.1 vx-local", "10.1.2.0/24 210.168.2.1 vx-local",
            "10.1.1.0/24 210.168.2.1 vx-local",
        ])
        // a's nodes (all bridge nodes) route b's whole pod CIDR and service CIDR to b's gateway.
        #expect(try #require(plan["a-n2"]).routeLines == [
            "10.2.0.0/16 220.168.2.1 vx-bridge", "10.12.0.0/16 220.168.2.1 vx-bridge",
        ])
    }

    // MARK: - Families

    @Test func ipv6ClusterUsesTheSixDevices() throws {
        let plan = F.plan(
            [
                F.cluster("a", family: "ipv6", pods: ["fd01::/48"], services: ["fd11::/108"]),
                F.cluster("b", family: "ipv6", pods: ["fd02::/48"], services: ["fd12::/108"]),
            ],
            [
                F.node("a", "n1", ip6: "fc00::1:1", gateway: true),
                F.node("a", "n2", ip6: "fc00::1:2"),
                F.node("b", "n1", ip6: "fc00::2:1", gateway: true),
            ])
        let an1 = try #require(plan["a-n1"])
        let an2 = try #require(plan["a-n2"])
        let bn1 = try #require(plan["b-n1"])
        #expect(an1.deviceLines == ["vx-local-6 9480::1:1/16", "vx-bridge-6 9470::1:1/16"])
        let bridge = try #require(an1.spec.devices.first { $0.name == "vx-bridge-6" })
        #expect(bridge.id == 64 && bridge.port == 4866)
        let local = try #require(an1.spec.devices.first { $0.name == "vx-local-6" })
        #expect(local.id == 65 && local.port == 4867)
        #expect(bn1.routeLines == ["fd11::/108 9470::1:1 vx-bridge-6", "fd01::/48 9470::1:1 vx-bridge-6"])
        #expect(an2.routeLines == ["fd12::/108 9480::1:1 vx-local-6", "fd02::/48 9480::1:1 vx-local-6"])
        #expect(an1.ruleLines == [
            "nat POSTROUTING -s 9480::/16 -o vx-bridge-6 -j MASQUERADE", "nat POSTROUTING -s 9470::/16 -j MASQUERADE",
        ])
        #expect(an2.fdbLines.allSatisfy { $0.hasPrefix("fc00::1:1 ") && $0.hasSuffix(" vx-local-6") })
    }

    @Test func dualStackCarriesEachFamilyOnItsOwnDevicesAndNeverAcrossFamilies() throws {
        let plan = F.plan(
            [
                F.cluster("d", type: "p2p", family: "all", pods: ["10.1.0.0/16", "fd01::/48"]),
                F.cluster("v4", type: "p2p", family: "ipv4", pods: ["10.2.0.0/16"]),
                F.cluster("v6", type: "p2p", family: "ipv6", pods: ["fd03::/48"]),
            ],
            [
                F.node("d", "n1", ip: "192.168.1.1", ip6: "fc00::1:1", pods: ["10.1.1.0/24", "fd01:0:0:1::/64"]),
                F.node("v4", "n1", ip: "192.168.2.1", pods: ["10.2.1.0/24"]),
                F.node("v6", "n1", ip6: "fc00::3:1", pods: ["fd03:0:0:1::/64"]),
            ])
        let d = try #require(plan["d-n1"])
        let v4 = try #require(plan["v4-n1"])
        let v6 = try #require(plan["v6-n1"])
        #expect(d.deviceLines == ["vx-bridge-6 9470::1:1/16", "vx-bridge 220.168.1.1/8"])
        #expect(d.routeLines == ["fd03:0:0:1::/64 9470::3:1 vx-bridge-6", "10.2.1.0/24 220.168.2.1 vx-bridge"])
        #expect(v4.routeLines == ["10.1.1.0/24 220.168.1.1 vx-bridge"])
        #expect(v6.routeLines == ["fd01:0:0:1::/64 9470::1:1 vx-bridge-6"])
        #expect(v4.fdbLines.allSatisfy { $0.hasSuffix(" vx-bridge") })
        #expect(v6.fdbLines.allSatisfy { $0.hasPrefix("fc00::1:1 ") })
    }

    // MARK: - Validity filter

    @Test func invalidClustersAndNodesAreLeftOutWithAReason() {
        let report = NodeConfigPlanner.planReport(
            clusters: [
                F.cluster("all", family: "all"),
                F.cluster("off", enable: false),
                F.cluster("none", linkOptions: false),
                F.cluster("v4"),
            ],
            clusterNodes: [
                F.node("all", "only-ip", ip: "192.168.1.1"),
                F.node("all", "both", ip: "192.168.1.2", ip6: "fc00::2"),
                F.node("v4", "ok", ip: "192.168.2.1"),
                F.node("v4", "no-nic", ip: "192.168.2.2", interface: ""),
                F.node("off", "n1", ip: "192.168.3.1"),
                F.node("none", "n1", ip: "192.168.4.1"),
                F.node("ghost", "n1", ip: "192.168.5.1"),
            ],
            existing: [])
        #expect(report.nodeConfigs.map(\.name) == ["all-both", "v4-ok"])
        let reasons = report.warnings.map(\.description)
        #expect(reasons.contains(#"Cluster "off": clusterLinkOptions.enable is false"#))
        #expect(reasons.contains(#"Cluster "none": has no clusterLinkOptions; ClusterLink is off"#))
        #expect(reasons.contains(#"ClusterNode "all-only-ip": spec.ip6 is empty but the cluster carries IPv6"#))
        #expect(reasons.contains(
            #"ClusterNode "v4-no-nic": spec.interfaceName is empty (its agent has not reported yet)"#))
        #expect(reasons.contains(#"ClusterNode "ghost-n1": cluster "ghost" is missing or has ClusterLink off"#))
    }

    @Test func theFirstGatewayByNameIsTheClustersGateway() throws {
        let plan = F.plan(
            [F.cluster("a"), F.cluster("b", pods: ["10.2.0.0/16"])],
            [
                F.node("a", "z", ip: "192.168.1.9", gateway: true),
                F.node("a", "m", ip: "192.168.1.5", gateway: true),
                F.node("b", "n1", ip: "192.168.2.1", gateway: true),
            ])
        // a-m wins; a-z is then an ordinary internal node that reaches b through a-m.
        #expect(try #require(plan["a-m"]).routeLines == ["10.2.0.0/16 220.168.2.1 vx-bridge"])
        #expect(try #require(plan["a-z"]).routeLines == ["10.2.0.0/16 210.168.1.5 vx-local"])
        #expect(try #require(plan["a-z"]).deviceLines == ["vx-local 210.168.1.9/8"])
    }

    // MARK: - MACs

    @Test func existingMACsAreKeptAndNewOnesAreDerivedFromTheNames() throws {
        let clusters = [F.cluster("a", type: "p2p"), F.cluster("b", type: "p2p")]
        let nodes = [F.node("a", "n1", ip: "192.168.1.1"), F.node("b", "n1", ip: "192.168.2.1")]
        let kept = F.plan(clusters, nodes, existing: [F.existing("a-n1", macs: ["vx-bridge": "aa:bb:cc:00:11:22"])])
        #expect(try #require(kept["a-n1"]).spec.devices.first?.mac == "aa:bb:cc:00:11:22")
        // b-n1 learns the kept MAC for a-n1.
        #expect(try #require(kept["b-n1"]).arpLines == ["220.168.1.1 aa:bb:cc:00:11:22 vx-bridge"])

        let fresh = try #require(F.plan(clusters, nodes)["a-n1"]?.spec.devices.first?.mac)
        let derived = NodeConfigPlanner.derivedMAC(node: "a-n1", device: "vx-bridge")
        #expect(fresh == derived.description)
        let first = try #require(derived.bytes.first)
        #expect(first & 0x02 == 0x02, "locally administered")
        #expect(first & 0x01 == 0, "unicast")
        // Pinned: a change here would re-create every device of every cluster that has no NodeConfig yet.
        #expect(NodeConfigPlanner.derivedMAC(node: "c1-n1", device: "vx-bridge").description == "ce:bb:df:0b:a5:c7")
        #expect(NodeConfigPlanner.derivedMAC(node: "c1-n1", device: "vx-local").description == "a2:b2:1c:20:84:7e")
        #expect(NodeConfigPlanner.derivedMAC(node: "c2-n1", device: "vx-bridge").description == "02:c4:af:a5:a8:9e")
        #expect(derived != NodeConfigPlanner.derivedMAC(node: "a-n1", device: "vx-local"))
        #expect(derived != NodeConfigPlanner.derivedMAC(node: "a-n2", device: "vx-bridge"))
        // A malformed MAC in an existing NodeConfig is not reused.
        let broken = F.plan(clusters, nodes, existing: [F.existing("a-n1", macs: ["vx-bridge": "not-a-mac"])])
        #expect(try #require(broken["a-n1"]).spec.devices.first?.mac == derived.description)
    }

    // MARK: - Overlap protection and GlobalCIDR

    @Test func aClusterNeverGetsRoutesForCIDRsOverlappingItsOwn() throws {
        let plan = F.plan(
            [
                F.cluster("a", type: "p2p", pods: ["10.1.0.0/16"]),
                F.cluster("b", type: "p2p", pods: ["10.1.0.0/16"]),
                F.cluster("c", type: "p2p", pods: ["10.3.0.0/16"], services: ["bogus"]),
            ],
            [
                F.node("a", "n1", ip: "192.168.1.1", pods: ["10.1.1.0/24"]),
                F.node("b", "n1", ip: "192.168.2.1", pods: ["10.1.2.0/24"]),
                F.node("c", "n1", ip: "192.168.3.1", pods: ["10.3.1.0/24"]),
            ])
        // a and b overlap: neither routes the other's pods, but both reach c's.
        #expect(try #require(plan["a-n1"]).routeLines == ["10.3.1.0/24 220.168.3.1 vx-bridge"])
        #expect(try #require(plan["b-n1"]).routeLines == ["10.3.1.0/24 220.168.3.1 vx-bridge"])
        // c has an unreadable CIDR of its own: by Kosmos' "safer" rule it accepts no routes at all.
        #expect(try #require(plan["c-n1"]).spec.routes.isEmpty)
    }

    /// Upstream maps egress with `-j SNAT --to-source <first global address>`; we emit NETMAP so every source keeps
    /// its own global address (kosmos-semantics §9.9), and ingress NETMAP without `-i vx-bridge` so the cluster's
    /// own pods reach its global addresses too. A P2P node's pod CIDR inside the mapped CIDR is routed under its
    /// global form.
    @Test func globalCIDRMapsOverlappingClustersOneToOne() throws {
        let plan = F.plan(
            [
                F.cluster("a", type: "p2p", pods: ["10.1.0.0/16"]),
                F.cluster("b", type: "p2p", pods: ["10.1.0.0/16"], services: ["10.96.0.0/16"],
                          globalMap: ["10.1.0.0/16": "10.201.0.0/16", "10.96.0.0/16": "10.196.0.0/16"]),
            ],
            [
                F.node("a", "n1", ip: "192.168.1.1", gateway: true, pods: ["10.1.1.0/24"]),
                F.node("b", "n1", ip: "192.168.2.1", gateway: true, pods: ["10.1.5.0/24"]),
            ])
        let a = try #require(plan["a-n1"])
        let b = try #require(plan["b-n1"])
        #expect(a.routeLines == ["10.201.5.0/24 220.168.2.1 vx-bridge", "10.196.0.0/16 220.168.2.1 vx-bridge"])
        // a's own pods overlap b's real CIDR, so b gets no route for them (b must map, not a).
        #expect(b.routeLines.isEmpty)
        #expect(b.ruleLines == [
            "nat PREROUTING -d 10.201.0.0/16 -j NETMAP --to 10.1.0.0/16",
            "nat PREROUTING -d 10.196.0.0/16 -j NETMAP --to 10.96.0.0/16",
            "nat POSTROUTING -s 10.96.0.0/16 -o vx-bridge -j NETMAP --to 10.196.0.0/16",
            "nat POSTROUTING -s 10.1.0.0/16 -o vx-bridge -j NETMAP --to 10.201.0.0/16",
        ])
        #expect(a.ruleLines.isEmpty)
    }

    @Test func gatewayModeGlobalCIDRTranslatesAtTheGatewayAndAcceptsOwnGlobalAddressesEverywhere() throws {
        let plan = F.plan(
            [
                F.cluster("a", family: "all", pods: ["10.1.0.0/16", "fd01::/48"]),
                F.cluster("b", family: "all", pods: ["10.1.0.0/16", "fd01::/48"],
                          globalMap: ["10.1.0.0/16": "10.201.0.0/16", "fd01::/48": "fd91::/48"]),
            ],
            [
                F.node("a", "gw", ip: "192.168.1.1", ip6: "fc00::1:1", gateway: true),
                F.node("a", "n2", ip: "192.168.1.2", ip6: "fc00::1:2"),
                F.node("b", "gw", ip: "192.168.2.1", ip6: "fc00::2:1", gateway: true),
                F.node("b", "n2", ip: "192.168.2.2", ip6: "fc00::2:2"),
            ])
        // a reaches b's pods only under their global CIDRs, through a's gateway.
        #expect(try #require(plan["a-n2"]).routeLines == [
            "fd91::/48 9480::1:1 vx-local-6", "10.201.0.0/16 210.168.1.1 vx-local",
        ])
        #expect(try #require(plan["a-gw"]).routeLines == [
            "fd91::/48 9470::2:1 vx-bridge-6", "10.201.0.0/16 220.168.2.1 vx-bridge",
        ])
        let ingress = [
            "nat PREROUTING -d fd91::/48 -j NETMAP --to fd01::/48",
            "nat PREROUTING -d 10.201.0.0/16 -j NETMAP --to 10.1.0.0/16",
        ]
        // b's internal node maps its own global addresses back (in-cluster access), but does no egress mapping.
        #expect(try #require(plan["b-n2"]).ruleLines == ingress)
        let gatewayRules = try #require(plan["b-gw"]).ruleLines
        for rule in ingress + [
            "nat POSTROUTING -s fd01::/48 -o vx-bridge-6 -j NETMAP --to fd91::/48",
            "nat POSTROUTING -s 10.1.0.0/16 -o vx-bridge -j NETMAP --to 10.201.0.0/16",
        ] {
            #expect(gatewayRules.contains(rule), "\(rule)")
        }
        #expect(gatewayRules.count == 8, "4 NETMAP rules and 4 host-network MASQUERADE rules")
    }

    @Test func globalMapEntriesNETMAPCannotApplyAreIgnoredWithAWarning() throws {
        let report = NodeConfigPlanner.planReport(
            clusters: [F.cluster("b", type: "p2p", pods: ["10.1.0.0/16"], globalMap: ["10.1.0.0/16": "10.200.0.0/8"])],
            clusterNodes: [F.node("b", "n1", ip: "192.168.2.1")], existing: [])
        #expect(try #require(report.nodeConfigs.first).spec.iptables.isEmpty)
        #expect(report.warnings.map(\.description) == [
            #"Cluster "b": globalCIDRsMap entry "10.1.0.0/16": "10.200.0.0/8" maps between different families or "#
                + "sizes, which a 1:1 NETMAP cannot do; ignored"
        ])
    }

    // MARK: - Purity and order

    @Test func planningIsPureAndIgnoresInputOrder() {
        let clusters = Self.gatewayClusters
            + [F.cluster("p", type: "p2p", family: "all", pods: ["10.9.0.0/16", "fd09::/48"])]
        let nodes = Self.gatewayNodes + [
            F.node("p", "n1", ip: "192.168.9.1", ip6: "fc00::9:1", pods: ["10.9.1.0/24", "fd09:0:0:1::/64"]),
            F.node("p", "n2", ip: "192.168.9.2", ip6: "fc00::9:2", pods: ["10.9.2.0/24"]),
        ]
        func bytes(_ c: [Cluster], _ n: [ClusterNode]) -> [UInt8] {
            let configs = NodeConfigPlanner.plan(clusters: c, clusterNodes: n, existing: [])
            return JSONValue.array(configs.map(\.json)).serialized()
        }
        let first = bytes(clusters, nodes)
        #expect(first == bytes(clusters, nodes))
        #expect(first == bytes(clusters.reversed(), nodes.reversed()))
        #expect(first.count > 1000)
    }

    /// Large inputs are rendered on several threads and identical lists are shared: the bytes must not change.
    @Test func largePlansAreStillPureSortedAndShared() throws {
        let clusters = (0..<3).map { c in
            F.cluster(
                "c\(c)", type: c == 2 ? "p2p" : "gateway", pods: ["10.\(c).0.0/16"], services: ["10.\(100 + c).0.0/16"])
        }
        let nodes = (0..<3).flatMap { c in
            (0..<120).map { n in
                F.node("c\(c)", "n\(n)", ip: "100.\(c).\(n).1", gateway: n == 7, pods: c == 2 ? ["10.2.\(n).0/24"] : [])
            }
        }
        let first = NodeConfigPlanner.plan(clusters: clusters, clusterNodes: nodes.shuffled(), existing: [])
        let second = NodeConfigPlanner.plan(clusters: clusters.shuffled(), clusterNodes: nodes, existing: [])
        #expect(first.count == 360)
        #expect(JSONValue.array(first.map(\.json)).serialized() == JSONValue.array(second.map(\.json)).serialized())
        for config in first {
            for key in ["routes", "fdbs", "arps"] {
                let texts = (config.spec.json[key]?.arrayValue ?? []).map { $0.serialized() }
                #expect(texts == texts.sorted { $1.lexicographicallyPrecedes($0) }, "\(config.name) \(key)")
            }
        }
        // An internal node of c0 reaches c1's pods and services and each of c2's 120 node pod CIDRs via c0's gateway.
        let internalNode = try #require(first.first { $0.name == "c0-n1" })
        #expect(internalNode.spec.routes.count == 2 + 1 + 120)
        #expect(internalNode.spec.routes.allSatisfy { $0.gw == "210.0.7.1" && $0.dev == "vx-local" })
        // Every P2P node knows the other 119 P2P nodes and the gateway of c0 and of c1.
        #expect(try #require(first.first { $0.name == "c2-n3" }).spec.arps.count == 121)
    }

    @Test func everyListIsSortedDescendingByCompactJSONTextWithoutDuplicates() {
        let configs = NodeConfigPlanner.plan(
            clusters: [
                F.cluster(
                    "a", family: "all", pods: ["10.1.0.0/16", "10.1.0.0/16", "fd01::/48"], services: ["10.11.0.0/16"]),
                F.cluster("b", family: "all", pods: ["10.2.0.0/16", "fd02::/48"], services: ["10.12.0.0/16"]),
                F.cluster("c", type: "p2p", family: "all"),
            ],
            clusterNodes: (1...3).flatMap { i in
                [
                    F.node("a", "n\(i)", ip: "192.168.1.\(i)", ip6: "fc00::1:\(i)", gateway: i == 2),
                    F.node("b", "n\(i)", ip: "192.168.2.\(i * 10)", ip6: "fc00::2:\(i)", gateway: i == 1),
                    F.node("c", "n\(i)", ip: "192.168.3.\(i)", ip6: "fc00::3:\(i)",
                           pods: ["10.3.\(i).0/24", "fd03:0:0:\(i)::/64"]),
                ]
            },
            existing: [])
        #expect(configs.count == 9)
        for config in configs {
            for key in ["devices", "routes", "iptables", "fdbs", "arps"] {
                let texts = (config.spec.json[key]?.arrayValue ?? []).map { $0.serialized() }
                let expected = Array(Set(texts)).sorted { $1.lexicographicallyPrecedes($0) }
                #expect(texts == expected, "\(config.name) \(key)")
            }
        }
    }

    @Test func entryOrderIsTheOrderOfTheJSONTextEvenForPrefixesAndEscapes() {
        // In JSON text a string is followed by its closing quote (0x22): "a" sorts above "a b" (space is 0x20) but
        // below "a-"; escaped characters sort by their escape sequence.
        let tricky = [
            "a", "a b", "\u{E9}", "e\u{301}", "a!", "a-", "a\"", "a\\", "a<", "a&", "é", "a\u{2028}", "", "10.0.0.1",
            "10.0.0.10",
        ]
        var entries: [PlanEntry] = []
        for x in tricky {
            for y in ["a", "a b"] { entries.append(PlanEntry(.route, x, y, x)) }
        }
        func text(_ e: PlanEntry) -> [UInt8] {
            JSONValue.object(["cidr": .string(e.f0), "gw": .string(e.f1), "dev": .string(e.f2)]).serialized()
        }
        let ours = entries.sorted { JSONTextOrder.entryPrecedes($0, $1) }.map(text)
        let reference = entries.map(text).sorted { $0.lexicographicallyPrecedes($1) }
        #expect(ours == reference)
    }

    // MARK: - Diff

    @Test func planDiffCreatesUpdatesAndDeletesOnlyWhatChanged() throws {
        let desired = NodeConfigPlanner.plan(
            clusters: Self.gatewayClusters, clusterNodes: Self.gatewayNodes, existing: Self.gatewayExisting)
        // Nothing exists: everything is created.
        let fromNothing = NodeConfigPlan(desired: desired, existing: [])
        #expect(fromNothing.create.map(\.name) == ["c1-n1", "c1-n2", "c2-n1"])
        #expect(fromNothing.update.isEmpty && fromNothing.delete.isEmpty)

        // The server holds c1-n1 unchanged (with server fields), c1-n2 stale, and a config of a vanished node.
        var same = desired[0]
        same.metadata.resourceVersion = "7"
        var stale = desired[1]
        stale.metadata.resourceVersion = "8"
        stale.spec.routes = []
        let gone = NodeConfig(name: "c9-n1")
        let plan = NodeConfigPlan(desired: desired, existing: [same, stale, gone])
        #expect(plan.create.map(\.name) == ["c2-n1"])
        #expect(plan.update.map(\.name) == ["c1-n2"])
        #expect(plan.delete.map(\.name) == ["c9-n1"])
        let updated = try #require(plan.update.first)
        #expect(updated.metadata.resourceVersion == "8")
        #expect(updated.spec == desired[1].spec)
        #expect(updated.metadata.annotations["prev"] == stale.spec.json.serializedString())
        #expect(NodeConfigPlan(desired: desired, existing: desired).isEmpty)
    }

    private func mac(_ node: String, _ device: String) -> String {
        NodeConfigPlanner.derivedMAC(node: node, device: device).description
    }
}
