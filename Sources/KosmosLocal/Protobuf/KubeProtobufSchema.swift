/// The message descriptors of the Kubernetes API types that can arrive as protobuf, derived from the v1.32
/// `generated.proto` files by `scripts/gen-proto-schema.py` (see `KubeProtobufSchema+Generated.swift`).
///
/// The generated table is a compact text, parsed once on first use: a Swift literal of ~1,500 descriptor values
/// would cost more compile time than the whole decoder.
struct KubeProtobufSchema: Sendable {
    /// The scalar and message types a field can have.
    indirect enum FieldType: Sendable, Equatable {
        case string
        case bytes
        case bool
        case int32
        case int64
        case message(String)
        /// A `map<string, V>` field: repeated entry messages {key = 1, value = 2}.
        case map(value: FieldType)
    }

    /// One field of a message.
    struct Field: Sendable {
        let number: Int
        /// The JSON name (equal to the proto field name in Kubernetes' generated.proto).
        let jsonName: String
        let type: FieldType
        let repeated: Bool
        /// Go `omitempty`: a zero scalar, an empty list or map is left out of the JSON.
        let omitEmpty: Bool
        /// A Go pointer scalar: written only when set, and then kept in JSON even when zero.
        let pointer: Bool
        /// A Go embedded struct (`json:",inline"`): its fields are merged into the parent object.
        let inline: Bool
    }

    /// One message: its fields in declaration order (= Go struct order = JSON order) and by number.
    struct Message: Sendable {
        let name: String
        let fields: [Field]
        let fieldIndexByNumber: [Int: Int]

        func field(number: Int) -> Field? {
            fieldIndexByNumber[number].map { fields[$0] }
        }
    }

    let messages: [String: Message]

    /// The schema of the generated table.
    static let kubernetes: KubeProtobufSchema = KubeProtobufSchema(text: generatedSchemaText)

    /// Protobuf packages by API group version, for finding the message of a `runtime.Unknown` typeMeta.
    static let packageByGroupVersion: [String: String] = [
        "v1": "k8s.io.api.core.v1",
        "apps/v1": "k8s.io.api.apps.v1",
        "batch/v1": "k8s.io.api.batch.v1",
        "authorization.k8s.io/v1": "k8s.io.api.authorization.v1",
        "authentication.k8s.io/v1": "k8s.io.api.authentication.v1",
        "coordination.k8s.io/v1": "k8s.io.api.coordination.v1",
        "discovery.k8s.io/v1": "k8s.io.api.discovery.v1",
        "policy/v1": "k8s.io.api.policy.v1",
        "rbac.authorization.k8s.io/v1": "k8s.io.api.rbac.v1",
        "meta.k8s.io/v1": metaPackage,
    ]

    static let metaPackage = "k8s.io.apimachinery.pkg.apis.meta.v1"

    /// The message for an apiVersion and kind. Option kinds (`DeleteOptions`, `CreateOptions`, ...) and `Status`
    /// are registered in every group version but defined once in meta/v1.
    func message(apiVersion: String, kind: String) -> Message? {
        if let package = Self.packageByGroupVersion[apiVersion], let message = messages["\(package).\(kind)"] {
            return message
        }
        return messages["\(Self.metaPackage).\(kind)"]
    }

    // MARK: - Parsing the generated text

    /// Parses the table: a line `@<full message name>` starts a message, each following line is a field
    /// `<number> <json name> <type> <flags>`, where type is `string|bytes|bool|int32|int64|<message>` or
    /// `map:<value type>`, and flags are `-` or letters: `r` repeated, `o` omitempty, `p` pointer, `i` inline.
    init(text: String) {
        var messages: [String: Message] = [:]
        var currentName: String?
        var currentFields: [Field] = []

        func flush() {
            guard let name = currentName else { return }
            var index: [Int: Int] = [:]
            for (i, field) in currentFields.enumerated() { index[field.number] = i }
            messages[name] = Message(name: name, fields: currentFields, fieldIndexByNumber: index)
        }

        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.first == "@" {
                flush()
                currentName = String(line.dropFirst())
                currentFields = []
                continue
            }
            let parts = line.split(separator: " ")
            guard parts.count == 4, let number = Int(parts[0]) else {
                preconditionFailure("malformed generated protobuf schema line: \(line)")
            }
            let flags = parts[3]
            currentFields.append(Field(
                number: number,
                jsonName: String(parts[1]),
                type: Self.parseType(parts[2]),
                repeated: flags.contains("r"),
                omitEmpty: flags.contains("o"),
                pointer: flags.contains("p"),
                inline: flags.contains("i")))
        }
        flush()
        self.messages = messages
    }

    private static func parseType(_ token: Substring) -> FieldType {
        switch token {
        case "string": return .string
        case "bytes": return .bytes
        case "bool": return .bool
        case "int32": return .int32
        case "int64": return .int64
        default:
            if token.hasPrefix("map:") { return .map(value: parseType(token.dropFirst(4))) }
            return .message(String(token))
        }
    }
}
