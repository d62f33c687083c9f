import KosmosAPI
import Logging

/// How one kind of object that pods depend on (ConfigMap, Secret, ServiceAccount, PersistentVolumeClaim) follows
/// its pods from the host into a member cluster: a ``Mirror`` plus the rules around it.
public struct DependencyKind<Object: NamespacedResource>: Sendable {
    /// Host object to member copy.
    public var mirror: Mirror<Object, Object>
    /// The names of this kind a pod needs, each with whether the pod marks it optional.
    public var needs: @Sendable (PodDependencies) -> [String: Bool]
    /// Whether a copy that no pod of the member needs any longer is removed (ConfigMaps, Secrets,
    /// ServiceAccounts); `false` keeps it until the host object goes (claims: their data must outlive pods).
    public var removesUnneeded: Bool
    /// A change of the desired copy that depends on the leaf node of the pod that needs it.
    public var adjust: @Sendable (LeafNodePlan) -> (@Sendable (inout Object) -> Void)?
    /// The host object to write through the status subresource so that it reflects its member copy, or `nil`
    /// when nothing is to be written (or the kind reflects nothing back).
    public var reflect: (@Sendable (_ host: Object, _ copy: Object) -> Object?)?
    /// The source's key for a copy's key (the inverse of the mirror's `copyKey`).
    public var sourceKey: @Sendable (ObjectKey) -> ObjectKey

    /// Creates a dependency kind.
    /// - Parameters:
    ///   - mirror: host object to member copy.
    ///   - needs: the names of this kind a pod needs.
    ///   - removesUnneeded: remove copies no pod needs.
    ///   - adjust: per-leaf change of the desired copy.
    ///   - reflect: member copy to host status.
    ///   - sourceKey: a copy's key to its source's key, when the mirror renames.
    public init(mirror: Mirror<Object, Object>, needs: @escaping @Sendable (PodDependencies) -> [String: Bool],
                removesUnneeded: Bool = true,
                adjust: @escaping @Sendable (LeafNodePlan) -> (@Sendable (inout Object) -> Void)? = { _ in nil },
                reflect: (@Sendable (Object, Object) -> Object?)? = nil,
                sourceKey: @escaping @Sendable (ObjectKey) -> ObjectKey = { $0 }) {
        self.mirror = mirror
        self.needs = needs
        self.removesUnneeded = removesUnneeded
        self.adjust = adjust
        self.reflect = reflect
        self.sourceKey = sourceKey
    }
}

/// Makes a pod's dependencies exist in its member cluster before the pod is created there.
public protocol PodDependencySync: Sendable {
    /// Creates or refreshes the member copies of the objects `pod` needs and records the member cluster in each
    /// host object's `kosmos-io/cluster-owners`.
    /// - Parameters:
    ///   - pod: the host pod.
    ///   - needs: the pod's dependencies (`PodDependencies(of: pod)`, worked out once for every kind).
    ///   - plan: the leaf node it is bound to.
    /// - Throws: ``PodConversionError`` when a required object is missing in the host; ``MirrorError`` when a
    ///   copy cannot be written.
    func ensureCopies(for pod: Pod, needs: PodDependencies, plan: LeafNodePlan) async throws

    /// Makes `podController` reconcile the member's host pods that need an object as soon as it appears in the
    /// host, instead of after their retry backoff.
    /// - Parameter podController: the pod controller, which reconciles host pod keys.
    func wakesWaitingPods(of podController: Controller)

    /// Takes note that a host pod bound to one of the member's leaf nodes needs these objects (or needed them
    /// before a change), so that their copies are reconciled.
    /// - Parameters:
    ///   - needs: the pod's dependencies.
    ///   - namespace: the pod's namespace.
    func podNeeds(_ needs: PodDependencies, namespace: String)
}

/// Keeps the member copies of one dependency kind in step with the host, for one member cluster:
///
/// - a copy exists while a host pod bound to one of the member's leaf nodes needs the object; the pod path makes
///   it (``ensureCopies(for:plan:)``) before it creates the member pod;
/// - changes of the host object are carried to the copy (the mirror's update rule);
/// - the copy is deleted when the host object is deleted, and, for kinds that say so, when the last pod of the
///   member that needed it is gone; the member cluster then leaves the host object's `kosmos-io/cluster-owners`;
/// - with a reflect rule, the copy's status is written back to the host object.
///
/// A member object without the mirror's marker is never updated or deleted.
public final class DependencySyncController<Object: NamespacedResource>: PodDependencySync, Sendable {
    /// The controller (exposed for readiness checks).
    public let controller: Controller

