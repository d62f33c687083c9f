/// An error answer from a Kubernetes API server: the server's `Status` plus the operation that got it.
///
/// Transport failures (no answer at all) are `TransportError`s instead.
///
/// ```swift
/// do { _ = try await client.get(ConfigMap.self, namespace: "demo", name: "x") }
/// catch let e as KubeError where e.isNotFound { ... }
/// ```
public struct KubeError: Error, Sendable, CustomStringConvertible, Hashable {
    /// The server's Status (synthesised from the HTTP code when the body was not a Status).
    public var status: Status
    /// What the client was doing, e.g. `get configmaps demo/app-config`.
    public var operation: String

    /// Creates an error from the server's Status and the operation that got it.
    public init(status: Status, operation: String) {
        self.status = status
        self.operation = operation
    }

    /// The HTTP status code.
    public var code: Int { status.code ?? 0 }
    /// The machine-readable reason (`NotFound`, `Conflict`, ...).
    public var reason: StatusReason { status.reason ?? .unknown }
    /// The server's message.
    public var message: String { status.message ?? "" }

    private func isReason(_ r: StatusReason, orCode c: Int) -> Bool {
        reason == r || (reason == .unknown && code == c)
    }

    /// 404: the object (or resource, or namespace) does not exist.
    public var isNotFound: Bool { isReason(.notFound, orCode: 404) }
    /// 409 Conflict: a stale resourceVersion, a failed precondition or a field-manager conflict.
    public var isConflict: Bool { isReason(.conflict, orCode: 409) }
    /// 409 AlreadyExists: create of a name that is taken.
    public var isAlreadyExists: Bool { reason == .alreadyExists }
    /// 410 Gone/Expired: the resourceVersion or continue token is too old (also the in-stream watch ERROR 410).
    public var isGone: Bool { reason == .gone || reason == .expired || code == 410 }
    /// 422 Invalid: the object failed validation.
    public var isInvalid: Bool { isReason(.invalid, orCode: 422) }
    /// 403 Forbidden.
    public var isForbidden: Bool { isReason(.forbidden, orCode: 403) }
    /// 401 Unauthorized: missing, expired or wrong credentials.
    public var isUnauthorized: Bool { isReason(.unauthorized, orCode: 401) }
    /// 429 TooManyRequests.
    public var isTooManyRequests: Bool { isReason(.tooManyRequests, orCode: 429) }
    /// 504/Timeout or ServerTimeout.
    public var isTimeout: Bool { reason == .timeout || reason == .serverTimeout || code == 504 }

    public var description: String {
        let r = reason == .unknown ? "" : "\(reason) "
        return "\(operation): \(r)(\(code)): \(message)"
    }

    /// A Status for a response whose body was not one, shaped as client-go shapes it.
    static func synthesizedStatus(code: Int, body: [UInt8]) -> Status {
        let reason: StatusReason
        var message: String
        switch code {
        case 400: (reason, message) = (.badRequest, "the server rejected our request for an unknown reason")
        case 401: (reason, message) = (.unauthorized, "the server has asked for the client to provide credentials")
        case 403: (reason, message) = (.forbidden, "the server does not allow access to the requested resource")
        case 404: (reason, message) = (.notFound, "the server could not find the requested resource")
        case 405: (reason, message) = (.methodNotAllowed, "the server does not allow this method on the requested resource")
        case 406: (reason, message) = (.notAcceptable, "the server was unable to respond with a content type that the client supports")
        case 409: (reason, message) = (.conflict, "the server reported a conflict")
        case 410: (reason, message) = (.gone, "the server reported the resource as gone")
        case 415: (reason, message) = (.unsupportedMediaType, "the server was unable to respond with a content type that the client supports")
        case 422: (reason, message) = (.invalid, "the server rejected our request due to an error in our request")
        case 429: (reason, message) = (.tooManyRequests, "the server has received too many requests and has asked us to try again later")
        case 500: (reason, message) = (.internalError, "an error on the server has prevented the request from succeeding")
        case 503: (reason, message) = (.serviceUnavailable, "the server is currently unable to handle the request")
        case 504: (reason, message) = (.timeout, "the server was unable to return a response in the time allotted")
        default: (reason, message) = (.unknown, "the server responded with the status code \(code)")
        }
        let text = String(decoding: body.prefix(512), as: UTF8.self)
            .trimmingCharacters(in: " \n\r\t")
        if !text.isEmpty { message += " (\(text))" }
        return Status(code: code, reason: reason, message: message)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
