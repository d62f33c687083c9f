/// A string enumeration that stays open: values the model does not list (from newer servers or future Kosmos
/// versions) are kept as they are rather than failing to decode.
///
/// Conforming types are small structs with a `rawValue` and static members for the known values, like
/// `StatusReason`.
public protocol OpenStringEnum: RawRepresentable, Hashable, Sendable, JSONConvertible, ExpressibleByStringLiteral,
    CustomStringConvertible, Comparable where RawValue == String
{
    init(rawValue: String)
}

extension OpenStringEnum {
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    public init?(jsonValue: JSONValue) {
        guard case .string(let s) = jsonValue else { return nil }
        self.init(rawValue: s)
    }

    public var jsonValue: JSONValue { .string(rawValue) }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
