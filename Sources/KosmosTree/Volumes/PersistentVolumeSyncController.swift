import KosmosAPI
import Logging

/// Brings member PersistentVolumes up into the host for one member cluster (cases §3.14):
///
/// - a member volume whose claim is a ClusterTree copy (`kosmos.io/global`) gets a host twin of the same name,
///   annotated `kosmos-io/cluster-owners: <cluster>`, its `claimRef` pointing at the host claim and its node
///   affinity at the leaf node; capacity, labels and status follow the member volume;
/// - the host claim is then bound to it (`spec.volumeName`, as a host volume binder would), after which the
///   claim's status comes up too (``DependencyKind/persistentVolumeClaims(clusterName:member:)``);
/// - when the member volume goes (or no longer belongs to a copied claim) the host twin is deleted.
///
/// Member volumes are never written: they belong to the member's provisioner, which deletes them after their
/// claim (deleted with the host claim) as their reclaim policy says. A host volume without this cluster's
/// owner annotation is never touched.
public final class PersistentVolumeSyncController: Sendable {
    /// The controller (exposed for readiness checks).
    public let controller: Controller

    private struct Shared: Sendable {
        let clusterName: String
        let plans: [LeafNodePlan]
        let host: KubeClient
        let volumes: Mirror<PersistentVolume, PersistentVolume>
        let memberVolumes: SharedInformer<PersistentVolume>
        let memberClaims: SharedInformer<PersistentVolumeClaim>
        let hostClaims: SharedInformer<PersistentVolumeClaim>
        let logger: Logger
    }

    /// Creates the controller; call ``run()`` to start it.
    /// - Parameters:
    ///   - clusterName: the member Cluster's name.
    ///   - plans: its leaf nodes.
    ///   - host: client of the host cluster.
    ///   - memberVolumes: informer of the member's volumes (run by the caller).
    ///   - memberClaims: informer of the member's claims (run by the caller).
    ///   - hostClaims: informer of the host's claims (run by the caller).
    ///   - hostVolumes: informer of the host's volumes (run by the caller): a twin changed or deleted on the host
    ///     is put right, and twins whose member volume went while the manager was down are found when it starts.
    ///   - logger: where failures go.
    public init(clusterName: String, plans: [LeafNodePlan], host: KubeClient,
                memberVolumes: SharedInformer<PersistentVolume>, memberClaims: SharedInformer<PersistentVolumeClaim>,
                hostClaims: SharedInformer<PersistentVolumeClaim>, hostVolumes: SharedInformer<PersistentVolume>,
                logger: Logger) {
        let volumes = Mirror<PersistentVolume, PersistentVolume>(
            name: "persistentvolumes from member cluster \(clusterName)", target: host,
            transform: { volume in
                let ref = volume.spec.claimRef
                guard let claim = hostClaims.store.get(namespace: ref?.namespace, name: ref?.name ?? "") else {
                    throw ClusterTreeError("PersistentVolume \(volume.metadata.name ?? ""): its claim "
                        + "\(ref?.namespace ?? "")/\(ref?.name ?? "") is not in the host cluster")
                }
                return VolumeConversion.hostVolume(from: volume, claim: claim, clusterName: clusterName, plans: plans)
            },
            marker: MirrorMarker(.annotation, key: KosmosKeys.clusterOwners, value: clusterName),
            update: { current, desired in
                var next = current
                next.metadata.labels = desired.metadata.labels
                next.spec.json["capacity"] = desired.spec.json["capacity"]
                // A host binder may add to the claim reference (its resourceVersion): only a different claim
                // counts.
                let (a, b) = (current.spec.claimRef, desired.spec.claimRef)
                if a?.uid != b?.uid || a?.name != b?.name || a?.namespace != b?.namespace {
                    next.spec.json["claimRef"] = desired.spec.json["claimRef"]
                }
                return next == current ? nil : next
            },
            deletion: .withSource(grace: { _ in nil }))
        let shared = Shared(clusterName: clusterName, plans: plans, host: host, volumes: volumes,
                            memberVolumes: memberVolumes, memberClaims: memberClaims, hostClaims: hostClaims,
                            logger: logger)
        controller = Controller(name: "clustertree-persistentvolumes-\(clusterName)",
                                reconciler: ReconcileFunction { key in try await Self.reconcile(key, shared) },
                                workers: 2, logger: logger)
        controller.watch(memberVolumes)
        controller.watch(hostVolumes) { event in
            volumes.marker.isMarked(event.object.metadata) ? [event.key] : []
        }
        controller.watch(memberClaims) { event in
            guard MirrorMarker.global.isMarked(event.object.metadata),
                  let volume = event.object.spec.volumeName, !volume.isEmpty else { return [] }
            return [ObjectKey(namespace: nil, name: volume)]
        }
        controller.watch(hostClaims) { event in
            let key = event.key
            guard let volume = memberClaims.store.get(key)?.spec.volumeName, !volume.isEmpty else { return [] }
            return [ObjectKey(namespace: nil, name: volume)]
        }
    }

    /// Reconciles until the task is cancelled (the informers must be running).
    public func run() async { await controller.run() }

    private static func reconcile(_ key: ObjectKey, _ s: Shared) async throws -> ReconcileResult {
        guard let volume = s.memberVolumes.store.get(key), !volume.metadata.isBeingDeleted,
              let ref = volume.spec.claimRef,
              let memberClaim = s.memberClaims.store.get(namespace: ref.namespace, name: ref.name ?? ""),
              MirrorMarker.global.isMarked(memberClaim.metadata),
              let hostClaim = s.hostClaims.store.get(namespace: ref.namespace, name: ref.name ?? "") else {
            try await s.volumes.remove(key, lastSource: nil)
            return .done
        }
        let outcome = try await s.volumes.ensure(volume)
        if case .foreign(let other) = outcome {
            let name = other.metadata.name ?? ""
            s.logger.info("host PersistentVolume \(name) is not a copy from cluster \(s.clusterName); left alone")
            return .done
        }
        var twin = outcome.object
        if twin.status != volume.status {
            twin.status = volume.status
            do { _ = try await s.host.updateStatus(twin) } catch let e as KubeError where e.isConflict {
                return .requeue
            }
        }
        try await bind(hostClaim, to: key.name, s)
        return .done
    }

    /// Names the volume in a host claim that names none yet (allowed once by the apiserver).
    private static func bind(_ claim: PersistentVolumeClaim, to volume: String, _ s: Shared) async throws {
        let current = claim.spec.volumeName ?? ""
        guard current.isEmpty else {
            if current != volume {
                s.logger.info("host claim \(claim.key) is bound to \(current), not \(volume) of \(s.clusterName)")
            }
            return
        }
        var next = claim
        next.spec.volumeName = volume
        next.metadata.annotations[VolumeConversion.bindCompleted] = "yes"
        next.metadata.annotations[VolumeConversion.boundByController] = "yes"
        do { _ = try await s.host.update(next) } catch let e as KubeError where e.isConflict {
            // A newer claim is on its way through the informer, which enqueues the volume again.
        }
    }
}
