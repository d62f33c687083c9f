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
    /// Wraps a reason string; values this model does not list are kept.
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public init?(jsonValue: JSONValue) {
        guard let s = jsonValue.stringValue else { return nil }
        rawValue = s
    }
    public var jsonValue: JSONValue { .string(rawValue) }
    public var description: String { rawValue }

    /// No reason given.
    public static let unknown: StatusReason = ""
    /// 401: the request lacked valid credentials.
    public static let unauthorized: StatusReason = "Unauthorized"
    /// 403: the credentials may not do this.
    public static let forbidden: StatusReason = "Forbidden"
    /// 404: the object does not exist.
    public static let notFound: StatusReason = "NotFound"
    /// 409: an object with this name exists.
    public static let alreadyExists: StatusReason = "AlreadyExists"
    /// 409: the object changed since it was read (stale resourceVersion).
    public static let conflict: StatusReason = "Conflict"
    /// 410: the resource is gone.
    public static let gone: StatusReason = "Gone"
    /// 410: the resourceVersion is older than the server keeps.
    public static let expired: StatusReason = "Expired"
    /// 422: the object failed validation.
    public static let invalid: StatusReason = "Invalid"
    /// 500: the server could not finish in time; retry.
    public static let serverTimeout: StatusReason = "ServerTimeout"
    /// 504: the request timed out.
    public static let timeout: StatusReason = "Timeout"
    /// 429: too many requests; retry later.
    public static let tooManyRequests: StatusReason = "TooManyRequests"
    /// 400: the request is malformed.
    public static let badRequest: StatusReason = "BadRequest"
    /// 405: the verb is not supported by the resource.
    public static let methodNotAllowed: StatusReason = "MethodNotAllowed"
    /// 406: no accepted media type can be produced.
    public static let notAcceptable: StatusReason = "NotAcceptable"
    /// 413: the body is too large.
    public static let requestEntityTooLarge: StatusReason = "RequestEntityTooLarge"
    /// 415: the body's content type is not supported.
    public static let unsupportedMediaType: StatusReason = "UnsupportedMediaType"
    /// 500: an internal error.
    public static let internalError: StatusReason = "InternalError"
    /// 503: the server is unavailable.
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

    /// The name of the object concerned.
    public var name: String? { get { self[field: "name"] } set { self[field: "name"] = newValue } }
    /// The group of the object concerned.
    public var group: String? { get { self[field: "group"] } set { self[field: "group"] = newValue } }
    /// The kind of the object concerned.
    public var kind: String? { get { self[field: "kind"] } set { self[field: "kind"] = newValue } }
    /// The UID of the object concerned.
    public var uid: String? { get { self[field: "uid"] } set { self[field: "uid"] = newValue } }
    /// The individual problems (e.g. one per invalid field).
    public var causes: [StatusCause] { get { self[list: "causes"] } set { self[list: "causes"] = newValue } }
    /// How long to wait before retrying.
    public var retryAfterSeconds: Int? {
        get { self[field: "retryAfterSeconds"] }
        set { self[field: "retryAfterSeconds"] = newValue }
    }
}

/// meta/v1 StatusCause: one problem with a request (e.g. one invalid field).
public struct StatusCause: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates a cause, naming the field when there is one.
    public init(reason: String, message: String, field: String? = nil) {
        self.init()
        self.reason = reason
        self.message = message
        self.field = field
    }

    /// `FieldValueInvalid`, `FieldValueRequired`, ...
    public var reason: String? { get { self[field: "reason"] } set { self[field: "reason"] = newValue } }
    /// What is wrong with the field.
    public var message: String? { get { self[field: "message"] } set { self[field: "message"] = newValue } }
    /// The JSON path of the field, e.g. `metadata.name`.
    public var field: String? { get { self[field: "field"] } set { self[field: "field"] = newValue } }
}
