/// How plain (unquoted) YAML scalars are read, following kubectl (sigs.k8s.io/yaml over go-yaml v2, a YAML 1.1
/// reading): `true`/`yes`/`on` are booleans, `null`/`~`/empty are null, decimal, `0x`, `0o`, leading-zero octal and
/// `0b` integers, floats in YAML style, `.inf`/`.nan`; everything else, and every quoted scalar, is a string.
/// Timestamps stay strings when read (go-yaml v2 keeps them as strings for `interface{}` targets) but are quoted
/// when written, as kubectl does.
enum YAMLScalar {
    enum Resolved: Equatable {
        case value(JSONValue)
        /// `.inf`, `-.inf` or `.nan`: valid YAML, but JSON cannot hold it.
        case nonFinite(String)
    }

    static let trueWords: Set<String> = ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"]
    static let falseWords: Set<String> = ["n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"]
    static let nullWords: Set<String> = ["", "~", "null", "Null", "NULL"]
    static let nonFiniteWords: Set<String> = [
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN",
    ]

    /// Resolves a plain scalar.
    static func resolve(_ s: String) -> Resolved {
        if nullWords.contains(s) { return .value(.null) }
        if trueWords.contains(s) { return .value(.bool(true)) }
        if falseWords.contains(s) { return .value(.bool(false)) }
        if nonFiniteWords.contains(s) { return .nonFinite(s) }
        guard let first = s.utf8.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        else { return .value(.string(s)) }
        let plain = s.replacingAll("_", with: "")
        if let i = parseInt(plain) { return .value(.int(i)) }
        if isYAMLFloat(plain), let d = Double(plain) { return .value(.double(d)) }
        return .value(.string(s))
    }

    /// Whether `s`, written plain, would read back as something other than the string `s`; such strings must be
    /// quoted. Timestamps and sexagesimal numbers (`1:20`) are quoted too, as go-yaml v2 does.
    static func needsQuoting(_ s: String) -> Bool {
        if resolve(s) != .value(.string(s)) { return true }
        return looksLikeTimestamp(s) || isBase60Float(s)
    }

    /// Integers as go-yaml v2 reads them (Go's `strconv.ParseInt(s, 0, 64)` plus `0b`); `nil` if not an integer.
    static func parseInt(_ s: String) -> Int64? {
        var u = Substring(s)
        var negative = false
        if u.hasPrefix("-") {
            negative = true
            u = u.dropFirst()
        } else if u.hasPrefix("+") {
            u = u.dropFirst()
        }
        guard !u.isEmpty else { return nil }
        var radix = 10
        if u.hasPrefix("0x") || u.hasPrefix("0X") {
            radix = 16
            u = u.dropFirst(2)
        } else if u.hasPrefix("0b") || u.hasPrefix("0B") {
            radix = 2
            u = u.dropFirst(2)
        } else if u.hasPrefix("0o") || u.hasPrefix("0O") {
            radix = 8
            u = u.dropFirst(2)
        } else if u.count > 1 && u.hasPrefix("0") {
            radix = 8
            u = u.dropFirst()
        }
        guard !u.isEmpty, let magnitude = UInt64(u, radix: radix) else { return nil }
        if negative {
            if magnitude <= UInt64(Int64.max) { return -Int64(magnitude) }
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            return nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
    static func isYAMLFloat(_ s: String) -> Bool {
        let b = Array(s.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            return i - start
        }
        if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            if digits() == 0 { return false }
        } else {
            if digits() == 0 { return false }
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                _ = digits()
            }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
            if digits() == 0 { return false }
        }
        return i == b.count
    }

    /// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$` (YAML 1.1 sexagesimal, e.g. `8080:80`).
    static func isBase60Float(_ s: String) -> Bool {
        let b = Array(s.utf8)
        var i = 0
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
        guard i < b.count, isDigit(b[i]) else { return false }
        while i < b.count, isDigit(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
        var groups = 0
        while i < b.count, b[i] == UInt8(ascii: ":") {
            i += 1
            var n = 0
            while i < b.count, isDigit(b[i]), n < 2 { i += 1; n += 1 }
            if n == 0 { return false }
            if n == 2, b[i - 2] > UInt8(ascii: "5") { return false }
            groups += 1
        }
        guard groups > 0 else { return false }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, isDigit(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
        }
        return i == b.count
    }

    /// go-yaml v2 timestamps: `YYYY-M-D`, optionally followed by `T`/`t`/space and `h:m:s[.frac][Z|±hh:mm]`.
    static func looksLikeTimestamp(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count >= 8 else { return false }
        var i = 0
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        func number(max: Int) -> Bool {
            var n = 0
            while i < b.count, isDigit(b[i]), n < max { i += 1; n += 1 }
            return n > 0
        }
        for _ in 0..<4 {
            guard i < b.count, isDigit(b[i]) else { return false }
            i += 1
        }
        guard i < b.count, b[i] == UInt8(ascii: "-") else { return false }
        i += 1
        guard number(max: 2), i < b.count, b[i] == UInt8(ascii: "-") else { return false }
        i += 1
        guard number(max: 2) else { return false }
        if i == b.count { return true }
        guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ") else { return false }
        i += 1
        guard number(max: 2), i < b.count, b[i] == UInt8(ascii: ":") else { return false }
        i += 1
        guard number(max: 2), i < b.count, b[i] == UInt8(ascii: ":") else { return false }
        i += 1
        guard number(max: 2) else { return false }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard number(max: 9) else { return false }
        }
        if i == b.count { return true }
        if b[i] == UInt8(ascii: "Z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return false }
        i += 1
        guard number(max: 2) else { return false }
        if i < b.count, b[i] == UInt8(ascii: ":") {
            i += 1
            guard number(max: 2) else { return false }
        }
        return i == b.count
    }

    /// A double as Go's `strconv.FormatFloat(f, 'g', -1, 64)` writes it (what go-yaml v2 emits).
    static func formatDouble(_ d: Double) -> String {
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        // Swift's description gives the shortest round-trip digits; re-shape them as Go's %g does.
        var text = "\(abs(d))"
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = intPart + fracPart
        var pointPos = intPart.count + exponent  // position of the decimal point within `digits`
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            pointPos -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        let exp10 = pointPos - 1
        var out = d < 0 ? "-" : ""
        if exp10 < -4 || exp10 >= 6 {
            // %e form: d.ddde±XX
            out += String(digits.first!)
            if digits.count > 1 { out += "." + digits.dropFirst() }
            out += exp10 < 0 ? "e-" : "e+"
            let ae = abs(exp10)
            out += ae < 10 ? "0\(ae)" : "\(ae)"
            return out
        }
        if exp10 < 0 {
            out += "0." + String(repeating: "0", count: -exp10 - 1) + digits
        } else if digits.count <= exp10 + 1 {
            out += digits + String(repeating: "0", count: exp10 + 1 - digits.count)
        } else {
            let cut = digits.index(digits.startIndex, offsetBy: exp10 + 1)
            out += digits[..<cut] + "." + digits[cut...]
        }
        return out
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
