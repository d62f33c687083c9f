/// Discovery facts about one kind: where it is served, its names and what can be done with it, as kube-apiserver
/// advertises them in `/api/v1`, `/apis/<group>/<version>` and aggregated discovery.
public struct KindInfo: Hashable, Sendable, CustomStringConvertible {
    /// The API group; empty for core.
    public var group: String
    /// The version.
    public var version: String
    /// The kind.
    public var kind: String
    /// The lower-case plural resource name, e.g. `pods`.
    public var plural: String
    /// The lower-case singular name, e.g. `pod`.
    public var singular: String
    /// Whether objects are namespaced or cluster-scoped.
    public var scope: ResourceScope
    /// kubectl short names, e.g. `po`.
    public var shortNames: [String]
    /// Verbs on the collection and objects, in kube-apiserver's (alphabetical) order.
    public var verbs: [String]
    /// Categories such as `all`.
    public var categories: [String]
    /// Subresources with their verbs, e.g. `status: [get, patch, update]`.
    public var subresources: [Subresource]

    /// A served subresource.
    public struct Subresource: Hashable, Sendable {
        /// e.g. `status`, `scale`, `binding`.
        public var name: String
        /// The kind the subresource reads and writes, e.g. `Scale`, `Binding`.
        public var kind: String
        /// The verbs allowed, e.g. `get`, `list`, `watch`.
        public var verbs: [String]
        /// The group/version of `kind` when it differs from the parent's (e.g. `autoscaling/v1` Scale).
        public var apiVersion: String?

        /// Describes a subresource such as `status` or `scale`.
        public init(_ name: String, kind: String, verbs: [String], apiVersion: String? = nil) {
            self.name = name
            self.kind = kind
            self.verbs = verbs
            self.apiVersion = apiVersion
        }
    }

    /// Describes a kind: its group, version, names and scope.
    public init(group: String, version: String, kind: String, plural: String, singular: String? = nil,
                scope: ResourceScope, shortNames: [String] = [], verbs: [String] = KindInfo.allVerbs,
                categories: [String] = [], subresources: [Subresource] = []) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.singular = singular ?? kind.lowercased()
        self.scope = scope
        self.shortNames = shortNames
        self.verbs = verbs
        self.categories = categories
        self.subresources = subresources
    }

    /// The facts of a Swift resource type.
    public init<R: Resource>(_ type: R.Type, shortNames: [String] = [], verbs: [String] = KindInfo.allVerbs,
                             categories: [String] = [], subresources: [Subresource] = []) {
        let gv = GroupVersion(apiVersion: R.apiVersion)
        self.init(group: gv.group, version: gv.version, kind: R.kind, plural: R.plural, scope: R.scope,
                  shortNames: shortNames, verbs: verbs, categories: categories, subresources: subresources)
    }

    /// `create, delete, deletecollection, get, list, patch, update, watch`.
    public static let allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    /// `get, patch, update` (status and scale subresources).
    public static let subresourceVerbs = ["get", "patch", "update"]

    /// The `group/version`.
    public var groupVersion: GroupVersion { GroupVersion(group: group, version: version) }
    /// The `group/version`.
    public var apiVersion: String { groupVersion.apiVersion }
    /// The kind with its group and version.
    public var groupVersionKind: GroupVersionKind { GroupVersionKind(group: group, version: version, kind: kind) }
    /// The resource with its group and version.
    public var groupVersionResource: GroupVersionResource {
        GroupVersionResource(groupVersion: groupVersion, resource: plural, scope: scope)
    }
    /// Whether objects are namespaced.
    public var namespaced: Bool { scope == .namespaced }
    /// `<plural>.<group>` (`pods` for core), the name a CRD would have.
    public var qualifiedResource: String { group.isEmpty ? plural : "\(plural).\(group)" }
    /// `<Kind>List`.
    public var listKind: String { kind + "List" }
    public var description: String { "\(qualifiedResource) (\(apiVersion), Kind=\(kind))" }

    /// Whether `name` refers to this kind the way kubectl resolves it: plural, singular, a short name or the kind,
    /// case-insensitively, optionally qualified with the group or version and group (`deploy.apps`,
    /// `deployments.v1.apps`).
    public func matches(_ name: String) -> Bool {
        let lower = name.lowercased()
        let parts = lower.split(separator: ".", maxSplits: 1).map(String.init)
        guard let n = parts.first, !n.isEmpty else { return false }
        if parts.count == 2 {
            let q = parts[1], g = group.lowercased()
            let qualified = q == g || q == "\(version).\(g)" || (g.isEmpty && q == version)
            guard qualified else { return false }
        }
        return n == plural || n == singular || n == kind.lowercased() || shortNames.contains(n)
    }
}

/// Every kind KosmosAPI models, with the discovery facts of kube-apiserver 1.32 for built-in kinds and of the
/// upstream CRDs for kosmos.io and MCS kinds.
public enum BuiltinKinds {
    private static let status = KindInfo.Subresource("status", kind: "", verbs: KindInfo.subresourceVerbs)
    private static func status(_ kind: String) -> KindInfo.Subresource {
        KindInfo.Subresource("status", kind: kind, verbs: KindInfo.subresourceVerbs)
    }
    private static let scale = KindInfo.Subresource(
        "scale", kind: "Scale", verbs: KindInfo.subresourceVerbs, apiVersion: "autoscaling/v1")

