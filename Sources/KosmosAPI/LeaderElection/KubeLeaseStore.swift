/// A `coordination.k8s.io/v1` Lease in a cluster, as a leader election's shared lock.
///
/// Updates are PUTs carrying the resourceVersion last read, so the API server rejects (409 Conflict) a write
/// based on a stale read: that is the optimistic concurrency the elector's safety relies on.
public struct KubeLeaseStore: LeaseStore {
    /// The client.
    public let client: KubeClient
    /// The Lease's namespace.
    public let namespace: String
    /// The Lease's name.
    public let name: String

    /// - Parameters:
    ///   - client: the cluster.
    ///   - namespace: the Lease's namespace (e.g. `kube-system`).
    ///   - name: the Lease's name (e.g. the component's name).
    public init(client: KubeClient, namespace: String, name: String) {
        self.client = client
        self.namespace = namespace
        self.name = name
    }

    /// `namespace/name` of the Lease, for log messages.
    public var leaseDescription: String { "\(namespace)/\(name)" }

    /// Reads the Lease.
    /// - Returns: the Lease as read, or `nil` when it does not exist.
    /// - Throws: `KubeError` or `TransportError`.
    public func get() async throws -> LeaseSnapshot? {
        do {
            return LeaseSnapshot(lease: try await client.get(Lease.self, namespace: namespace, name: name).dynamic)
        } catch let e as KubeError where e.isNotFound {
            return nil
        }
    }

    /// Creates the Lease holding `record`.
    /// - Returns: the created Lease.
    /// - Throws: `KubeError` (`isAlreadyExists` when another candidate created it first) or `TransportError`.
    public func create(_ record: LeaderElectionRecord) async throws -> LeaseSnapshot {
        var lease = Lease(name: name, namespace: namespace).dynamic
        record.apply(to: &lease)
        return LeaseSnapshot(lease: try await client.create(Lease(lease)).dynamic)
    }

    /// Writes `record` into the Lease read as `snapshot`, on the condition that nobody wrote it since.
    /// - Returns: the updated Lease.
    /// - Throws: `KubeError` (`isConflict` when the Lease changed since `snapshot`) or `TransportError`.
    public func update(_ snapshot: LeaseSnapshot, to record: LeaderElectionRecord) async throws -> LeaseSnapshot {
        var lease = snapshot.lease
        lease.metadata.resourceVersion = snapshot.resourceVersion
        record.apply(to: &lease)
        return LeaseSnapshot(lease: try await client.update(Lease(lease)).dynamic)
    }
}
