/// The error thrown when text is not a valid IP address or CIDR prefix.
///
/// Its description names the input and what is wrong with it, e.g.
/// `invalid CIDR "10.0.0.1/33": prefix length 33 is longer than 32 bits (IPv4)`.
public struct IPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was being parsed.
    public enum Subject: String, Sendable, Hashable {
        /// An address of either family.
        case address = "IP address"
        /// An IPv4 address.
        case ipv4Address = "IPv4 address"
        /// An IPv6 address.
        case ipv6Address = "IPv6 address"
        /// An `address/length` text (a CIDR prefix or an interface address).
        case prefix = "CIDR"
    }

    /// The text that failed to parse, verbatim.
    public let input: String
    /// What the text was expected to be.
    public let subject: Subject
    /// Why it is not valid, in words.
    public let reason: String

    /// Creates an error for `input`, which is not a valid `subject` because of `reason`.
    public init(input: String, subject: Subject, reason: String) {
        self.input = input
        self.subject = subject
        self.reason = reason
    }

    public var description: String {
        "invalid \(subject.rawValue) \"\(input)\": \(reason)"
    }
}
