import KosmosAPI

/// A list or watch filter from the `labelSelector` and `fieldSelector` query parameters, with kube's per-resource
/// list of selectable fields.
struct ObjectFilter: Sendable {
    var labels: LabelSelectorQuery
    var fields: FieldSelectorQuery

    /// The fields each built-in resource can be selected by, besides `metadata.name` and `metadata.namespace`.
    static let selectableFields: [String: [String]] = [
        "core/pods": ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                      "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"],
        "core/events": ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
        "core/secrets": ["type"],
        "core/nodes": ["spec.unschedulable"],
        "core/namespaces": ["status.phase"],
        "core/replicationcontrollers": ["status.replicas"],
        "core/persistentvolumes": ["name"],
        "core/persistentvolumeclaims": ["name"],
        "apps/replicasets": ["status.replicas"],
        "batch/jobs": ["status.successful"],
        "core/services": ["spec.clusterIP", "spec.type"],
        "certificates.k8s.io/certificatesigningrequests": ["spec.signerName"],
        "events.k8s.io/events": ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                                 "involvedObject.uid", "reason", "type", "regarding.kind", "regarding.name",
                                 "regarding.namespace", "regarding.uid", "reportingController"],
    ]

    init(request: APIRequest, info: ResourceInfo) throws {
        labels = try Self.parseLabels(request.query["labelSelector"] ?? "")
        fields = try Self.parseFields(request.query["fieldSelector"] ?? "")
        let allowed = ["metadata.name", "metadata.namespace"] + (info.isCustom ? [] : Self.selectableFields[info.storageKey] ?? [])
        for r in fields.requirements where !allowed.contains(r.field) {
            let list = allowed.map { "\"\($0)\"" }.joined(separator: ", ")
            throw APIError.badRequest("\"\(r.field)\" is not a known field selector: only \(list)")
        }
    }

    private static func parseLabels(_ s: String) throws -> LabelSelectorQuery {
        let result = Result { try LabelSelectorQuery.parse(s) }
        switch result {
        case .success(let q): return q
        case .failure(let e):
            // The parse error's message already reads as kube-apiserver's (prefix included where it has one).
            throw APIError.badRequest((e as? LabelSelectorParseError)?.message ?? "\(e)")
        }
    }

    private static func parseFields(_ s: String) throws -> FieldSelectorQuery {
        let result = Result { () throws -> FieldSelectorQuery in try FieldSelectorQuery.parse(s) }
        switch result {
        case .success(let q): return q
        case .failure(let e): throw APIError.badRequest((e as? FieldSelectorParseError)?.message ?? "\(e)")
        }
    }

    var isEverything: Bool { labels.isEmpty && fields.isEmpty }

    func matches(_ object: JSONValue) -> Bool {
        if !labels.isEmpty && !labels.matches(ObjectFormat.stringMap(object["metadata"]?["labels"])) { return false }
        if !fields.isEmpty {
            return fields.matches { field in Self.fieldValue(object, field) }
        }
        return true
    }

    /// The string form of a field for selection: a missing field is the empty string.
    static func fieldValue(_ object: JSONValue, _ field: String) -> String {
        if field == "source" { return object["source"]?["component"]?.stringValue ?? "" }
        let path = field.split(separator: ".").map(String.init)
        switch object[path: path] {
        case .string(let s)?: return s
        case .bool(let b)?: return b ? "true" : "false"
        case .int(let i)?: return String(i)
        case .double(let d)?: return String(d)
        default:
            if field == "spec.unschedulable" || field == "spec.hostNetwork" { return "false" }
            return ""
        }
    }
}
