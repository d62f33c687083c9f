import KosmosAPI

extension DependencyKind where Object == PersistentVolumeClaim {
    /// PersistentVolumeClaims: created in the member before the pod (on a one-to-one leaf with
    /// `volume.kubernetes.io/selected-node` naming its member node), resized when the host claim's requests
    /// change, deleted with the host claim (never merely because no pod uses it: that would throw its data
    /// away), and their status reflected onto the host claim (cases §3.15).
    /// - Parameters:
    ///   - clusterName: the member Cluster's name.
    ///   - member: client of the member cluster.
    public static func persistentVolumeClaims(clusterName: String, member: KubeClient) -> Self {
        let mirror = Mirror<PersistentVolumeClaim, PersistentVolumeClaim>(
            name: "persistentvolumeclaims to member cluster \(clusterName)", target: member,
            transform: { VolumeConversion.memberClaim(from: $0) },
            marker: .global, update: { VolumeConversion.resized($0, to: $1) },
            deletion: .withSource(grace: { _ in nil }))
        return DependencyKind(
            mirror: mirror,
            needs: { deps in Dictionary(deps.persistentVolumeClaims.map { ($0, false) }) { a, _ in a } },
            removesUnneeded: false,
            adjust: { plan in
                guard plan.mode == .oneToOne, let node = plan.memberNodeName else { return nil }
                return { claim in claim.metadata.annotations[TreeKeys.selectedNode] = node }
            },
            reflect: { VolumeConversion.hostClaim($0, reflecting: $1) })
    }
}
