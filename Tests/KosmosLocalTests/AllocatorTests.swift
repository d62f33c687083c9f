import KosmosNet
import Testing
@testable import KosmosLocal

@Suite struct AllocatorTests {
    @Test func serviceAddressesInBothFamilies() throws {
        let v4 = try #require(IPAllocator(cidr: "10.96.0.0/12"))
        #expect(v4.firstAddress == "10.96.0.1")
        #expect(v4.allocate() == "10.96.0.2")
        #expect(v4.reserve("10.96.0.9") && !v4.reserve("10.96.0.9"))
        #expect(!v4.reserve("10.200.0.1") && !v4.contains("10.200.0.1"))
        #expect(v4.cidrText == "10.96.0.0/12")

        let v6 = try #require(IPAllocator(cidr: "fd00:20:100::/108"))
        #expect(v6.firstAddress == "fd00:20:100::1")
        #expect(v6.allocate() == "fd00:20:100::2")
        #expect(v6.contains("fd00:20:100::f:ffff") && !v6.contains("fd00:20:100::10:0"))

        let tiny = try #require(IPAllocator(cidr: "192.168.0.0/30"))
        #expect(tiny.allocate() == "192.168.0.2")
        #expect(tiny.allocate() == nil)
        #expect(IPAllocator(cidr: "10.0.0.0/31") == nil && IPAllocator(cidr: "nonsense") == nil)
    }

    @Test func nodeSubnetsInBothFamilies() throws {
        let v4 = try #require(SubnetAllocator(cidr: "10.244.0.0/16"))
        #expect(v4.allocate() == "10.244.0.0/24")
        v4.reserve("10.244.1.0/24")
        #expect(v4.allocate() == "10.244.2.0/24")
        v4.release("10.244.0.0/24")
        #expect(v4.allocate() == "10.244.0.0/24")

        let v6 = try #require(SubnetAllocator(cidr: "fd00:10:100::/56"))
        #expect(v6.allocate() == "fd00:10:100::/64")
        #expect(v6.allocate() == "fd00:10:100:1::/64")
        let full = try #require(SubnetAllocator(cidr: "10.1.0.0/23"))
        #expect(full.allocate() != nil && full.allocate() != nil && full.allocate() == nil)
    }
}
