/// A 128-bit unsigned integer made of two `UInt64` halves.
///
/// The standard library's `UInt128` needs macOS 15, while the package supports macOS 14; this small value type
/// carries exactly the operations the address math needs. IPv4 values live in the low 32 bits.
@usableFromInline
struct UInt128Bits: Hashable, Sendable, Comparable {
    @usableFromInline var hi: UInt64
    @usableFromInline var lo: UInt64

    @inlinable init(hi: UInt64, lo: UInt64) {
        self.hi = hi
        self.lo = lo
    }

    @inlinable init(_ v: UInt64) {
        self.hi = 0
        self.lo = v
    }

    @usableFromInline static let zero = UInt128Bits(hi: 0, lo: 0)
    @usableFromInline static let max = UInt128Bits(hi: .max, lo: .max)

    @inlinable static func < (a: UInt128Bits, b: UInt128Bits) -> Bool {
        a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo
    }

    @inlinable static func & (a: UInt128Bits, b: UInt128Bits) -> UInt128Bits {
        UInt128Bits(hi: a.hi & b.hi, lo: a.lo & b.lo)
    }

    @inlinable static func | (a: UInt128Bits, b: UInt128Bits) -> UInt128Bits {
        UInt128Bits(hi: a.hi | b.hi, lo: a.lo | b.lo)
    }

    @inlinable static func ^ (a: UInt128Bits, b: UInt128Bits) -> UInt128Bits {
        UInt128Bits(hi: a.hi ^ b.hi, lo: a.lo ^ b.lo)
    }

    @inlinable static prefix func ~ (a: UInt128Bits) -> UInt128Bits {
        UInt128Bits(hi: ~a.hi, lo: ~a.lo)
    }

    /// Logical shift left; `n` in 0...128 (128 gives zero).
    @inlinable static func << (a: UInt128Bits, n: Int) -> UInt128Bits {
        if n <= 0 { return a }
        if n >= 128 { return .zero }
        if n >= 64 { return UInt128Bits(hi: a.lo << UInt64(n - 64), lo: 0) }
        return UInt128Bits(hi: (a.hi << UInt64(n)) | (a.lo >> UInt64(64 - n)), lo: a.lo << UInt64(n))
    }

    /// Logical shift right; `n` in 0...128 (128 gives zero).
    @inlinable static func >> (a: UInt128Bits, n: Int) -> UInt128Bits {
        if n <= 0 { return a }
        if n >= 128 { return .zero }
        if n >= 64 { return UInt128Bits(hi: 0, lo: a.hi >> UInt64(n - 64)) }
        return UInt128Bits(hi: a.hi >> UInt64(n), lo: (a.lo >> UInt64(n)) | (a.hi << UInt64(64 - n)))
    }

    /// Wrapping addition; `overflow` is true when the sum does not fit.
    @inlinable func addingReportingOverflow(_ b: UInt128Bits) -> (partialValue: UInt128Bits, overflow: Bool) {
        let (l, c) = lo.addingReportingOverflow(b.lo)
        let (h1, o1) = hi.addingReportingOverflow(b.hi)
        let (h2, o2) = h1.addingReportingOverflow(c ? 1 : 0)
        return (UInt128Bits(hi: h2, lo: l), o1 || o2)
    }

    /// Wrapping subtraction; `overflow` is true when `b > self`.
    @inlinable func subtractingReportingOverflow(_ b: UInt128Bits) -> (partialValue: UInt128Bits, overflow: Bool) {
        let (l, c) = lo.subtractingReportingOverflow(b.lo)
        let (h1, o1) = hi.subtractingReportingOverflow(b.hi)
        let (h2, o2) = h1.subtractingReportingOverflow(c ? 1 : 0)
        return (UInt128Bits(hi: h2, lo: l), o1 || o2)
    }

    @inlinable var trailingZeroBitCount: Int {
        lo != 0 ? lo.trailingZeroBitCount : 64 + hi.trailingZeroBitCount
    }

    @inlinable var leadingZeroBitCount: Int {
        hi != 0 ? hi.leadingZeroBitCount : 64 + lo.leadingZeroBitCount
    }

    /// A mask with the top `length` bits of a `bits`-wide value set (bits 32 or 128).
    @inlinable static func networkMask(length: Int, bits: Int) -> UInt128Bits {
        let all: UInt128Bits = bits == 32 ? UInt128Bits(UInt64(UInt32.max)) : .max
        return all & ~(all >> length)
    }

    /// A mask with the low `bits - length` bits set.
    @inlinable static func hostMask(length: Int, bits: Int) -> UInt128Bits {
        let all: UInt128Bits = bits == 32 ? UInt128Bits(UInt64(UInt32.max)) : .max
        return all >> length
    }
}
