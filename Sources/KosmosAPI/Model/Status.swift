/// meta/v1 Status: the body of every API error (and of a few successes, such as a pod binding).
public struct Status: JSONBacked, Error {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// A Failure status with the given code, reason and message, shaped like kube-apiserver's.
    public init(code: Int, reason: StatusReason, message: String, details: StatusDetails? = nil) {
        var o = JSONObject()
        o.append("kind", "Status")
        o.append("apiVersion", "v1")
        o.append("metadata", .object(JSONObject()))
        o.append("status", "Failure")
        o.append("message", .string(message))
        if !reason.rawValue.isEmpty { o.append("reason", .string(reason.rawValue)) }
        if let details { o.append("details", details.json) }
        o.append("code", .int(Int64(code)))
        self.init(json: .object(o))
    }

    /// `Success` or `Failure`.
    public var status: String? { get { self[field: "status"] } set { self[field: "status"] = newValue } }
    /// Human-readable description.
    public var message: String? { get { self[field: "message"] } set { self[field: "message"] = newValue } }
    /// Machine-readable reason (`NotFound`, `Conflict`, ...).
    public var reason: StatusReason? { get { self[field: "reason"] } set { self[field: "reason"] = newValue } }
    /// Extra data about the failure.
    public var details: StatusDetails? { get { self[field: "details"] } set { self[field: "details"] = newValue } }
    /// The HTTP status code.
    public var code: Int? { get { self[field: "code"] } set { self[field: "code"] = newValue } }
    /// Status list metadata (carries a fresh continue token on an expired list).
    public var metadata: ListMeta { get { self[object: "metadata"] } set { self[object: "metadata"] = newValue } }
}

/// meta/v1 StatusReason: an open set of strings (unknown reasons from newer servers are kept).
public struct StatusReason: RawRepresentable, Hashable, Sendable, JSONConvertible, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public init?(jsonValue: JSONValue) {
        guard let s = jsonValue.stringValue else { return nil }
        rawValue = s
    }
    public var jsonValue: JSONValue { .string(rawValue) }
    public var description: String { rawValue }

    public static let unknown: StatusReason = ""
    public static let unauthorized: StatusReason = "Unauthorized"
    public static let forbidden: StatusReason = "Forbidden"
    public static let notFound: StatusReason = "NotFound"
    public static let alreadyExists: StatusReason = "AlreadyExists"
    public static let conflict: StatusReason = "Conflict"
    public static let gone: StatusReason = "Gone"
    public static let expired: StatusReason = "Expired"
    public static let invalid: StatusReason = "Invalid"
    public static let serverTimeout: StatusReason = "ServerTimeout"
    public static let timeout: StatusReason = "Timeout"
    public static let tooManyRequests: StatusReason = "TooManyRequests"
    public static let badRequest: StatusReason = "BadRequest"
    public static let methodNotAllowed: StatusReason = "MethodNotAllowed"
    public static let notAcceptable: StatusReason = "NotAcceptable"
    public static let requestEntityTooLarge: StatusReason = "RequestEntityTooLarge"
    public static let unsupportedMediaType: StatusReason = "UnsupportedMediaType"
    public static let internalError: StatusReason = "InternalError"
    public static let serviceUnavailable: StatusReason = "ServiceUnavailable"
}

/// meta/v1 StatusDetails.
public struct StatusDetails: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Details naming an object: `kind` is the resource name as kube-apiserver writes it (e.g. `configmaps`).
    public init(name: String? = nil, group: String? = nil, kind: String? = nil, uid: String? = nil,
                causes: [StatusCause] = [], retryAfterSeconds: Int? = nil) {
        // Not `self.init()`: with every parameter defaulted that would call this initializer again.
        self.init(json: .object(JSONObject()))
        self.name = name
        if let group, !group.isEmpty { self.group = group }
        self.kind = kind
        self.uid = uid
        self.causes = causes
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var name: String? { get { self[field: "name"] } set { self[field: "name"] = newValue } }
    public var group: String? { get { self[field: "group"] } set { self[field: "group"] = newValue } }
    public var kind: String? { get { self[field: "kind"] } set { self[field: "kind"] = newValue } }
    public var uid: String? { get { self[field: "uid"] } set { self[field: "uid"] = newValue } }
    public var causes: [StatusCause] { get { self[list: "causes"] } set { self[list: "causes"] = newValue } }
    public var retryAfterSeconds: Int? {
        get { self[field: "retryAfterSeconds"] }
        set { self[field: "retryAfterSeconds"] = newValue }
    }
}

/// meta/v1 StatusCause: one problem with a request (e.g. one invalid field).
public struct StatusCause: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    public init(reason: String, message: String, field: String? = nil) {
        self.init()
        self.reason = reason
        self.message = message
        self.field = field
    }

    /// `FieldValueInvalid`, `FieldValueRequired`, ...
    public var reason: String? { get { self[field: "reason"] } set { self[field: "reason"] = newValue } }
    public var message: String? { get { self[field: "message"] } set { self[field: "message"] = newValue } }
    /// The JSON path of the field, e.g. `metadata.name`.
    public var field: String? { get { self[field: "field"] } set { self[field: "field"] = newValue } }
}
