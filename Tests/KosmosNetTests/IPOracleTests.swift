import KosmosNet
import Testing

/// Property tests: every operation is compared with Python's `ipaddress` on 10,000 random IPv4 cases and
/// 10,000 random IPv6 cases (same seed every run), one python3 process per operation.
@Suite struct IPOracleTests {
    static let perFamily = 10_000

    /// Builds `perFamily` cases for each family with `make`, which gets the generator and the family.
    static func cases(seed: UInt64, _ make: (inout CaseGenerator, IPFamily) -> [String]) -> [[String]] {
        var gen = CaseGenerator(seed: seed)
        var out: [[String]] = []
        out.reserveCapacity(2 * perFamily)
        for f in IPFamily.allCases {
            for _ in 0..<perFamily { out.append(make(&gen, f)) }
        }
        return out
    }

    static func list(_ prefixes: [IPPrefix]) -> String {
        prefixes.isEmpty ? "-" : prefixes.map(\.description).joined(separator: " ")
    }

    @Test func addressParsingAndFormattingMatchPython() throws {
        let cases = Self.cases(seed: 1) { g, f in
            let text = g.text(for: g.address(f))
            return [g.rng.chance(0.3) ? g.mutate(text) : text]
        }
        let n = try PythonOracle.check("parse_addr", cases) { f in
            (try? IPAddress(parsing: f[0]))?.description ?? "ERR"
        }
        print("parse_addr: \(n) cases compared")
    }

    /// Strict parsing differs from `ip_network` by design in two places, checked here without the oracle:
    /// a bare address is not a CIDR, and a prefix length must not carry leading zeros.
    @Test func strictPrefixParsingMatchesPython() throws {
        let cases = Self.cases(seed: 2) { g, f in
            let a = g.address(f)
            var text = g.text(for: a) + "/" + String(g.length(f))
            if g.rng.chance(0.5) { text = IPPrefix(containing: a, length: g.length(f))!.description }
            if g.rng.chance(0.05) {
                text = g.text(for: a) + "/" + String(f.bitCount + Int.random(in: 1...9, using: &g.rng))
            }
            if g.rng.chance(0.3) { text = g.mutate(text) }
            return [text]
        }
        var comparable: [[String]] = []
        for c in cases {
            if let slash = c[0].firstIndex(of: "/"), case let length = c[0][c[0].index(after: slash)...],
               !(length.count > 1 && length.first == "0") && !length.contains(".") {
                comparable.append(c)
            } else {
                #expect(IPPrefix(c[0]) == nil, "\(c[0]) must be rejected")
            }
        }
        try PythonOracle.check("parse_net", comparable) { f in IPPrefix(f[0])?.description ?? "ERR" }
    }

    @Test func lenientPrefixParsingMatchesPython() throws {
        let cases = Self.cases(seed: 3) { g, f in
            var len = String(g.length(f))
            if g.rng.chance(0.1) { len = "0" + len }
            var text = g.text(for: g.address(f)) + "/" + len
            if g.rng.chance(0.2) { text = g.mutate(text) }
            return [text]
        }.filter { c in
            // Python also reads `a.b.c.d/255.0.0.0` netmask notation and bare addresses; we read neither.
            c[0].contains("/") && !c[0].split(separator: "/", omittingEmptySubsequences: false).last!.contains(".")
        }
        try PythonOracle.check("parse_net_lenient", cases) { f in IPPrefix.lenient(f[0])?.description ?? "ERR" }
    }

    @Test func interfaceAddressParsingMatchesPython() throws {
        let cases = Self.cases(seed: 17) { g, f in
            var text = g.text(for: g.address(f)) + "/" + String(g.length(f))
            if g.rng.chance(0.2) { text = g.mutate(text) }
            return [text]
        }.filter { c in
            // As for strict prefixes: Python also reads bare addresses, netmasks and zero-padded lengths.
            guard let slash = c[0].firstIndex(of: "/") else { return false }
            let length = c[0][c[0].index(after: slash)...]
            return !(length.count > 1 && length.first == "0") && !length.contains(".")
        }
        try PythonOracle.check("parse_iface", cases) { f in IPInterfaceAddress(f[0])?.description ?? "ERR" }
    }

