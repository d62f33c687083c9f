import KosmosAPI
import KosmosNet

/// Gives pods a real network when a simulated kubelet starts and stops them (e.g. a network namespace with a veth
/// per pod). Without a hook, pods get addresses in the API only.
///
/// Calls for one pod never overlap, and `podStopped` follows `podStarted` for the same pod uid. After a kubelet
/// restart `podStarted` is called again for pods that were already running, so both calls must be idempotent.
public protocol PodNetworkHook: Sendable {
    /// The pod got its addresses and is about to be reported Running.
    /// - Parameters:
    ///   - pod: the pod as the kubelet saw it (name, namespace, uid, spec).
    ///   - ips: its addresses, one per family of the node's podCIDRs, in podCIDR order.
    /// - Throws: any error; the kubelet keeps the pod Pending and retries with backoff.
    func podStarted(_ pod: DynamicObject, ips: [IPAddress]) async throws

    /// The pod is going away (deleted, or finished): its addresses are about to be released.
    /// - Parameter pod: the pod's last known state.
    /// - Throws: any error; it is logged and the pod is deleted anyway.
    func podStopped(_ pod: DynamicObject) async throws
}
