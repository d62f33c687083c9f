import KosmosAPI
import Logging

/// The half of owner-reference garbage collection that the local API server cannot do at delete time: objects
/// whose owners are already gone when they appear (e.g. a pod a ReplicaSet created while the ReplicaSet was being
/// deleted). An object all of whose owners are absent (no object with that name and uid) is deleted in the
/// background; one with only some owners absent loses those references.
///
/// Deleting an owner with `Background`, `Foreground` or `Orphan` propagation is handled by the server itself when
/// the owner is deleted (it deletes or orphans the dependents it then knows of), so this collector does not repeat
/// it. Owners are looked up in the caches first and confirmed with a live read before anything is deleted.
struct GarbageCollector: Reconciler {
    let client: KubeClient
    /// The collection whose objects are checked.
    let dependents: SharedInformer<DynamicObject>
    let resource: GroupVersionResource
    /// Caches of owner kinds by `Kind`; other kinds are read live.
    let ownerCaches: [String: SharedInformer<DynamicObject>]
    let logger: Logger

    func register(with controller: Controller) {
        controller.watch(dependents) { event in
            if case .deleted = event { return [] }
            return event.object.metadata.ownerReferences.isEmpty ? [] : [event.key]
        }
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        guard let object = dependents.store.get(key), !object.isTerminating else { return .done }
        let refs = object.metadata.ownerReferences
        guard !refs.isEmpty else { return .done }
        var absent: [OwnerReference] = []
        for ref in refs {
            if try await !ownerExists(ref, namespace: object.namespace) { absent.append(ref) }
        }
        guard !absent.isEmpty else { return .done }
        let objects = client.dynamic(resource)
        let ns: String? = resource.scope == .namespaced ? object.namespace : nil
        do {
            if absent.count == refs.count {
                logger.debug("deleting \(resource.resource) \(key): every owner is gone")
                try await objects.delete(namespace: ns, name: object.name, options: DeleteOptions(
                    propagationPolicy: .background, preconditionUID: object.uid))
            } else {
                let gone = Set(absent.map(\.uid))
                let left = refs.filter { !gone.contains($0.uid) }.map(\.json)
                _ = try await objects.patch(namespace: ns, name: object.name, patch: .merge([
                    "metadata": ["ownerReferences": .array(left),
                                 "resourceVersion": .string(object.metadata.resourceVersion ?? "")],
                ]))
            }
        } catch let e as KubeError where e.isNotFound || e.isConflict {
            // Gone or changed meanwhile; a change brings the object back here.
        }
        return .done
    }

    /// Whether an object with the reference's kind, name and uid exists; unknown kinds count as existing.
    private func ownerExists(_ ref: OwnerReference, namespace: String) async throws -> Bool {
        guard let gvr = ClusterResources.resource(apiVersion: ref.apiVersion, kind: ref.kind) else { return true }
        let ns: String? = gvr.scope == .namespaced ? namespace : nil
        if let cached = ownerCaches[ref.kind]?.store.get(namespace: ns, name: ref.name), cached.uid == ref.uid {
            return true
        }
        do {
            return try await client.dynamic(gvr).get(namespace: ns, name: ref.name).uid == ref.uid
        } catch let e as KubeError where e.isNotFound {
            return false
        }
    }
}