    @Test func containsAddressMatchesPython() throws {
        let cases = Self.cases(seed: 4) { g, f in
            let p = g.prefix(f)
            let other: IPFamily = f == .ipv4 ? .ipv6 : .ipv4
            let a = g.rng.chance(0.5)
                ? p.address(withHostBitsOf: g.address(f))! : g.address(g.rng.chance(0.05) ? other : f)
            return [p.description, a.description]
        }
        try PythonOracle.check("contains", cases) { f in
            IPPrefix(f[0])!.contains(IPAddress(f[1])!) ? "1" : "0"
        }
    }

    @Test func overlapsMatchesPython() throws {
        let cases = Self.cases(seed: 5) { g, f in
            let p = g.prefix(f)
            return [p.description, g.related(to: p).description]
        }
        try PythonOracle.check("overlaps", cases) { f in IPPrefix(f[0])!.overlaps(IPPrefix(f[1])!) ? "1" : "0" }
    }

    @Test func containsPrefixMatchesPython() throws {
        let cases = Self.cases(seed: 6) { g, f in
            let p = g.prefix(f)
            return [p.description, g.related(to: p).description]
        }
        try PythonOracle.check("subnet_of", cases) { f in IPPrefix(f[0])!.contains(IPPrefix(f[1])!) ? "1" : "0" }
    }

    @Test func intersectionMatchesPythonRanges() throws {
        let cases = Self.cases(seed: 7) { g, f in
            let p = g.prefix(f)
            return [p.description, g.related(to: p).description]
        }
        try PythonOracle.check("intersection", cases) { f in
            IPPrefix(f[0])!.intersection(IPPrefix(f[1])!)?.description ?? "-"
        }
    }

    @Test func subtractionMatchesPython() throws {
        let cases = Self.cases(seed: 8) { g, f in
            // Keep excluded prefixes within 16 bits of the parent so Python's address_exclude stays quick.
            let p = IPPrefix(containing: g.address(f), length: Int.random(in: 0...f.bitCount, using: &g.rng))!
            let excluded = (0..<Int.random(in: 0...3, using: &g.rng)).map { _ in g.related(to: p, maxDeeper: 16) }
            return [p.description] + excluded.map(\.description)
        }
        try PythonOracle.check("subtract", cases) { f in
            Self.list(IPPrefix(f[0])!.subtracting(f.dropFirst().map { IPPrefix($0)! }))
        }
    }

    @Test func aggregationMatchesPython() throws {
        let cases = Self.cases(seed: 9) { g, f in
            // Prefixes clustered under one parent, so merges actually happen; sometimes both families.
            let parentLength = Int.random(in: 0...(f.bitCount - 6), using: &g.rng)
            let parent = IPPrefix(containing: g.address(f), length: parentLength)!
            var items: [IPPrefix] = []
            let n = Int.random(in: 0...12, using: &g.rng)
            for _ in 0..<n {
                let l = min(f.bitCount, parent.length + Int.random(in: 0...6, using: &g.rng))
                let index = Int.random(in: 0..<(1 << (l - parent.length)), using: &g.rng)
                items.append(parent.subnet(length: l, at: index)!)
            }
            if g.rng.chance(0.1) { items.append(g.prefix(f == .ipv4 ? .ipv6 : .ipv4)) }
            return items.shuffled(using: &g.rng).map(\.description)
        }
        try PythonOracle.check("aggregate", cases) { f in Self.list(IPPrefix.aggregate(f.map { IPPrefix($0)! })) }
    }

