import KosmosAPI

/// A pod's claims resolved against the snapshot.
struct ResolvedClaims: Sendable {
    struct Claim: Sendable {
        var claim: PersistentVolumeClaim
        var volume: PersistentVolume?
        var owners: Set<String>
        /// The class of an unbound claim that is bound once its pod is scheduled (`WaitForFirstConsumer`): such
        /// a claim holds no pod back; its volume is provisioned on the node the pod gets.
        var delayedClass: StorageClass? = nil

        /// Whether the claim can get a volume on `node`: bound claims through their volume's node affinity,
        /// delayed ones through their class's allowed topologies; other unbound claims nowhere.
        func fits(_ node: NodeInfo) -> Bool {
            if let volume { return ResolvedClaims.volumeFits(volume, node) }
            return delayedClass?.allowsTopology(node.labels) ?? false
        }
    }
    var claims: [Claim]

    enum Resolution {
        case resolved(ResolvedClaims)
        case failed(PluginStatus)
    }

    /// Resolves the claims or explains, in kube-scheduler's words, why the pod cannot be scheduled anywhere.
    static func resolve(_ pod: PodInfo, _ snapshot: Snapshot) -> Resolution {
        var out: [Claim] = []
        for name in pod.claimNames {
            guard let pvc = snapshot.claims[pod.namespace + "/" + name] else {
                return .failed(
                    PluginStatus(.unschedulableAndUnresolvable, ["persistentvolumeclaim \"\(name)\" not found"]))
            }
            if pvc.metadata.isBeingDeleted {
                return .failed(
                    PluginStatus(.unschedulableAndUnresolvable, ["persistentvolumeclaim \"\(name)\" is being deleted"])
                )
            }
            let volumeName = pvc.spec.volumeName ?? ""
            if pvc.status.phase == "Lost" {
                return .failed(
                    PluginStatus(
                        .unschedulableAndUnresolvable,
                        ["persistentvolumeclaim \"\(name)\" bound to non-existent persistentvolume \"\(volumeName)\""])
                )
            }
            var owners = Self.owners(pvc.metadata.annotations)
            if volumeName.isEmpty {
                let delayed = snapshot.storageClasses[pvc.spec.storageClassName ?? ""]
                out.append(Claim(claim: pvc, volume: nil, owners: owners,
                                 delayedClass: delayed?.waitsForFirstConsumer == true ? delayed : nil))
                continue
            }
            guard let pv = snapshot.volumes[volumeName] else {
                return .failed(
                    PluginStatus(
                        .unschedulableAndUnresolvable,
                        ["persistentvolumeclaim \"\(name)\" bound to non-existent persistentvolume \"\(volumeName)\""])
                )
            }
            owners.formUnion(Self.owners(pv.metadata.annotations))
            out.append(Claim(claim: pvc, volume: pv, owners: owners))
        }
        return .resolved(ResolvedClaims(claims: out))
    }

    static func owners(_ annotations: [String: String]) -> Set<String> {
        Set(
            (annotations[KosmosKeys.clusterOwners] ?? "").split(separator: ",").map { String($0) }.filter {
                !$0.isEmpty
            })
    }

    /// kube-scheduler's answer for a node where a delayed claim cannot be provisioned.
    static let noVolumeToBind = PluginStatus(
        .unschedulable, ["node(s) didn't find available persistent volumes to bind"])

    /// Whether a PV's required node affinity admits the node (a PV without one admits every node).
    static func volumeFits(_ pv: PersistentVolume, _ node: NodeInfo) -> Bool {
        guard let req = pv.spec.nodeAffinity?.required else { return true }
        return CompiledNodeSelector(req).matches(labels: node.labels, name: node.name)
    }
}

/// Checks a pod's PersistentVolumeClaims: every claim must exist and be bound, or wait for its first consumer
/// (`WaitForFirstConsumer` class: its provisioner makes the volume on the pod's node, which the class's allowed
/// topologies must admit); each bound PV's node affinity must admit the node (kube-scheduler `VolumeBinding`).
public struct VolumeBinding: PreFilterPlugin, FilterPlugin {
    /// `VolumeBinding`.
    public let name = "VolumeBinding"
    /// The plugin.
    public init() {}

    public func preFilter(_ state: CycleState, pod: PodInfo, snapshot: Snapshot) -> PluginStatus {
        if pod.claimNames.isEmpty { return .skip }
        switch ResolvedClaims.resolve(pod, snapshot) {
        case .failed(let s): return s
        case .resolved(let r):
            if r.claims.contains(where: { $0.volume == nil && $0.delayedClass == nil }) {
                return PluginStatus(
                    .unschedulableAndUnresolvable, ["pod has unbound immediate PersistentVolumeClaims"])
            }
            state.write(name, r)
            return .success
        }
    }

    public func filter(_ state: CycleState, pod: PodInfo, node: NodeInfo) -> PluginStatus {
        guard let r = state.read(name, as: ResolvedClaims.self) else { return .success }
        for c in r.claims where !c.fits(node) {
            return c.volume == nil ? ResolvedClaims.noVolumeToBind
                : PluginStatus(.unschedulableAndUnresolvable, ["node(s) had volume node affinity conflict"])
        }
        return .success
    }
}
