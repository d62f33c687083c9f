/// core/v1 Namespace.
public struct Namespace: ClusterScopedResource {
    public static let apiVersion = "v1"
    public static let kind = "Namespace"
    public static let plural = "namespaces"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: NamespaceSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
    /// The observed state.
    public var status: NamespaceStatus { get { self[object: "status"] } set { self[object: "status"] = newValue } }
}

/// A list of namespaces.
public typealias NamespaceList = ResourceList<Namespace>

/// core/v1 NamespaceSpec.
public struct NamespaceSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Finalizers that must be removed (through the `finalize` subresource) before the namespace is deleted.
    public var finalizers: [String] { get { self[list: "finalizers"] } set { self[list: "finalizers"] = newValue } }
}

/// core/v1 NamespaceStatus.
public struct NamespaceStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// `Active` or `Terminating`; `Active` when absent.
    public var phase: String { get { self[field: "phase"] ?? "Active" } set { self[field: "phase"] = newValue } }
    /// The conditions.
    public var conditions: [Condition] { get { self[list: "conditions"] } set { self[list: "conditions"] = newValue } }
}

/// core/v1 ConfigMap.
public struct ConfigMap: NamespacedResource {
    public static let apiVersion = "v1"
    public static let kind = "ConfigMap"
    public static let plural = "configmaps"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The key/value data.
    public var data: [String: String] { get { self[map: "data"] } set { self[map: "data"] = newValue } }
    /// Values are base64 on the wire.
    public var binaryData: [String: String] {
        get { self[map: "binaryData"] }
        set { self[map: "binaryData"] = newValue }
    }
    /// Whether the data can no longer change.
    public var immutable: Bool? { get { self[field: "immutable"] } set { self[field: "immutable"] = newValue } }
}

/// A list of config maps.
public typealias ConfigMapList = ResourceList<ConfigMap>

/// core/v1 Secret.
public struct Secret: NamespacedResource {
    public static let apiVersion = "v1"
    public static let kind = "Secret"
    public static let plural = "secrets"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Values, base64-encoded as on the wire.
    public var data: [String: String] { get { self[map: "data"] } set { self[map: "data"] = newValue } }
    /// Write-only plain-text values that the server merges into `data`.
    public var stringData: [String: String] {
        get { self[map: "stringData"] }
        set { self[map: "stringData"] = newValue }
    }
    /// `Opaque` when absent.
    public var type: String { get { self[field: "type"] ?? "Opaque" } set { self[field: "type"] = newValue } }
    /// Whether the data can no longer change.
    public var immutable: Bool? { get { self[field: "immutable"] } set { self[field: "immutable"] = newValue } }

    /// The decoded value of a key; `nil` when absent or not valid base64.
    public func decoded(_ key: String) -> [UInt8]? { data[key].flatMap(Base64Coding.decode) }

    /// Sets a key to the base64 encoding of bytes.
    public mutating func setDecoded(_ key: String, _ bytes: [UInt8]) { data[key] = Base64Coding.encode(bytes) }
}

/// A list of secrets.
public typealias SecretList = ResourceList<Secret>

/// Standard base64 (RFC 4648 with padding), as Go's encoding/json uses for `[]byte` fields.
enum Base64Coding {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for s in [18, 12, 6, 0] { out.append(alphabet[Int(n >> UInt32(s) & 63)]) }
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ s: String) -> [UInt8]? {
        var values: [UInt8] = []
        var padding = 0
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(c - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(c - 71)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(c + 4)
            case UInt8(ascii: "+"): values.append(62)
            case UInt8(ascii: "/"): values.append(63)
            case UInt8(ascii: "="): padding += 1
            default: return nil
            }
            if padding > 0, c != UInt8(ascii: "=") { return nil }
        }
        guard (values.count + padding) % 4 == 0, padding <= 2 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var i = 0
        while i < values.count {
            let chunk = values[i..<min(i + 4, values.count)]
            var n: UInt32 = 0
            for (k, v) in chunk.enumerated() { n |= UInt32(v) << UInt32(18 - 6 * k) }
            out.append(UInt8(n >> 16 & 0xFF))
            if chunk.count > 2 { out.append(UInt8(n >> 8 & 0xFF)) }
            if chunk.count > 3 { out.append(UInt8(n & 0xFF)) }
            i += 4
        }
        return out
    }
}