    @Test func splittingIntoSubnetsMatchesPython() throws {
        let cases = Self.cases(seed: 10) { g, f in
            let p = g.prefix(f)
            let newLength = g.rng.chance(0.05) ? p.length - 1 : Int.random(in: p.length...f.bitCount, using: &g.rng)
            let extra = max(0, newLength - p.length)
            let index = extra < 62 && g.rng.chance(0.7)
                ? Int.random(in: 0...(1 << extra), using: &g.rng) : Int.random(in: 0...Int.max, using: &g.rng)
            return [p.description, String(newLength), String(index)]
        }
        try PythonOracle.check("subnets", cases) { f in
            let p = IPPrefix(f[0])!
            let newLength = Int(f[1])!
            let subnets = p.subnets(length: newLength)
            let count = subnets.count.map(String.init) ?? "big"
            let first = Self.list(Array(subnets.prefix(4)))
            let at = p.subnet(length: newLength, at: Int(f[2])!)?.description ?? "-"
            return "\(count) \(first) | \(at)"
        }
    }

    @Test func nthAddressMatchesPython() throws {
        let cases = Self.cases(seed: 11) { g, f in
            let p = g.prefix(f)
            let size = p.hostBitCount < 62 ? 1 << p.hostBitCount : Int.max
            let index: Int
            switch Int.random(in: 0..<4, using: &g.rng) {
            case 0: index = Int.random(in: 0..<size, using: &g.rng)
            case 1: index = -Int.random(in: 1...size, using: &g.rng)
            case 2: index = size < Int.max ? [size, -size - 1, size - 1, -size].randomElement(using: &g.rng)! : Int.max
            default: index = Int.random(in: Int.min + 1...Int.max, using: &g.rng)
            }
            return [p.description, String(index)]
        }
        try PythonOracle.check("nth", cases) { f in IPPrefix(f[0])!.address(at: Int(f[1])!)?.description ?? "-" }
    }

    @Test func hostBitsMatchPython() throws {
        let cases = Self.cases(seed: 12) { g, f in
            [g.prefix(f).description, g.address(g.rng.chance(0.05) ? (f == .ipv4 ? .ipv6 : .ipv4) : f).description]
        }
        try PythonOracle.check("hostbits", cases) { f in
            let p = IPPrefix(f[0])!
            let a = IPAddress(f[1])!
            return "\(p.hostBits(of: a)?.description ?? "-") \(p.address(withHostBitsOf: a)?.description ?? "-")"
        }
    }

    @Test func masksAndLastAddressMatchPython() throws {
        let cases = Self.cases(seed: 13) { g, f in [g.prefix(f).description] }
        try PythonOracle.check("masks", cases) { f in
            let p = IPPrefix(f[0])!
            return "\(p.netmask) \(p.hostmask) \(p.lastAddress)"
        }
    }

    @Test func supernetMatchesPython() throws {
        let cases = Self.cases(seed: 14) { g, f in
            let p = g.prefix(f)
            return [p.description, String(Int.random(in: -1...(p.length + 1), using: &g.rng))]
        }
        try PythonOracle.check("supernet", cases) { f in
            IPPrefix(f[0])!.supernet(length: Int(f[1])!)?.description ?? "-"
        }
    }

    @Test func iterationMatchesPython() throws {
        let cases = Self.cases(seed: 15) { g, f in
            [IPPrefix(containing: g.address(f), length: f.bitCount - Int.random(in: 0...4, using: &g.rng))!.description]
        }
        try PythonOracle.check("iterate", cases) { f in
            IPPrefix(f[0])!.addresses.map(\.description).joined(separator: " ")
        }
    }

    @Test func orderingMatchesPython() throws {
        let cases = Self.cases(seed: 16) { g, f in
            let p = g.prefix(f)
            return (0..<Int.random(in: 1...6, using: &g.rng)).map { _ in g.related(to: p).description }
        }
        try PythonOracle.check("sort", cases) { f in Self.list(f.map { IPPrefix($0)! }.sorted()) }
    }
}
