import Foundation
import KosmosAPI
import NIOHTTP1

/// Where a REST path points: a resource of a group/version, maybe a namespace, an object name and a subresource.
struct ResourceTarget: Sendable {
    var info: ResourceInfo
    var namespace: String
    var name: String?
    var subresource: String?
    /// The deprecated `/watch/` path prefix was used.
    var watchPath: Bool
}

/// The Kubernetes REST API over the object store: routing, authentication, content negotiation, discovery,
/// OpenAPI, and the verbs (in `APIHandler+*.swift`).
final class APIHandler: APIRequestHandling, @unchecked Sendable {
    let store: ClusterObjectStore
    let registry: ResourceRegistry
    let token: String?
    let serverAddress: LockedBox<String>
    let serviceIPs: IPAllocator
    let podCIDRs: SubnetAllocator
    let clusterName: String
    /// Seconds between BOOKMARK events on watches that allow them.
    var bookmarkInterval: Int64 = 30
    /// Encoded watch lines shared between the watchers of one resource.
    let watchEvents = WatchEventCache()

    static let versionInfo: JSONValue = [
        "major": "1", "minor": "32", "gitVersion": "v1.32.13-kosmos", "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean", "buildDate": "2026-08-20T00:00:00Z", "goVersion": "swift6",
        "compiler": "swiftc", "platform": "linux/amd64",
    ]

    init(store: ClusterObjectStore, registry: ResourceRegistry, token: String?, serviceIPs: IPAllocator,
         podCIDRs: SubnetAllocator, clusterName: String) {
        self.store = store
        self.registry = registry
        self.token = token
        self.serviceIPs = serviceIPs
        self.podCIDRs = podCIDRs
        self.clusterName = clusterName
        serverAddress = LockedBox("127.0.0.1:6443")
    }

    // MARK: - Entry point

    func handle(_ request: APIRequest) -> APIResponse {
        do {
            return try route(request)
        } catch let e as APIError {
            return .error(e, pretty: request.wantsPretty)
        } catch {
            return .error(.internalError("\(error)"), pretty: request.wantsPretty)
        }
    }

    private func authenticated(_ request: APIRequest) -> Bool {
        guard let token else { return true }
        guard let h = request.header("Authorization") else { return false }
        let parts = h.split(separator: " ", maxSplits: 1)
        return parts.count == 2 && parts[0].lowercased() == "bearer" && parts[1] == token
    }

