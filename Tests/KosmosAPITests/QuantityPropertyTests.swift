import Testing
@testable import KosmosAPI

/// Randomized checks of Quantity against plain integer arithmetic (deterministic seed).
@Suite struct QuantityPropertyTests {
    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func milliArithmeticMatchesIntegers() throws {
        var rng = SplitMix(state: 42)
        let suffixes: [(String, Int64)] = [("m", 1), ("", 1000), ("k", 1_000_000)]
        for _ in 0..<2000 {
            let a = Int64.random(in: -1_000_000_000...1_000_000_000, using: &rng)
            let b = Int64.random(in: -1_000_000_000...1_000_000_000, using: &rng)
            let qa = Quantity(milli: a), qb = Quantity(milli: b)
            #expect((qa + qb).milliValue == a + b)
            #expect((qa - qb).milliValue == a - b)
            #expect((qa * 3).milliValue == a * 3)
            #expect((qa < qb) == (a < b))
            #expect((qa == qb) == (a == b))
            // Printing and parsing back keeps the value.
            #expect(try Quantity.parse(qa.description) == qa)
            #expect(try Quantity.parse((qa + qb).description).milliValue == a + b)
            // Writing the same value with another suffix parses to the same value.
            let (suffix, scale) = suffixes.randomElement(using: &rng)!
            if a % scale == 0 {
                #expect(try Quantity.parse("\(a / scale)\(suffix)") == qa)
            }
        }
    }

    @Test func binaryValuesPrintInTheLargestExactSuffix() throws {
        var rng = SplitMix(state: 7)
        let units = ["Ki", "Mi", "Gi", "Ti", "Pi"]
        for _ in 0..<500 {
            let n = Int64.random(in: 1...1023, using: &rng)
            let u = Int.random(in: 0..<units.count, using: &rng)
            let q = try Quantity.parse("\(n)\(units[u])")
            #expect(q.description == "\(n)\(units[u])")
            let bytes = n << (10 * Int64(u + 1))
            #expect(q.value == bytes)
            #expect(Quantity(bytes, format: .binarySI).description == "\(n)\(units[u])")
            #expect((q + q).value == 2 * bytes)
        }
    }

    @Test func canonicalFormsAreFixedPoints() throws {
        var rng = SplitMix(state: 99)
        let suffixes = ["n", "u", "m", "", "k", "M", "G", "T", "Ki", "Mi", "Gi", "e3", "e-2"]
        for _ in 0..<1000 {
            let whole = Int.random(in: 0...99999, using: &rng)
            let frac = Int.random(in: 0...999, using: &rng)
            let text = (Bool.random(using: &rng) ? "-" : "") + "\(whole).\(frac)" + suffixes.randomElement(using: &rng)!
            let q = try Quantity.parse(text)
            let c = q.canonical
            let again = try Quantity.parse(c)
            #expect(again == q, "\(text) -> \(c)")
            #expect(again.canonical == c, "\(text) -> \(c) -> \(again.canonical)")
        }
    }
}
