/// version.Info: what `/version` answers.
public struct ServerVersion: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The major version, e.g. `1`.
    public var major: String { self[field: "major"] ?? "" }
    /// The minor version, e.g. `32` (may carry a `+`).
    public var minor: String { self[field: "minor"] ?? "" }
    /// e.g. `v1.32.13`.
    public var gitVersion: String { self[field: "gitVersion"] ?? "" }
    /// e.g. `linux/amd64`.
    public var platform: String { self[field: "platform"] ?? "" }
}

/// meta/v1 APIGroupList: what `/apis` answers (unaggregated).
public struct APIGroupList: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The API groups the server serves.
    public var groups: [APIGroup] { self[list: "groups"] }
}

/// meta/v1 APIGroup: a group with its versions and preferred version.
public struct APIGroup: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The group name (empty for the core group).
    public var name: String { self[field: "name"] ?? "" }
    /// `group/version` strings, in the server's order.
    public var versions: [String] {
        (json["versions"]?.arrayValue ?? []).compactMap { $0["groupVersion"]?.stringValue }
    }
    /// The preferred `group/version`.
    public var preferredVersion: String? { json["preferredVersion"]?["groupVersion"]?.stringValue }
}

/// meta/v1 APIResourceList: the resources of one group version (`/api/v1`, `/apis/<group>/<version>`).
public struct APIResourceList: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// e.g. `apps/v1`.
    public var groupVersion: String { self[field: "groupVersion"] ?? "" }
    /// Resources and subresources (`pods/status`).
    public var resources: [APIResource] { self[list: "resources"] }
}

/// meta/v1 APIResource: one resource of a group version.
public struct APIResource: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The plural name, or `resource/subresource`.
    public var name: String { self[field: "name"] ?? "" }
    /// The singular name, e.g. `pod`.
    public var singularName: String { self[field: "singularName"] ?? "" }
    /// Whether objects of the resource live in namespaces.
    public var namespaced: Bool { self[field: "namespaced"] ?? false }
    /// The kind, e.g. `Pod`.
    public var kind: String { self[field: "kind"] ?? "" }
    /// The verbs the resource supports (`get`, `list`, `watch`, ...).
    public var verbs: [String] { self[list: "verbs"] }
    /// Short names kubectl accepts, e.g. `po`.
    public var shortNames: [String] { self[list: "shortNames"] }
    /// Categories the resource belongs to, e.g. `all`.
    public var categories: [String] { self[list: "categories"] }
    /// Whether this is a subresource (`pods/status`).
    public var isSubresource: Bool { name.contains("/") }
}

/// Maps kinds to resources and back, from the server's discovery (a REST mapper, as the dynamic client and
/// `kubectl apply -f` need).
public struct RESTMapper: Sendable {
    /// One resource a server serves.
    public struct Mapping: Sendable, Hashable {
        /// The kind with its group and version.
        public var groupVersionKind: GroupVersionKind
        /// The resource with its group and version.
        public var resource: GroupVersionResource
        /// The singular name, e.g. `pod`.
        public var singular: String
        /// Short names, e.g. `po`.
        public var shortNames: [String]
        /// The verbs the resource supports.
        public var verbs: [String]
        /// Whether this group version is the group's preferred one.
        public var preferred: Bool
    }

    /// Every mapping, preferred versions first within a group.
    public private(set) var mappings: [Mapping]

    /// Creates a mapper from mappings, preferred versions first within a group.
    public init(mappings: [Mapping]) {
        self.mappings = mappings
    }

    /// Builds a mapper from resource lists (subresources are skipped).
    /// - Parameters:
    ///   - lists: one `APIResourceList` per group version.
    ///   - preferred: the preferred `group/version` strings.
    public init(resourceLists lists: [APIResourceList], preferred: Set<String>) {
        var out: [Mapping] = []
        for list in lists {
            let gv = GroupVersion(apiVersion: list.groupVersion)
            for r in list.resources where !r.isSubresource {
                out.append(Mapping(
                    groupVersionKind: GroupVersionKind(group: gv.group, version: gv.version, kind: r.kind),
                    resource: GroupVersionResource(groupVersion: gv, resource: r.name,
                                                   scope: r.namespaced ? .namespaced : .cluster),
                    singular: r.singularName.isEmpty ? r.kind.lowercased() : r.singularName,
                    shortNames: r.shortNames, verbs: r.verbs, preferred: preferred.contains(list.groupVersion)))
            }
        }
        mappings = out.filter(\.preferred) + out.filter { !$0.preferred }
    }

