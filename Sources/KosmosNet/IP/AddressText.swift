// Byte-level parsing and formatting of address text, shared by the address and prefix types.
// Works on UTF-8 buffers so parsing a native String allocates nothing.

/// Why a piece of address text is invalid; the public types wrap it into `IPParseError` with the input.
@usableFromInline
struct AddressTextFailure: Error {
    @usableFromInline let reason: String
    @usableFromInline init(_ reason: String) { self.reason = reason }
}

@usableFromInline
enum AddressText {
    @usableFromInline static var dot: UInt8 { UInt8(ascii: ".") }
    @usableFromInline static var colon: UInt8 { UInt8(ascii: ":") }
    @usableFromInline static var slash: UInt8 { UInt8(ascii: "/") }
    @usableFromInline static var zero: UInt8 { UInt8(ascii: "0") }
    @usableFromInline static var nine: UInt8 { UInt8(ascii: "9") }

    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }

    static func describe(_ c: UInt8) -> String {
        if c >= 0x21 && c < 0x7f { return "'\(Character(Unicode.Scalar(c)))'" }
        return "byte 0x" + String(c, radix: 16)
    }

    /// Runs `body` over the UTF-8 bytes of `text` without copying native strings.
    @inline(__always)
    static func withBytes<R>(
        _ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws(AddressTextFailure) -> R
    ) throws(AddressTextFailure) -> R {
        // Native strings expose their bytes directly; others (bridged, small on some platforms) are copied.
        if let result = text.utf8.withContiguousStorageIfAvailable({ buf in
            Result { () throws(AddressTextFailure) -> R in try body(buf) }
        }) {
            return try result.get()
        }
        var copy = text
        let result: Result<R, AddressTextFailure> = copy.withUTF8 { buf in
            Result { () throws(AddressTextFailure) -> R in try body(buf) }
        }
        return try result.get()
    }

    // MARK: - Parsing

    /// Parses a dotted-quad IPv4 address in `p[start..<end]`: four decimal octets, no leading zeros.
    static func parseV4(
        _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int
    ) throws(AddressTextFailure) -> UInt32 {
        if start == end { throw AddressTextFailure("empty address") }
        var value: UInt32 = 0
        var i = start
        for octet in 0..<4 {
            if octet > 0 {
                guard i < end, p[i] == dot else {
                    throw AddressTextFailure(i < end
                        ? "unexpected \(describe(p[i])) at offset \(i); expected '.'"
                        : "expected 4 dot-separated octets, found \(octet)")
                }
                i += 1
            }
            let digitsStart = i
            var n: UInt32 = 0
            while i < end, p[i] >= zero, p[i] <= nine {
                n = n &* 10 &+ UInt32(p[i] &- zero)
                i += 1
                if i - digitsStart > 3 { throw AddressTextFailure("octet \(octet + 1) has more than 3 digits") }
            }
            if i == digitsStart {
                throw AddressTextFailure(i < end
                    ? "unexpected \(describe(p[i])) at offset \(i); expected a decimal octet"
                    : "octet \(octet + 1) is missing")
            }
            if n > 255 { throw AddressTextFailure("octet \(octet + 1) is \(n), larger than 255") }
            if i - digitsStart > 1 && p[digitsStart] == zero {
                throw AddressTextFailure("octet \(octet + 1) has a leading zero (ambiguous octal)")
            }
            value = value << 8 | n
        }
        if i != end {
            throw AddressTextFailure(p[i] == dot
                ? "more than 4 octets"
                : "unexpected \(describe(p[i])) at offset \(i) after the 4th octet")
        }
        return value
    }

    /// Parses an RFC 4291 IPv6 address in `p[start..<end]` (with `::` and an optional dotted IPv4 tail).
    static func parseV6(
        _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int
    ) throws(AddressTextFailure) -> UInt128Bits {
        if start == end { throw AddressTextFailure("empty address") }
        // Groups before `::` shift into `head`, groups after it into `tail`; `::` fills the gap with zeros.
        var head = UInt128Bits.zero
        var tail = UInt128Bits.zero
        var count = 0
        var gap = -1
        var i = start
        if p[i] == colon {
            guard i + 1 < end, p[i + 1] == colon else {
                throw AddressTextFailure("starts with a single ':'")
            }
            gap = 0
            i += 2
        }
        while i < end {
            let groupStart = i
            var v: UInt64 = 0
            while i < end, let h = hexValue(p[i]) {
                v = v << 4 | UInt64(h)
                i += 1
                if i - groupStart > 4 {
                    throw AddressTextFailure("group \(count + 1) has more than 4 hex digits")
                }
            }
            if i < end && p[i] == dot {
                // Embedded IPv4 tail: the rest of the text is a dotted quad worth two groups.
                if count > 6 { throw AddressTextFailure("too many groups before the IPv4 part") }
                let v4 = UInt128Bits(UInt64(try parseV4(p, groupStart, end)))
                if gap >= 0 { tail = tail << 32 | v4 } else { head = head << 32 | v4 }
                count += 2
                i = end
                break
            }
            if i == groupStart {
                throw AddressTextFailure("unexpected \(describe(p[i])) at offset \(i); expected a hex group")
            }
            if count == 8 { throw AddressTextFailure("more than 8 groups") }
            if gap >= 0 { tail = tail << 16 | UInt128Bits(v) } else { head = head << 16 | UInt128Bits(v) }
            count += 1
            if i == end { break }
            guard p[i] == colon else {
                throw AddressTextFailure("unexpected \(describe(p[i])) at offset \(i)")
            }
            i += 1
            if i < end && p[i] == colon {
                if gap >= 0 { throw AddressTextFailure("'::' appears more than once") }
                gap = count
                i += 1
            } else if i == end {
                throw AddressTextFailure("ends with a single ':'")
            }
        }
        if gap < 0 {
            if count != 8 { throw AddressTextFailure("expected 8 groups, found \(count)") }
            return head
        }
        if count > 7 {
            throw AddressTextFailure("'::' must stand for at least one group, but 8 groups are present")
        }
        return head << (16 * (8 - gap)) | tail
    }

    /// Parses a decimal prefix length in `p[start..<end]` (at most `maxLength`).
    static func parseLength(
        _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, maxLength: Int, allowLeadingZeros: Bool
    ) throws(AddressTextFailure) -> Int {
        if start == end { throw AddressTextFailure("prefix length is missing after '/'") }
        var n = 0
        for i in start..<end {
            let c = p[i]
            guard c >= zero && c <= nine else {
                throw AddressTextFailure("prefix length contains \(describe(c))")
            }
            n = n * 10 + Int(c &- zero)
            if n > 1000 { throw AddressTextFailure("prefix length is too long") }
        }
        if !allowLeadingZeros && end - start > 1 && p[start] == zero {
            throw AddressTextFailure("prefix length has a leading zero")
        }
        if n > maxLength {
            throw AddressTextFailure(
                "prefix length \(n) is longer than \(maxLength) bits (\(maxLength == 32 ? "IPv4" : "IPv6"))")
        }
        return n
    }

    /// Parses `address/length` in the whole buffer; the address keeps its host bits.
    static func parseAddressAndLength(
        _ p: UnsafeBufferPointer<UInt8>, allowLeadingZeros: Bool
    ) throws(AddressTextFailure) -> (IPFamily, UInt128Bits, Int) {
        guard let slash = p.firstIndex(of: AddressText.slash) else {
            throw AddressTextFailure("missing '/' and prefix length")
        }
        let isV6 = p[0..<slash].contains(AddressText.colon)
        let family: IPFamily = isV6 ? .ipv6 : .ipv4
        let v = isV6 ? try parseV6(p, 0, slash) : UInt128Bits(UInt64(try parseV4(p, 0, slash)))
        let length = try parseLength(
            p, slash + 1, p.count, maxLength: family.bitCount, allowLeadingZeros: allowLeadingZeros)
        return (family, v, length)
    }

    // MARK: - Formatting

    @inline(__always)
    static func writeDecimal(_ v: UInt32, _ out: UnsafeMutableBufferPointer<UInt8>, _ i: inout Int) {
        if v >= 100 {
            out[i] = zero &+ UInt8(v / 100); i += 1
            out[i] = zero &+ UInt8(v / 10 % 10); i += 1
        } else if v >= 10 {
            out[i] = zero &+ UInt8(v / 10); i += 1
        }
        out[i] = zero &+ UInt8(v % 10); i += 1
    }

    static func writeV4(_ v: UInt32, _ out: UnsafeMutableBufferPointer<UInt8>, _ i: inout Int) {
        writeDecimal(v >> 24, out, &i); out[i] = dot; i += 1
        writeDecimal(v >> 16 & 0xff, out, &i); out[i] = dot; i += 1
        writeDecimal(v >> 8 & 0xff, out, &i); out[i] = dot; i += 1
        writeDecimal(v & 0xff, out, &i)
    }

    @inline(__always)
    static func hexDigit(_ v: UInt16) -> UInt8 {
        v < 10 ? UInt8(ascii: "0") &+ UInt8(v) : UInt8(ascii: "a") &+ UInt8(v &- 10)
    }

    /// Writes RFC 5952 text: lower case, no leading zeros, the longest run (>= 2) of zero groups as `::`
    /// (the first on a tie), and IPv4-mapped addresses as `::ffff:a.b.c.d` (RFC 5952 section 5).
    static func writeV6(_ v: UInt128Bits, _ out: UnsafeMutableBufferPointer<UInt8>, _ i: inout Int) {
        if v.hi == 0 && v.lo >> 32 == 0xffff {
            for c in "::ffff:".utf8 { out[i] = c; i += 1 }
            writeV4(UInt32(truncatingIfNeeded: v.lo), out, &i)
            return
        }
        @inline(__always) func group(_ k: Int) -> UInt16 {
            k < 4 ? UInt16(truncatingIfNeeded: v.hi >> UInt64(48 - 16 * k))
                : UInt16(truncatingIfNeeded: v.lo >> UInt64(48 - 16 * (k - 4)))
        }
        var bestStart = -1, bestLen = 0, runStart = -1
        for k in 0..<8 {
            if group(k) == 0 {
                if runStart < 0 { runStart = k }
                let len = k - runStart + 1
                if len > bestLen { bestLen = len; bestStart = runStart }
            } else {
                runStart = -1
            }
        }
        if bestLen < 2 { bestStart = -1 }
        var k = 0
        while k < 8 {
            if k == bestStart {
                out[i] = colon; i += 1
                if k == 0 { out[i] = colon; i += 1 }
                k += bestLen
                continue
            }
            let g = group(k)
            var shift = 12
            while shift > 0 && (g >> UInt16(shift)) == 0 { shift -= 4 }
            while shift >= 0 {
                out[i] = hexDigit((g >> UInt16(shift)) & 0xf); i += 1
                shift -= 4
            }
            if k < 7 { out[i] = colon; i += 1 }
            k += 1
        }
    }

    static func string(v4 v: UInt32, length: Int? = nil) -> String {
        String(unsafeUninitializedCapacity: 19) { out in
            var i = 0
            writeV4(v, out, &i)
            if let length { out[i] = slash; i += 1; writeDecimal(UInt32(length), out, &i) }
            return i
        }
    }

    static func string(v6 v: UInt128Bits, length: Int? = nil) -> String {
        String(unsafeUninitializedCapacity: 48) { out in
            var i = 0
            writeV6(v, out, &i)
            if let length { out[i] = slash; i += 1; writeDecimal(UInt32(length), out, &i) }
            return i
        }
    }
}
