/// intstr.IntOrString: a field that holds either an integer or a string (ports by number or name, `25%` rollout
/// limits).
public enum IntOrString: Hashable, Sendable, JSONConvertible, CustomStringConvertible, Codable,
    ExpressibleByIntegerLiteral, ExpressibleByStringLiteral
{
    case int(Int)
    case string(String)

    public init(integerLiteral value: Int) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }

    public init?(jsonValue: JSONValue) {
        switch jsonValue {
        case .string(let s): self = .string(s)
        case .int(let i): self = .int(Int(i))
        case .double(let d):
            guard let i = Int(exactly: d) else { return nil }
            self = .int(i)
        default: return nil
        }
    }

    public var jsonValue: JSONValue {
        switch self {
        case .int(let i): return .int(Int64(i))
        case .string(let s): return .string(s)
        }
    }

    public var description: String {
        switch self {
        case .int(let i): return String(i)
        case .string(let s): return s
        }
    }

    /// The integer, or the string parsed as an integer.
    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .string(let s): return Int(s)
        }
    }

    /// The value as an absolute number against `total`: an integer as is, `"25%"` as 25% of `total`, rounded up or
    /// down (intstr.GetScaledValueFromIntOrPercent).
    ///
    /// - Throws: `IntOrStringError` when the string is not a percentage.
    public func scaledValue(total: Int, roundUp: Bool) throws(IntOrStringError) -> Int {
        switch self {
        case .int(let i): return i
        case .string(let s):
            guard s.hasSuffix("%"), let p = Int(s.dropLast()) else { throw IntOrStringError(value: s) }
            let product = p * total
            if roundUp {
                return product >= 0 ? (product + 99) / 100 : -((-product) / 100)
            }
            return product >= 0 ? product / 100 : -((-product + 99) / 100)
        }
    }

    public init(from decoder: any Decoder) throws {
        let v = try JSONValue(from: decoder)
        guard let x = IntOrString(jsonValue: v) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "not an int or string: \(v)"))
        }
        self = x
    }

    public func encode(to encoder: any Encoder) throws { try jsonValue.encode(to: encoder) }
}

/// An IntOrString that should have been a percentage.
public struct IntOrStringError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The value that could not be read.
    public var value: String
    public var description: String { "invalid value for IntOrString: invalid type: string is not a percentage: \(goQuote(value))" }
}
