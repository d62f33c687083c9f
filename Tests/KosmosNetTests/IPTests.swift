import KosmosNet
import Testing

/// Worked cases: RFC 5952 text, strict and Kosmos-lenient parsing, error wording, and the Kosmos CIDR rules
/// from the Go code's tests (reference kosmos-cases.md §1.1, §2.2, §2.3, §2.10).
@Suite struct IPTests {
    // MARK: - Addresses

    @Test(arguments: [
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),      // first of two equal runs
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),   // a single zero group stays
        ("2001:DB8::A", "2001:db8::a"),
        ("0:0:0:0:0:0:0:0", "::"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("1:0:0:0:0:0:0:0", "1::"),
        ("::ffff:c000:0201", "::ffff:192.0.2.1"),          // IPv4-mapped in mixed notation
        ("::192.0.2.1", "::c000:201"),
        ("2409:7c85:6200::a0e:1702", "2409:7c85:6200::a0e:1702"),
    ])
    func ipv6TextIsRFC5952(input: String, expected: String) throws {
        #expect(try IPAddress(parsing: input).description == expected)
    }

    @Test func addressBytesRoundTrip() {
        let a = IPAddress("10.1.2.3")!
        #expect(a.bytes == [10, 1, 2, 3])
        #expect(a.family == .ipv4)
        #expect(IPAddress(bytes: a.bytes) == a)
        let b = IPAddress("2001:db8::ff00:42:8329")!
        #expect(b.bytes.count == 16)
        #expect(IPAddress(bytes: b.bytes) == b)
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
        #expect(IPv4Address(0x0A00_0001).description == "10.0.0.1")
        #expect(IPv4Address(10, 0, 0, 1) == IPv4Address("10.0.0.1"))
    }

    @Test func ordersIPv4BeforeIPv6() {
        let sorted = ["::1", "10.0.0.2", "10.0.0.10", "::"].map { IPAddress($0)! }.sorted()
        #expect(sorted.map(\.description) == ["10.0.0.2", "10.0.0.10", "::", "::1"])
    }

    @Test func advancesWithinTheFamily() {
        #expect(IPAddress("10.0.0.255")!.advanced(by: 1) == IPAddress("10.0.1.0"))
        #expect(IPAddress("255.255.255.255")!.advanced(by: 1) == nil)
        #expect(IPAddress("0.0.0.0")!.advanced(by: -1) == nil)
        #expect(IPAddress("::ffff:ffff:ffff:ffff")!.advanced(by: 1) == IPAddress("0:0:0:1::"))
    }

    @Test func parseErrorsNameTheInputAndTheCause() {
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        #expect(message { _ = try IPAddress(parsing: "10.0.0.256") }
                == #"invalid IP address "10.0.0.256": octet 4 is 256, larger than 255"#)
        #expect(message { _ = try IPAddress(parsing: "010.0.0.1") }
                == #"invalid IP address "010.0.0.1": octet 1 has a leading zero (ambiguous octal)"#)
        #expect(message { _ = try IPAddress(parsing: "1::2::3") }
                == #"invalid IP address "1::2::3": '::' appears more than once"#)
        #expect(message { _ = try IPAddress(parsing: "fe80::1%eth0") }.contains("unexpected '%'"))
        #expect(message { _ = try IPPrefix(parsing: "10.0.0.1/8") }
                == #"invalid CIDR "10.0.0.1/8": host bits are set (the network is 10.0.0.0/8)"#)
        #expect(message { _ = try IPPrefix(parsing: "10.0.0.0/33") }
                == #"invalid CIDR "10.0.0.0/33": prefix length 33 is longer than 32 bits (IPv4)"#)
        #expect(message { _ = try IPPrefix(parsing: "10.0.0.0") }
                == #"invalid CIDR "10.0.0.0": missing '/' and prefix length"#)
        #expect(message { _ = try IPv4Address(parsing: "::1") }.hasPrefix(#"invalid IPv4 address "::1""#))
        #expect(message { _ = try IPv6Address(parsing: "") } == #"invalid IPv6 address "": empty address"#)
    }

    @Test func rejectsWhatIsNotAnAddress() {
        for text in ["", " 1.2.3.4", "1.2.3", "1.2.3.4.5", "1.2.3.-1", "1:2:3:4:5:6:7:8:9", ":1:2:3:4:5:6:7", "12345::",
                     "1:2:3:4:5:6:7:8::", "::1.2.3", "1.2.3.4::", "g::1", "::ffff:1.2.3.04"] {
            #expect(IPAddress(text) == nil, "\(text)")
        }
    }

    // MARK: - Prefixes

    @Test func prefixProperties() throws {
        let p = try IPPrefix(parsing: "10.233.0.0/16")
        #expect(p.address == IPAddress("10.233.0.0"))
        #expect(p.length == 16 && p.family == .ipv4 && p.hostBitCount == 16)
        #expect(p.netmask.description == "255.255.0.0")
        #expect(p.hostmask.description == "0.0.255.255")
        #expect(p.lastAddress.description == "10.233.255.255")
        #expect(p.addressCount == 65536)
        #expect(IPPrefix("::/0")!.addressCount == nil)
        #expect(p.address(at: 1)?.description == "10.233.0.1")
        #expect(p.address(at: -1)?.description == "10.233.255.255")
        #expect(p.address(at: 65536) == nil)
        #expect(IPPrefix(address: IPAddress("10.0.0.1")!, length: 8) == nil)
        #expect(IPPrefix(containing: IPAddress("10.0.0.1")!, length: 8)?.description == "10.0.0.0/8")
        #expect(IPPrefix(host: IPAddress("fd00::1")!).description == "fd00::1/128")
    }

    @Test func setOperations() {
        let p = IPPrefix("10.0.0.0/24")!
        #expect(p.subtracting(IPPrefix("10.0.0.64/26")!).map(\.description) == ["10.0.0.0/26", "10.0.0.128/25"])
        #expect(p.subtracting([IPPrefix("10.0.0.0/25")!, IPPrefix("10.0.0.128/25")!]).isEmpty)
        #expect(p.subtracting(IPPrefix("10.0.1.0/24")!) == [p])
        #expect(p.subtracting(IPPrefix("fd00::/8")!) == [p])
        #expect(IPPrefix.aggregate(["10.0.0.0/25", "10.0.0.128/25", "10.0.0.5/32", "fd00::/64", "fd00:0:0:1::/64"]
            .map { IPPrefix($0)! }).map(\.description) == ["10.0.0.0/24", "fd00::/63"])
        #expect(p.intersection(IPPrefix("10.0.0.128/25")!)?.description == "10.0.0.128/25")
        #expect(p.intersection(IPPrefix("10.0.1.0/25")!) == nil)
        #expect(p.subnets(length: 26).map(\.description)
                == ["10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26", "10.0.0.192/26"])
        #expect(IPPrefix("10.0.0.0/16")!.subnet(length: 24, at: 3)?.description == "10.0.3.0/24")
        #expect(IPPrefix("::/0")!.subnets(length: 128).count == nil)
        #expect(Array(IPPrefix("10.0.0.0/30")!.addresses).map(\.description)
                == ["10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3"])
        #expect(IPPrefix("255.255.255.254/31")!.addresses.map(\.description) == ["255.255.255.254", "255.255.255.255"])
        #expect(IPPrefix("10.1.2.0/24")!.supernet(length: 8)?.description == "10.0.0.0/8")
    }

    @Test func translatesBetweenPrefixesKeepingHostBits() {
        let real = IPPrefix("10.233.64.0/18")!
        let global = IPPrefix("10.100.64.0/18")!
        #expect(real.translate(IPAddress("10.233.127.255")!, to: global)?.description == "10.100.127.255")
        #expect(real.translate(IPAddress("10.234.0.1")!, to: global) == nil)
        #expect(real.translate(IPAddress("10.233.64.5")!, to: IPPrefix("10.100.0.0/16")!) == nil)
        #expect(IPPrefix("10.0.0.0/16")!.hostBits(of: IPAddress("10.1.2.3")!)?.description == "0.0.2.3")
    }

    // MARK: - Kosmos rules

    /// kosmos-cases.md §1.1 and §2.3: CIDRs normalised to their network form, order kept.
    @Test func normalisesCIDRsLikeKosmos() throws {
        #expect(try KosmosCIDR.normalize(["2409:8c2f:3800:0011::0a18:0000/114", "10.237.6.0/18"])
                == ["2409:8c2f:3800:11::a18:0/114", "10.237.0.0/18"])
        #expect(try KosmosCIDR.normalize(["10.237.6.0/18"]) == ["10.237.0.0/18"])
        #expect(throws: IPParseError.self) { try KosmosCIDR.normalize(["10.237.6.0/18", "10.233.0/16"]) }
        #expect(IPPrefix("10.237.6.0/18") == nil)
    }

    /// kosmos-cases.md §2.2: overlap, with unparsable input counting as overlapping.
    @Test(arguments: [
        ("10.233.0.0/16", "10.233.0.0/18", true),
        ("10.233.0.0/18", "10.233.0.0/16", true),
        ("10.233.0.0/16", "10.233.1.0/23", true),
        ("10.222.0.0/16", "10.223.0.0/16", false),
        ("2409:7c85:6200::a0e:1722/16", "2409:7c85:6200::a0e:1702/12", true),
        ("10.233.0/16", "10.233.0.0/18", true),
        ("192.168.0.0/24", "192.168.0.0/26", true),
        ("10.233.1.0/8", "10.233.0.0/24", true),
        ("192.168.1.0/25", "192.168.1.127/25", true),
        ("192.168.1.0/25", "192.168.1.128/25", false),
        ("192.168.1.0/25", "192.168.1.0/25", true),
        ("2001:db8:1234:5678::/64", "2001:db8:1234:5678:abcd::/80", true),
        ("2001:db8:1234:5678:abcd::/80", "2001:db8:1234:5678::/64", true),
        ("::ffff:192.168.1.0/121", "::ffff:192.168.1.128/130", true),
        ("2001:0db8:1234:5678::/64", "2001:0db8:1234:5679::/64", false),
        ("2001:0db8:1234:5678::/64", "2001:0db8:1234:5678::/64", true),
        ("10.0.0.0/8", "fd00::/8", false),
    ])
    func overlapsLikeKosmos(a: String, b: String, expected: Bool) {
        #expect(KosmosCIDR.overlap(a, b) == expected)
    }

    /// kosmos-cases.md §2.10: the first `.` or `:` decides the family.
    @Test func detectsFamilyLikeKosmos() {
        let cases: [(String, IPFamily?)] = [
            ("192.168.1.1", .ipv4), ("::1", .ipv6), ("2001:db8::1", .ipv6), ("127.0.0.1", .ipv4),
            ("[2001:db8::1]:8080", .ipv6), ("2001:db8::1%eth0", .ipv6), ("192.168.1.0/24", .ipv4),
            ("192.168.1.1:2001:db8::1", .ipv4), ("::", .ipv6), ("", nil), ("invalid_address", nil),
        ]
        for (text, family) in cases { #expect(IPFamily.detect(text) == family, "\(text)") }
    }

    @Test func interfaceAddressKeepsHostBits() throws {
        let a = try IPInterfaceAddress(parsing: "220.168.0.11/8")
        #expect(a.address.description == "220.168.0.11" && a.length == 8)
        #expect(a.prefix.description == "220.0.0.0/8")
        #expect(a.description == "220.168.0.11/8")
        #expect(IPInterfaceAddress("fd00::5/64")?.prefix.description == "fd00::/64")
        #expect(IPInterfaceAddress("10.0.0.1/33") == nil)
    }
}
