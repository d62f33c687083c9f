/// A request that failed below HTTP: the connection, TLS, a timeout, or cancellation. The server did not answer,
/// so there is no `Status` (compare `KubeError`).
public struct TransportError: Error, Sendable, CustomStringConvertible, Hashable {
    /// The broad class of failure.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// The host name could not be resolved.
        public static let resolve = Kind(name: "cannot resolve host")
        /// No connection could be made (refused, unreachable).
        public static let connect = Kind(name: "cannot connect")
        /// The server's certificate was not trusted, or the TLS handshake failed.
        public static let tls = Kind(name: "TLS failure")
        /// The connect or request timeout passed.
        public static let timeout = Kind(name: "timed out")
        /// The connection broke while sending or receiving.
        public static let connectionLost = Kind(name: "connection lost")
        /// The caller cancelled the request.
        public static let cancelled = Kind(name: "cancelled")
        /// The client's configuration is unusable (bad URL, unreadable certificate file, failed credential plugin).
        public static let configuration = Kind(name: "bad client configuration")
        /// Anything else libcurl reported.
        public static let other = Kind(name: "transport error")
    }

    /// The broad class of failure.
    public var kind: Kind
    /// `METHOD URL` of the request.
    public var request: String
    /// What went wrong, as precise as libcurl or the configuration check could tell.
    public var message: String
    /// libcurl's `CURLcode` (0 when the failure did not come from libcurl).
    public var curlCode: Int

    /// Creates an error for the request `METHOD URL`.
    public init(kind: Kind, request: String, message: String, curlCode: Int = 0) {
        self.kind = kind
        self.request = request
        self.message = message
        self.curlCode = curlCode
    }

    /// Whether nothing was sent to the server, so any verb may be retried safely.
    var nothingSent: Bool { kind == .resolve || kind == .connect }

    public var description: String {
        let code = curlCode != 0 ? " (curl error \(curlCode))" : ""
        return "\(request): \(kind): \(message)\(code)"
    }
}

/// A response body that is not the JSON the client expected: names the kind and the JSON path.
public struct KubeDecodingError: Error, Sendable, CustomStringConvertible, Hashable {
    /// The kind (or list kind) being decoded, e.g. `ConfigMapList`.
    public var kind: String
    /// The JSON path of the problem, e.g. `.items[3]` (`.` for the whole body).
    public var path: String
    /// What was wrong.
    public var message: String

    /// Creates an error naming the kind and the JSON path.
    public init(kind: String, path: String, message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    public var description: String { "cannot decode \(kind) at \(path): \(message)" }
}