    /// The resource serving a kind (exact version).
    public func resource(for gvk: GroupVersionKind) -> GroupVersionResource? {
        mappings.first { $0.groupVersionKind == gvk }?.resource
    }

    /// The kind served by a resource.
    public func kind(for gvr: GroupVersionResource) -> GroupVersionKind? {
        mappings.first { $0.resource.groupVersion == gvr.groupVersion && $0.resource.resource == gvr.resource }?
            .groupVersionKind
    }

    /// Resolves what a user types, as kubectl does: `deployments`, `deployment`, `deploy`, `Deployment`,
    /// `deployments.apps`, `deployments.v1.apps`; preferred versions win.
    public func mapping(forName name: String) -> Mapping? {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        let base = parts[0].lowercased()
        var groupFilter: String? = parts.count > 1 ? parts[1] : nil
        var versionFilter: String? = nil
        if let g = groupFilter, let dot = g.firstIndex(of: "."),
            g[..<dot].first == "v", g[..<dot].dropFirst().first?.isNumber == true
        {
            versionFilter = String(g[..<dot])
            groupFilter = String(g[g.index(after: dot)...])
        }
        return mappings.first { m in
            if let groupFilter, m.resource.group != groupFilter { return false }
            if let versionFilter, m.resource.version != versionFilter { return false }
            return m.resource.resource == base || m.singular == base || m.shortNames.contains(base)
                || m.groupVersionKind.kind.lowercased() == base
        }
    }
}

extension KubeClient {
    /// The server's version (`GET /version`).
    /// - Throws: `KubeError`, `TransportError`, `KubeDecodingError`.
    public func version() async throws -> ServerVersion {
        ServerVersion(json: try await getPath("/version", kind: "version.Info"))
    }

    /// The API groups, with the core group (`v1`) first (`GET /api` and `GET /apis`).
    /// - Throws: `KubeError`, `TransportError`, `KubeDecodingError`.
    public func serverGroups() async throws -> [APIGroup] {
        let core = try await getPath("/api", kind: "APIVersions")
        let versions = (core["versions"]?.arrayValue ?? []).compactMap(\.stringValue)
        var coreGroup = JSONObject()
        coreGroup.append("name", "")
        coreGroup.append("versions", .array(versions.map { ["groupVersion": .string($0), "version": .string($0)] }))
        if let first = versions.first {
            coreGroup.append("preferredVersion", ["groupVersion": .string(first), "version": .string(first)])
        }
        let groups = APIGroupList(json: try await getPath("/apis", kind: "APIGroupList")).groups
        return [APIGroup(json: .object(coreGroup))] + groups
    }

    /// The resources of one group version (`GET /api/v1`, `GET /apis/<group>/<version>`).
    /// - Throws: `KubeError` (`isNotFound` for an unknown group version), `TransportError`, `KubeDecodingError`.
    public func serverResources(groupVersion: String) async throws -> APIResourceList {
        let gv = GroupVersion(apiVersion: groupVersion)
        return APIResourceList(json: try await getPath(gv.pathPrefix, kind: "APIResourceList"))
    }

    /// A REST mapper over every group version the server serves (fetched in parallel).
    /// - Throws: `KubeError`, `TransportError`, `KubeDecodingError`.
    public func restMapper() async throws -> RESTMapper {
        let groups = try await serverGroups()
        var preferred = Set<String>()
        var all: [String] = []
        for g in groups {
            if let p = g.preferredVersion { preferred.insert(p) }
            all.append(contentsOf: g.versions)
        }
        let lists = try await withThrowingTaskGroup(of: (Int, APIResourceList).self) { group in
            for (i, gv) in all.enumerated() {
                group.addTask { (i, try await self.serverResources(groupVersion: gv)) }
            }
            var out: [(Int, APIResourceList)] = []
            for try await r in group { out.append(r) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return RESTMapper(resourceLists: lists, preferred: preferred)
    }

    /// GETs a path and decodes a JSON object.
    func getPath(_ path: String, kind: String) async throws -> JSONValue {
        let r = KubeRequest(method: "GET", path: path, operation: "get \(path)")
        return try decodeObject(try await send(r), kind: kind)
    }
}
