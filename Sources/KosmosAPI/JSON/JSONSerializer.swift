/// How `JSONValue` is written out.
public struct JSONWriteOptions: Sendable {
    /// Indent nested values with this many spaces per level; `nil` writes compact JSON.
    public var indent: Int?
    /// Escape `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`, as Go's encoding/json (and so kube-apiserver) does.
    public var escapeHTML: Bool
    /// Sort object keys (Go's map order) instead of keeping insertion order.
    public var sortKeys: Bool

    /// Creates options; the defaults write what kube-apiserver writes.
    public init(indent: Int? = nil, escapeHTML: Bool = true, sortKeys: Bool = false) {
        self.indent = indent
        self.escapeHTML = escapeHTML
        self.sortKeys = sortKeys
    }

    /// Compact, HTML-escaped output in insertion order: what kube-apiserver writes.
    public static let compact = JSONWriteOptions()
    /// Indented with two spaces (kube-apiserver's `?pretty=true`).
    public static let pretty = JSONWriteOptions(indent: 2)
}

extension JSONValue {
    /// Serializes to UTF-8 JSON bytes.
    public func serialized(_ options: JSONWriteOptions = .compact) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        JSONWriter.write(self, into: &out, options: options, level: 0)
        return out
    }

    /// Serializes to a JSON string.
    public func serializedString(_ options: JSONWriteOptions = .compact) -> String {
        String(decoding: serialized(options), as: UTF8.self)
    }

    /// Appends the serialized JSON to a byte buffer.
    public func write(into out: inout [UInt8], options: JSONWriteOptions = .compact) {
        JSONWriter.write(self, into: &out, options: options, level: 0)
    }
}

enum JSONWriter {
    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func write(_ v: JSONValue, into out: inout [UInt8], options: JSONWriteOptions, level: Int) {
        switch v {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case .int(let i): writeInt(i, into: &out)
        case .double(let d): out.append(contentsOf: formatDouble(d).utf8)
        case .string(let s): writeString(s, into: &out, escapeHTML: options.escapeHTML)
        case .array(let a):
            if a.isEmpty {
                out.append(contentsOf: [0x5B, 0x5D])
                return
            }
            out.append(0x5B)
            for (i, e) in a.enumerated() {
                if i > 0 { out.append(0x2C) }
                newline(&out, options, level + 1)
                write(e, into: &out, options: options, level: level + 1)
            }
            newline(&out, options, level)
            out.append(0x5D)
        case .object(let o):
            if o.isEmpty {
                out.append(contentsOf: [0x7B, 0x7D])
                return
            }
            out.append(0x7B)
            var first = true
            func field(_ k: String, _ val: JSONValue) {
                if !first { out.append(0x2C) }
                first = false
                newline(&out, options, level + 1)
                writeString(k, into: &out, escapeHTML: options.escapeHTML)
                out.append(0x3A)
                if options.indent != nil { out.append(0x20) }
                write(val, into: &out, options: options, level: level + 1)
            }
            if options.sortKeys {
                for k in o.fieldNames.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                    field(k, o[k]!)
                }
            } else {
                for (k, val) in o { field(k, val) }
            }
            newline(&out, options, level)
            out.append(0x7D)
        }
    }

    @inline(__always)
    static func newline(_ out: inout [UInt8], _ options: JSONWriteOptions, _ level: Int) {
        guard let n = options.indent else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: n * level))
    }

    static func writeInt(_ i: Int64, into out: inout [UInt8]) {
        if i == 0 {
            out.append(0x30)
            return
        }
        var buf: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = i.magnitude
        var len = 0
        withUnsafeMutableBytes(of: &buf) { p in
            while n > 0 {
                p[19 - len] = UInt8(n % 10) + 0x30
                n /= 10
                len += 1
            }
            if i < 0 { out.append(0x2D) }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[(20 - len)...]))
        }
    }

    /// Formats like Go's encoding/json: shortest representation, plain notation for 1e-6 <= |d| < 1e21.
    static func formatDouble(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e21 {
            if abs(d) < 9.2e18 { return String(Int64(d)) }
        }
        let a = abs(d)
        var s = "\(d)"
        if a >= 1e-6 && a < 1e21 {
            if s.contains("e") {
                // Swift chose exponent form; expand it.
                s = expandExponent(s)
            }
            return s
        }
        // Go writes e.g. 1e-07 and 1e+21.
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let mant = s[..<e]
            var exp = String(s[s.index(after: e)...])
            var sign = "+"
            if exp.hasPrefix("-") { sign = "-"; exp.removeFirst() } else if exp.hasPrefix("+") { exp.removeFirst() }
            if exp.count < 2 { exp = "0" + exp }
            var m = String(mant)
            if m.hasSuffix(".0") { m.removeLast(2) }
            return m + "e" + sign + exp
        }
        return s
    }

    static func expandExponent(_ s: String) -> String {
        guard let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }), let exp = Int(s[s.index(after: e)...]) else {
            return s
        }
        var mant = String(s[..<e])
        let neg = mant.hasPrefix("-")
        if neg { mant.removeFirst() }
        var digits = mant.replacingOccurrences(".", "")
        let dot = (mant.firstIndex(of: ".").map { mant.distance(from: mant.startIndex, to: $0) } ?? mant.count) + exp
        var r: String
        if dot <= 0 {
            r = "0." + String(repeating: "0", count: -dot) + digits
        } else if dot >= digits.count {
            digits += String(repeating: "0", count: dot - digits.count)
            r = digits
        } else {
            r = String(digits.prefix(dot)) + "." + String(digits.dropFirst(dot))
        }
        while r.contains(".") && (r.hasSuffix("0") || r.hasSuffix(".")) { r.removeLast() }
        return (neg ? "-" : "") + r
    }

    static func writeString(_ s: String, into out: inout [UInt8], escapeHTML: Bool) {
        out.append(0x22)
        var s = s
        s.withUTF8 { u in
            var runStart = 0
            var i = 0
            let n = u.count
            while i < n {
                let c = u[i]
                var esc: [UInt8]? = nil
                if c < 0x20 || c == 0x22 || c == 0x5C || (escapeHTML && (c == 0x3C || c == 0x3E || c == 0x26)) {
                    switch c {
                    case 0x22: esc = [0x5C, 0x22]
                    case 0x5C: esc = [0x5C, 0x5C]
                    case 0x0A: esc = [0x5C, 0x6E]
                    case 0x0D: esc = [0x5C, 0x72]
                    case 0x09: esc = [0x5C, 0x74]
                    default: esc = [0x5C, 0x75, 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 0xF)]]
                    }
                } else if c == 0xE2 && i + 2 < n && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9) {
                    // U+2028 and U+2029 are escaped by Go for JavaScript safety.
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<i]))
                    out.append(contentsOf: [0x5C, 0x75, 0x32, 0x30, 0x32, u[i + 2] == 0xA8 ? 0x38 : 0x39])
                    i += 3
                    runStart = i
                    continue
                }
                if let esc {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<i]))
                    out.append(contentsOf: esc)
                    runStart = i + 1
                }
                i += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<n]))
        }
        out.append(0x22)
    }
}

extension String {
    fileprivate func replacingOccurrences(_ a: Character, _ b: String) -> String {
        var r = ""
        for ch in self { if ch == a { r += b } else { r.append(ch) } }
        return r
    }
}
