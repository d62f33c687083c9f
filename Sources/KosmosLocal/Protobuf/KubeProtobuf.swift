public import KosmosAPI

/// Kubernetes protobuf bodies (`Content-Type: application/vnd.kubernetes.protobuf`), as kubectl sends them for
/// its imperative commands (`create deployment|namespace|configmap|secret|serviceaccount|service|job`,
/// `create token`, `auth can-i`, `auth whoami`), read into the JSON the same object has.
///
/// A body is the magic `k8s\0` followed by a `runtime.Unknown` message: `typeMeta` {apiVersion, kind}, `raw` (the
/// object, e.g. a `k8s.io.api.apps.v1.Deployment`), `contentEncoding`, `contentType`. The messages of the core,
/// apps, batch, authentication, authorization, coordination, discovery, policy and rbac v1 groups and meta/v1 are
/// known (generated from the Kubernetes v1.32 `.proto` files by `scripts/gen-proto-schema.py`).
///
/// ```swift
/// let object = try KubeProtobuf.decode(body)   // ["kind": "ConfigMap", "apiVersion": "v1", "metadata": ...]
/// ```
public enum KubeProtobuf {
    /// The media type of Kubernetes protobuf bodies.
    public static let mediaType = "application/vnd.kubernetes.protobuf"

    /// The four bytes every Kubernetes protobuf body starts with: `k8s\0`.
    public static let magic: [UInt8] = [0x6b, 0x38, 0x73, 0x00]

