/// core/v1 Service.
public struct Service: NamespacedResource {
    public static let apiVersion = "v1"
    public static let kind = "Service"
    public static let plural = "services"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: ServiceSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
    /// The observed state.
    public var status: ServiceStatus { get { self[object: "status"] } set { self[object: "status"] = newValue } }
}

/// A list of services.
public typealias ServiceList = ResourceList<Service>

/// core/v1 ServiceSpec.
public struct ServiceSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// `ClusterIP` (default), `NodePort`, `LoadBalancer`, `ExternalName`.
    public var type: String { get { self[field: "type"] ?? "ClusterIP" } set { self[field: "type"] = newValue } }
    /// Pods selected as endpoints; empty for a selector-less service.
    public var selector: [String: String] { get { self[map: "selector"] } set { self[map: "selector"] = newValue } }
    /// The ports the service exposes.
    public var ports: [ServicePort] { get { self[list: "ports"] } set { self[list: "ports"] = newValue } }
    /// The virtual IP, `None` for a headless service.
    public var clusterIP: String? { get { self[field: "clusterIP"] } set { self[field: "clusterIP"] = newValue } }
    /// The cluster IPs (one per family).
    public var clusterIPs: [String] { get { self[list: "clusterIPs"] } set { self[list: "clusterIPs"] = newValue } }
    /// External IPs routed to the service.
    public var externalIPs: [String] { get { self[list: "externalIPs"] } set { self[list: "externalIPs"] = newValue } }
    /// The DNS name an `ExternalName` service aliases.
    public var externalName: String? {
        get { self[field: "externalName"] }
        set { self[field: "externalName"] = newValue }
    }
    /// `None` (default) or `ClientIP`.
    public var sessionAffinity: String? {
        get { self[field: "sessionAffinity"] }
        set { self[field: "sessionAffinity"] = newValue }
    }
    /// Settings of client-IP session affinity.
    public var sessionAffinityConfig: JSONValue? {
        get { self[field: "sessionAffinityConfig"] }
        set { self[field: "sessionAffinityConfig"] = newValue }
    }
    /// The requested load-balancer IP.
    public var loadBalancerIP: String? {
        get { self[field: "loadBalancerIP"] }
        set { self[field: "loadBalancerIP"] = newValue }
    }
    /// `Cluster` or `Local`.
    public var externalTrafficPolicy: String? {
        get { self[field: "externalTrafficPolicy"] }
        set { self[field: "externalTrafficPolicy"] = newValue }
    }
    /// `Cluster` or `Local`.
    public var internalTrafficPolicy: String? {
        get { self[field: "internalTrafficPolicy"] }
        set { self[field: "internalTrafficPolicy"] = newValue }
    }
    /// `IPv4` and/or `IPv6`.
    public var ipFamilies: [String] { get { self[list: "ipFamilies"] } set { self[list: "ipFamilies"] = newValue } }
    /// `SingleStack`, `PreferDualStack`, `RequireDualStack`.
    public var ipFamilyPolicy: String? {
        get { self[field: "ipFamilyPolicy"] }
        set { self[field: "ipFamilyPolicy"] = newValue }
    }
    /// Whether endpoints include pods that are not ready.
    public var publishNotReadyAddresses: Bool? {
        get { self[field: "publishNotReadyAddresses"] }
        set { self[field: "publishNotReadyAddresses"] = newValue }
    }
    /// The node port for load-balancer health checks.
    public var healthCheckNodePort: Int32? {
        get { self[field: "healthCheckNodePort"] }
        set { self[field: "healthCheckNodePort"] = newValue }
    }

    /// Whether the service is headless (`clusterIP: None`).
    public var isHeadless: Bool { clusterIP == "None" }
}

/// core/v1 ServicePort.
public struct ServicePort: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates a service port.
    public init(name: String? = nil, port: Int32, targetPort: IntOrString? = nil, protocol proto: String? = nil) {
        self.init(json: .object(JSONObject()))
        self.name = name
        self[field: "protocol"] = proto
        self.port = port
        self.targetPort = targetPort
    }

    /// The name.
    public var name: String? { get { self[field: "name"] } set { self[field: "name"] = newValue } }
    /// `TCP` when absent.
    public var `protocol`: String {
        get { self[field: "protocol"] ?? "TCP" }
        set { self[field: "protocol"] = newValue }
    }
    /// The application protocol.
    public var appProtocol: String? { get { self[field: "appProtocol"] } set { self[field: "appProtocol"] = newValue } }
    /// The port number.
    public var port: Int32 { get { self[field: "port"] ?? 0 } set { self[field: "port"] = newValue } }
    /// The pod port by number or name; defaults to `port` on the server.
    public var targetPort: IntOrString? {
        get { self[field: "targetPort"] }
        set { self[field: "targetPort"] = newValue }
    }
    /// The port on every node.
    public var nodePort: Int32? { get { self[field: "nodePort"] } set { self[field: "nodePort"] = newValue } }
}

/// core/v1 ServiceStatus.
public struct ServiceStatus: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// `{ingress: [{ip, hostname, ports}]}`.
    public var loadBalancer: JSONValue? {
        get { self[field: "loadBalancer"] }
        set { self[field: "loadBalancer"] = newValue }
    }
    /// The conditions.
    public var conditions: [Condition] { get { self[list: "conditions"] } set { self[list: "conditions"] = newValue } }
}

