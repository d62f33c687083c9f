import KosmosNet
import Testing

@Suite struct GlobalCIDRTests {
    static func p(_ s: String) -> IPPrefix { IPPrefix(s)! }
    static func a(_ s: String) -> IPAddress { IPAddress(s)! }

    static func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    // MARK: - Maps

    @Test func mapRejectsBrokenEntriesInWords() {
        #expect(Self.message { _ = try GlobalCIDRMap(kosmos: ["10.233.64.0/18": "10.100.0.0/16"]) }
                == "invalid globalCIDRsMap: global CIDR 10.100.0.0/16 is not the same size as real CIDR "
                + "10.233.64.0/18 (/16 vs /18)")
        #expect(Self.message { _ = try GlobalCIDRMap(kosmos: ["10.233.64.0/18": "fd00::/18"]) }
                == "invalid globalCIDRsMap: global CIDR fd00::/18 is IPv6 but real CIDR 10.233.64.0/18 is IPv4")
        #expect(Self.message {
            _ = try GlobalCIDRMap(kosmos: ["10.233.0.0/16": "10.100.0.0/16", "10.233.64.0/18": "10.101.0.0/18"])
        } == "invalid globalCIDRsMap: real CIDRs 10.233.0.0/16 and 10.233.64.0/18 overlap, so their addresses "
            + "cannot be told apart")
        #expect(Self.message {
            _ = try GlobalCIDRMap(kosmos: ["10.1.0.0/16": "10.100.0.0/16", "10.2.0.0/24": "10.100.3.0/24"])
        } == "invalid globalCIDRsMap: global CIDRs 10.100.0.0/16 (for 10.1.0.0/16) and 10.100.3.0/24 "
            + "(for 10.2.0.0/24) overlap")
        #expect(Self.message { _ = try GlobalCIDRMap(kosmos: ["10.1.0/16": "10.100.0.0/16"]) }
                .hasPrefix(#"invalid globalCIDRsMap: entry "10.1.0/16": "10.100.0.0/16": invalid CIDR "10.1.0/16""#))
    }

    @Test func translatesOneToOneBothWays() throws {
        let map = try GlobalCIDRMap(kosmos: ["10.233.64.0/18": "10.100.64.0/18", "fd11::/64": "fd22::/64"])
        #expect(map.toGlobal(Self.a("10.233.64.5")) == Self.a("10.100.64.5"))
        #expect(map.toGlobal(Self.a("10.233.127.255")) == Self.a("10.100.127.255"))
        #expect(map.toGlobal(Self.a("10.234.0.1")) == Self.a("10.234.0.1"))
        #expect(map.toReal(Self.a("10.100.64.5")) == Self.a("10.233.64.5"))
        #expect(map.toGlobal(Self.a("fd11::5")) == Self.a("fd22::5"))
        #expect(map.toReal(Self.a("fd22::abcd")) == Self.a("fd11::abcd"))
        #expect(map.toGlobal(Self.p("10.233.70.0/24")) == Self.p("10.100.70.0/24"))
        #expect(map.toReal(Self.p("10.100.70.0/24")) == Self.p("10.233.70.0/24"))
        #expect(map.toGlobal(Self.p("10.233.0.0/16")) == Self.p("10.233.0.0/16"))   // wider than the entry
        #expect(map.kosmosMap == ["10.233.64.0/18": "10.100.64.0/18", "fd11::/64": "fd22::/64"])
    }

    /// Random maps: translating into the global range and back gives every address back, host bits intact.
    @Test func translationRoundTripsOnRandomMaps() throws {
        var gen = CaseGenerator(seed: 77)
        for _ in 0..<2_000 {
            let f = gen.family()
            let real = gen.prefix(f)
            var global = IPPrefix(containing: gen.address(f), length: real.length)!
            if global.overlaps(real) { global = real.halves.map { _ in global } ?? global }
            guard !global.overlaps(real) else { continue }
            let map = try GlobalCIDRMap([.init(real: real, global: global)])
            let inside = real.address(withHostBitsOf: gen.address(f))!
            let g = map.toGlobal(inside)
            #expect(global.contains(g))
            #expect(real.hostBits(of: inside) == global.hostBits(of: g))
            #expect(map.toReal(g) == inside)
        }
    }

    /// kosmos-cases.md §2.10 (`ConvertToGlobalCIDRs`) and §5.1 (`NetMap`).
    @Test func kosmosTextRules() throws {
        let map = ["10.233.64.0/18": "10.100.64.0/18"]
        #expect(GlobalCIDRMap.kosmosConvert(["10.233.64.0/18", "10.233.0.0/18"], using: map)
                == ["10.100.64.0/18", "10.233.0.0/18"])
        #expect(GlobalCIDRMap.kosmosConvert(["10.233.64.1/18"], using: map) == ["10.233.64.1/18"])
        #expect(GlobalCIDRMap.kosmosConvert(["10.233.64.0/18"], using: [:]) == ["10.233.64.0/18"])
        #expect(try GlobalCIDRMap.kosmosNetMap("10.233.64.5", using: map) == "10.100.64.5")
        #expect(try GlobalCIDRMap.kosmosNetMap("10.233.127.255", using: map) == "10.100.127.255")
        #expect(try GlobalCIDRMap.kosmosNetMap("10.234.0.1", using: map) == "10.234.0.1")
        #expect(try GlobalCIDRMap.kosmosNetMap("fd11::5", using: ["fd11::/64": "fd22::/64"]) == "fd22::5")
        #expect(try GlobalCIDRMap.kosmosNetMap("abc", using: map) == "abc")
        let unequal = ["10.233.64.0/18": "10.100.0.0/16"]
        #expect(Self.message { _ = try GlobalCIDRMap.kosmosNetMap("10.233.64.5", using: unequal) }
                == "invalid globalCIDRsMap: the subnet masks of 10.233.64.0/18 and 10.100.0.0/16 need to be the same")
    }

    // MARK: - Conflicts and validation

    static let member1 = ClusterCIDRs(
        cluster: "member1", podCIDRs: [p("10.233.64.0/18")], serviceCIDRs: [p("10.96.0.0/12")])
    static let member2 = ClusterCIDRs(
        cluster: "member2", podCIDRs: [p("10.233.0.0/16")], serviceCIDRs: [p("10.96.0.0/16")])
    static let member3 = ClusterCIDRs(
        cluster: "member3", podCIDRs: [p("10.244.0.0/16")], serviceCIDRs: [p("10.100.0.0/16")])

    @Test func conflictsNameClustersAndRanges() {
        let conflicts = GlobalCIDRPlanner().conflicts([Self.member3, Self.member2, Self.member1])
        #expect(conflicts.map(\.description) == [
            #"cluster "member1" pod CIDR 10.233.64.0/18 overlaps cluster "member2" pod CIDR 10.233.0.0/16: both hold 10.233.64.0/18"#,
            #"cluster "member1" service CIDR 10.96.0.0/12 overlaps cluster "member2" service CIDR 10.96.0.0/16: both hold 10.96.0.0/16"#,
            #"cluster "member1" service CIDR 10.96.0.0/12 overlaps cluster "member3" service CIDR 10.100.0.0/16: both hold 10.100.0.0/16"#,
        ])
    }

    @Test func validationReportsEveryBrokenRule() throws {
        var m1 = Self.member1
        m1.globalCIDRs = try GlobalCIDRMap(kosmos: ["10.233.64.0/18": "10.244.0.0/18", "10.1.0.0/16": "10.50.0.0/16"])
        var m2 = Self.member2
        m2.globalCIDRs = try GlobalCIDRMap(kosmos: ["10.233.0.0/16": "10.50.0.0/16"])
        let problems = GlobalCIDRPlanner().validate([m2, m1, Self.member3]).map(\.description)
        #expect(problems.contains(
            #"cluster "member1": globalCIDRsMap maps 10.1.0.0/16, which is inside none of its pod or service CIDRs"#))
        #expect(problems.contains(
            #"cluster "member1": global CIDR 10.244.0.0/18 (for 10.233.64.0/18) overlaps cluster "member3"'s pod CIDR 10.244.0.0/16, which must stay reachable"#))
        #expect(problems.contains(
            #"cluster "member1": global CIDR 10.50.0.0/16 (for 10.1.0.0/16) overlaps cluster "member2"'s global CIDR 10.50.0.0/16 (for 10.233.0.0/16)"#))
        #expect(problems.contains(
            #"cluster "member2": cluster "member1" service CIDR 10.96.0.0/12 overlaps cluster "member2" service CIDR 10.96.0.0/16: both hold 10.96.0.0/16 and neither is mapped to a global CIDR"#))
        #expect(GlobalCIDRPlanner().validate([Self.member3]).isEmpty)
    }

    // MARK: - Planning

    @Test func planMapsLaterClustersIntoThePoolDeterministically() {
        let planner = GlobalCIDRPlanner()
        let plan = planner.plan([Self.member3, Self.member2, Self.member1])
        #expect(plan.problems.isEmpty)
        #expect(plan.assignments.map(\.description) == [
            #"cluster "member2": mapped 10.233.0.0/16 to global CIDR 242.0.0.0/16 because cluster "member1" pod CIDR 10.233.64.0/18 overlaps cluster "member2" pod CIDR 10.233.0.0/16: both hold 10.233.64.0/18"#,
            #"cluster "member2": mapped 10.96.0.0/16 to global CIDR 242.1.0.0/16 because cluster "member1" service CIDR 10.96.0.0/12 overlaps cluster "member2" service CIDR 10.96.0.0/16: both hold 10.96.0.0/16"#,
            #"cluster "member3": mapped 10.100.0.0/16 to global CIDR 242.2.0.0/16 because cluster "member1" service CIDR 10.96.0.0/12 overlaps cluster "member3" service CIDR 10.100.0.0/16: both hold 10.100.0.0/16"#,
        ])
        #expect(plan.maps["member1"]?.isEmpty == true)
        #expect(plan.maps["member2"]?.kosmosMap == ["10.233.0.0/16": "242.0.0.0/16", "10.96.0.0/16": "242.1.0.0/16"])
        // Same input in another order: same plan.
        #expect(planner.plan([Self.member1, Self.member3, Self.member2]) == plan)
        // Applying the plan leaves nothing to fix, and planning again changes nothing.
        let applied = [Self.member1, Self.member2, Self.member3].map { c in
            var c = c
            c.globalCIDRs = plan.maps[c.cluster]!
            return c
        }
        #expect(planner.validate(applied).isEmpty)
        #expect(planner.conflicts(applied).isEmpty)
        let again = planner.plan(applied)
        #expect(again.assignments.isEmpty && again.maps == plan.maps)
    }

    @Test func planKeepsValidEntriesAndDropsBrokenOnes() throws {
        var m2 = Self.member2
        m2.globalCIDRs = try GlobalCIDRMap(kosmos: ["10.233.0.0/16": "172.30.0.0/16", "10.96.0.0/16": "10.244.0.0/16"])
        let plan = GlobalCIDRPlanner().plan([Self.member1, m2, Self.member3])
        #expect(plan.maps["member2"]?.kosmosMap == ["10.233.0.0/16": "172.30.0.0/16", "10.96.0.0/16": "242.0.0.0/16"])
        #expect(plan.problems.map(\.description) == [
            #"cluster "member2": dropped globalCIDRsMap entry 10.96.0.0/16 -> 10.244.0.0/16: 10.244.0.0/16 overlaps a real CIDR"#,
        ])
    }

    @Test func planReportsAnExhaustedPool() {
        let planner = GlobalCIDRPlanner(pools: [Self.p("242.0.0.0/17")])
        let plan = planner.plan([Self.member1, Self.member2])
        #expect(plan.problems.map(\.description) == [
            #"cluster "member2": cluster "member1" pod CIDR 10.233.64.0/18 overlaps cluster "member2" pod CIDR 10.233.0.0/16: both hold 10.233.64.0/18; no free /16 left in the IPv4 global CIDR pools 242.0.0.0/17"#,
            #"cluster "member2": cluster "member1" service CIDR 10.96.0.0/12 overlaps cluster "member2" service CIDR 10.96.0.0/16: both hold 10.96.0.0/16; no free /16 left in the IPv4 global CIDR pools 242.0.0.0/17"#,
        ])
    }

    @Test func planHandlesIPv6AndDualStack() {
        let a = ClusterCIDRs(cluster: "a", podCIDRs: [Self.p("10.0.0.0/16"), Self.p("fd11:1111:1111::/48")])
        let b = ClusterCIDRs(cluster: "b", podCIDRs: [Self.p("10.0.0.0/16"), Self.p("fd11:1111:1111:5::/64")])
        let plan = GlobalCIDRPlanner().plan([b, a])
        #expect(plan.maps["b"]?.kosmosMap == ["10.0.0.0/16": "242.0.0.0/16", "fd11:1111:1111:5::/64": "fd42::/64"])
    }

    /// Random clusters with clashing ranges: after the plan is applied, no clash and no broken rule is left.
    @Test func plansLeaveNoConflictsOnRandomClusters() {
        var gen = CaseGenerator(seed: 99)
        let planner = GlobalCIDRPlanner()
        for _ in 0..<200 {
            let base4 = IPPrefix(containing: .v4(IPv4Address(10, 0, 0, 0)), length: 8)!
            let base6 = IPPrefix(containing: IPAddress("fd00::")!, length: 40)!
            var clusters: [ClusterCIDRs] = []
            for i in 0..<Int.random(in: 1...6, using: &gen.rng) {
                var pods: [IPPrefix] = []
                var services: [IPPrefix] = []
                for base in [base4, base6] where gen.rng.chance(0.8) {
                    // Services and pods of one cluster never overlap; other clusters may reuse either.
                    let halves = base.halves!
                    let l = base.length + Int.random(in: 2...8, using: &gen.rng)
                    let index = Int.random(in: 0..<(1 << (l - base.length - 1)), using: &gen.rng)
                    pods.append(halves.lower.subnet(length: l, at: index)!)
                    services.append(halves.upper.subnet(length: l + 2, at: Int.random(in: 0..<4, using: &gen.rng))!)
                }
                clusters.append(ClusterCIDRs(cluster: "c\(i)", podCIDRs: pods, serviceCIDRs: services))
            }
            let plan = planner.plan(clusters)
            #expect(plan.problems.isEmpty)
            let applied = clusters.map { c in
                var c = c
                c.globalCIDRs = plan.maps[c.cluster]!
                return c
            }
            #expect(planner.conflicts(applied).isEmpty)
            #expect(planner.validate(applied).isEmpty)
            let again = planner.plan(applied.reversed())
            #expect(again.maps == plan.maps && again.assignments.isEmpty && again.problems.isEmpty)
        }
    }
}