    /// Whether a body starts with the Kubernetes protobuf magic.
    public static func hasMagic(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: magic)
    }

    /// Decodes a Kubernetes protobuf body into the JSON the same object has.
    ///
    /// The result is shaped as Go's `encoding/json` writes the Kubernetes type: `kind` and `apiVersion` first, then
    /// the fields in Go struct order; zero non-pointer scalars with `omitempty` left out; `Time` as RFC 3339
    /// (`null` for the zero time); `IntOrString` as a number or a string; `Quantity` as its string; `[]byte` as
    /// base64; map keys sorted. Unknown fields are skipped.
    ///
    /// - Parameter bytes: the whole request body, magic included.
    /// - Returns: the object as JSON.
    /// - Throws: `KubeProtobufError` naming the message type, field number and byte offset of the problem; for a
    ///   body without the magic, a kind with no known schema, or a content encoding other than none.
    public static func decode(_ bytes: [UInt8]) throws -> JSONValue {
        try decodeEnvelope(bytes)
    }

    /// How many protobuf objects may nest inside each other through `RawExtension` fields.
    static let maximumEmbeddingDepth = 16

    static func decodeEnvelope(_ bytes: [UInt8], depth: Int = 0) throws(KubeProtobufError) -> JSONValue {
        guard depth <= maximumEmbeddingDepth else {
            throw KubeProtobufError(messageType: "envelope", offset: 0,
                                    reason: "objects embedded more than \(maximumEmbeddingDepth) deep")
        }
        guard hasMagic(bytes) else {
            throw KubeProtobufError(
                messageType: "envelope", offset: 0,
                reason: "body does not start with the Kubernetes protobuf magic 6b 38 73 00 (\"k8s\\0\")")
        }
        let unknownName = "k8s.io.apimachinery.pkg.runtime.Unknown"
        var reader = ProtobufWireReader(bytes: bytes, range: magic.count..<bytes.count, messageType: unknownName)
        var apiVersion = ""
        var kind = ""
        var raw: Range<Int>?
        var rawOffset = magic.count
        var contentEncoding = ""
        var contentType = ""
        while let field = try reader.next() {
            switch field.number {
            case 1:
                let range = try payloadRange(field, in: unknownName)
                var typeMeta = ProtobufWireReader(
                    bytes: bytes, range: range, messageType: "k8s.io.apimachinery.pkg.runtime.TypeMeta")
                while let inner = try typeMeta.next() {
                    switch inner.number {
                    case 1: apiVersion = try string(inner, bytes, in: typeMeta.messageType)
                    case 2: kind = try string(inner, bytes, in: typeMeta.messageType)
                    default: continue
                    }
                }
            case 2:
                raw = try payloadRange(field, in: unknownName)
                rawOffset = field.offset
            case 3:
                contentEncoding = try string(field, bytes, in: unknownName)
            case 4:
                contentType = try string(field, bytes, in: unknownName)
            default:
                continue
            }
        }
        guard contentEncoding.isEmpty else {
            throw KubeProtobufError(
                messageType: unknownName, fieldNumber: 3, offset: rawOffset,
                reason: "content encoding \"\(contentEncoding)\" is not supported")
        }
        guard !kind.isEmpty else {
            throw KubeProtobufError(messageType: unknownName, fieldNumber: 1, offset: magic.count,
                                    reason: "typeMeta has no kind")
        }
        let rawRange = raw ?? bytes.count..<bytes.count
        var object = JSONObject()
        object.append("kind", .string(kind))
        object.append("apiVersion", .string(apiVersion))

        let body: JSONObject
        switch contentType {
        case "", mediaType:
            guard let message = KubeProtobufSchema.kubernetes.message(apiVersion: apiVersion, kind: kind) else {
                throw KubeProtobufError(
                    messageType: unknownName, fieldNumber: 1, offset: magic.count,
                    reason: "no protobuf schema for \(apiVersion.isEmpty ? "" : apiVersion + ", ")kind \(kind)")
            }
            let decoder = ProtobufJSONDecoder(schema: KubeProtobufSchema.kubernetes, bytes: bytes, depth: depth)
            guard case .object(let decoded) = try decoder.decodeMessage(message.name, range: rawRange) else {
                throw KubeProtobufError(messageType: message.name, offset: rawOffset, reason: "not an object")
            }
            body = decoded
        case "application/json":
            do {
                guard case .object(let decoded) = try JSONValue.parse(bytes[rawRange]) else {
                    throw KubeProtobufError(messageType: unknownName, fieldNumber: 2, offset: rawOffset,
                                            reason: "raw JSON is not an object")
                }
                body = decoded
            } catch let error as KubeProtobufError {
                throw error
            } catch {
                throw KubeProtobufError(messageType: unknownName, fieldNumber: 2, offset: rawOffset,
                                        reason: "raw bytes are not JSON: \(error)")
            }
        default:
            throw KubeProtobufError(
                messageType: unknownName, fieldNumber: 4, offset: rawOffset,
                reason: "content type \"\(contentType)\" is not supported")
        }
        for (key, value) in body where key != "kind" && key != "apiVersion" {
            object.append(key, value)
        }
        return .object(object)
    }

    /// Encodes a Kubernetes object (JSON with `apiVersion` and `kind`) as a protobuf body: the magic, then a
    /// `runtime.Unknown` holding the object's message.
    ///
    /// Decoding the result gives back the same JSON (Go's JSON rules applied). The bytes are equivalent to what
    /// Go writes, though not always identical: Go also writes zero-valued fields the JSON leaves out.
    ///
    /// - Parameter json: the object; every field must be known to the v1.32 schema of its kind.
    /// - Returns: the body, magic included.
    /// - Throws: `KubeProtobufEncodingError` naming the message type and JSON path of a value that has no
    ///   protobuf form (unknown kind or field, wrong JSON type, malformed time, base64 or quantity).
    public static func encode(_ json: JSONValue) throws -> [UInt8] {
        guard case .object(var object) = json,
              case .string(let kind)? = object["kind"], case .string(let apiVersion)? = object["apiVersion"]
        else {
            throw KubeProtobufEncodingError(
                messageType: "envelope", path: "", reason: "expected an object with string apiVersion and kind")
        }
        guard let message = KubeProtobufSchema.kubernetes.message(apiVersion: apiVersion, kind: kind) else {
            throw KubeProtobufEncodingError(
                messageType: "envelope", path: "", reason: "no protobuf schema for \(apiVersion), kind \(kind)")
        }
        object["kind"] = nil
        object["apiVersion"] = nil
        let encoder = ProtobufJSONEncoder(schema: KubeProtobufSchema.kubernetes)
        let raw = try encoder.encodeMessage(message.name, .object(object), path: "")

        var typeMeta: [UInt8] = []
        ProtobufJSONEncoder.appendBytes(1, Array(apiVersion.utf8), to: &typeMeta)
        ProtobufJSONEncoder.appendBytes(2, Array(kind.utf8), to: &typeMeta)
        var out = magic
        ProtobufJSONEncoder.appendBytes(1, typeMeta, to: &out)
        ProtobufJSONEncoder.appendBytes(2, raw, to: &out)
        ProtobufJSONEncoder.appendBytes(3, [], to: &out)
        ProtobufJSONEncoder.appendBytes(4, [], to: &out)
        return out
    }

    private static func payloadRange(
        _ field: ProtobufWireField, in messageType: String
    ) throws(KubeProtobufError) -> Range<Int> {
        guard case .bytes(let range) = field.payload else {
            throw KubeProtobufError(
                messageType: messageType, fieldNumber: field.number, offset: field.offset,
                reason: "wire type \(field.wireType), expected length-delimited")
        }
        return range
    }

    private static func string(
        _ field: ProtobufWireField, _ bytes: [UInt8], in messageType: String
    ) throws(KubeProtobufError) -> String {
        String(decoding: bytes[try payloadRange(field, in: messageType)], as: UTF8.self)
    }
}
