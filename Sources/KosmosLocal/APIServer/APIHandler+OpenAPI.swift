import Foundation
import KosmosAPI

extension APIHandler {
    /// OpenAPI v3: an index of group/versions and, per group/version, the paths with their operations and query
    /// parameters. That is what kubectl reads to learn that the server validates fields (`fieldValidation`);
    /// schemas are left out, so `kubectl explain` has nothing to show. `/openapi/v2` is not served.
    func openAPI(_ request: APIRequest, segments: [String]) throws -> APIResponse {
        guard segments.count >= 2, segments[1] == "v3" else {
            return .text("404 page not found\n", status: .notFound)
        }
        var gvs: [(path: String, group: String, version: String)] = [("api/v1", "", "v1")]
        for (g, versions) in registry.groups() where !g.isEmpty {
            for v in versions { gvs.append(("apis/\(g)/\(v)", g, v)) }
        }
        if segments.count == 2 {
            var paths = JSONObject()
            for gv in gvs.sorted(by: { $0.path < $1.path }) {
                let hash = Self.hexHash(openAPIDocument(group: gv.group, version: gv.version).serialized())
                paths.append(gv.path, ["serverRelativeURL": .string("/openapi/v3/\(gv.path)?hash=\(hash)")])
            }
            let body = JSONValue.object(["paths": .object(paths)]).serialized()
            return APIResponse(status: .ok, headers: [("Content-Type", "text/plain; charset=utf-8")],
                               body: .bytes(body))
        }
        let wanted = segments[2...].joined(separator: "/")
        guard let gv = gvs.first(where: { $0.path == wanted }) else {
            return .text("404 page not found\n", status: .notFound)
        }
        var body = openAPIDocument(group: gv.group, version: gv.version).serialized()
        let hash = Self.hexHash(body)
        if let h = request.query["hash"], h != hash {
            return APIResponse(status: .movedPermanently,
                               headers: [("Location", "/openapi/v3/\(gv.path)?hash=\(hash)")], body: .bytes([]))
        }
        body.append(0x0A)
        let cache = request.query["hash"] != nil ? "public, immutable" : "no-cache, private"
        return APIResponse(status: .ok, headers: [("Content-Type", "application/json"), ("Cache-Control", cache)],
                           body: .bytes(body))
    }

    private func openAPIDocument(group: String, version: String) -> JSONValue {
        let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        var paths = JSONObject()
        func param(_ name: String, _ inWhere: String = "query", required: Bool = false) -> JSONValue {
            var o = JSONObject()
            o.append("name", .string(name))
            o.append("in", .string(inWhere))
            if required { o.append("required", true) }
            o.append("schema", ["type": "string", "uniqueItems": true])
            return .object(o)
        }
        let writeParams = [param("dryRun"), param("fieldManager"), param("fieldValidation")]
        for r in registry.resources(group: group, version: version) {
            let gvk: JSONValue = ["group": .string(group), "version": .string(version), "kind": .string(r.kind)]
            func op(_ action: String, _ params: [JSONValue]) -> JSONValue {
                ["operationId": .string("\(action)\(r.kind)"), "parameters": .array(params),
                 "x-kubernetes-action": .string(action), "x-kubernetes-group-version-kind": gvk]
            }
            let nsPart = r.namespaced ? "/namespaces/{namespace}" : ""
            var nsParams: [JSONValue] = r.namespaced ? [param("namespace", "path", required: true)] : []
            var collection = JSONObject()
            if r.verbs.contains("list") { collection.append("get", op("list", [param("labelSelector"),
                param("fieldSelector"), param("limit"), param("continue"), param("watch")])) }
            if r.verbs.contains("create") { collection.append("post", op("post", writeParams)) }
            if r.verbs.contains("deletecollection") { collection.append("delete", op("deletecollection", [])) }
            collection.append("parameters", .array(nsParams + [param("pretty")]))
            paths.append("\(prefix)\(nsPart)/\(r.resource)", .object(collection))
            guard r.verbs.contains("get") || r.verbs.contains("patch") else { continue }
            nsParams.insert(param("name", "path", required: true), at: 0)
            var item = JSONObject()
            if r.verbs.contains("get") { item.append("get", op("get", [])) }
            if r.verbs.contains("update") { item.append("put", op("put", writeParams)) }
            if r.verbs.contains("patch") { item.append("patch", op("patch", writeParams + [param("force")])) }
            if r.verbs.contains("delete") {
                item.append("delete", op("delete", [param("dryRun"), param("gracePeriodSeconds"),
                                                    param("propagationPolicy")]))
            }
            item.append("parameters", .array(nsParams + [param("pretty")]))
            paths.append("\(prefix)\(nsPart)/\(r.resource)/{name}", .object(item))
            for s in r.subresources where s.verbs.contains("patch") {
                var sub = JSONObject()
                let sgvk: JSONValue = s.name == "scale"
                    ? ["group": "autoscaling", "version": "v1", "kind": "Scale"] : gvk
                sub.append("get", ["operationId": .string("get\(r.kind)\(s.name)"), "parameters": [],
                                   "x-kubernetes-action": "get", "x-kubernetes-group-version-kind": sgvk])
                sub.append("patch", ["operationId": .string("patch\(r.kind)\(s.name)"),
                                     "parameters": .array(writeParams + [param("force")]),
                                     "x-kubernetes-action": "patch", "x-kubernetes-group-version-kind": sgvk])
                sub.append("parameters", .array(nsParams + [param("pretty")]))
                paths.append("\(prefix)\(nsPart)/\(r.resource)/{name}/\(s.name)", .object(sub))
            }
        }
        return ["openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.32.13"],
                "paths": .object(paths)]
    }
}
