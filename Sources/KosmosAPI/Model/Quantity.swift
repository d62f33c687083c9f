/// A Kubernetes resource quantity (`500m`, `1.5Gi`, `1e3`, `100k`): an exact decimal number with the notation it
/// prints in.
///
/// Parsing, arithmetic and printing follow apimachinery's `resource.Quantity`:
/// - every form is accepted: binary suffixes `Ki Mi Gi Ti Pi Ei`, decimal suffixes `n u m "" k M G T P E`, and
///   exponents `1e3`, `1E-3`, with an optional sign and fraction (`.5`, `1.`);
/// - values are exact (arbitrary precision); a non-zero value finer than a nano is rounded up, away from zero, to
///   the next nano (`0.1n` is `1n`), and a binary value above `2^63-1` is capped there, as Kubernetes does;
/// - `description` is the canonical form Kubernetes prints (`1000m` → `1`, `0.5` → `500m`, `1.5Gi` → `1536Mi`,
///   `1e3` stays `1e3` because the exponent notation is kept), and a string Kubernetes would echo unchanged is
///   echoed unchanged.
///
/// Equality, hashing and ordering compare values only (`1Ki == 1024`), not notation.
/// The one deliberate difference from Kubernetes: exponents above 1000 are rejected rather than stored, so no input
/// can make arithmetic allocate huge numbers.
public struct Quantity: Sendable, Hashable, Comparable, CustomStringConvertible, JSONConvertible, Codable,
    ExpressibleByStringLiteral, ExpressibleByIntegerLiteral
{
    /// How a quantity prints.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// `12e6`
        case decimalExponent = "DecimalExponent"
        /// `12Mi` (powers of 1024); values below 1024 or with a fraction print as `decimalSI`.
        case binarySI = "BinarySI"
        /// `12M` (powers of 1000)
        case decimalSI = "DecimalSI"
    }

    var negative: Bool
    var magnitude: QuantityMagnitude
    /// The value is `±magnitude × 10^exponent`.
    var exponent: Int
    /// The notation the quantity prints in.
    public var format: Format {
        didSet { if format != oldValue { cached = nil } }
    }
    /// The input string when Kubernetes would print it back unchanged.
    private var cached: String?

    init(negative: Bool, magnitude: QuantityMagnitude, exponent: Int, format: Format, cached: String? = nil) {
        self.negative = magnitude.isZero ? false : negative
        self.magnitude = magnitude
        self.exponent = exponent
        self.format = format
        self.cached = cached
    }

    /// Zero, printed as `0`.
    public static let zero = Quantity(0)

    /// An integer quantity, e.g. `Quantity(2)` (2 CPUs) or `Quantity(1 << 30, format: .binarySI)` (`1Gi`).
    public init(_ value: Int64, format: Format = .decimalSI) {
        self.init(scaled: value, exponent: 0, format: format)
    }

    /// A quantity of thousandths, e.g. `Quantity(milli: 250)` is `250m`.
    public init(milli value: Int64, format: Format = .decimalSI) {
        self.init(scaled: value, exponent: -3, format: format)
    }

    /// `value × 10^exponent`, e.g. `Quantity(scaled: 5, exponent: -9)` is `5n`.
    public init(scaled value: Int64, exponent: Int, format: Format = .decimalSI) {
        self.init(negative: value < 0, magnitude: QuantityMagnitude(value.magnitude), exponent: exponent,
                  format: format)
    }

    public init(integerLiteral value: Int64) { self.init(value) }

    /// Parses a literal; traps on an invalid one (like apimachinery's `MustParse`), so use it for constants only.
    public init(stringLiteral value: String) {
        do {
            self = try Quantity.parse(value)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// Parses a quantity string.
    public init(_ string: String) throws(QuantityParseError) {
        self = try Quantity.parse(string)
    }

    // MARK: - Properties

    /// Whether the value is zero.
    public var isZero: Bool { magnitude.isZero }

    /// -1, 0 or 1.
    public var sign: Int { isZero ? 0 : negative ? -1 : 1 }

    /// The value rounded up, away from zero, to an integer (`1500m` → 2, `-1500m` → -2); clamped to the `Int64`
    /// range.
    public var value: Int64 { scaledValue(exponent: 0) }

    /// The value in thousandths, rounded up away from zero (`1.5` → 1500, `0.1m` → 1); clamped to the `Int64` range.
    public var milliValue: Int64 { scaledValue(exponent: -3) }

    /// `ceil(value / 10^exponent)` away from zero, clamped to the `Int64` range.
    public func scaledValue(exponent target: Int) -> Int64 {
        var m = magnitude
        if exponent > target {
            // Guard against absurd growth: anything past 19 digits is out of range anyway.
            if exponent - target + m.decimalDigitCount > 20 { return isZero ? 0 : (negative ? .min : .max) }
            m = m.timesPow10(exponent - target)
        } else if exponent < target {
            let (q, inexact) = m.dividedByPow10(target - exponent)
            m = inexact ? q.adding(QuantityMagnitude(1)) : q
        }
        guard let u = m.uint64 else { return negative ? .min : .max }
        if negative { return u >= UInt64(Int64.max) + 1 ? .min : -Int64(u) }
        return u > UInt64(Int64.max) ? .max : Int64(u)
    }

    /// The value when it is an integer that fits in `Int64`.
    public var int64Value: Int64? {
        let (n, remainder) = integerPart()
        guard remainder == false, let u = n.uint64 else { return nil }
        if negative { return u <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- u) : nil }
        return u <= UInt64(Int64.max) ? Int64(u) : nil
    }

    /// The value as a `Double` (may lose precision).
    public var doubleValue: Double {
        let d = Double(magnitude.description) ?? .infinity
        let v = d * pow10Double(exponent)
        return negative ? -v : v
    }

    private func pow10Double(_ e: Int) -> Double {
        var r = 1.0
        let b = e < 0 ? 0.1 : 10.0
        for _ in 0..<min(abs(e), 400) { r *= b }
        return r
    }

    /// The magnitude truncated to an integer, and whether a fraction was dropped.
    private func integerPart() -> (QuantityMagnitude, Bool) {
        if exponent >= 0 { return (magnitude.timesPow10(exponent), false) }
        return magnitude.dividedByPow10(-exponent)
    }

    // MARK: - Arithmetic

    /// The value with the opposite sign, in the same notation.
    public static prefix func - (q: Quantity) -> Quantity {
        Quantity(negative: !q.negative, magnitude: q.magnitude, exponent: q.exponent, format: q.format)
    }

    /// The exact sum; it prints in `lhs`'s notation, or `rhs`'s when `lhs` is zero (as Kubernetes' `Add`).
    public static func + (lhs: Quantity, rhs: Quantity) -> Quantity {
        let format = lhs.isZero ? rhs.format : lhs.format
        if rhs.isZero { return Quantity(negative: lhs.negative, magnitude: lhs.magnitude, exponent: lhs.exponent,
                                        format: format) }
        if lhs.isZero { return Quantity(negative: rhs.negative, magnitude: rhs.magnitude, exponent: rhs.exponent,
                                        format: format) }
        let e = min(lhs.exponent, rhs.exponent)
        let a = lhs.magnitude.timesPow10(lhs.exponent - e)
        let b = rhs.magnitude.timesPow10(rhs.exponent - e)
        if lhs.negative == rhs.negative {
            return Quantity(negative: lhs.negative, magnitude: a.adding(b), exponent: e, format: format)
        }
        if a >= b { return Quantity(negative: lhs.negative, magnitude: a.subtracting(b), exponent: e, format: format) }
        return Quantity(negative: rhs.negative, magnitude: b.subtracting(a), exponent: e, format: format)
    }

    /// The exact difference; notation as for `+`.
    public static func - (lhs: Quantity, rhs: Quantity) -> Quantity {
        var r = lhs + (-rhs)
        r.format = lhs.isZero ? rhs.format : lhs.format
        return r
    }

    /// The exact product with an integer, in `lhs`'s notation.
    public static func * (lhs: Quantity, rhs: Int) -> Quantity {
        Quantity(negative: lhs.negative != (rhs < 0), magnitude: lhs.magnitude.multiplied(by: UInt64(rhs.magnitude)),
                 exponent: lhs.exponent, format: lhs.format)
    }

    /// Adds `rhs` to `lhs`.
    public static func += (lhs: inout Quantity, rhs: Quantity) { lhs = lhs + rhs }
    /// Subtracts `rhs` from `lhs`.
    public static func -= (lhs: inout Quantity, rhs: Quantity) { lhs = lhs - rhs }
    /// Multiplies `lhs` by `rhs`.
    public static func *= (lhs: inout Quantity, rhs: Int) { lhs = lhs * rhs }

    // MARK: - Comparison

    /// -1, 0 or 1 as `self` is less than, equal to or greater than `other`.
    public func compare(_ other: Quantity) -> Int {
        if sign != other.sign { return sign < other.sign ? -1 : 1 }
        if isZero { return 0 }
        let c = Quantity.compareMagnitudes(self, other)
        return negative ? -c : c
    }

    private static func compareMagnitudes(_ a: Quantity, _ b: Quantity) -> Int {
        // Compare orders of magnitude first so a huge exponent gap never expands a number.
        let oa = a.magnitude.decimalDigitCount + a.exponent
        let ob = b.magnitude.decimalDigitCount + b.exponent
        if oa != ob { return oa < ob ? -1 : 1 }
        let e = min(a.exponent, b.exponent)
        let x = a.magnitude.timesPow10(a.exponent - e), y = b.magnitude.timesPow10(b.exponent - e)
        return x < y ? -1 : (x == y ? 0 : 1)
    }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.compare(rhs) < 0 }
    public static func == (lhs: Quantity, rhs: Quantity) -> Bool { lhs.compare(rhs) == 0 }

    public func hash(into hasher: inout Hasher) {
        let (m, n) = magnitude.removingTrailingDecimalZeros()
        hasher.combine(negative)
        hasher.combine(m)
        hasher.combine(m.isZero ? 0 : exponent + n)
    }

    // MARK: - JSON

    /// Reads a JSON string (surrounding spaces ignored, as Kubernetes does) or number; `nil` when it is not a
    /// valid quantity. A JSON number is read from its value, so `1e3` written as a bare number prints `1k` (Go
    /// would keep the number's spelling; as a string, `"1e3"` is kept here too).
    public init?(jsonValue: JSONValue) {
        let text: String
        switch jsonValue {
        case .string(let s): text = s.trimmingASCIISpaces()
        case .int(let i): text = String(i)
        case .double(let d): text = String(d)
        default: return nil
        }
        guard let q = try? Quantity.parse(text) else { return nil }
        self = q
    }

    /// The canonical string.
    public var jsonValue: JSONValue { .string(description) }

    public init(from decoder: any Decoder) throws {
        let v = try JSONValue(from: decoder)
        guard let q = Quantity(jsonValue: v) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "invalid quantity \(v)"))
        }
        self = q
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

