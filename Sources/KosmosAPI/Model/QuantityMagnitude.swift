/// An unsigned integer of any size: the exact magnitude of a `Quantity`.
///
/// Values that fit in 64 bits stay in `small` (no allocation); larger ones use little-endian 32-bit limbs.
/// Only the operations quantities need are provided.
struct QuantityMagnitude: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The value when `limbs` is nil.
    private var small: UInt64
    /// Little-endian base-2^32 digits without trailing zero limbs, for values above `UInt64.max`.
    private var limbs: [UInt32]?

    init(_ v: UInt64) {
        small = v
        limbs = nil
    }

    private init(limbs l: [UInt32]) {
        var l = l
        while let last = l.last, last == 0 { l.removeLast() }
        if l.count <= 2 {
            small = (l.count > 0 ? UInt64(l[0]) : 0) | (l.count > 1 ? UInt64(l[1]) << 32 : 0)
            limbs = nil
        } else {
            small = 0
            limbs = l
        }
    }

    /// Parses ASCII decimal digits (no sign); `nil` when a character is not a digit.
    init?<S: Sequence>(digits: S) where S.Element == UInt8 {
        self.init(0)
        var chunk: UInt64 = 0
        var chunkDigits = 0
        for c in digits {
            guard c >= 0x30, c <= 0x39 else { return nil }
            chunk = chunk * 10 + UInt64(c - 0x30)
            chunkDigits += 1
            if chunkDigits == 9 {
                self = multiplied(by: 1_000_000_000).adding(QuantityMagnitude(chunk))
                chunk = 0
                chunkDigits = 0
            }
        }
        if chunkDigits > 0 {
            self = multiplied(by: QuantityMagnitude.pow10Small[chunkDigits]).adding(QuantityMagnitude(chunk))
        }
    }

    static let pow10Small: [UInt64] = {
        var r: [UInt64] = [1]
        for _ in 1...19 { r.append(r.last! * 10) }
        return r
    }()

    static let zero = QuantityMagnitude(0)

    var isZero: Bool { limbs == nil && small == 0 }

    /// The value when it fits in 64 bits.
    var uint64: UInt64? { limbs == nil ? small : nil }

    private var asLimbs: [UInt32] {
        if let limbs { return limbs }
        if small == 0 { return [] }
        if small >> 32 == 0 { return [UInt32(small)] }
        return [UInt32(truncatingIfNeeded: small), UInt32(small >> 32)]
    }

    // MARK: Arithmetic

    func adding(_ o: QuantityMagnitude) -> QuantityMagnitude {
        if limbs == nil, o.limbs == nil {
            let (s, overflow) = small.addingReportingOverflow(o.small)
            if !overflow { return QuantityMagnitude(s) }
        }
        let a = asLimbs, b = o.asLimbs
        var r = [UInt32](repeating: 0, count: max(a.count, b.count) + 1)
        var carry: UInt64 = 0
        for i in 0..<r.count {
            let s = UInt64(i < a.count ? a[i] : 0) + UInt64(i < b.count ? b[i] : 0) + carry
            r[i] = UInt32(truncatingIfNeeded: s)
            carry = s >> 32
        }
        return QuantityMagnitude(limbs: r)
    }

    /// `self - o`; requires `self >= o`.
    func subtracting(_ o: QuantityMagnitude) -> QuantityMagnitude {
        precondition(self >= o, "QuantityMagnitude underflow")
        if limbs == nil, o.limbs == nil { return QuantityMagnitude(small - o.small) }
        let a = asLimbs, b = o.asLimbs
        var r = [UInt32](repeating: 0, count: a.count)
        var borrow: Int64 = 0
        for i in 0..<a.count {
            var d = Int64(a[i]) - Int64(i < b.count ? b[i] : 0) - borrow
            if d < 0 {
                d += 1 << 32
                borrow = 1
            } else {
                borrow = 0
            }
            r[i] = UInt32(d)
        }
        return QuantityMagnitude(limbs: r)
    }

    func multiplied(by m: UInt64) -> QuantityMagnitude {
        if limbs == nil {
            let (p, overflow) = small.multipliedReportingOverflow(by: m)
            if !overflow { return QuantityMagnitude(p) }
        }
        if m >> 32 != 0 {
            let lo = multiplied(by: m & 0xFFFF_FFFF)
            let hi = multiplied(by: m >> 32).shiftedLeft32()
            return lo.adding(hi)
        }
        let a = asLimbs
        var r = [UInt32](repeating: 0, count: a.count + 1)
        var carry: UInt64 = 0
        for i in 0..<a.count {
            let p = UInt64(a[i]) * m + carry
            r[i] = UInt32(truncatingIfNeeded: p)
            carry = p >> 32
        }
        r[a.count] = UInt32(carry)
        return QuantityMagnitude(limbs: r)
    }

    private func shiftedLeft32() -> QuantityMagnitude {
        if isZero { return self }
        return QuantityMagnitude(limbs: [0] + asLimbs)
    }

    func multiplied(by o: QuantityMagnitude) -> QuantityMagnitude {
        if let m = o.uint64 { return multiplied(by: m) }
        if let m = uint64 { return o.multiplied(by: m) }
        let a = asLimbs, b = o.asLimbs
        var r = [UInt32](repeating: 0, count: a.count + b.count)
        for i in 0..<a.count {
            var carry: UInt64 = 0
            for j in 0..<b.count {
                let t = UInt64(a[i]) * UInt64(b[j]) + UInt64(r[i + j]) + carry
                r[i + j] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
            }
            r[i + b.count] = UInt32(carry)
        }
        return QuantityMagnitude(limbs: r)
    }

    /// `self * 10^n`.
    func timesPow10(_ n: Int) -> QuantityMagnitude {
        var r = self
        var n = n
        if r.isZero { return r }
        while n >= 19 {
            r = r.multiplied(by: QuantityMagnitude.pow10Small[19])
            n -= 19
        }
        return n > 0 ? r.multiplied(by: QuantityMagnitude.pow10Small[n]) : r
    }

    /// `self * 2^n`.
    func timesPow2(_ n: Int) -> QuantityMagnitude {
        var r = self
        var n = n
        while n >= 63 {
            r = r.multiplied(by: UInt64(1) << 63)
            n -= 63
        }
        return n > 0 ? r.multiplied(by: UInt64(1) << UInt64(n)) : r
    }

    /// Quotient and remainder of a division by a non-zero 32-bit divisor.
    func divided(by d: UInt32) -> (quotient: QuantityMagnitude, remainder: UInt32) {
        precondition(d != 0)
        if limbs == nil { return (QuantityMagnitude(small / UInt64(d)), UInt32(small % UInt64(d))) }
        let a = asLimbs
        var q = [UInt32](repeating: 0, count: a.count)
        var rem: UInt64 = 0
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            let cur = rem << 32 | UInt64(a[i])
            q[i] = UInt32(cur / UInt64(d))
            rem = cur % UInt64(d)
        }
        return (QuantityMagnitude(limbs: q), UInt32(rem))
    }

    /// Divides by 10^n: quotient and whether the remainder was non-zero.
    func dividedByPow10(_ n: Int) -> (quotient: QuantityMagnitude, inexact: Bool) {
        if n <= 0 { return (self, false) }
        if n > decimalDigitCount { return (.zero, !isZero) }
        var q = self
        var inexact = false
        var n = n
        while n > 0 {
            let k = min(n, 9)
            let (qq, r) = q.divided(by: UInt32(QuantityMagnitude.pow10Small[k]))
            q = qq
            if r != 0 { inexact = true }
            n -= k
        }
        return (q, inexact)
    }

    /// Removes factors of 10: the reduced value and how many were removed.
    func removingTrailingDecimalZeros() -> (QuantityMagnitude, Int) {
        if isZero { return (self, 0) }
        var v = self
        var n = 0
        while true {
            let (q, r) = v.divided(by: 10)
            if r != 0 { return (v, n) }
            v = q
            n += 1
        }
    }

    /// Removes factors of 1024: the reduced value and how many were removed.
    func removingFactors1024() -> (QuantityMagnitude, Int) {
        if isZero { return (self, 0) }
        var v = self
        var n = 0
        while true {
            let (q, r) = v.divided(by: 1024)
            if r != 0 { return (v, n) }
            v = q
            n += 1
        }
    }

    /// Number of decimal digits (1 for zero).
    var decimalDigitCount: Int {
        if let s = uint64 {
            var n = 1
            var v = s
            while v >= 10 {
                v /= 10
                n += 1
            }
            return n
        }
        return description.utf8.count
    }

    // MARK: Comparison and printing

    static func < (a: QuantityMagnitude, b: QuantityMagnitude) -> Bool {
        if a.limbs == nil, b.limbs == nil { return a.small < b.small }
        let x = a.asLimbs, y = b.asLimbs
        if x.count != y.count { return x.count < y.count }
        for i in stride(from: x.count - 1, through: 0, by: -1) where x[i] != y[i] { return x[i] < y[i] }
        return false
    }

    var description: String {
        if let s = uint64 { return String(s) }
        var chunks: [UInt32] = []
        var v = self
        while !v.isZero {
            let (q, r) = v.divided(by: 1_000_000_000)
            chunks.append(r)
            v = q
        }
        var out = String(chunks.last!)
        for c in chunks.dropLast().reversed() {
            let s = String(c)
            out += String(repeating: "0", count: 9 - s.count) + s
        }
        return out
    }
}