    private func route(_ request: APIRequest) throws -> APIResponse {
        let path = request.path
        switch path {
        case "/healthz", "/livez", "/readyz":
            if request.query["verbose"] != nil {
                let name = path.dropFirst()
                return .text("[+]ping ok\n[+]log ok\n[+]etcd ok\n\(name) check passed\n")
            }
            return .text("ok")
        case "/version", "/version/":
            var b = Self.versionInfo.serialized(.pretty)
            _ = b.popLast().map { $0 == 0x0A ? () : b.append($0) }
            return APIResponse(status: .ok, headers: [("Content-Type", "application/json")], body: .bytes(b))
        default: break
        }
        guard authenticated(request) else { return .error(.unauthorized, pretty: request.wantsPretty) }
        if path == "/__too_large__" {
            throw APIError(code: 413, reason: "RequestEntityTooLarge", message: "request entity too large",
                           details: nil)
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let first = segments.first else {
            return .json(["paths": .array(["/api", "/apis", "/healthz", "/livez", "/openapi/v2", "/openapi/v3",
                                           "/readyz", "/version"])], pretty: request.wantsPretty)
        }
        switch first {
        case "api":
            if segments.count == 1 { return try discoveryRoot(request, legacy: true) }
            guard segments[1] == "v1" else { throw APIError.resourceNotFound }
            if segments.count == 2 { return resourceList(group: "", version: "v1", request: request) }
            return try resourceRequest(request, group: "", version: "v1", rest: Array(segments[2...]))
        case "apis":
            if segments.count == 1 { return try discoveryRoot(request, legacy: false) }
            let group = segments[1]
            guard registry.serves(group: group) else { return .text("404 page not found\n", status: .notFound) }
            if segments.count == 2 { return apiGroup(group, request: request) }
            let version = segments[2]
            guard registry.serves(group: group, version: version) else { throw APIError.resourceNotFound }
            if segments.count == 3 { return resourceList(group: group, version: version, request: request) }
            return try resourceRequest(request, group: group, version: version, rest: Array(segments[3...]))
        case "openapi":
            return try openAPI(request, segments: segments)
        default:
            return .text("404 page not found\n", status: .notFound)
        }
    }

    // MARK: - Resource paths

    private func resourceRequest(_ request: APIRequest, group: String, version: String, rest: [String]) throws
        -> APIResponse {
        var parts = rest
        var watchPath = false
        if parts.first == "watch" {
            watchPath = true
            parts.removeFirst()
        }
        var namespace = ""
        if parts.count >= 3, parts[0] == "namespaces", !(parts.count == 3 && group.isEmpty
            && (parts[2] == "status" || parts[2] == "finalize")) {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        guard let resource = parts.first,
              let info = registry.lookup(group: group, version: version, resource: resource) else {
            throw APIError.resourceNotFound
        }
        if !namespace.isEmpty && !info.namespaced { throw APIError.resourceNotFound }
        let name = parts.count > 1 ? parts[1] : nil
        let sub = parts.count > 2 ? parts[2] : nil
        if parts.count > 3 { throw APIError.resourceNotFound }
        if let sub, info.subresource(sub) == nil { throw APIError.resourceNotFound }
        let target = ResourceTarget(info: info, namespace: namespace, name: name, subresource: sub,
                                    watchPath: watchPath)
        return try dispatch(request, target)
    }

    private func dispatch(_ request: APIRequest, _ t: ResourceTarget) throws -> APIResponse {
        let verbs = Set(t.info.verbs)
        if t.watchPath {
            guard request.method == .GET else { throw APIError.methodNotAllowed }
            return try watch(request, t)
        }
        if t.name == nil {
            switch request.method {
            case .GET:
                guard verbs.contains("list") else { throw APIError.methodNotAllowed }
                if isTrue(request.query["watch"]) { return try watch(request, t) }
                return try list(request, t)
            case .POST:
                guard verbs.contains("create") else { throw APIError.methodNotAllowed }
                return try create(request, t)
            case .DELETE:
                guard verbs.contains("deletecollection") else { throw APIError.methodNotAllowed }
                return try deleteCollection(request, t)
            default: throw APIError.methodNotAllowed
            }
        }
        if let sub = t.subresource {
            return try subresource(request, t, sub)
        }
        switch request.method {
        case .GET:
            guard verbs.contains("get") else { throw APIError.methodNotAllowed }
            return try get(request, t)
        case .PUT:
            guard verbs.contains("update") else { throw APIError.methodNotAllowed }
            return try update(request, t)
        case .PATCH:
            guard verbs.contains("patch") else { throw APIError.methodNotAllowed }
            return try patch(request, t)
        case .DELETE:
            guard verbs.contains("delete") else { throw APIError.methodNotAllowed }
            return try delete(request, t)
        default: throw APIError.methodNotAllowed
        }
    }

    func isTrue(_ v: String?) -> Bool { v == "1" || v == "true" || v == "" }

    // MARK: - Discovery

    private static let aggregatedV2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    private static let aggregatedV2beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"

    private func discoveryRoot(_ request: APIRequest, legacy: Bool) throws -> APIResponse {
        let accept = (request.header("Accept") ?? "").replacingOccurrences(of: " ", with: "")
        let wantsV2 = accept.contains("g=apidiscovery.k8s.io;v=v2;") || accept.contains("as=APIGroupDiscoveryList")
            && accept.contains("v=v2;")
        let wantsV2beta1 = accept.contains("v=v2beta1")
        let plain = accept.isEmpty || accept.split(separator: ",").contains {
            $0.hasPrefix("application/json") && !$0.contains("as=") || $0 == "*/*" }
        if wantsV2 || wantsV2beta1 {
            let apiVersion = wantsV2 ? "apidiscovery.k8s.io/v2" : "apidiscovery.k8s.io/v2beta1"
            let doc = aggregatedDiscovery(legacy: legacy, apiVersion: apiVersion)
            var body = doc.serialized()
            body.append(0x0A)
            let etag = "\"" + Self.hexHash(body) + "\""
            let headers = [("Content-Type", wantsV2 ? Self.aggregatedV2 : Self.aggregatedV2beta1),
                           ("Cache-Control", "public"), ("Vary", "Accept"), ("Etag", etag)]
            if request.header("If-None-Match") == etag {
                return APIResponse(status: .notModified, headers: headers, body: .bytes([]))
            }
            return APIResponse(status: .ok, headers: headers, body: .bytes(body))
        }
        if !plain && accept.contains("apidiscovery") {
            var e = APIError(code: 406, reason: "NotAcceptable",
                             message: "only the following media types are accepted: application/json, "
                                 + "application/yaml, application/vnd.kubernetes.protobuf", details: nil)
            e.pretty = true
            throw e
        }
        if legacy {
            return .json(["kind": "APIVersions", "versions": ["v1"],
                          "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0",
                                                          "serverAddress": .string(serverAddress.get())]]],
                         pretty: request.wantsPretty)
        }
        var groups: [JSONValue] = []
        for (name, versions) in registry.groups() where !name.isEmpty && !versions.isEmpty {
            groups.append(groupJSON(name, versions: versions, withKind: false))
        }
        return .json(["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)],
                     pretty: request.wantsPretty)
    }

    private func groupJSON(_ name: String, versions: [String], withKind: Bool) -> JSONValue {
        var o = JSONObject()
        if withKind {
            o.append("kind", "APIGroup")
            o.append("apiVersion", "v1")
        }
        o.append("name", .string(name))
        o.append("versions", .array(versions.map { ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)] }))
        o.append("preferredVersion", ["groupVersion": .string("\(name)/\(versions[0])"),
                                      "version": .string(versions[0])])
        return .object(o)
    }

    private func apiGroup(_ group: String, request: APIRequest) -> APIResponse {
        let versions = registry.groups().first { $0.name == group }?.versions ?? []
        return .json(groupJSON(group, versions: versions, withKind: true), pretty: request.wantsPretty)
    }

    private func aggregatedDiscovery(legacy: Bool, apiVersion: String) -> JSONValue {
        var items: [JSONValue] = []
        for (name, versions) in registry.groups() where (name.isEmpty == legacy) && !versions.isEmpty {
            var meta = JSONObject()
            if !name.isEmpty { meta.append("name", .string(name)) }
            meta.append("creationTimestamp", .null)
            var vs: [JSONValue] = []
            for v in versions {
                let resources = registry.resources(group: name, version: v).map(aggregatedResource)
                vs.append(["version": .string(v), "resources": .array(resources), "freshness": "Current"])
            }
            items.append(["metadata": .object(meta), "versions": .array(vs)])
        }
        return ["kind": "APIGroupDiscoveryList", "apiVersion": .string(apiVersion), "metadata": [:],
                "items": .array(items)]
    }

    private func aggregatedResource(_ r: ResourceInfo) -> JSONValue {
        var o = JSONObject()
        o.append("resource", .string(r.resource))
        o.append("responseKind", ["group": .string(r.isCustom ? r.group : ""),
                                  "version": .string(r.isCustom ? r.version : ""), "kind": .string(r.kind)])
        o.append("scope", r.namespaced ? "Namespaced" : "Cluster")
        o.append("singularResource", .string(r.singular))
        o.append("verbs", .array(r.verbs.map { .string($0) }))
        if !r.shortNames.isEmpty { o.append("shortNames", .array(r.shortNames.map { .string($0) })) }
        if !r.categories.isEmpty { o.append("categories", .array(r.categories.map { .string($0) })) }
        if !r.subresources.isEmpty {
            o.append("subresources", .array(r.subresources.map { s in
                ["subresource": .string(s.name),
                 "responseKind": ["group": .string(s.group), "version": .string(s.version), "kind": .string(s.kind)],
                 "verbs": .array(s.verbs.map { .string($0) })]
            }))
        }
        return .object(o)
    }

    private func resourceList(group: String, version: String, request: APIRequest) -> APIResponse {
        var entries: [(String, JSONValue)] = []
        for r in registry.resources(group: group, version: version) {
            var o = JSONObject()
            o.append("name", .string(r.resource))
            o.append("singularName", .string(r.singular))
            o.append("namespaced", .bool(r.namespaced))
            o.append("kind", .string(r.kind))
            o.append("verbs", .array(r.verbs.map { .string($0) }))
            if !r.shortNames.isEmpty { o.append("shortNames", .array(r.shortNames.map { .string($0) })) }
            if !r.categories.isEmpty { o.append("categories", .array(r.categories.map { .string($0) })) }
            entries.append((r.resource, .object(o)))
            for s in r.subresources {
                var so = JSONObject()
                so.append("name", .string("\(r.resource)/\(s.name)"))
                so.append("singularName", "")
                so.append("namespaced", .bool(r.namespaced))
                if !s.group.isEmpty && s.group != r.group || (!s.version.isEmpty && s.version != r.version) {
                    so.append("group", .string(s.group))
                    so.append("version", .string(s.version))
                }
                so.append("kind", .string(s.kind))
                so.append("verbs", .array(s.verbs.map { .string($0) }))
                entries.append(("\(r.resource)/\(s.name)", .object(so)))
            }
        }
        entries.sort { $0.0 < $1.0 }
        var o = JSONObject()
        o.append("kind", "APIResourceList")
        if !group.isEmpty { o.append("apiVersion", "v1") }
        o.append("groupVersion", .string(group.isEmpty ? version : "\(group)/\(version)"))
        o.append("resources", .array(entries.map(\.1)))
        return .json(.object(o), pretty: request.wantsPretty)
    }

    static func hexHash(_ bytes: [UInt8]) -> String {
        // Two FNV-1a passes with different offsets, widened to 128 hex digits like kube's SHA-512 hashes.
        var parts: [String] = []
        for seed in 0..<8 {
            var h: UInt64 = 0xcbf29ce484222325 &+ UInt64(seed) &* 0x9E3779B97F4A7C15
            for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
            parts.append(String(format: "%016llX", h))
        }
        return parts.joined()
    }
}
