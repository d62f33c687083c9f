import KosmosAPI

/// The apimachinery types whose JSON is not their protobuf message shape (they have their own `MarshalJSON`).
enum KubeProtobufSpecialType: String, Sendable {
    case time = "k8s.io.apimachinery.pkg.apis.meta.v1.Time"
    case microTime = "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime"
    case duration = "k8s.io.apimachinery.pkg.apis.meta.v1.Duration"
    case fieldsV1 = "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1"
    case verbs = "k8s.io.apimachinery.pkg.apis.meta.v1.Verbs"
    case rawExtension = "k8s.io.apimachinery.pkg.runtime.RawExtension"
    case intOrString = "k8s.io.apimachinery.pkg.util.intstr.IntOrString"
    case quantity = "k8s.io.apimachinery.pkg.api.resource.Quantity"
    case quantityValue = "k8s.io.apimachinery.pkg.api.resource.QuantityValue"
    case authenticationExtraValue = "k8s.io.api.authentication.v1.ExtraValue"
    case authorizationExtraValue = "k8s.io.api.authorization.v1.ExtraValue"
}

extension ProtobufJSONDecoder {
    /// The JSON of a special type, or nil when `name` is an ordinary message.
    func decodeSpecial(_ name: String, range: Range<Int>) throws(KubeProtobufError) -> JSONValue? {
        guard let special = KubeProtobufSpecialType(rawValue: name) else { return nil }
        var reader = ProtobufWireReader(bytes: bytes, range: range, messageType: name)
        switch special {
        case .time, .microTime:
            // An empty message is the zero time (Go's Time.Marshal writes nothing for it), which is JSON null.
            if range.isEmpty { return .null }
            var seconds: Int64 = 0
            var nanos: Int32 = 0
            while let field = try reader.next() {
                switch (field.number, field.payload) {
                case (1, .varint(let raw)): seconds = Int64(bitPattern: raw)
                case (2, .varint(let raw)): nanos = Int32(truncatingIfNeeded: raw)
                case (1, _), (2, _): throw wireTypeError(field, name: name, expected: "varint")
                default: continue
                }
            }
            if seconds == KubeTimeFormat.goZeroTimeUnixSeconds && nanos == 0 { return .null }
            // metav1.Time keeps whole seconds only (its protobuf Unmarshal drops the nanos); MicroTime keeps
            // microseconds.
            if special == .time { return .string(KubeTimeFormat.rfc3339(seconds: seconds)) }
            return .string(KubeTimeFormat.rfc3339Micro(seconds: seconds, nanos: nanos))
        case .duration:
            var nanoseconds: Int64 = 0
            while let field = try reader.next() {
                guard field.number == 1 else { continue }
                guard case .varint(let raw) = field.payload else {
                    throw wireTypeError(field, name: name, expected: "varint")
                }
                nanoseconds = Int64(bitPattern: raw)
            }
            return .string(KubeTimeFormat.goDuration(nanoseconds: nanoseconds))
        case .fieldsV1, .rawExtension:
            var raw: Range<Int>?
            var rawOffset = range.lowerBound
            while let field = try reader.next() {
                guard field.number == 1 else { continue }
                guard case .bytes(let r) = field.payload else {
                    throw wireTypeError(field, name: name, expected: "length-delimited")
                }
                raw = r
                rawOffset = field.offset
            }
            guard let raw, !raw.isEmpty else { return .null }
            let payload = Array(bytes[raw])
            if special == .rawExtension && payload.starts(with: KubeProtobuf.magic) {
                do {
                    return try KubeProtobuf.decodeEnvelope(payload, depth: depth + 1)
                } catch {
                    throw KubeProtobufError(
                        messageType: name, fieldNumber: 1, offset: rawOffset,
                        reason: "embedded protobuf object: \(error)")
                }
            }
            do {
                return try JSONValue.parse(payload)
            } catch {
                throw KubeProtobufError(
                    messageType: name, fieldNumber: 1, offset: rawOffset, reason: "raw bytes are not JSON: \(error)")
            }
        case .intOrString:
            var type: Int64 = 0
            var intVal: Int32 = 0
            var strVal = ""
            while let field = try reader.next() {
                switch (field.number, field.payload) {
                case (1, .varint(let raw)): type = Int64(bitPattern: raw)
                case (2, .varint(let raw)): intVal = Int32(truncatingIfNeeded: raw)
                case (3, .bytes(let r)): strVal = String(decoding: bytes[r], as: UTF8.self)
                case (1, _), (2, _): throw wireTypeError(field, name: name, expected: "varint")
                case (3, _): throw wireTypeError(field, name: name, expected: "length-delimited")
                default: continue
                }
            }
            switch type {
            case 0: return .int(Int64(intVal))
            case 1: return .string(strVal)
            default:
                throw KubeProtobufError(
                    messageType: name, fieldNumber: 1, offset: range.lowerBound,
                    reason: "type \(type) is neither 0 (Int) nor 1 (String)")
            }
        case .quantity, .quantityValue:
            var text = ""
            while let field = try reader.next() {
                guard field.number == 1 else { continue }
                guard case .bytes(let r) = field.payload else {
                    throw wireTypeError(field, name: name, expected: "length-delimited")
                }
                text = String(decoding: bytes[r], as: UTF8.self)
            }
            // A zero Quantity marshals as "0".
            return .string(text.isEmpty ? "0" : text)
        case .verbs, .authenticationExtraValue, .authorizationExtraValue:
            // Go named slices ([]string): the message wraps the list as `items`, JSON is the bare list.
            var items: [JSONValue] = []
            while let field = try reader.next() {
                guard field.number == 1 else { continue }
                guard case .bytes(let r) = field.payload else {
                    throw wireTypeError(field, name: name, expected: "length-delimited")
                }
                items.append(.string(String(decoding: bytes[r], as: UTF8.self)))
            }
            return .array(items)
        }
    }

