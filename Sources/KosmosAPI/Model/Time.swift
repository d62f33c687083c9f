#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// meta/v1 Time: an instant that Kubernetes writes in RFC 3339 with second precision, in UTC
/// (`2026-11-26T15:00:00Z`).
///
/// Parsing accepts what Go's `time.RFC3339` accepts: an optional fraction of any length and a `Z` or `±hh:mm`
/// offset. The fraction is kept in memory but dropped when written, as Kubernetes does.
public struct Time: Hashable, Comparable, Sendable, JSONConvertible, CustomStringConvertible, Codable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64
    /// Nanoseconds within the second (0..<1e9).
    public var nanoseconds: Int32

    /// An instant from seconds and nanoseconds since the Unix epoch (nanoseconds are normalized).
    public init(seconds: Int64, nanoseconds: Int64 = 0) {
        let carry = nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000
        self.seconds = seconds + carry
        self.nanoseconds = Int32(nanoseconds - carry * 1_000_000_000)
    }

    /// The current time of the system clock.
    public static func now() -> Time {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Time(seconds: Int64(ts.tv_sec), nanoseconds: Int64(ts.tv_nsec))
    }

    /// Parses RFC 3339 as `metav1.Time` does.
    ///
    /// - Throws: `TimeParseError` with Go's wording.
    public static func parse(_ s: String) throws(TimeParseError) -> Time {
        try RFC3339.parse(s, layout: .seconds)
    }

    /// Seconds since the epoch as a floating-point number.
    public var timeIntervalSince1970: Double { Double(seconds) + Double(nanoseconds) / 1e9 }

    /// This instant moved by a number of seconds (may be fractional or negative).
    public func adding(seconds delta: Double) -> Time {
        let whole = delta.rounded(.down)
        return Time(seconds: seconds + Int64(whole), nanoseconds: Int64(nanoseconds) + Int64((delta - whole) * 1e9))
    }

    /// Seconds from `other` to `self`.
    public func seconds(since other: Time) -> Double {
        Double(seconds - other.seconds) + Double(Int64(nanoseconds) - Int64(other.nanoseconds)) / 1e9
    }

    /// This instant truncated to whole seconds (what survives a round trip through JSON).
    public var truncatedToSeconds: Time { Time(seconds: seconds) }

    /// `2026-11-26T15:00:00Z`.
    public var description: String { RFC3339.format(seconds: seconds, nanoseconds: nil) }

    public static func < (a: Time, b: Time) -> Bool { (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds) }

    public init?(jsonValue: JSONValue) {
        guard case .string(let s) = jsonValue, let t = try? Time.parse(s) else { return nil }
        self = t
    }

    public var jsonValue: JSONValue { .string(description) }

    public init(from decoder: any Decoder) throws {
        let s = try String(from: decoder)
        self = try Time.parse(s)
    }

    public func encode(to encoder: any Encoder) throws { try description.encode(to: encoder) }
}

/// meta/v1 MicroTime: an instant written with exactly six fractional digits in UTC
/// (`2026-11-26T15:00:00.000000Z`), used by Leases and events.k8s.io Events.
///
/// Parsing is as strict as kube-apiserver's: the fraction must have exactly six digits.
public struct MicroTime: Hashable, Comparable, Sendable, JSONConvertible, CustomStringConvertible, Codable {
    /// The instant (nanoseconds kept in memory, written to microseconds).
    public var time: Time

    /// Wraps a time; it prints with microseconds.
    public init(_ time: Time) { self.time = time }

    /// The current time of the system clock.
    public static func now() -> MicroTime { MicroTime(Time.now()) }

    /// Parses `2006-01-02T15:04:05.000000Z07:00`.
    ///
    /// - Throws: `TimeParseError` with Go's wording, e.g. `cannot parse "Z" as ".000000"`.
    public static func parse(_ s: String) throws(TimeParseError) -> MicroTime {
        MicroTime(try RFC3339.parse(s, layout: .micro))
    }

    /// `2026-11-26T15:00:00.123456Z`.
    public var description: String {
        RFC3339.format(seconds: time.seconds, nanoseconds: time.nanoseconds)
    }

    public static func < (a: MicroTime, b: MicroTime) -> Bool { a.time < b.time }

    public init?(jsonValue: JSONValue) {
        guard case .string(let s) = jsonValue, let t = try? MicroTime.parse(s) else { return nil }
        self = t
    }

    public var jsonValue: JSONValue { .string(description) }

