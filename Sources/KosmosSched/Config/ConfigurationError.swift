/// Bad scheduler configuration; the message names the file and field.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the file or object and the field.
    public var message: String
    /// An error with this message.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