// MARK: - Printing

extension Quantity {
    private static let decimalSuffixes: [Int: String] = [
        -9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E",
    ]
    private static let binarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]

    /// The canonical string, as Kubernetes prints it.
    public var description: String {
        if let cached { return cached }
        return canonical
    }

    /// The canonical string even where Kubernetes would echo the input unchanged (`+1` → `1`).
    public var canonical: String {
        if isZero { return "0" }
        var format = format
        if format == .binarySI {
            let n = integerPart()
            if Quantity.compareMagnitudes(self, Quantity(1024)) < 0 || n.1 {
                format = .decimalSI
            } else {
                let (m, k) = n.0.removingFactors1024()
                if k < Quantity.binarySuffixes.count {
                    return (negative ? "-" : "") + m.description + Quantity.binarySuffixes[k]
                }
                // Past Ei there is no binary suffix: print exactly in decimal.
                format = .decimalExponent
            }
        }
        let (m, e) = canonicalDecimal()
        let suffix: String
        if format == .decimalSI, let s = Quantity.decimalSuffixes[e] {
            suffix = s
        } else {
            suffix = e == 0 ? "" : "e\(e)"
        }
        return (negative ? "-" : "") + m.description + suffix
    }

    /// Mantissa without trailing zeros, then scaled so the exponent is a multiple of 3 (rounded down).
    private func canonicalDecimal() -> (QuantityMagnitude, Int) {
        var (m, n) = magnitude.removingTrailingDecimalZeros()
        var e = exponent + n
        let extra = ((e % 3) + 3) % 3
        if extra > 0 {
            m = m.timesPow10(extra)
            e -= extra
        }
        return (m, e)
    }
}

