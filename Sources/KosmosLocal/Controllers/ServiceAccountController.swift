import KosmosAPI
import Logging

/// Makes sure every live namespace has a `default` ServiceAccount (kube-controller-manager's serviceaccount
/// controller), recreating it when it is deleted.
struct ServiceAccountController: Reconciler {
    let client: KubeClient
    let namespaces: SharedInformer<DynamicObject>
    let serviceAccounts: SharedInformer<DynamicObject>
    let logger: Logger

    static let accountName = "default"

    func register(with controller: Controller) {
        controller.watch(namespaces)
        controller.watch(serviceAccounts) { event in
            guard case .deleted(let sa) = event, sa.name == Self.accountName else { return [] }
            return [ObjectKey(namespace: nil, name: sa.namespace)]
        }
    }

    func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        guard let ns = namespaces.store.get(key), !ns.isTerminating,
              ns.string("status", "phase") != "Terminating" else { return .done }
        if serviceAccounts.store.get(namespace: key.name, name: Self.accountName) != nil { return .done }
        let sa = DynamicObject(json: ["apiVersion": "v1", "kind": "ServiceAccount",
                                      "metadata": ["name": .string(Self.accountName), "namespace": .string(key.name)]])
        do {
            _ = try await client.dynamic(ClusterResources.serviceAccounts).create(sa)
            logger.debug("created serviceaccount \(key.name)/\(Self.accountName)")
        } catch let e as KubeError where e.isAlreadyExists || e.isNotFound || e.isForbidden {
            // Already there, or the namespace went away / is terminating meanwhile.
        }
        return .done
    }
}
