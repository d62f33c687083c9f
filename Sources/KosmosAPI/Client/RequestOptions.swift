/// Query options of list and watch (meta/v1 ListOptions).
public struct ListOptions: Sendable, Hashable {
    /// A label selector in kubectl syntax, e.g. `app=web,tier in (frontend)`.
    public var labelSelector: String?
    /// A field selector, e.g. `metadata.name=x` or `spec.nodeName=node-1`.
    public var fieldSelector: String?
    /// Page size; the server answers with a continue token when more items remain.
    public var limit: Int?
    /// The continue token of the previous page.
    public var `continue`: String?
    /// Start point: `0` = any (cache), a version = not older than / exact, depending on `resourceVersionMatch`.
    public var resourceVersion: String?
    /// `Exact` or `NotOlderThan`.
    public var resourceVersionMatch: String?
    /// For watches: close the stream after this many seconds.
    public var timeoutSeconds: Int?
    /// For watches: ask for BOOKMARK events.
    public var allowWatchBookmarks: Bool
    /// For watches: send the current objects first (WatchList), ended by a bookmark.
    public var sendInitialEvents: Bool?

    /// Creates list options; every parameter left `nil` is not sent.
    public init(labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil,
                continue: String? = nil, resourceVersion: String? = nil, resourceVersionMatch: String? = nil,
                timeoutSeconds: Int? = nil, allowWatchBookmarks: Bool = false, sendInitialEvents: Bool? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continue = `continue`
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
        self.timeoutSeconds = timeoutSeconds
        self.allowWatchBookmarks = allowWatchBookmarks
        self.sendInitialEvents = sendInitialEvents
    }

    var queryItems: [(String, String)] {
        var q: [(String, String)] = []
        if let v = labelSelector, !v.isEmpty { q.append(("labelSelector", v)) }
        if let v = fieldSelector, !v.isEmpty { q.append(("fieldSelector", v)) }
        if let v = limit, v > 0 { q.append(("limit", String(v))) }
        if let v = `continue`, !v.isEmpty { q.append(("continue", v)) }
        if let v = resourceVersion { q.append(("resourceVersion", v)) }
        if let v = resourceVersionMatch, !v.isEmpty { q.append(("resourceVersionMatch", v)) }
        if let v = timeoutSeconds { q.append(("timeoutSeconds", String(v))) }
        if allowWatchBookmarks { q.append(("allowWatchBookmarks", "true")) }
        if let v = sendInitialEvents { q.append(("sendInitialEvents", v ? "true" : "false")) }
        return q
    }
}

/// Options of create, update and patch (meta/v1 CreateOptions/UpdateOptions/PatchOptions).
public struct WriteOptions: Sendable, Hashable {
    /// Validate and answer as if written, without storing (`dryRun=All`).
    public var dryRun: Bool
    /// The field manager recorded in managedFields (required for server-side apply).
    public var fieldManager: String?
    /// `Ignore`, `Warn` (the server's default) or `Strict` (unknown fields are errors).
    public var fieldValidation: String?

    /// Creates write options; the defaults are the server's.
    public init(dryRun: Bool = false, fieldManager: String? = nil, fieldValidation: String? = nil) {
        self.dryRun = dryRun
        self.fieldManager = fieldManager
        self.fieldValidation = fieldValidation
    }

    var queryItems: [(String, String)] {
        var q: [(String, String)] = []
        if dryRun { q.append(("dryRun", "All")) }
        if let v = fieldManager { q.append(("fieldManager", v)) }
        if let v = fieldValidation { q.append(("fieldValidation", v)) }
        return q
    }
}

/// How dependents are deleted along with their owner.
public enum PropagationPolicy: String, Sendable, Hashable {
    /// Dependents are left alone (their ownerReferences are removed).
    case orphan = "Orphan"
    /// The owner goes at once; the garbage collector deletes dependents afterwards.
    case background = "Background"
    /// Dependents are deleted first; the owner waits with the `foregroundDeletion` finalizer.
    case foreground = "Foreground"
}

/// meta/v1 DeleteOptions: sent as the DELETE body.
public struct DeleteOptions: Sendable, Hashable {
    /// How dependents are deleted.
    public var propagationPolicy: PropagationPolicy?
    /// Grace period; `0` deletes at once.
    public var gracePeriodSeconds: Int?
    /// Delete only if the object still has this uid.
    public var preconditionUID: String?
    /// Delete only if the object still has this resourceVersion.
    public var preconditionResourceVersion: String?
    /// Validate without deleting.
    public var dryRun: Bool

    /// Creates delete options; the defaults are the server's.
    public init(propagationPolicy: PropagationPolicy? = nil, gracePeriodSeconds: Int? = nil,
                preconditionUID: String? = nil, preconditionResourceVersion: String? = nil, dryRun: Bool = false) {
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
        self.preconditionUID = preconditionUID
        self.preconditionResourceVersion = preconditionResourceVersion
        self.dryRun = dryRun
    }

    /// The DeleteOptions JSON body (`nil` when every option is unset).
    var body: JSONValue? {
        var o = JSONObject()
        if let g = gracePeriodSeconds { o.append("gracePeriodSeconds", .int(Int64(g))) }
        if preconditionUID != nil || preconditionResourceVersion != nil {
            var p = JSONObject()
            if let u = preconditionUID { p.append("uid", .string(u)) }
            if let rv = preconditionResourceVersion { p.append("resourceVersion", .string(rv)) }
            o.append("preconditions", .object(p))
        }
        if let p = propagationPolicy { o.append("propagationPolicy", .string(p.rawValue)) }
        if dryRun { o.append("dryRun", ["All"]) }
        if o.isEmpty { return nil }
        var full = JSONObject()
        full.append("kind", "DeleteOptions")
        full.append("apiVersion", "v1")
        for (k, v) in o { full.append(k, v) }
        return .object(full)
    }
}

/// A PATCH body and its type.
public enum Patch: Sendable, Hashable {
    /// RFC 6902 JSON patch: an array of operations (`application/json-patch+json`).
    case json(JSONValue)
    /// RFC 7386 merge patch; `null` deletes a key (`application/merge-patch+json`).
    case merge(JSONValue)
    /// Kubernetes strategic merge patch (built-in kinds only) (`application/strategic-merge-patch+json`).
    case strategicMerge(JSONValue)
    /// Server-side apply of a (partial) object owned by `fieldManager` (`application/apply-patch+yaml`, sent as
    /// JSON as kubectl does); `force` takes over fields owned by other managers.
    case apply(JSONValue, fieldManager: String, force: Bool = false)

    var contentType: String {
        switch self {
        case .json: return "application/json-patch+json"
        case .merge: return "application/merge-patch+json"
        case .strategicMerge: return "application/strategic-merge-patch+json"
        case .apply: return "application/apply-patch+yaml"
        }
    }

    var body: JSONValue {
        switch self {
        case .json(let v), .merge(let v), .strategicMerge(let v), .apply(let v, _, _): return v
        }
    }
}
