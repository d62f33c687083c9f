import KosmosNet
import Testing

@Suite struct IPAMTests {
    // MARK: - VXLAN device addresses (kosmos-cases.md §2.1)

    @Test(arguments: [
        ("2409:7c85:6200::a0e:1702", "9480::/16", "9480:7c85:6200::a0e:1702/16"),
        ("100.10.10.1", "210.0.0.0/8", "210.10.10.1/8"),
        ("192.168.0.11", "220.0.0.0/8", "220.168.0.11/8"),
        ("10.0.0.5", "210.0.0.0/8", "210.0.0.5/8"),
        ("10.0.0.5", "210.9.0.0/8", "210.0.0.5/8"),     // host bits of the CIDR are ignored
        ("fd00::1:2", "fdaa:bb::/32", "fdaa:bb::1:2/32"),
    ])
    func derivesVXLANDeviceAddress(underlay: String, cidr: String, expected: String) throws {
        #expect(try VXLANDeviceAddress.derive(underlay: underlay, deviceCIDR: cidr).description == expected)
    }

    @Test func vxlanDerivationRefusesMixedFamilies() {
        #expect {
            try VXLANDeviceAddress.derive(underlay: "10.0.0.5", deviceCIDR: "9480::/16")
        } throws: { error in
            "\(error)" == "derive VXLAN device address from underlay 10.0.0.5 and device CIDR 9480::/16: "
                + "different IP families (IPv4 and IPv6)"
        }
        #expect(throws: VXLANDeviceAddressError.self) {
            try VXLANDeviceAddress.derive(underlay: IPAddress("fd00::1")!, deviceCIDR: IPPrefix("220.0.0.0/8")!)
        }
        #expect(throws: VXLANDeviceAddressError.self) {
            try VXLANDeviceAddress.derive(underlay: "10.0.0.300", deviceCIDR: "220.0.0.0/8")
        }
    }

    // MARK: - Subnet allocator

    @Test func allocatesLowestFreeSubnetsAndReusesReleasedOnes() throws {
        var a = try SubnetAllocator(pool: IPPrefix("10.244.0.0/22")!, subnetLength: 24,
                                    used: [IPPrefix("10.244.1.0/24")!])
        #expect(a.freeCount == 3)
        #expect(try a.allocate().description == "10.244.0.0/24")
        #expect(try a.allocate().description == "10.244.2.0/24")
        #expect(try a.allocate().description == "10.244.3.0/24")
        #expect(throws: IPAMError.self) { try a.allocate() }
        let released = a.release(IPPrefix("10.244.2.0/24")!)
        let releasedAgain = a.release(IPPrefix("10.244.2.0/24")!)
        #expect(released && !releasedAgain)
        #expect(try a.allocate().description == "10.244.2.0/24")
        #expect(a.freeCount == 0)
    }

    @Test func exhaustedPoolErrorNamesPoolAndSize() throws {
        var a = try SubnetAllocator(pool: IPPrefix("10.0.0.0/24")!, subnetLength: 25)
        _ = try a.allocate(count: 2)
        #expect {
            try a.allocate()
        } throws: { error in
            "\(error)" == "allocate a /25 subnet: no free /25 left in 10.0.0.0/24"
        }
        // A failed batch takes nothing.
        var b = try SubnetAllocator(pool: IPPrefix("10.0.0.0/24")!, subnetLength: 26)
        #expect(throws: IPAMError.self) { try b.allocate(count: 5) }
        #expect(b.freeCount == 4)
    }

    @Test func reservedRangesOfAnySizeAreAvoided() throws {
        var a = try SubnetAllocator(
            pools: [IPPrefix("10.0.0.0/16")!, IPPrefix("10.1.0.0/16")!], subnetLength: 24,
            used: [IPPrefix("10.0.0.0/17")!, IPPrefix("10.0.128.5/32")!, IPPrefix("9.0.0.0/8")!,
                   IPPrefix("fd00::/8")!])
        #expect(try a.allocate().description == "10.0.129.0/24")
        var full = try SubnetAllocator(pools: [IPPrefix("10.0.0.0/16")!, IPPrefix("10.1.0.0/16")!], subnetLength: 24,
                                       used: [IPPrefix("10.0.0.0/16")!])
        #expect(try full.allocate().description == "10.1.0.0/24")
        var v6 = try SubnetAllocator(pool: IPPrefix("fd00:10::/56")!, subnetLength: 64,
                                     used: [IPPrefix("fd00:10::/64")!])
        #expect(try v6.allocate().description == "fd00:10:0:1::/64")
    }

    @Test func claimsChecksSizePoolAndOverlap() throws {
        var a = try SubnetAllocator(pool: IPPrefix("10.244.0.0/16")!, subnetLength: 24)
        try a.claim(IPPrefix("10.244.5.0/24")!)
        #expect(!a.isFree(IPPrefix("10.244.5.0/24")!))
        #expect(throws: IPAMError.self) { try a.claim(IPPrefix("10.244.5.0/24")!) }
        #expect(throws: IPAMError.self) { try a.claim(IPPrefix("10.244.6.0/25")!) }
        #expect(throws: IPAMError.self) { try a.claim(IPPrefix("10.245.0.0/24")!) }
        #expect(try a.allocate().description == "10.244.0.0/24")
    }

    @Test func rejectsBadPools() {
        #expect(throws: IPAMError.self) { try SubnetAllocator(pools: [], subnetLength: 24) }
        #expect(throws: IPAMError.self) {
            try SubnetAllocator(pools: [IPPrefix("10.0.0.0/8")!, IPPrefix("fd00::/8")!], subnetLength: 24)
        }
        #expect(throws: IPAMError.self) { try SubnetAllocator(pool: IPPrefix("10.0.0.0/24")!, subnetLength: 16) }
        #expect(throws: IPAMError.self) { try SubnetAllocator(pool: IPPrefix("10.0.0.0/24")!, subnetLength: 33) }
    }

    /// Random allocate/claim/release sequences against a brute-force model that tracks every subnet.
    @Test func allocatorMatchesBruteForceModel() throws {
        var rng = SeededRandom(seed: 42)
        for round in 0..<300 {
            let v6 = round % 2 == 1
            let extra = Int.random(in: 0...6, using: &rng)
            let pool = v6 ? IPPrefix(containing: IPAddress("fd00:1234::")!, length: 52 + extra)!
                : IPPrefix(containing: IPAddress("10.0.0.0")!, length: 16 + extra)!
            let subnetLength = pool.length + Int.random(in: 0...6, using: &rng)
            let all = Array(pool.subnets(length: subnetLength))
            // Reservations of assorted sizes in and around the pool.
            var reserved: [IPPrefix] = []
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                let l = Int.random(in: max(0, pool.length - 1)...(pool.family.bitCount), using: &rng)
                let inside = pool.address(at: Int.random(in: 0..<(1 << min(30, pool.hostBitCount)), using: &rng))!
                reserved.append(IPPrefix(containing: inside, length: l)!)
            }
            var allocator = try SubnetAllocator(pool: pool, subnetLength: subnetLength, used: reserved)
            var inUse = Set(all.filter { s in reserved.contains { $0.overlaps(s) } })
            for _ in 0..<40 {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0, 1:
                    let expected = all.first { !inUse.contains($0) }
                    let got = try? allocator.allocate()
                    #expect(got == expected, "round \(round): pool \(pool) /\(subnetLength) reserved \(reserved)")
                    if let got { inUse.insert(got) }
                case 2:
                    let s = all.randomElement(using: &rng)!
                    let ok = (try? allocator.claim(s)) != nil
                    #expect(ok == !inUse.contains(s))
                    inUse.insert(s)
                default:
                    let s = all.randomElement(using: &rng)!
                    if reserved.contains(where: { $0.overlaps(s) }) { continue }
                    let released = allocator.release(s)
                    #expect(released == inUse.contains(s))
                    inUse.remove(s)
                }
                #expect(allocator.freeCount == UInt64(all.count - inUse.count))
            }
        }
    }
}
