/// The fields kube-apiserver lets a `?fieldSelector=` use for each kind, how it reads them from an object, and the
/// error it returns for any other field.
public enum SelectableFields {
    /// The selectable field paths of a kind: `metadata.name` and `metadata.namespace` (namespaced kinds) for every
    /// kind, plus what kube-apiserver adds for some (`spec.nodeName`, `status.phase`, ... for pods).
    public static func fields(for gvk: GroupVersionKind) -> [String] {
        let extra: [String]
        switch (gvk.group, gvk.kind) {
        case ("", "Pod"):
            extra = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                     "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"]
        case ("", "Node"): extra = ["spec.unschedulable"]
        case ("", "Namespace"): extra = ["status.phase"]
        case ("", "Secret"): extra = ["type"]
        case ("", "Service"): extra = ["spec.clusterIP", "spec.type"]
        case ("", "Event"):
            extra = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                     "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                     "reason", "reportingComponent", "source", "type"]
        case ("", "ReplicationController"), ("apps", "ReplicaSet"): extra = ["status.replicas"]
        default: extra = []
        }
        return ["metadata.name", "metadata.namespace"] + extra
    }

    /// Whether kube-apiserver words unsupported fields of this kind as `field label not supported: <f>` (kinds
    /// with their own conversion function) rather than `"<f>" is not a known field selector: only ...`.
    private static func hasCustomConversion(_ gvk: GroupVersionKind) -> Bool {
        switch (gvk.group, gvk.kind) {
        case ("", "Pod"), ("", "Node"), ("", "Namespace"), ("", "Secret"), ("", "Service"), ("", "Event"),
            ("", "ReplicationController"), ("", "PersistentVolume"), ("apps", "ReplicaSet"):
            return true
        default:
            return false
        }
    }

    /// Checks that a query only uses fields the kind supports.
    ///
    /// - Throws: `FieldSelectorParseError` with kube-apiserver's message (the 400 `Status` text), e.g.
    ///   `"data.foo" is not a known field selector: only "metadata.name", "metadata.namespace"`.
    public static func validate(_ query: FieldSelectorQuery, for gvk: GroupVersionKind) throws(FieldSelectorParseError) {
        let allowed = Set(fields(for: gvk) + (gvk.kind == "Pod" && gvk.group.isEmpty ? ["spec.host"] : []))
        for r in query.requirements where !allowed.contains(r.field) {
            let message = hasCustomConversion(gvk)
                ? "field label not supported: \(r.field)"
                : "\(goQuote(r.field)) is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
            throw FieldSelectorParseError(selector: query.description, position: 0, message: message)
        }
    }

    /// The value of a selectable field in an object, as kube-apiserver compares it (`""` when absent, booleans and
    /// numbers as text); `nil` for fields the kind does not support.
    public static func value(of field: String, in object: JSONValue, kind gvk: GroupVersionKind) -> String? {
        let f = field == "spec.host" && gvk.kind == "Pod" ? "spec.nodeName" : field
        guard fields(for: gvk).contains(f) else { return nil }
        switch f {
        case "status.podIP":
            return object["status"]?["podIPs"]?.arrayValue?.first?["ip"]?.stringValue
                ?? object["status"]?["podIP"]?.stringValue ?? ""
        case "spec.hostNetwork":
            return object["spec"]?["hostNetwork"]?.boolValue == true ? "true" : "false"
        case "spec.unschedulable":
            return object["spec"]?["unschedulable"]?.boolValue == true ? "true" : "false"
        case "source":
            return object["source"]?["component"]?.stringValue ?? object["reportingComponent"]?.stringValue ?? ""
        case "status.replicas":
            return String(object["status"]?["replicas"]?.intValue ?? 0)
        default:
            let v = object[path: f.split(separator: ".").map(String.init)]
            switch v {
            case .string(let s)?: return s
            case .int(let i)?: return String(i)
            case .bool(let b)?: return b ? "true" : "false"
            default: return ""
            }
        }
    }

    /// Whether an object of a kind matches a field selector (unsupported fields never match).
    public static func matches(_ query: FieldSelectorQuery, object: JSONValue, kind gvk: GroupVersionKind) -> Bool {
        query.matches { value(of: $0, in: object, kind: gvk) ?? "\u{0}unsupported" }
    }
}
