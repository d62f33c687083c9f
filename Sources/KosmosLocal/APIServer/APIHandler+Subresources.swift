import Foundation
import KosmosAPI
import NIOHTTP1

extension APIHandler {
    func subresource(_ request: APIRequest, _ t: ResourceTarget, _ sub: String) throws -> APIResponse {
        let name = t.name ?? ""
        let verbs = t.info.subresource(sub)?.verbs ?? []
        let method = request.method
        let verb: String
        switch method {
        case .GET: verb = "get"
        case .PUT: verb = "update"
        case .PATCH: verb = "patch"
        case .POST: verb = "create"
        case .DELETE: verb = "delete"
        default: throw APIError.methodNotAllowed
        }
        guard verbs.contains(verb) else { throw APIError.methodNotAllowed }
        switch sub {
        case "status":
            switch method {
            case .GET: return try get(request, ResourceTarget(info: t.info, namespace: t.namespace, name: name,
                                                              subresource: nil, watchPath: false))
            case .PUT: return try update(request, t)
            default: return try patch(request, t)
            }
        case "scale": return try scale(request, t)
        case "binding": return try bind(request, t)
        case "eviction":
            _ = try deleteObject(t.info, namespace: t.namespace, name: name, options: DeleteOptions())
            return .json(["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "code": 201],
                         status: .created, pretty: request.wantsPretty)
        case "log":
            guard let pod = store.get(t.info.storageKey, namespace: t.namespace, name: name) else {
                throw notFound(t, name)
            }
            if (pod.object["spec"]?["nodeName"]?.stringValue ?? "").isEmpty {
                return APIResponse(status: .noContent, headers: [], body: .bytes([]))
            }
            return .text("", contentType: "text/plain")
        case "token": return try tokenRequest(request, t)
        case "finalize":
            return try finalizeNamespace(request, t)
        default:
            throw APIError.methodNotAllowed
        }
    }

    // MARK: - pods/binding

    func bind(_ request: APIRequest, _ t: ResourceTarget) throws -> APIResponse {
        let name = t.name ?? ""
        let body = try decodeBody(request, info: t.info)
        guard let node = body["target"]?["name"]?.stringValue, !node.isEmpty else {
            throw APIError.invalid(kind: "Binding", group: "", name: name, causes: [
                ("FieldValueRequired", "target.name", "Required value")])
        }
        let now = ObjectFormat.timestamp()
        try store.write("core/pods", namespace: t.namespace, name: name) { current -> (StoreWriteDecision, Void) in
            guard var pod = current?.object else {
                throw APIError.notFound("pods", group: "", name: name)
            }
            if let existing = pod["spec"]?["nodeName"]?.stringValue, !existing.isEmpty {
                throw APIError(code: 409, reason: "Conflict",
                               message: "Operation cannot be fulfilled on pods/binding \"\(name)\": pod \(name) is "
                                   + "already assigned to node \"\(existing)\"",
                               details: APIError.details(name: name, kind: "pods/binding"))
            }
            if pod["metadata"]?["deletionTimestamp"] != nil {
                throw APIError.conflict("pods/binding", group: "", name: name, detail: "pod \(name) is being deleted, cannot be assigned to a host")
            }
            pod[path: ["spec", "nodeName"]] = .string(node)
            pod["spec"] = Defaults.reorder(pod["spec"] ?? [:], Defaults.podSpecOrder)
            var conditions = pod["status"]?["conditions"]?.arrayValue ?? []
            conditions.removeAll { $0["type"]?.stringValue == "PodScheduled" }
            conditions.append(["type": "PodScheduled", "status": "True", "lastProbeTime": .null,
                               "lastTransitionTime": .string(now)])
            pod[path: ["status", "conditions"]] = .array(conditions)
            pod["status"] = Defaults.reorder(pod["status"] ?? [:], ["phase", "conditions"])
            return (.put(ObjectFormat.normalizeBuiltin(pod)), ())
        }
        return .json(["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "code": 201],
                     status: .created, pretty: request.wantsPretty)
    }

    // MARK: - scale

    func scale(_ request: APIRequest, _ t: ResourceTarget) throws -> APIResponse {
        let name = t.name ?? ""
        let info = t.info
        let specPath = info.custom?.specReplicasPath ?? ".spec.replicas"
        let statusPath = info.custom?.statusReplicasPath ?? ".status.replicas"
        func path(_ p: String) -> [String] { p.split(separator: ".").map(String.init) }
        func makeScale(_ o: JSONValue) -> JSONValue {
            var meta = JSONObject()
            for k in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
                if let v = o["metadata"]?[k] { meta.append(k, v) }
            }
            var selector = ""
            if let lp = info.custom?.labelSelectorPath {
                selector = o[path: path(lp)]?.stringValue ?? ""
            } else if case .object(let ml)? = o["spec"]?["selector"]?["matchLabels"] {
                selector = ml.fieldNames.sorted().map { "\($0)=\(ml[$0]?.stringValue ?? "")" }.joined(separator: ",")
            }
            var status = JSONObject()
            status.append("replicas", o[path: path(statusPath)] ?? 0)
            if !selector.isEmpty { status.append("selector", .string(selector)) }
            return ["kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": .object(meta),
                    "spec": ["replicas": o[path: path(specPath)] ?? 0], "status": .object(status)]
        }
        let scaleInfo = ResourceInfo(group: "autoscaling", version: "v1", kind: "Scale", resource: info.resource,
                                     singular: "", namespaced: info.namespaced, verbs: [], shortNames: [],
                                     categories: [], subresources: [], custom: nil)
        if request.method == .GET {
            guard let stored = store.get(info.storageKey, namespace: t.namespace, name: name) else {
                throw notFound(t, name)
            }
            return try respond(makeScale(stored.object), request, scaleInfo)
        }
        let body = try parseJSONBody(request.body, kind: "Scale")
        let ct = request.header("Content-Type") ?? ""
        let main = ResourceTarget(info: info, namespace: t.namespace, name: name, subresource: "scale", watchPath: false)
        let (obj, _) = try updateObject(main, name: name, request: request, operation: "Update",
                                        subresource: "scale") { current in
            var desired = makeScale(current)
            if request.method == .PUT {
                desired = body
            } else if ct.contains("json-patch") {
                desired = try Patch.jsonPatch(desired, body)
            } else {
                desired = Patch.merge(desired, body)
            }
            if let rv = desired["metadata"]?["resourceVersion"]?.stringValue, !rv.isEmpty,
               rv != current["metadata"]?["resourceVersion"]?.stringValue {
                throw APIError.conflict(info.resource, group: info.group, name: name)
            }
            var o = current
            o[path: path(specPath)] = desired["spec"]?["replicas"] ?? 0
            o[path: ["metadata", "resourceVersion"]] = nil
            return o
        }
        return try respond(makeScale(obj), request, scaleInfo)
    }

    // MARK: - serviceaccounts/token, namespaces/finalize

    func tokenRequest(_ request: APIRequest, _ t: ResourceTarget) throws -> APIResponse {
        let name = t.name ?? ""
        guard store.get(t.info.storageKey, namespace: t.namespace, name: name) != nil else { throw notFound(t, name) }
        var body = (try? parseJSONBody(request.body, kind: "TokenRequest")) ?? [:]
        let seconds = body["spec"]?["expirationSeconds"]?.intValue ?? 3600
        let now = Date()
        var spec = body["spec"]?.objectValue ?? JSONObject()
        if spec["audiences"] == nil { spec["audiences"] = ["https://kubernetes.default.svc.cluster.local"] }
        spec["expirationSeconds"] = .int(seconds)
        if spec["boundObjectRef"] == nil { spec["boundObjectRef"] = .null }
        body = ["kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
                "metadata": ["name": .string(name), "namespace": .string(t.namespace),
                             "creationTimestamp": .string(ObjectFormat.timestamp(now))],
                "spec": .object(spec),
                "status": ["token": .string("kosmos-sa." + ObjectFormat.uid()),
                           "expirationTimestamp": .string(ObjectFormat.timestamp(now.addingTimeInterval(Double(seconds))))]]
        return .json(body, status: .created, pretty: request.wantsPretty)
    }

    func finalizeNamespace(_ request: APIRequest, _ t: ResourceTarget) throws -> APIResponse {
        let name = t.name ?? ""
        let body = try decodeBody(request, info: t.info)
        let finalizers = body["spec"]?["finalizers"]
        let (stored, last): (JSONValue?, JSONValue?) = try store.write("core/namespaces", namespace: "", name: name) {
            current in
            guard var o = current?.object else { throw APIError.notFound("namespaces", group: "", name: name) }
            o[path: ["spec", "finalizers"]] = finalizers
            if (finalizers?.arrayValue ?? []).isEmpty, o["metadata"]?["deletionTimestamp"] != nil,
               (o["metadata"]?["finalizers"]?.arrayValue ?? []).isEmpty {
                return (.delete(o), o)
            }
            return (.put(o), nil)
        }
        return try respond(stored ?? last ?? [:], request, t.info)
    }
}