    private func wireTypeError(_ field: ProtobufWireField, name: String, expected: String) -> KubeProtobufError {
        KubeProtobufError(
            messageType: name, fieldNumber: field.number, offset: field.offset,
            reason: "wire type \(field.wireType), expected \(expected)")
    }
}

/// Time and duration text exactly as Go's `time` package and metav1 write them.
enum KubeTimeFormat {
    /// `time.Time{}.Unix()`: January 1, year 1, 00:00:00 UTC.
    static let goZeroTimeUnixSeconds: Int64 = -62_135_596_800

    /// `2006-01-02T15:04:05Z` (metav1.Time's JSON, always UTC).
    static func rfc3339(seconds: Int64) -> String {
        let (date, time) = civil(seconds: seconds)
        return "\(date)T\(time)Z"
    }

    /// `2006-01-02T15:04:05.000000Z` (metav1.MicroTime's JSON: always six fraction digits, UTC).
    static func rfc3339Micro(seconds: Int64, nanos: Int32) -> String {
        // Normalise nanos outside 0..<1e9 the way time.Unix does.
        var seconds = seconds
        var nanos = Int64(nanos)
        seconds += nanos / 1_000_000_000
        nanos %= 1_000_000_000
        if nanos < 0 {
            nanos += 1_000_000_000
            seconds -= 1
        }
        let (date, time) = civil(seconds: seconds)
        return "\(date)T\(time).\(pad(nanos / 1000, 6))Z"
    }

    /// Splits Unix seconds into `YYYY-MM-DD` and `hh:mm:ss` (proleptic Gregorian calendar, UTC).
    static func civil(seconds: Int64) -> (String, String) {
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        // Howard Hinnant's days-from-civil inverse.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let date = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        let time = "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        return (date, time)
    }

