/// A Kubernetes protobuf body that could not be decoded (or a JSON value that could not be encoded).
///
/// The description names the message type, the field number and the byte offset where decoding stopped, e.g.
/// `decode protobuf k8s.io.api.apps.v1.DeploymentSpec field 2 at byte 41: length 300 runs past the end (228 bytes)`.
public struct KubeProtobufError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The full protobuf name of the message being read (`k8s.io.api.core.v1.ConfigMap`), or `envelope` for the
    /// magic number and the `runtime.Unknown` wrapper.
    public let messageType: String
    /// The field being read when decoding failed, if any.
    public let fieldNumber: Int?
    /// The byte offset into the whole body (magic included) where the problem was found.
    public let offset: Int
    /// What was wrong.
    public let reason: String

    /// Creates an error.
    public init(messageType: String, fieldNumber: Int? = nil, offset: Int, reason: String) {
        self.messageType = messageType
        self.fieldNumber = fieldNumber
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        var text = "decode protobuf \(messageType)"
        if let fieldNumber { text += " field \(fieldNumber)" }
        return text + " at byte \(offset): \(reason)"
    }
}

/// A JSON value that could not be written as Kubernetes protobuf.
public struct KubeProtobufEncodingError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The full protobuf name of the message being written.
    public let messageType: String
    /// The JSON path of the offending value (`spec.template.spec.containers[0].ports`).
    public let path: String
    /// What was wrong.
    public let reason: String

    /// Creates an error.
    public init(messageType: String, path: String, reason: String) {
        self.messageType = messageType
        self.path = path
        self.reason = reason
    }

    public var description: String {
        "encode protobuf \(messageType) at \(path.isEmpty ? "<root>" : path): \(reason)"
    }
}
