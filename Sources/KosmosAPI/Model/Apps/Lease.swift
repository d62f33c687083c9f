/// coordination.k8s.io/v1 Lease: leader election and node heartbeats.
public struct Lease: NamespacedResource {
    public static let apiVersion = "coordination.k8s.io/v1"
    public static let kind = "Lease"
    public static let plural = "leases"

    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// The desired state.
    public var spec: LeaseSpec { get { self[object: "spec"] } set { self[object: "spec"] = newValue } }
}

/// A list of leases.
public typealias LeaseList = ResourceList<Lease>

/// coordination.k8s.io/v1 LeaseSpec.
public struct LeaseSpec: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Who holds the lease.
    public var holderIdentity: String? {
        get { self[field: "holderIdentity"] }
        set { self[field: "holderIdentity"] = newValue }
    }
    /// How long the holder may go without renewing.
    public var leaseDurationSeconds: Int32? {
        get { self[field: "leaseDurationSeconds"] }
        set { self[field: "leaseDurationSeconds"] = newValue }
    }
    /// When the current holder acquired the lease.
    public var acquireTime: MicroTime? {
        get { self[field: "acquireTime"] }
        set { self[field: "acquireTime"] = newValue }
    }
    /// When the holder last renewed the lease.
    public var renewTime: MicroTime? { get { self[field: "renewTime"] } set { self[field: "renewTime"] = newValue } }
    /// How many times the lease changed hands.
    public var leaseTransitions: Int32? {
        get { self[field: "leaseTransitions"] }
        set { self[field: "leaseTransitions"] = newValue }
    }
    /// The leader-election strategy.
    public var strategy: String? { get { self[field: "strategy"] } set { self[field: "strategy"] = newValue } }
    /// The identity that should hold the lease next (coordinated leader election).
    public var preferredHolder: String? {
        get { self[field: "preferredHolder"] }
        set { self[field: "preferredHolder"] = newValue }
    }
}