/// core/v1 ServiceAccount.
public struct ServiceAccount: NamespacedResource {
    public static let apiVersion = "v1"
    public static let kind = "ServiceAccount"
    public static let plural = "serviceaccounts"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Secrets the service account may use.
    public var secrets: [ObjectReference] { get { self[list: "secrets"] } set { self[list: "secrets"] = newValue } }
    /// Secrets used to pull images.
    public var imagePullSecrets: [LocalObjectReference] {
        get { self[list: "imagePullSecrets"] }
        set { self[list: "imagePullSecrets"] = newValue }
    }
    /// Whether a service account token is mounted into pods.
    public var automountServiceAccountToken: Bool? {
        get { self[field: "automountServiceAccountToken"] }
        set { self[field: "automountServiceAccountToken"] = newValue }
    }
}

/// A list of service accounts.
public typealias ServiceAccountList = ResourceList<ServiceAccount>

/// core/v1 Binding: assigns a pod to a node (POST pods/<name>/binding).
public struct Binding: NamespacedResource {
    public static let apiVersion = "v1"
    public static let kind = "Binding"
    public static let plural = "bindings"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// A binding of a pod to a node.
    public init(podName: String, namespace: String, nodeName: String) {
        self.init(name: podName, namespace: namespace)
        target = ObjectReference(apiVersion: "v1", kind: "Node", name: nodeName)
    }

    /// The node to bind to.
    public var target: ObjectReference { get { self[object: "target"] } set { self[object: "target"] = newValue } }
}

/// A list of bindings (not served; kept for uniformity).
public typealias BindingList = ResourceList<Binding>

/// core/v1 Event.
public struct Event: NamespacedResource {
    public static let apiVersion = "v1"
    public static let kind = "Event"
    public static let plural = "events"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The object the event is about.
    public var involvedObject: ObjectReference {
        get { self[object: "involvedObject"] }
        set { self[object: "involvedObject"] = newValue }
    }
    /// Why the event happened, in one word.
    public var reason: String? { get { self[field: "reason"] } set { self[field: "reason"] = newValue } }
    /// A human-readable message.
    public var message: String? { get { self[field: "message"] } set { self[field: "message"] = newValue } }
    /// `{component, host}`.
    public var source: JSONValue? { get { self[field: "source"] } set { self[field: "source"] = newValue } }
    /// When the event was first seen.
    public var firstTimestamp: Time? {
        get { self[field: "firstTimestamp"] }
        set { self[field: "firstTimestamp"] = newValue }
    }
    /// When the event was last seen.
    public var lastTimestamp: Time? {
        get { self[field: "lastTimestamp"] }
        set { self[field: "lastTimestamp"] = newValue }
    }
    /// How many times the event happened.
    public var count: Int32? { get { self[field: "count"] } set { self[field: "count"] = newValue } }
    /// `Normal` or `Warning`.
    public var type: String? { get { self[field: "type"] } set { self[field: "type"] = newValue } }
    /// When the event happened (microsecond precision).
    public var eventTime: MicroTime? { get { self[field: "eventTime"] } set { self[field: "eventTime"] = newValue } }
    /// What was done or failed.
    public var action: String? { get { self[field: "action"] } set { self[field: "action"] = newValue } }
    /// The controller that reported the event.
    public var reportingComponent: String? {
        get { self[field: "reportingComponent"] }
        set { self[field: "reportingComponent"] = newValue }
    }
    /// The instance of that controller.
    public var reportingInstance: String? {
        get { self[field: "reportingInstance"] }
        set { self[field: "reportingInstance"] = newValue }
    }
    /// A second object involved.
    public var related: ObjectReference? { get { self[field: "related"] } set { self[field: "related"] = newValue } }
}

/// A list of events.
public typealias EventList = ResourceList<Event>