    public init(from decoder: any Decoder) throws {
        self = try MicroTime.parse(try String(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws { try description.encode(to: encoder) }
}

/// A timestamp that does not parse; `description` is Go's `time.ParseError` text.
public struct TimeParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rejected input.
    public var value: String
    /// The layout it was parsed against, e.g. `2006-01-02T15:04:05Z07:00`.
    public var layout: String
    /// What went wrong, e.g. `cannot parse "Z" as ".000000"` or `month out of range`.
    public var problem: String

    public var description: String {
        if problem.hasPrefix("cannot parse") {
            return "parsing time \(goQuote(value)) as \(goQuote(layout)): \(problem)"
        }
        return "parsing time \(goQuote(value)): \(problem)"
    }
}

/// RFC 3339 parsing and printing with Go's layouts and error messages.
enum RFC3339 {
    enum Layout {
        case seconds, micro
        var text: String {
            self == .seconds ? "2006-01-02T15:04:05Z07:00" : "2006-01-02T15:04:05.000000Z07:00"
        }
    }

    static func parse(_ s: String, layout: Layout) throws(TimeParseError) -> Time {
        let b = Array(s.utf8)
        var i = 0
        func fail(_ element: String) -> TimeParseError {
            TimeParseError(value: s, layout: layout.text,
                           problem: "cannot parse \(goQuote(String(decoding: b[i...], as: UTF8.self))) as \(goQuote(element))")
        }
        func digits(_ n: Int, _ element: String) throws(TimeParseError) -> Int {
            guard i + n <= b.count else { throw fail(element) }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 0x30, c <= 0x39 else { throw fail(element) }
                v = v * 10 + Int(c - 0x30)
            }
            i += n
            return v
        }
        func literal(_ c: UInt8) throws(TimeParseError) {
            guard i < b.count, b[i] == c else { throw fail(String(UnicodeScalar(c))) }
            i += 1
        }
        let year = try digits(4, "2006")
        try literal(UInt8(ascii: "-"))
        let month = try digits(2, "01")
        try literal(UInt8(ascii: "-"))
        let day = try digits(2, "02")
        try literal(UInt8(ascii: "T"))
        let hour = try digits(2, "15")
        try literal(UInt8(ascii: ":"))
        let minute = try digits(2, "04")
        try literal(UInt8(ascii: ":"))
        let second = try digits(2, "05")
        var nanos: Int64 = 0
        switch layout {
        case .micro:
            guard i < b.count, b[i] == UInt8(ascii: ".") else { throw fail(".000000") }
            let start = i
            i += 1
            var n = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39, n < 7 {
                n += 1
                i += 1
            }
            guard n == 6 else {
                i = start
                throw fail(".000000")
            }
            nanos = Int64(String(decoding: b[(start + 1)..<(start + 7)], as: UTF8.self))! * 1000
        case .seconds:
            // Go accepts a fraction after the seconds even when the layout has none.
            if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ","),
                i + 1 < b.count, b[i + 1] >= 0x30, b[i + 1] <= 0x39
            {
                i += 1
                var scale: Int64 = 100_000_000
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                    nanos += Int64(b[i] - 0x30) * scale
                    scale /= 10
                    i += 1
                }
            }
        }
        var offset = 0
        if i < b.count, b[i] == UInt8(ascii: "Z") {
            i += 1
        } else if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            let start = i
            i += 1
            guard let hh = try? digits(2, "Z07:00"), i < b.count, b[i] == UInt8(ascii: ":") else {
                i = start
                throw fail("Z07:00")
            }
            i += 1
            guard let mm = try? digits(2, "Z07:00") else {
                i = start
                throw fail("Z07:00")
            }
            guard hh < 24, mm < 60 else {
                throw TimeParseError(value: s, layout: layout.text, problem: "time zone offset hour out of range")
            }
            offset = sign * (hh * 3600 + mm * 60)
        } else {
            throw fail("Z07:00")
        }
        if i != b.count {
            throw TimeParseError(value: s, layout: layout.text,
                                 problem: "extra text: \(goQuote(String(decoding: b[i...], as: UTF8.self)))")
        }
        func range(_ what: String) -> TimeParseError {
            TimeParseError(value: s, layout: layout.text, problem: "\(what) out of range")
        }
        guard month >= 1, month <= 12 else { throw range("month") }
        guard day >= 1, day <= daysIn(month: month, year: year) else { throw range("day") }
        guard hour < 24 else { throw range("hour") }
        guard minute < 60 else { throw range("minute") }
        guard second < 60 else { throw range("second") }
        let days = daysFromCivil(year: year, month: month, day: day)
        let secs = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return Time(seconds: secs, nanoseconds: nanos)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01.
    static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `YYYY-MM-DDThh:mm:ssZ`, with `.ffffff` (microseconds, truncated) when `nanoseconds` is given.
    static func format(seconds: Int64, nanoseconds: Int32?) -> String {
        var days = Int(seconds / 86_400)
        var rem = Int(seconds % 86_400)
        if rem < 0 {
            rem += 86_400
            days -= 1
        }
        let (y, m, d) = civilFromDays(days)
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
        }
        var out = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3600, 2)):\(pad(rem / 60 % 60, 2)):\(pad(rem % 60, 2))"
        if let nanoseconds { out += "." + pad(Int(nanoseconds) / 1000, 6) }
        return out + "Z"
    }
}