    /// Core, discovery, coordination, apps, apiextensions and RBAC kinds.
    public static let kubernetes: [KindInfo] = [
        KindInfo(Binding.self, verbs: ["create"]),
        KindInfo(ConfigMap.self, shortNames: ["cm"]),
        KindInfo(Endpoints.self, shortNames: ["ep"]),
        KindInfo(Event.self, shortNames: ["ev"]),
        KindInfo(Namespace.self, shortNames: ["ns"],
                 verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
                 subresources: [KindInfo.Subresource("finalize", kind: "Namespace", verbs: ["update"]),
                                status("Namespace")]),
        KindInfo(Node.self, shortNames: ["no"],
                 subresources: [KindInfo.Subresource("proxy", kind: "NodeProxyOptions",
                                                     verbs: ["create", "delete", "get", "patch", "update"]),
                                status("Node")]),
        KindInfo(PersistentVolumeClaim.self, shortNames: ["pvc"], subresources: [status("PersistentVolumeClaim")]),
        KindInfo(PersistentVolume.self, shortNames: ["pv"], subresources: [status("PersistentVolume")]),
        KindInfo(Pod.self, shortNames: ["po"], categories: ["all"],
                 subresources: [
                    KindInfo.Subresource("attach", kind: "PodAttachOptions", verbs: ["create", "get"]),
                    KindInfo.Subresource("binding", kind: "Binding", verbs: ["create"]),
                    KindInfo.Subresource("ephemeralcontainers", kind: "Pod", verbs: KindInfo.subresourceVerbs),
                    KindInfo.Subresource("eviction", kind: "Eviction", verbs: ["create"], apiVersion: "policy/v1"),
                    KindInfo.Subresource("exec", kind: "PodExecOptions", verbs: ["create", "get"]),
                    KindInfo.Subresource("log", kind: "Pod", verbs: ["get"]),
                    KindInfo.Subresource("portforward", kind: "PodPortForwardOptions", verbs: ["create", "get"]),
                    KindInfo.Subresource("proxy", kind: "PodProxyOptions",
                                         verbs: ["create", "delete", "get", "patch", "update"]),
                    status("Pod"),
                 ]),
        KindInfo(Secret.self),
        KindInfo(ServiceAccount.self, shortNames: ["sa"],
                 subresources: [KindInfo.Subresource("token", kind: "TokenRequest", verbs: ["create"],
                                                     apiVersion: "authentication.k8s.io/v1")]),
        KindInfo(Service.self, shortNames: ["svc"], categories: ["all"],
                 subresources: [KindInfo.Subresource("proxy", kind: "ServiceProxyOptions",
                                                     verbs: ["create", "delete", "get", "patch", "update"]),
                                status("Service")]),
        KindInfo(EndpointSlice.self),
        KindInfo(Lease.self),
        KindInfo(DaemonSet.self, shortNames: ["ds"], categories: ["all"], subresources: [status("DaemonSet")]),
        KindInfo(Deployment.self, shortNames: ["deploy"], categories: ["all"],
                 subresources: [scale, status("Deployment")]),
        KindInfo(ReplicaSet.self, shortNames: ["rs"], categories: ["all"], subresources: [scale, status("ReplicaSet")]),
        KindInfo(StatefulSet.self, shortNames: ["sts"], categories: ["all"],
                 subresources: [scale, status("StatefulSet")]),
        KindInfo(CustomResourceDefinition.self, shortNames: ["crd", "crds"], categories: ["api-extensions"],
                 subresources: [status("CustomResourceDefinition")]),
        KindInfo(ClusterRoleBinding.self),
        KindInfo(ClusterRole.self),
        KindInfo(RoleBinding.self),
        KindInfo(Role.self),
    ]

    /// MCS kinds (multicluster.x-k8s.io/v1alpha1), served through CRDs.
    public static let multiCluster: [KindInfo] = [
        KindInfo(ServiceExport.self, shortNames: ["svcex"], subresources: [status("ServiceExport")]),
        KindInfo(ServiceImport.self, shortNames: ["svcim"], subresources: [status("ServiceImport")]),
    ]

    /// kosmos.io/v1alpha1 kinds, served through CRDs.
    public static let kosmos: [KindInfo] = [
        KindInfo(Cluster.self),
        KindInfo(ClusterNode.self, subresources: [status("ClusterNode")]),
        KindInfo(NodeConfig.self, subresources: [status("NodeConfig")]),
        KindInfo(DistributionPolicy.self, shortNames: ["dp"], categories: ["kosmos-io"]),
        KindInfo(ClusterDistributionPolicy.self, shortNames: ["cdp"], categories: ["kosmos-io"]),
        KindInfo(PodConvertPolicy.self, shortNames: ["pcp"], subresources: [status("PodConvertPolicy")]),
        KindInfo(ClusterPodConvertPolicy.self, shortNames: ["cpcp"], subresources: [status("ClusterPodConvertPolicy")]),
        KindInfo(WorkloadPolicy.self, shortNames: ["wlp"], categories: ["kosmos-io"]),
    ]

    /// Every kind above.
    public static let all: [KindInfo] = kubernetes + multiCluster + kosmos

    /// The facts of a kind by group/version/kind.
    public static func info(for gvk: GroupVersionKind) -> KindInfo? {
        all.first { $0.groupVersionKind == gvk }
    }

    /// The facts of a Swift resource type.
    public static func info<R: Resource>(for type: R.Type) -> KindInfo? { info(for: R.groupVersionKind) }

    /// The kinds a kubectl-style name refers to (`po`, `pods`, `deploy.apps`, `crd`).
    public static func resolve(_ name: String) -> [KindInfo] { all.filter { $0.matches(name) } }
}
