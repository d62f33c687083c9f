import KosmosNet

/// Draws random addresses, prefixes and address texts with a bias towards the interesting cases:
/// zero runs in IPv6, IPv4-mapped addresses, prefixes nested in or next to each other, all lengths.
struct CaseGenerator {
    var rng: SeededRandom

    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    mutating func family() -> IPFamily { rng.chance(0.5) ? .ipv4 : .ipv6 }

    mutating func ipv4() -> IPv4Address {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return IPv4Address([0, UInt32.max, 0x7f00_0001, 0x0a00_0000].randomElement(using: &rng)!)
        default: return IPv4Address(UInt32.random(in: 0...UInt32.max, using: &rng))
        }
    }

    mutating func ipv6() -> IPv6Address {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0:
            return IPv6Address(high: 0, low: 0xffff_0000_0000 | UInt64(ipv4().value))
        case 1, 2, 3, 4:
            // Groups that are often zero, so `::` compression and its tie rules get exercised.
            var hi: UInt64 = 0
            var lo: UInt64 = 0
            let zeroBias = Double.random(in: 0.2...0.8, using: &rng)
            for g in 0..<8 {
                let v: UInt64 = rng.chance(zeroBias) ? 0 : UInt64(UInt16.random(in: 0...UInt16.max, using: &rng))
                if g < 4 { hi |= v << UInt64(48 - 16 * g) } else { lo |= v << UInt64(48 - 16 * (g - 4)) }
            }
            return IPv6Address(high: hi, low: lo)
        default:
            return IPv6Address(high: rng.next(), low: rng.next())
        }
    }

    mutating func address(_ f: IPFamily) -> IPAddress { f == .ipv4 ? .v4(ipv4()) : .v6(ipv6()) }

    mutating func address() -> IPAddress { address(family()) }

    mutating func length(_ f: IPFamily) -> Int {
        // Uniform over all lengths, with extra weight on the edges.
        rng.chance(0.1) ? [0, 1, f.bitCount - 1, f.bitCount].randomElement(using: &rng)!
            : Int.random(in: 0...f.bitCount, using: &rng)
    }

    mutating func prefix(_ f: IPFamily) -> IPPrefix {
        IPPrefix(containing: address(f), length: length(f))!
    }

    mutating func prefix() -> IPPrefix { prefix(family()) }

    /// A prefix related to `p`: inside it, around it, next to it, or unrelated.
    mutating func related(to p: IPPrefix, maxDeeper: Int = 128) -> IPPrefix {
        let f = p.family
        switch Int.random(in: 0..<10, using: &rng) {
        case 0, 1, 2, 3:
            let l = min(f.bitCount, p.length + Int.random(in: 0...min(maxDeeper, f.bitCount - p.length), using: &rng))
            let inside = p.address(withHostBitsOf: address(f))!
            return IPPrefix(containing: inside, length: l)!
        case 4, 5:
            return p.supernet(length: Int.random(in: 0...p.length, using: &rng))!
        case 6, 7:
            // Flip one bit at or above the length: a sibling or a cousin.
            guard p.length > 0 else { return p }
            let bit = Int.random(in: 0..<p.length, using: &rng)
            var bytes = p.address.bytes
            bytes[bit / 8] ^= UInt8(0x80 >> (bit % 8))
            return IPPrefix(containing: IPAddress(bytes: bytes)!, length: p.length)!
        case 8:
            return rng.chance(0.1) ? prefix(f == .ipv4 ? .ipv6 : .ipv4) : prefix(f)
        default:
            return prefix(f)
        }
    }

    // MARK: - Texts

    static let hex = Array("0123456789abcdef")

    /// One of the many texts for `a`: canonical, zero-padded, upper case, compressed elsewhere, IPv4 tail.
    mutating func text(for a: IPAddress) -> String {
        guard case .v6(let v6) = a else {
            return a.description
        }
        let groups = (0..<8).map {
            UInt16(truncatingIfNeeded: ($0 < 4 ? v6.high : v6.low) >> UInt64(48 - 16 * ($0 % 4)))
        }
        var parts = groups.map { g -> String in
            var s = String(g, radix: 16)
            if rng.chance(0.3) { s = String(repeating: "0", count: 4 - s.count) + s }
            if rng.chance(0.2) { s = s.uppercased() }
            return s
        }
        var tail: String? = nil
        if rng.chance(0.2) {
            let v4 = IPv4Address(UInt32(groups[6]) << 16 | UInt32(groups[7]))
            tail = v4.description
            parts.removeLast(2)
        }
        // Compress a random run of zero groups (not necessarily the longest), or none.
        let zeroStarts = parts.indices.filter { groups[$0] == 0 }
        if let start = zeroStarts.randomElement(using: &rng), rng.chance(0.7) {
            var end = start
            while end + 1 < parts.count && groups[end + 1] == 0 && rng.chance(0.8) { end += 1 }
            let head = parts[..<start].joined(separator: ":")
            var rest = Array(parts[(end + 1)...])
            if let tail { rest.append(tail) }
            return head + "::" + rest.joined(separator: ":")
        }
        if let tail { parts.append(tail) }
        return parts.joined(separator: ":")
    }

    static let mutationAlphabet = Array("0123456789abcdefABCDEFg:./")

    /// `text` with a few random characters inserted, deleted or replaced: sometimes still valid, mostly not.
    mutating func mutate(_ text: String) -> String {
        var chars = Array(text)
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let c = Self.mutationAlphabet.randomElement(using: &rng)!
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: chars.insert(c, at: Int.random(in: 0...chars.count, using: &rng))
            case 1: if !chars.isEmpty { chars.remove(at: Int.random(in: 0..<chars.count, using: &rng)) }
            default: if !chars.isEmpty { chars[Int.random(in: 0..<chars.count, using: &rng)] = c }
            }
        }
        return String(chars)
    }
}
