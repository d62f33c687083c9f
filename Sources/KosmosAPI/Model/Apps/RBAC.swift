/// rbac.authorization.k8s.io/v1 Role.
public struct Role: NamespacedResource {
    public static let apiVersion = "rbac.authorization.k8s.io/v1"
    public static let kind = "Role"
    public static let plural = "roles"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// What the role allows.
    public var rules: [PolicyRule] { get { self[list: "rules"] } set { self[list: "rules"] = newValue } }
}

/// A list of roles.
public typealias RoleList = ResourceList<Role>

/// rbac.authorization.k8s.io/v1 ClusterRole.
public struct ClusterRole: ClusterScopedResource {
    public static let apiVersion = "rbac.authorization.k8s.io/v1"
    public static let kind = "ClusterRole"
    public static let plural = "clusterroles"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// What the role allows.
    public var rules: [PolicyRule] { get { self[list: "rules"] } set { self[list: "rules"] = newValue } }
    /// `{clusterRoleSelectors: [LabelSelector]}`.
    public var aggregationRule: JSONValue? {
        get { self[field: "aggregationRule"] }
        set { self[field: "aggregationRule"] = newValue }
    }
}

/// A list of cluster roles.
public typealias ClusterRoleList = ResourceList<ClusterRole>

/// rbac.authorization.k8s.io/v1 PolicyRule.
public struct PolicyRule: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates a rule allowing `verbs` on `resources` in `apiGroups`.
    public init(apiGroups: [String], resources: [String], verbs: [String], resourceNames: [String] = []) {
        self.init(json: .object(JSONObject()))
        self.verbs = verbs
        self.apiGroups = apiGroups
        self.resources = resources
        self.resourceNames = resourceNames
    }

    /// The verbs allowed, e.g. `get`, `list`, `watch`.
    public var verbs: [String] { get { self[list: "verbs"] } set { self[list: "verbs"] = newValue } }
    /// The API groups the rule covers (`""` is the core group).
    public var apiGroups: [String] { get { self[list: "apiGroups"] } set { self[list: "apiGroups"] = newValue } }
    /// The resources the rule covers.
    public var resources: [String] { get { self[list: "resources"] } set { self[list: "resources"] = newValue } }
    /// The object names the rule covers; empty covers all.
    public var resourceNames: [String] {
        get { self[list: "resourceNames"] }
        set { self[list: "resourceNames"] = newValue }
    }
    /// Non-resource URLs the rule covers (`/healthz`).
    public var nonResourceURLs: [String] {
        get { self[list: "nonResourceURLs"] }
        set { self[list: "nonResourceURLs"] = newValue }
    }
}

/// rbac.authorization.k8s.io/v1 RoleBinding.
public struct RoleBinding: NamespacedResource {
    public static let apiVersion = "rbac.authorization.k8s.io/v1"
    public static let kind = "RoleBinding"
    public static let plural = "rolebindings"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Who gets the role.
    public var subjects: [Subject] { get { self[list: "subjects"] } set { self[list: "subjects"] = newValue } }
    /// The role granted.
    public var roleRef: RoleRef { get { self[object: "roleRef"] } set { self[object: "roleRef"] = newValue } }
}

/// A list of role bindings.
public typealias RoleBindingList = ResourceList<RoleBinding>

/// rbac.authorization.k8s.io/v1 ClusterRoleBinding.
public struct ClusterRoleBinding: ClusterScopedResource {
    public static let apiVersion = "rbac.authorization.k8s.io/v1"
    public static let kind = "ClusterRoleBinding"
    public static let plural = "clusterrolebindings"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Who gets the role.
    public var subjects: [Subject] { get { self[list: "subjects"] } set { self[list: "subjects"] = newValue } }
    /// The role granted.
    public var roleRef: RoleRef { get { self[object: "roleRef"] } set { self[object: "roleRef"] = newValue } }
}

/// A list of cluster role bindings.
public typealias ClusterRoleBindingList = ResourceList<ClusterRoleBinding>

/// rbac.authorization.k8s.io/v1 Subject.
public struct Subject: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates a subject of a kind (`User`, `Group`, `ServiceAccount`).
    public init(kind: String, name: String, namespace: String? = nil, apiGroup: String? = nil) {
        self.init(json: .object(JSONObject()))
        self.kind = kind
        self.apiGroup = apiGroup
        self.name = name
        self.namespace = namespace
    }

    /// `User`, `Group` or `ServiceAccount`.
    public var kind: String { get { self[field: "kind"] ?? "" } set { self[field: "kind"] = newValue } }
    /// The API group of the referenced kind.
    public var apiGroup: String? { get { self[field: "apiGroup"] } set { self[field: "apiGroup"] = newValue } }
    /// The name.
    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
    /// The namespace of a ServiceAccount subject.
    public var namespace: String? { get { self[field: "namespace"] } set { self[field: "namespace"] = newValue } }
}

/// rbac.authorization.k8s.io/v1 RoleRef.
public struct RoleRef: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// References a Role or ClusterRole.
    public init(kind: String, name: String, apiGroup: String = "rbac.authorization.k8s.io") {
        self.init(json: .object(JSONObject()))
        self.apiGroup = apiGroup
        self.kind = kind
        self.name = name
    }

    /// The API group of the referenced kind.
    public var apiGroup: String { get { self[field: "apiGroup"] ?? "" } set { self[field: "apiGroup"] = newValue } }
    /// `Role` or `ClusterRole`.
    public var kind: String { get { self[field: "kind"] ?? "" } set { self[field: "kind"] = newValue } }
    /// The name.
    public var name: String { get { self[field: "name"] ?? "" } set { self[field: "name"] = newValue } }
}