// MARK: - Parsing

/// A string that is not a valid quantity. `message` is apimachinery's wording.
public struct QuantityParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rejected input.
    public var input: String
    /// Why: apimachinery's `ErrFormatWrong`, `ErrNumeric` or `ErrSuffix` text.
    public var message: String

    /// Creates an error for the text that could not be read.
    public init(input: String, message: String) {
        self.input = input
        self.message = message
    }

    static let formatWrong =
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    static let numeric = "unable to parse numeric part of quantity"
    static let suffix = "unable to parse quantity's suffix"

    public var description: String { "parse quantity \(goQuote(input)): \(message)" }
}

extension Quantity {
    /// Parses a quantity string exactly as kube-apiserver does.
    ///
    /// - Parameter s: e.g. `500m`, `1.5Gi`, `1e3`, `-2k`; no surrounding spaces.
    /// - Returns: the quantity, remembering its notation.
    /// - Throws: `QuantityParseError` for an empty string, a malformed number or an unknown suffix.
    public static func parse(_ s: String) throws(QuantityParseError) -> Quantity {
        let b = Array(s.utf8)
        func fail(_ m: String) -> QuantityParseError { QuantityParseError(input: s, message: m) }
        if b.isEmpty { throw fail(QuantityParseError.formatWrong) }
        if s == "0" { return Quantity(negative: false, magnitude: .zero, exponent: 0, format: .decimalSI, cached: s) }

        // Scan: sign, leading zeros, integer digits, optional fraction, suffix.
        var pos = 0
        var positive = true
        if b[0] == UInt8(ascii: "-") {
            positive = false
            pos = 1
        } else if b[0] == UInt8(ascii: "+") {
            pos = 1
        }
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        var sawDigit = false
        while pos < b.count, b[pos] == UInt8(ascii: "0") {
            pos += 1
            sawDigit = true
        }
        var num: ArraySlice<UInt8> = []
        var denom: ArraySlice<UInt8> = []
        var suffix: ArraySlice<UInt8> = []
        if pos < b.count {
            let numStart = pos
            while pos < b.count, isDigit(b[pos]) { pos += 1 }
            num = b[numStart..<pos]
            if !num.isEmpty { sawDigit = true }
            if pos < b.count, b[pos] == UInt8(ascii: ".") {
                pos += 1
                let denomStart = pos
                while pos < b.count, isDigit(b[pos]) { pos += 1 }
                denom = b[denomStart..<pos]
                if !denom.isEmpty { sawDigit = true }
            }
            let suffixStart = pos
            let letters = Set("eEinumkKMGTP".utf8)
            while pos < b.count, letters.contains(b[pos]) { pos += 1 }
            if pos < b.count, b[pos] == UInt8(ascii: "-") || b[pos] == UInt8(ascii: "+") { pos += 1 }
            while pos < b.count {
                guard isDigit(b[pos]) else { throw fail(QuantityParseError.formatWrong) }
                pos += 1
            }
            suffix = b[suffixStart..<b.count]
        }
        if num.isEmpty { num = [UInt8(ascii: "0")] }

        // Interpret the suffix.
        var format: Format
        var base10 = true
        var exp: Int
        switch String(decoding: suffix, as: UTF8.self) {
        case "": (format, exp) = (.decimalSI, 0)
        case "n": (format, exp) = (.decimalSI, -9)
        case "u": (format, exp) = (.decimalSI, -6)
        case "m": (format, exp) = (.decimalSI, -3)
        case "k": (format, exp) = (.decimalSI, 3)
        case "M": (format, exp) = (.decimalSI, 6)
        case "G": (format, exp) = (.decimalSI, 9)
        case "T": (format, exp) = (.decimalSI, 12)
        case "P": (format, exp) = (.decimalSI, 15)
        case "E": (format, exp) = (.decimalSI, 18)
        case "Ki": (format, exp, base10) = (.binarySI, 10, false)
        case "Mi": (format, exp, base10) = (.binarySI, 20, false)
        case "Gi": (format, exp, base10) = (.binarySI, 30, false)
        case "Ti": (format, exp, base10) = (.binarySI, 40, false)
        case "Pi": (format, exp, base10) = (.binarySI, 50, false)
        case "Ei": (format, exp, base10) = (.binarySI, 60, false)
        case let x where x.count > 1 && (x.first == "e" || x.first == "E"):
            // Go's strconv.ParseInt: optional sign then digits; the exponent must fit an int32 scale.
            guard let e = Int64(x.dropFirst()), e <= Int64(Int32.max), e >= -Int64(Int32.max) else {
                throw fail(QuantityParseError.suffix)
            }
            (format, exp) = (.decimalExponent, Int(e))
        default:
            throw fail(QuantityParseError.suffix)
        }

        let digits = Array(num) + Array(denom)
        if base10 {
            let scale = exp - denom.count
            // Kubernetes keeps the input string when it is already canonical on its int64 fast path.
            var cached: String?
            if 18 - digits.count >= 0, scale >= -9, scale % 3 == 0,
                !(digits.count >= 3 && digits.suffix(3).allSatisfy { $0 == UInt8(ascii: "0") }),
                digits.first != UInt8(ascii: "0")
            {
                cached = s
            }
            if !(18 - digits.count >= 0 && scale >= -9) && !sawDigit { throw fail(QuantityParseError.numeric) }
            if scale > 1000 { throw fail(QuantityParseError.suffix) }
            guard let m = QuantityMagnitude(digits: digits) else { throw fail(QuantityParseError.numeric) }
            var q = Quantity(negative: !positive, magnitude: m, exponent: scale, format: format, cached: cached)
            q.roundUpToNano()
            return q
        }

        // Binary suffix.
        guard let m = QuantityMagnitude(digits: digits) else { throw fail(QuantityParseError.numeric) }
        if denom.isEmpty, 15 - num.count - Int(Float(exp) * 3 / 10) - 1 >= 0,
            let v = m.uint64, let product = Int64(exactly: v).flatMap({ Int64(1 << exp).multipliedReportingOverflow(by: $0) }),
            !product.overflow
        {
            let cached: String? = (v & 0x07 != 0) ? s : nil
            return Quantity(negative: !positive, magnitude: QuantityMagnitude(UInt64(product.partialValue)), exponent: 0,
                            format: .binarySI, cached: cached)
        }
        var q = Quantity(negative: !positive, magnitude: m.timesPow2(exp), exponent: -denom.count, format: .binarySI)
        q.roundUpToNano()
        // Binary quantities are capped at 2^63-1, as Kubernetes caps them.
        let maxAllowed = Quantity(Int64.max)
        if Quantity.compareMagnitudes(q, maxAllowed) > 0 {
            q = Quantity(negative: q.negative, magnitude: maxAllowed.magnitude, exponent: 0, format: .binarySI)
        }
        if !q.isZero, Quantity.compareMagnitudes(q, Quantity(1)) < 0 { q.format = .decimalSI }
        return q
    }

    /// Rounds a non-zero value finer than a nano up, away from zero, to the next nano.
    private mutating func roundUpToNano() {
        guard exponent < -9 else { return }
        let (q, inexact) = magnitude.dividedByPow10(-9 - exponent)
        magnitude = inexact ? q.adding(QuantityMagnitude(1)) : q
        exponent = -9
        if magnitude.isZero { negative = false }
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace (Go's `strings.TrimSpace` for ASCII input).
    fileprivate func trimmingASCIISpaces() -> String {
        let ws: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C]
        let u = Array(utf8)
        var lo = 0, hi = u.count
        while lo < hi, ws.contains(u[lo]) { lo += 1 }
        while hi > lo, ws.contains(u[hi - 1]) { hi -= 1 }
        return String(decoding: u[lo..<hi], as: UTF8.self)
    }
}