    /// Unix seconds of a UTC civil date and time (the inverse of `civil`).
    static func unixSeconds(year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// Parses `2006-01-02T15:04:05[.fraction](Z|±hh:mm)` into Unix seconds and nanoseconds, as Go's
    /// `time.Parse(time.RFC3339, ...)` accepts it for metav1.Time and MicroTime.
    static func parseRFC3339(_ text: String) -> (seconds: Int64, nanos: Int32)? {
        let b = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= b.count else { return nil }
            var n: Int64 = 0
            for i in range {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                n = n * 10 + Int64(b[i] - 0x30)
            }
            return n
        }
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var nanos: Int64 = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if digits < 9 { nanos = nanos * 10 + Int64(b[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            if digits < 9 {
                for _ in digits..<9 { nanos *= 10 }
            }
        }
        guard i < b.count else { return nil }
        var offset: Int64 = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard i + 6 == b.count, b[i + 3] == UInt8(ascii: ":"),
                  let h = number((i + 1)..<(i + 3)), let m = number((i + 4)..<(i + 6)) else { return nil }
            offset = (h * 3600 + m * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let seconds = unixSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return (seconds - offset, Int32(nanos))
    }

    /// Parses Go's `time.ParseDuration` syntax (`1h2m3.5s`, `-1.5ms`, `300ms`, `0`) into nanoseconds.
    static func parseGoDuration(_ text: String) -> Int64? {
        var b = Array(text.utf8)[...]
        var negative = false
        if let sign = b.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            b = b.dropFirst()
        }
        if b.elementsEqual("0".utf8) { return 0 }
        guard !b.isEmpty else { return nil }
        let units: [(String, Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ]
        var total = 0.0
        while !b.isEmpty {
            let numberEnd = b.firstIndex { !($0 >= 0x30 && $0 <= 0x39) && $0 != UInt8(ascii: ".") } ?? b.endIndex
            guard numberEnd > b.startIndex, let value = Double(String(decoding: b[..<numberEnd], as: UTF8.self))
            else { return nil }
            b = b[numberEnd...]
            let unitEnd = b.firstIndex { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") } ?? b.endIndex
            let unit = String(decoding: b[..<unitEnd], as: UTF8.self)
            guard let scale = units.first(where: { $0.0 == unit })?.1 else { return nil }
            total += value * scale
            b = b[unitEnd...]
        }
        guard total <= 9.2e18 else { return nil }
        let nanos = Int64(total.rounded())
        return negative ? -nanos : nanos
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let negative = value < 0
        var digits = String(negative ? -value : value)
        while digits.count < width { digits = "0" + digits }
        return negative ? "-" + digits : digits
    }

    /// Go's `time.Duration.String()`: `1h2m3.5s`, `500ms`, `0s`.
    static func goDuration(nanoseconds: Int64) -> String {
        if nanoseconds == 0 { return "0s" }
        let negative = nanoseconds < 0
        let u = nanoseconds.magnitude
        var text: String
        if u < 1_000_000_000 {
            // Sub-second: the largest unit that keeps an integer part, with a fraction.
            if u < 1000 {
                text = "\(u)ns"
            } else if u < 1_000_000 {
                text = fraction(u, 1000) + "µs"
            } else {
                text = fraction(u, 1_000_000) + "ms"
            }
        } else {
            let totalSeconds = u / 1_000_000_000
            let secondsPart = fraction(u % 60_000_000_000, 1_000_000_000) + "s"
            let minutes = totalSeconds / 60
            if minutes == 0 {
                text = secondsPart
            } else {
                let hours = minutes / 60
                text = (hours > 0 ? "\(hours)h" : "") + "\(minutes % 60)m" + secondsPart
            }
        }
        return negative ? "-" + text : text
    }

    /// `value / unit` with the remainder as a decimal fraction without trailing zeros.
    private static func fraction(_ value: UInt64, _ unit: UInt64) -> String {
        let whole = value / unit
        var rest = value % unit
        guard rest != 0 else { return "\(whole)" }
        var digits = ""
        var scale = unit / 10
        while rest != 0 && scale > 0 {
            digits += String(rest / scale)
            rest %= scale
            scale /= 10
        }
        return "\(whole).\(digits)"
    }
}
