/// YAML that could not be read or written: where (file when known, 1-based line and column) and why.
public struct YAMLError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The file the YAML came from, when it was read from a file.
    public var file: String?
    /// 1-based line of the problem (0 when unknown).
    public var line: Int
    /// 1-based column of the problem (0 when unknown).
    public var column: Int
    /// What was wrong.
    public var message: String

    /// Creates an error at a 1-based line and column.
    public init(file: String? = nil, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        let place = "\(file ?? "<input>"):\(line):\(column)"
        return "invalid YAML at \(place): \(message)"
    }
}
