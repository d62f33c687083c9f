import KosmosAPI

/// An API failure that renders itself as kube-apiserver's `Status` body.
///
/// The field set and order match kube-apiserver's (`kind`, `apiVersion`, `metadata`, `status`, `message`,
/// `reason`, `details`, `code`); `details` is left out where kube-apiserver leaves it out (400, 401, 410, ...).
struct APIError: Error, Sendable, CustomStringConvertible {
    var code: Int
    var reason: String
    var message: String
    /// `nil`: no `details` key; an empty object: `"details":{}`.
    var details: JSONObject?
    /// Written as `metadata` (e.g. a fresh continue token on 410).
    var metadata = JSONObject()
    /// Written pretty and without a final newline (kube's 406 writer).
    var pretty = false

    var description: String { "\(code) \(reason): \(message)" }

    var status: JSONValue {
        var o = JSONObject()
        o.append("kind", "Status")
        o.append("apiVersion", "v1")
        o.append("metadata", .object(metadata))
        o.append("status", "Failure")
        if !message.isEmpty { o.append("message", .string(message)) }
        o.append("reason", .string(reason))
        if let details { o.append("details", .object(details)) }
        o.append("code", .int(Int64(code)))
        return .object(o)
    }

    static func details(name: String? = nil, group: String? = nil, kind: String? = nil, uid: String? = nil,
                        causes: [JSONValue]? = nil, retryAfter: Int? = nil) -> JSONObject {
        var d = JSONObject()
        if let name { d.append("name", .string(name)) }
        if let group, !group.isEmpty { d.append("group", .string(group)) }
        if let kind { d.append("kind", .string(kind)) }
        if let uid { d.append("uid", .string(uid)) }
        if let causes { d.append("causes", .array(causes)) }
        if let retryAfter { d.append("retryAfterSeconds", .int(Int64(retryAfter))) }
        return d
    }

    static func cause(_ reason: String, _ message: String, field: String?) -> JSONValue {
        var c = JSONObject()
        c.append("reason", .string(reason))
        c.append("message", .string(message))
        if let field { c.append("field", .string(field)) }
        return .object(c)
    }

    // MARK: - The usual ones

    static func notFound(_ resource: String, group: String, name: String) -> APIError {
        let qualified = group.isEmpty ? resource : "\(resource).\(group)"
        return APIError(code: 404, reason: "NotFound", message: "\(qualified) \"\(name)\" not found",
                        details: details(name: name, group: group, kind: resource))
    }

    static func alreadyExists(_ resource: String, group: String, name: String) -> APIError {
        let qualified = group.isEmpty ? resource : "\(resource).\(group)"
        return APIError(code: 409, reason: "AlreadyExists", message: "\(qualified) \"\(name)\" already exists",
                        details: details(name: name, group: group, kind: resource))
    }

    static func conflict(_ resource: String, group: String, name: String) -> APIError {
        let qualified = group.isEmpty ? resource : "\(resource).\(group)"
        return APIError(code: 409, reason: "Conflict",
                        message: "Operation cannot be fulfilled on \(qualified) \"\(name)\": the object has been "
                            + "modified; please apply your changes to the latest version and try again",
                        details: details(name: name, group: group, kind: resource))
    }

    static func conflict(_ resource: String, group: String, name: String, detail: String) -> APIError {
        let qualified = group.isEmpty ? resource : "\(resource).\(group)"
        return APIError(code: 409, reason: "Conflict",
                        message: "Operation cannot be fulfilled on \(qualified) \"\(name)\": \(detail)",
                        details: details(name: name, group: group, kind: resource))
    }

    /// 422 with one cause per field error; `kind` is the Kind (`ConfigMap`), as kube-apiserver writes it.
    static func invalid(kind: String, group: String, name: String, causes: [(reason: String, field: String, message: String)])
        -> APIError {
        // kube's aggregate error prints each distinct message once, even when a cause repeats.
        var texts: [String] = []
        for c in causes where !texts.contains("\(c.field): \(c.message)") { texts.append("\(c.field): \(c.message)") }
        let joined = texts.count == 1 ? texts[0] : "[" + texts.joined(separator: ", ") + "]"
        let qualified = group.isEmpty ? kind : "\(kind).\(group)"
        return APIError(code: 422, reason: "Invalid", message: "\(qualified) \"\(name)\" is invalid: \(joined)",
                        details: details(name: name, group: group, kind: kind,
                                         causes: causes.map { cause($0.reason, $0.message, field: $0.field) }))
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message, details: nil)
    }

    static let resourceNotFound = APIError(code: 404, reason: "NotFound",
                                           message: "the server could not find the requested resource",
                                           details: JSONObject())
    static let methodNotAllowed = APIError(code: 405, reason: "MethodNotAllowed",
                                           message: "the server does not allow this method on the requested resource",
                                           details: JSONObject())
    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized", details: nil)
    static let unsupportedPatch = APIError(code: 415, reason: "UnsupportedMediaType",
                                           message: "415: Unsupported Media Type", details: JSONObject())
    static let unsupportedBody = APIError(
        code: 415, reason: "UnsupportedMediaType",
        message: "the body of the request was in an unknown format - accepted media types include: "
            + "application/json, application/yaml, application/vnd.kubernetes.protobuf", details: nil)

    static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)",
                 details: details(causes: [cause("", message, field: nil)]))
    }

    static func expired(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message, details: nil)
    }
}