    private struct Shared: Sendable {
        let clusterName: String
        let plans: [String: LeafNodePlan]
        let host: KubeClient
        let kind: DependencyKind<Object>
        let hostObjects: SharedInformer<Object>
        let hostPods: SharedInformer<Pod>
        let memberObjects: SharedInformer<Object>
    }
    private let shared: Shared

    /// Creates the controller; call ``run()`` to start it.
    /// - Parameters:
    ///   - clusterName: the member Cluster's name.
    ///   - plans: its leaf nodes.
    ///   - host: client of the host cluster.
    ///   - kind: the kind's rules; its mirror writes into the member.
    ///   - hostObjects: informer of the host objects of this kind (run by the caller).
    ///   - hostPods: informer of all host pods (run by the caller).
    ///   - memberObjects: informer of the member objects of this kind (run by the caller): a change of a copy
    ///     (its status, or its deletion) is reconciled, and copies left behind while the manager was down are
    ///     found when it starts.
    ///   - watchesHostPods: whether the controller follows `hostPods` itself; `false` when the pod controller
    ///     passes the changes on (``podNeeds(_:namespace:)``), so that the member's dependency kinds do not each
    ///     look at every change of every host pod.
    ///   - logger: where failures go.
    public init(clusterName: String, plans: [LeafNodePlan], host: KubeClient, kind: DependencyKind<Object>,
                hostObjects: SharedInformer<Object>, hostPods: SharedInformer<Pod>,
                memberObjects: SharedInformer<Object>, watchesHostPods: Bool = true, logger: Logger) {
        let byName = Dictionary(plans.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        Self.indexDependencies(hostPods)
        let shared = Shared(clusterName: clusterName, plans: byName, host: host, kind: kind,
                            hostObjects: hostObjects, hostPods: hostPods, memberObjects: memberObjects)
        self.shared = shared
        controller = Controller(name: "clustertree-\(Object.plural)-\(clusterName)",
                                reconciler: ReconcileFunction { key in try await Self.reconcile(key, shared) },
                                workers: 2, logger: logger)
        controller.watch(hostObjects) { event in
            var owners = [event.object.metadata.annotations[KosmosKeys.clusterOwners]]
            if case .updated(let old, _) = event { owners.append(old.metadata.annotations[KosmosKeys.clusterOwners]) }
            return owners.contains { ClusterOwners.has($0, clusterName) } ? [event.key] : []
        }
        if watchesHostPods {
            controller.watch(hostPods) { event in
                var keys: Set<ObjectKey> = []
                PodDependencies.changes(event, leaves: byName) { needs, ns in
                    for name in kind.needs(needs).keys { keys.insert(ObjectKey(namespace: ns, name: name)) }
                }
                return Array(keys)
            }
        }
        controller.watch(memberObjects) { event in
            kind.mirror.marker.isMarked(event.object.metadata) ? [kind.sourceKey(event.key)] : []
        }
    }

    /// Reconciles until the task is cancelled (the informers must be running).
    public func run() async { await controller.run() }

    public func ensureCopies(for pod: Pod, needs: PodDependencies, plan: LeafNodePlan) async throws {
        let s = shared
        let ns = pod.metadata.namespace ?? "default"
        for (name, optional) in s.kind.needs(needs).sorted(by: { $0.key < $1.key }) {
            guard let source = try await Self.hostObject(ns, name, s) else {
                if optional { continue }
                throw PodConversionError(pod: pod.key, field: "\(Object.kind) \(ns)/\(name)",
                                         message: "not found in the host cluster; the pod waits for it")
            }
            let outcome = try await s.kind.mirror.ensure(source, adjusting: s.kind.adjust(plan),
                                                         cached: Self.cachedCopy(source, s),
                                                         likelyAbsent: s.memberObjects.hasSynced)
            if case .foreign = outcome { continue }  // the pod uses the member's own object of that name
            try await Self.recordOwner(source, s)
        }
    }

    public func podNeeds(_ needs: PodDependencies, namespace: String) {
        for name in shared.kind.needs(needs).keys { controller.enqueue(ObjectKey(namespace: namespace, name: name)) }
    }

    public func wakesWaitingPods(of podController: Controller) {
        let s = shared
        podController.watch(s.hostObjects) { event in
            guard case .added = event else { return [] }
            return Self.needingPods(event.key, s).map { ObjectKey(of: $0) }
        }
    }

    // MARK: - Reconcile

    private static func reconcile(_ key: ObjectKey, _ s: Shared) async throws -> ReconcileResult {
        // Which pods need the object is read from the host pod cache: until it is filled, no copy is unneeded.
        guard s.hostPods.hasSynced else { return .requeueAfter(.seconds(1)) }
        guard let source = s.hostObjects.store.get(key), !source.metadata.isBeingDeleted else {
            // The host object is gone or going: so is its copy.
            try await s.kind.mirror.remove(key, lastSource: nil)
            return .done
        }
        let owned = ClusterOwners.has(source.metadata.annotations[KosmosKeys.clusterOwners], s.clusterName)
        let pods = needingPods(key, s)
        if pods.isEmpty {
            if s.kind.removesUnneeded {
                try await s.kind.mirror.remove(key, lastSource: source)
                if owned { try await forgetOwner(source, s) }
                return .done
            }
            if !owned { return .done }
        }
        let plan = pods.first.flatMap { s.plans[$0.spec.nodeName ?? ""] }
        let outcome = try await s.kind.mirror.ensure(source, adjusting: plan.flatMap(s.kind.adjust),
                                                     cached: cachedCopy(source, s))
        // A member object of that name that ClusterTree did not make is the member's: no copy to own.
        if case .foreign = outcome { return .done }
        if !owned { try await recordOwner(source, s) }
        if let reflect = s.kind.reflect, let next = reflect(source, outcome.object) {
            // A conflict means a newer host object is on its way through the informer.
            do { _ = try await s.host.updateStatus(next) } catch let e as KubeError where e.isConflict {}
        }
        return .done
    }

    /// The member informer's copy of a host object.
    private static func cachedCopy(_ source: Object, _ s: Shared) -> Object? {
        s.memberObjects.store.get(s.kind.mirror.copyKey(ObjectKey(of: source)))
    }

    /// Host pods bound to this member's leaf nodes that need the object.
    private static func needingPods(_ key: ObjectKey, _ s: Shared) -> [Pod] {
        let value = PodDependencies.indexValue(kind: Object.kind, namespace: key.namespace, name: key.name)
        let pods = (try? s.hostPods.store.byIndex(PodDependencies.indexName, value)) ?? []
        return pods.filter { s.plans[$0.spec.nodeName ?? ""] != nil }.sorted { ObjectKey(of: $0) < ObjectKey(of: $1) }
    }

    private static func hostObject(_ ns: String, _ name: String, _ s: Shared) async throws -> Object? {
        if let cached = s.hostObjects.store.get(namespace: ns, name: name) { return cached }
        // The cache may lag behind an object created just before its pod.
        do { return try await s.host.get(Object.self, namespace: ns, name: name) } catch let e as KubeError
            where e.isNotFound {
            return nil
        }
    }

    private static func recordOwner(_ object: Object, _ s: Shared) async throws {
        guard !ClusterOwners.has(object.metadata.annotations[KosmosKeys.clusterOwners], s.clusterName) else { return }
        try await changeOwners(object, s) { ClusterOwners.add($0, s.clusterName) }
    }

    private static func forgetOwner(_ object: Object, _ s: Shared) async throws {
        try await changeOwners(object, s) { ClusterOwners.remove($0, s.clusterName) }
    }

    /// Rewrites the owner list with the object's `resourceVersion` as precondition, so that two member
    /// clusters changing it at once do not lose each other's entry; on a conflict it reads the object again.
    private static func changeOwners(_ object: Object, _ s: Shared, _ change: (String?) -> String?) async throws {
        var current = object
        for _ in 0..<5 {
            let before = current.metadata.annotations[KosmosKeys.clusterOwners]
            let after = change(before)
            if after == before { return }
            var annotations = JSONObject()
            annotations.append(KosmosKeys.clusterOwners, after.map { .string($0) } ?? .null)
            var metadata = JSONObject()
            metadata.append("annotations", .object(annotations))
            if let version = current.metadata.resourceVersion { metadata.append("resourceVersion", .string(version)) }
            let name = current.metadata.name ?? ""
            let namespace = current.metadata.namespace ?? "default"
            do {
                _ = try await s.host.patch(Object.self, namespace: namespace, name: name,
                                           patch: .merge(["metadata": .object(metadata)]))
                return
            } catch let e as KubeError where e.isNotFound {
                return
            } catch let e as KubeError where e.isConflict {
                do { current = try await s.host.get(Object.self, namespace: namespace, name: name) }
                catch let e as KubeError where e.isNotFound { return }
            }
        }
        throw ClusterTreeError("\(Object.kind) \(object.key): annotation \(KosmosKeys.clusterOwners) kept changing")
    }

    /// Registers the pod index by dependency on the shared host pod store, once.
    private static func indexDependencies(_ pods: SharedInformer<Pod>) {
        if (try? pods.store.indexValues(PodDependencies.indexName)) != nil { return }
        pods.store.addIndex(PodDependencies.indexName) { pod in
            guard let node = pod.spec.nodeName, !node.isEmpty else { return [] }
            return PodDependencies(of: pod).indexValues(namespace: pod.metadata.namespace ?? "default")
        }
    }
}
