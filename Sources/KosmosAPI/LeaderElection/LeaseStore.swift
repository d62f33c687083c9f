/// The leader-election fields of a `coordination.k8s.io/v1` Lease's `spec` (client-go's
/// `LeaderElectionRecord`).
public struct LeaderElectionRecord: Sendable, Hashable {
    /// Who holds the lease; empty when released.
    public var holderIdentity: String
    /// How long the holder may go without renewing before others may take over.
    public var leaseDurationSeconds: Int
    /// When the current holder acquired the lease (RFC 3339 with microseconds).
    public var acquireTime: String?
    /// When the holder last renewed (RFC 3339 with microseconds).
    public var renewTime: String?
    /// How many times the lease changed hands.
    public var leaseTransitions: Int

    /// Creates a record; times are RFC 3339 with microseconds, as `MicroTime` prints them.
    public init(holderIdentity: String, leaseDurationSeconds: Int, acquireTime: String? = nil,
                renewTime: String? = nil, leaseTransitions: Int = 0) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }

    /// Reads the record from a Lease object's `spec`.
    public init(lease: DynamicObject) {
        let spec = lease.json["spec"]
        holderIdentity = spec?["holderIdentity"]?.stringValue ?? ""
        leaseDurationSeconds = Int(spec?["leaseDurationSeconds"]?.intValue ?? 0)
        acquireTime = spec?["acquireTime"]?.stringValue
        renewTime = spec?["renewTime"]?.stringValue
        leaseTransitions = Int(spec?["leaseTransitions"]?.intValue ?? 0)
    }

    /// Writes the record into a Lease object's `spec`, keeping every other field of the object.
    public func apply(to lease: inout DynamicObject) {
        var spec = lease.json["spec"]?.objectValue ?? JSONObject()
        spec["holderIdentity"] = holderIdentity.isEmpty ? nil : .string(holderIdentity)
        spec["leaseDurationSeconds"] = .int(Int64(leaseDurationSeconds))
        spec["acquireTime"] = acquireTime.map { .string($0) }
        spec["renewTime"] = renewTime.map { .string($0) }
        spec["leaseTransitions"] = .int(Int64(leaseTransitions))
        lease.json["spec"] = .object(spec)
    }
}

/// A Lease as last read: its record, its resourceVersion (for optimistic concurrency) and the whole object (so an
/// update keeps fields the elector does not know).
public struct LeaseSnapshot: Sendable, Hashable {
    /// The leader-election fields.
    public var record: LeaderElectionRecord
    /// The object's `metadata.resourceVersion`.
    public var resourceVersion: String
    /// The whole Lease object.
    public var lease: DynamicObject

    /// Takes a Lease as read from the server.
    public init(lease: DynamicObject) {
        self.lease = lease
        record = LeaderElectionRecord(lease: lease)
        resourceVersion = lease.metadata.resourceVersion ?? ""
    }
}

/// Where a leader elector keeps its lease: one `coordination.k8s.io/v1` Lease with optimistic concurrency
/// (client-go's `resourcelock.Interface`). `KubeLeaseStore` keeps it in a cluster.
public protocol LeaseStore: Sendable {
    /// Names the lease in logs and errors, e.g. `kube-system/kosmos-scheduler`.
    var leaseDescription: String { get }

    /// Reads the lease.
    /// - Returns: the lease, or `nil` when it does not exist.
    /// - Throws: on any failure other than not-found.
    func get() async throws -> LeaseSnapshot?

    /// Creates the lease with `record`.
    /// - Throws: when it already exists or cannot be created.
    func create(_ record: LeaderElectionRecord) async throws -> LeaseSnapshot

    /// Replaces the record of the lease read as `snapshot`.
    /// - Throws: a conflict when the lease changed since `snapshot` (its resourceVersion differs), or any failure.
    func update(_ snapshot: LeaseSnapshot, to record: LeaderElectionRecord) async throws -> LeaseSnapshot
}
