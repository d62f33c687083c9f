/// core/v1 Node.
public struct Node: ClusterScopedResource {
    public static let apiVersion = "v1"
    public static let kind = "Node"
    public static let plural = "nodes"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: NodeSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
    /// The observed state.
    public var status: NodeStatus { get { self[object: "status"] } set { self[object: "status"] = newValue } }

    /// Whether the `Ready` condition is `True`.
    public var isReady: Bool { status.conditions[type: "Ready"]?.status == .true }
}

/// A list of nodes.
public typealias NodeList = ResourceList<Node>

/// core/v1 NodeSpec.
public struct NodeSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The pod CIDR assigned to the node.
    public var podCIDR: String? { get { self[field: "podCIDR"] } set { self[field: "podCIDR"] = newValue } }
    /// The pod CIDRs assigned to the node (one per family).
    public var podCIDRs: [String] { get { self[list: "podCIDRs"] } set { self[list: "podCIDRs"] = newValue } }
    /// The node's ID at its cloud provider.
    public var providerID: String? { get { self[field: "providerID"] } set { self[field: "providerID"] = newValue } }
    /// Whether new pods are kept off the node.
    public var unschedulable: Bool {
        get { self[field: "unschedulable"] ?? false }
        set { self[field: "unschedulable"] = newValue ? true : nil }
    }
    /// The node's taints.
    public var taints: [Taint] { get { self[list: "taints"] } set { self[list: "taints"] = newValue } }
}

/// core/v1 NodeStatus.
public struct NodeStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The node's total resources.
    public var capacity: [String: Quantity] {
        get { self[quantities: "capacity"] }
        set { self[quantities: "capacity"] = newValue }
    }
    /// Resources available to pods.
    public var allocatable: [String: Quantity] {
        get { self[quantities: "allocatable"] }
        set { self[quantities: "allocatable"] = newValue }
    }
    /// The conditions.
    public var conditions: [Condition] { get { self[list: "conditions"] } set { self[list: "conditions"] = newValue } }
    /// The node's addresses.
    public var addresses: [NodeAddress] { get { self[list: "addresses"] } set { self[list: "addresses"] = newValue } }
    /// Ports of the node's daemons (the kubelet).
    public var daemonEndpoints: NodeDaemonEndpoints {
        get { self[object: "daemonEndpoints"] }
        set { self[object: "daemonEndpoints"] = newValue }
    }
    /// Versions and IDs of the node's system.
    public var nodeInfo: NodeSystemInfo {
        get { self[object: "nodeInfo"] }
        set { self[object: "nodeInfo"] = newValue }
    }
    /// Container images on the node.
    public var images: [JSONValue] { get { self[list: "images"] } set { self[list: "images"] = newValue } }
    /// Volumes attached and mounted on the node.
    public var volumesInUse: [String] {
        get { self[list: "volumesInUse"] }
        set { self[list: "volumesInUse"] = newValue }
    }
}

/// core/v1 NodeAddress.
public struct NodeAddress: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates an address of a type (`InternalIP`, `Hostname`, ...).
    public init(type: String, address: String) {
        self.init(json: .object(JSONObject()))
        self.type = type
        self.address = address
    }

    /// `InternalIP`, `ExternalIP`, `Hostname`, `InternalDNS`, `ExternalDNS`.
    public var type: String { get { self[field: "type"] ?? "" } set { self[field: "type"] = newValue } }
    /// The address.
    public var address: String { get { self[field: "address"] ?? "" } set { self[field: "address"] = newValue } }
}

/// core/v1 NodeDaemonEndpoints.
public struct NodeDaemonEndpoints: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The kubelet port (`kubeletEndpoint.Port`, capitalised as on the wire).
    public var kubeletPort: Int32? {
        get { json["kubeletEndpoint"]?["Port"].flatMap { Int32(jsonValue: $0) } }
        set {
            var e = json["kubeletEndpoint"] ?? .object(JSONObject())
            e["Port"] = newValue.map { .int(Int64($0)) }
            json["kubeletEndpoint"] = e
        }
    }
}

/// core/v1 NodeSystemInfo.
public struct NodeSystemInfo: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The machine ID.
    public var machineID: String? { get { self[field: "machineID"] } set { self[field: "machineID"] = newValue } }
    /// The system UUID.
    public var systemUUID: String? { get { self[field: "systemUUID"] } set { self[field: "systemUUID"] = newValue } }
    /// The boot ID.
    public var bootID: String? { get { self[field: "bootID"] } set { self[field: "bootID"] = newValue } }
    /// The kernel version.
    public var kernelVersion: String? {
        get { self[field: "kernelVersion"] }
        set { self[field: "kernelVersion"] = newValue }
    }
    /// The OS image.
    public var osImage: String? { get { self[field: "osImage"] } set { self[field: "osImage"] = newValue } }
    /// The container runtime and its version.
    public var containerRuntimeVersion: String? {
        get { self[field: "containerRuntimeVersion"] }
        set { self[field: "containerRuntimeVersion"] = newValue }
    }
    /// The kubelet version.
    public var kubeletVersion: String? {
        get { self[field: "kubeletVersion"] }
        set { self[field: "kubeletVersion"] = newValue }
    }
    /// The kube-proxy version.
    public var kubeProxyVersion: String? {
        get { self[field: "kubeProxyVersion"] }
        set { self[field: "kubeProxyVersion"] = newValue }
    }
    /// The OS (`linux`).
    public var operatingSystem: String? {
        get { self[field: "operatingSystem"] }
        set { self[field: "operatingSystem"] = newValue }
    }
    /// The CPU architecture.
    public var architecture: String? {
        get { self[field: "architecture"] }
        set { self[field: "architecture"] = newValue }
    }
}
