#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How YAML is written.
public struct YAMLWriteOptions: Sendable {
    /// Sort mapping keys alphabetically at every level (what `kubectl -o yaml` and kube-apiserver's YAML
    /// responses show) instead of keeping the JSON's key order.
    public var sortKeys: Bool

    /// Creates options; by default keys keep the JSON's order.
    public init(sortKeys: Bool = false) {
        self.sortKeys = sortKeys
    }

    /// Keys in the JSON's order.
    public static let ordered = YAMLWriteOptions()
    /// Keys sorted, as `kubectl get -o yaml` prints.
    public static let kubectl = YAMLWriteOptions(sortKeys: true)
}

/// YAML <-> `JSONValue`, through libyaml, with kubectl's reading of scalars.
///
/// Reading follows sigs.k8s.io/yaml (go-yaml v2, YAML 1.1): plain `true`/`false`/`yes`/`no`/`on`/`off` are
/// booleans, `null`, `~` and empty are null, integers and floats are numbers, and quoted scalars always stay
/// strings. Anchors, aliases and merge keys (`<<`) work; block and flow styles both read. Documents are separated by
/// `---`; empty documents are skipped as kubectl skips them. JSON input is read as JSON.
///
/// ```swift
/// let docs = try YAML.parseAll(text, file: "deploy.yaml")
/// print(YAML.serialize(docs[0], options: .kubectl))
/// ```
public enum YAML {
    /// Reads every document of a YAML stream.
    /// - Parameters:
    ///   - text: The YAML text.
    ///   - file: The file name used in error messages.
    /// - Returns: The non-empty documents, in order.
    /// - Throws: `YAMLError` naming file, line and column.
    public static func parseAll(_ text: String, file: String? = nil) throws -> [JSONValue] {
        try parseAll(Array(text.utf8), file: file)
    }

    /// Reads every document of a YAML stream given as UTF-8 bytes.
    /// - Throws: `YAMLError` naming file, line and column.
    public static func parseAll(_ bytes: [UInt8], file: String? = nil) throws -> [JSONValue] {
        // kubectl reads input that starts like JSON as JSON; libyaml would also accept most of it, but JSON's
        // number forms and escapes are exactly what the JSON parser knows.
        if let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }),
            first == UInt8(ascii: "{") || first == UInt8(ascii: "["),
            let v = try? JSONValue.parse(bytes)
        {
            return [v]
        }
        return try YAMLReader(file: file).readAll(bytes)
    }

    /// Reads a YAML text holding exactly one document (an empty text reads as `null`).
    /// - Throws: `YAMLError` naming file, line and column, also when the text holds several documents.
    public static func parse(_ text: String, file: String? = nil) throws -> JSONValue {
        try parse(Array(text.utf8), file: file)
    }

    /// Reads UTF-8 YAML bytes holding exactly one document (empty input reads as `null`).
    /// - Throws: `YAMLError`.
    public static func parse(_ bytes: [UInt8], file: String? = nil) throws -> JSONValue {
        let docs = try parseAll(bytes, file: file)
        if docs.count > 1 {
            throw YAMLError(file: file, line: 0, column: 0,
                            message: "expected one YAML document, found \(docs.count)")
        }
        return docs.first ?? .null
    }

    /// Reads every document of a YAML file.
    /// - Parameter path: The file to read.
    /// - Throws: `YAMLError` naming the file (and line and column when the YAML is bad, or the system error when
    ///   the file cannot be read).
    public static func parseFile(_ path: String) throws -> [JSONValue] {
        try parseAll(try readFile(path), file: path)
    }

    /// Writes one document as YAML (no leading `---`).
    /// - Parameters:
    ///   - value: The value to write.
    ///   - options: Key order.
    /// - Returns: The YAML text, ending with a newline.
    public static func serialize(_ value: JSONValue, options: YAMLWriteOptions = .ordered) -> String {
        String(decoding: serializedBytes(value, options: options), as: UTF8.self)
    }

    /// Writes one document as YAML bytes.
    public static func serializedBytes(_ value: JSONValue, options: YAMLWriteOptions = .ordered) -> [UInt8] {
        // The emitter only fails on invalid event sequences, which the writer never produces.
        (try? YAMLWriter(sortKeys: options.sortKeys).write(value)) ?? []
    }

    /// Writes several documents separated by `---` lines.
    public static func serializeAll(_ values: [JSONValue], options: YAMLWriteOptions = .ordered) -> String {
        values.map { serialize($0, options: options) }.joined(separator: "---\n")
    }

    /// Reads a whole file; errors are `YAMLError`s naming the file.
    static func readFile(_ path: String) throws -> [UInt8] {
        guard let f = fopen(path, "rb") else {
            let reason = String(cString: strerror(errno))
            throw YAMLError(file: path, line: 0, column: 0, message: "cannot read the file: \(reason)")
        }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, f) }
            if n > 0 { out.append(contentsOf: chunk[0..<n]) }
            if n < 65536 { break }
        }
        return out
    }
}

extension JSONValue {
    /// This value as YAML text (see `YAML.serialize`).
    public func yamlString(_ options: YAMLWriteOptions = .ordered) -> String {
        YAML.serialize(self, options: options)
    }
}
