import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `format` values a CRD schema can ask kube-apiserver v1.32 to check on string values, and their checks.
///
/// kube strips every other format from a CRD schema before validating (so `int32`, `int64`, `float`, `double`,
/// `k8s-short-name`... are accepted and ignored), and compares names with dashes removed (`date-time` is
/// `datetime`). A value that fails is reported as `<path> in body must be of type <format>: "<value>"` with reason
/// `FieldValueTypeInvalid`. The list is the one the `JSONSchemaProps.format` field documents in v1.32's OpenAPI.
enum SchemaFormats {
    /// The normalized names kube v1.32 validates.
    static let validated: Set<String> = [
        "bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "uuid", "uuid3", "uuid4", "uuid5",
        "isbn", "isbn10", "isbn13", "creditcard", "ssn", "hexcolor", "rgbcolor", "byte", "password", "date",
        "duration", "datetime",
    ]

    /// Whether kube checks `format` at all (after its dash-removing normalization).
    static func isValidated(_ format: String) -> Bool {
        validated.contains(format.replacingOccurrences(of: "-", with: ""))
    }

    /// Whether `value` is valid for `format`; formats kube ignores accept everything.
    static func accepts(_ value: String, format: String) -> Bool {
        switch format.replacingOccurrences(of: "-", with: "") {
        case "bsonobjectid": return value.utf8.count == 24 && value.allSatisfy(\.isHexDigit)
        case "uri": return isRequestURI(value)
        case "email": return isEmail(value)
        case "hostname": return isHostname(value)
        case "ipv4": return value.contains(".") && parseIP(value) != nil
        case "ipv6": return value.contains(":") && parseIP(value) != nil
        case "cidr": return isCIDR(value)
        case "mac": return isMAC(value)
        case "uuid": return matches(value, uuidPattern(version: nil))
        case "uuid3": return matches(value, uuidPattern(version: "3"))
        case "uuid4": return matches(value, uuidPattern(version: "4"))
        case "uuid5": return matches(value, uuidPattern(version: "5"))
        case "isbn": return isISBN10(value) || isISBN13(value)
        case "isbn10": return isISBN10(value)
        case "isbn13": return isISBN13(value)
        case "creditcard": return isCreditCard(value)
        case "ssn": return value.utf8.count >= 9 && matches(value, #"^\d{3}[- ]?\d{2}[- ]?\d{4}$"#)
        case "hexcolor": return matches(value, "^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
        case "rgbcolor":
            return matches(value, #"^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|"#
                           + #"25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$"#)
        case "byte":
            return matches(value, "^(?:[A-Za-z0-9+\\/]{4})*(?:[A-Za-z0-9+\\/]{2}==|[A-Za-z0-9+\\/]{3}=|"
                           + "[A-Za-z0-9+\\/]{4})$")
        case "date": return isFullDate(value)
        case "datetime": return isDateTime(value)
        case "duration": return isDuration(value)
        default: return true
        }
    }

    // MARK: - Helpers

    private static func matches(_ s: String, _ pattern: String, options: NSRegularExpression.Options = []) -> Bool {
        guard let re = try? NSRegularExpression(pattern: pattern, options: options) else { return false }
        return re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    private static func uuidPattern(version: String?) -> String {
        let hex = "[0-9a-fA-F]"
        guard let version else { return "^\(hex){8}-?\(hex){4}-?\(hex){4}-?\(hex){4}-?\(hex){12}$" }
        let variant = version == "3" ? hex : "[89abAB]"
        return "^\(hex){8}-?\(hex){4}-?\(version)\(hex){3}-?\(variant)\(hex){3}-?\(hex){12}$"
    }

    /// Go's `net.ParseIP` on a dotted quad or an IPv6 text (no zone); returns the address bytes.
    static func parseIP(_ s: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, s, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, s, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    private static func isCIDR(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let ip = parseIP(String(parts[0])), !parts[1].isEmpty,
              parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber), let bits = Int(parts[1]) else {
            return false
        }
        return bits <= ip.count * 8
    }

    /// Go's `net.ParseMAC`: 6, 8 or 20 octets as `xx:xx:..`, `xx-xx-..` or `xxxx.xxxx.xxxx`.
    private static func isMAC(_ s: String) -> Bool {
        let c = Array(s.utf8)
        guard c.count >= 14 else { return false }
        func hex(_ b: UInt8) -> Bool { Character(UnicodeScalar(b)).isHexDigit }
        if c[2] == UInt8(ascii: ":") || c[2] == UInt8(ascii: "-") {
            guard (c.count + 1) % 3 == 0, [6, 8, 20].contains((c.count + 1) / 3) else { return false }
            for i in stride(from: 0, to: c.count, by: 3) {
                guard hex(c[i]), hex(c[i + 1]) else { return false }
                if i + 2 < c.count, c[i + 2] != c[2] { return false }
            }
            return true
        }
        if c[4] == UInt8(ascii: ".") {
            guard (c.count + 1) % 5 == 0, [6, 8, 20].contains(2 * (c.count + 1) / 5) else { return false }
            for i in stride(from: 0, to: c.count, by: 5) {
                guard c[i..<i + 4].allSatisfy(hex) else { return false }
                if i + 4 < c.count, c[i + 4] != UInt8(ascii: ".") { return false }
            }
            return true
        }
        return false
    }

    /// RFC 1034 host names as kube-openapi accepts them (letters and symbols of any script, labels up to 63).
    private static func isHostname(_ s: String) -> Bool {
        let c = #"[a-zA-Z0-9\p{S}\p{L}]"#
        let pattern = "^(\(c)((-?\(c){0,62})?)|(\(c)(([a-zA-Z0-9-\\p{S}\\p{L}]{0,61}\(c))?)(\\.)){1,}(\(c))(-?\(c)){1,62})$"
        guard matches(s, pattern), s.utf8.count <= 255 else { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { $0.utf8.count <= 63 }
    }

    /// Go's `url.ParseRequestURI`: an absolute URI or an absolute path, no control characters, valid escapes.
    private static func isRequestURI(_ s: String) -> Bool {
        guard !s.isEmpty, !s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return false
        }
        let bytes = Array(s.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, Character(UnicodeScalar(bytes[i + 1])).isHexDigit,
                      Character(UnicodeScalar(bytes[i + 2])).isHexDigit else { return false }
                i += 3
            } else { i += 1 }
        }
        if s == "*" || s.hasPrefix("/") { return true }
        return matches(s, "^[a-zA-Z][a-zA-Z0-9+.-]*:")
    }

    /// Go's `net/mail.ParseAddress`, simplified: `local@domain` or `Name <local@domain>`.
    private static func isEmail(_ s: String) -> Bool {
        var address = s.trimmingCharacters(in: .whitespaces)
        if address.hasSuffix(">"), let open = address.lastIndex(of: "<") {
            address = String(address[address.index(after: open)..<address.index(before: address.endIndex)])
        }
        let atext = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
        let local = "(\(atext)+(\\.\(atext)+)*|\"([^\"\\\\]|\\\\.)*\")"
        let domain = "(\(atext)+(\\.\(atext)+)*|\\[[^\\[\\]\\\\]*\\])"
        return matches(address, "^\(local)@\(domain)$")
    }

    private static func isISBN10(_ s: String) -> Bool {
        let d = Array(s.filter { $0 != "-" && $0 != " " })
        guard d.count == 10, d[0..<9].allSatisfy(\.isASCII), d[0..<9].allSatisfy(\.isNumber),
              d[9].isNumber || d[9] == "X" else { return false }
        var sum = 0
        for i in 0..<9 { sum += (i + 1) * Int(String(d[i]))! }
        sum += d[9] == "X" ? 100 : 10 * Int(String(d[9]))!
        return sum % 11 == 0
    }

    private static func isISBN13(_ s: String) -> Bool {
        let d = Array(s.filter { $0 != "-" && $0 != " " })
        guard d.count == 13, d.allSatisfy(\.isASCII), d.allSatisfy(\.isNumber) else { return false }
        var sum = 0
        for i in 0..<12 { sum += Int(String(d[i]))! * (i % 2 == 0 ? 1 : 3) }
        return (10 - sum % 10) % 10 == Int(String(d[12]))!
    }

    /// A Luhn-valid number of a known issuer, any non-digits ignored.
    private static func isCreditCard(_ s: String) -> Bool {
        let digits = s.filter { $0.isASCII && $0.isNumber }
        guard matches(digits, "^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|"
                      + "27[01][0-9]|2720)[0-9]{12}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|"
                      + "[68][0-9])[0-9]{11}|(?:2131|1800|35\\d{3})\\d{11}|6[27][0-9]{14})$") else { return false }
        var sum = 0
        for (i, ch) in digits.reversed().enumerated() {
            var n = Int(String(ch))!
            if i % 2 == 1 { n *= 2; if n > 9 { n -= 9 } }
            sum += n
        }
        return sum % 10 == 0
    }

    /// RFC 3339 full-date (`2006-01-02`) with a real calendar day.
    static func isFullDate(_ s: String) -> Bool {
        let p = s.split(separator: "-", omittingEmptySubsequences: false)
        guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2,
              p.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]), (1...12).contains(m), d >= 1 else {
            return false
        }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return d <= days[m - 1]
    }

    /// kube-openapi's date-time check: a full-date, `T` (any case), then `hh:mm:ss[.frac]` and `Z` or `±hh:mm`.
    private static func isDateTime(_ s: String) -> Bool {
        guard s.count >= 4 else { return false }
        let parts = s.lowercased().split(separator: "t", omittingEmptySubsequences: false)
        guard parts.count >= 2, isFullDate(String(parts[0])) else { return false }
        let time = String(parts[1])
        guard matches(time, "^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$") else {
            return false
        }
        let f = time.prefix(8).split(separator: ":")
        return f[0] <= "23" && f[1] <= "59" && f[2] <= "59"
    }

    /// Go's `time.ParseDuration` syntax, or the Scala-like `<n> <unit>` forms kube-openapi also takes.
    static func isDuration(_ s: String) -> Bool {
        if isGoDuration(s) { return true }
        guard matches(s, #"^\s*(?:\d+\s*[A-Za-zµ]+\s*)+$"#),
              let re = try? NSRegularExpression(pattern: #"(\d+)\s*([A-Za-zµ]+)"#) else { return false }
        let units: [[String]] = [["ns", "nano"], ["us", "µs", "micro"], ["ms", "milli"], ["s", "sec"],
                                 ["m", "min"], ["h", "hr", "hour"], ["d", "day"], ["w", "wk", "week"]]
        var ok = false
        for m in re.matches(in: s, range: NSRange(s.startIndex..., in: s)) {
            guard let r = Range(m.range(at: 2), in: s) else { continue }
            let unit = s[r].lowercased()
            for variants in units {
                for (i, v) in variants.enumerated()
                where (i == variants.count - 1 && unit.hasPrefix(v)) || unit == v { ok = true }
            }
        }
        return ok
    }

    private static func isGoDuration(_ s: String) -> Bool {
        var c = Array(s.unicodeScalars)
        if let f = c.first, f == "+" || f == "-" { c.removeFirst() }
        if c.count == 1, c[0] == "0" { return true }
        guard !c.isEmpty else { return false }
        let units: Set<String> = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]
        var i = 0
        while i < c.count {
            var digits = 0
            while i < c.count, c[i].properties.numericType != nil, c[i].isASCII { i += 1; digits += 1 }
            if i < c.count, c[i] == "." {
                i += 1
                while i < c.count, c[i].isASCII, c[i].properties.numericType != nil { i += 1; digits += 1 }
            }
            guard digits > 0 else { return false }
            var unit = ""
            while i < c.count, c[i] != ".", !(c[i].isASCII && c[i].properties.numericType != nil) {
                unit.unicodeScalars.append(c[i]); i += 1
            }
            guard units.contains(unit) else { return false }
        }
        return true
    }
}