/// core/v1 Endpoints.
public struct Endpoints: NamespacedResource {
    public static let apiVersion = "v1"
    public static let kind = "Endpoints"
    public static let plural = "endpoints"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Groups of addresses with their ports.
    public var subsets: [EndpointSubset] { get { self[list: "subsets"] } set { self[list: "subsets"] = newValue } }
}

/// A list of endpoints objects.
public typealias EndpointsList = ResourceList<Endpoints>

/// core/v1 EndpointSubset.
public struct EndpointSubset: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Addresses of ready pods.
    public var addresses: [EndpointAddress] {
        get { self[list: "addresses"] }
        set { self[list: "addresses"] = newValue }
    }
    /// Addresses of pods not ready.
    public var notReadyAddresses: [EndpointAddress] {
        get { self[list: "notReadyAddresses"] }
        set { self[list: "notReadyAddresses"] = newValue }
    }
    /// The ports of the addresses.
    public var ports: [EndpointPort] { get { self[list: "ports"] } set { self[list: "ports"] = newValue } }
}

/// core/v1 EndpointAddress.
public struct EndpointAddress: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The IP address.
    public var ip: String { get { self[field: "ip"] ?? "" } set { self[field: "ip"] = newValue } }
    /// The host name.
    public var hostname: String? { get { self[field: "hostname"] } set { self[field: "hostname"] = newValue } }
    /// The node.
    public var nodeName: String? { get { self[field: "nodeName"] } set { self[field: "nodeName"] = newValue } }
    /// The object (pod) behind the address.
    public var targetRef: ObjectReference? {
        get { self[field: "targetRef"] }
        set { self[field: "targetRef"] = newValue }
    }
}

/// core/v1 EndpointPort and discovery/v1 EndpointPort (same fields).
public struct EndpointPort: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates an endpoint port.
    public init(name: String? = nil, port: Int32, protocol proto: String? = nil) {
        self.init(json: .object(JSONObject()))
        self.name = name
        self.port = port
        self[field: "protocol"] = proto
    }

    /// The name.
    public var name: String? { get { self[field: "name"] } set { self[field: "name"] = newValue } }
    /// The port number.
    public var port: Int32? { get { self[field: "port"] } set { self[field: "port"] = newValue } }
    /// `TCP` when absent.
    public var `protocol`: String {
        get { self[field: "protocol"] ?? "TCP" }
        set { self[field: "protocol"] = newValue }
    }
    /// The application protocol.
    public var appProtocol: String? { get { self[field: "appProtocol"] } set { self[field: "appProtocol"] = newValue } }
}

/// discovery/v1 EndpointSlice.
public struct EndpointSlice: NamespacedResource {
    public static let apiVersion = "discovery.k8s.io/v1"
    public static let kind = "EndpointSlice"
    public static let plural = "endpointslices"

    /// The label naming the service a slice belongs to.
    public static let serviceNameLabel = "kubernetes.io/service-name"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// `IPv4`, `IPv6` or `FQDN`.
    public var addressType: String {
        get { self[field: "addressType"] ?? "" }
        set { self[field: "addressType"] = newValue }
    }
    /// The endpoints.
    public var endpoints: [Endpoint] { get { self[list: "endpoints"] } set { self[list: "endpoints"] = newValue } }
    /// The ports of every endpoint.
    public var ports: [EndpointPort] { get { self[list: "ports"] } set { self[list: "ports"] = newValue } }

    /// discovery/v1 Endpoint.
    public struct Endpoint: JSONBacked {
        public var json: JSONValue
        public init(json: JSONValue) { self.json = json }

        /// The endpoint's addresses.
        public var addresses: [String] { get { self[list: "addresses"] } set { self[list: "addresses"] = newValue } }
        /// The conditions.
        public var conditions: Conditions {
            get { self[object: "conditions"] }
            set { self[object: "conditions"] = newValue }
        }
        /// The host name.
        public var hostname: String? { get { self[field: "hostname"] } set { self[field: "hostname"] = newValue } }
        /// The object (pod) behind the address.
        public var targetRef: ObjectReference? {
            get { self[field: "targetRef"] }
            set { self[field: "targetRef"] = newValue }
        }
        /// The node.
        public var nodeName: String? { get { self[field: "nodeName"] } set { self[field: "nodeName"] = newValue } }
        /// The zone of the endpoint.
        public var zone: String? { get { self[field: "zone"] } set { self[field: "zone"] = newValue } }
        /// Topology hints for routing.
        public var hints: JSONValue? { get { self[field: "hints"] } set { self[field: "hints"] = newValue } }
    }

    /// discovery/v1 EndpointConditions; an absent `ready` means ready.
    public struct Conditions: JSONBacked {
        public var json: JSONValue
        public init(json: JSONValue) { self.json = json }

        /// Whether the endpoint is ready for traffic.
        public var ready: Bool? { get { self[field: "ready"] } set { self[field: "ready"] = newValue } }
        /// Whether the endpoint serves, even while terminating.
        public var serving: Bool? { get { self[field: "serving"] } set { self[field: "serving"] = newValue } }
        /// Whether the endpoint is terminating.
        public var terminating: Bool? {
            get { self[field: "terminating"] }
            set { self[field: "terminating"] = newValue }
        }
    }
}

/// A list of endpoint slices.
public typealias EndpointSliceList = ResourceList<EndpointSlice>
