import KosmosAPI

/// The rules that carry claims down into a member cluster and volumes and claim status back up (cases §3.14,
/// §3.15).
public enum VolumeConversion {
    /// Node-affinity keys that name a single node; their values are rewritten to the leaf node.
    public static let hostnameKeys = ["kubernetes.io/hostname", "beta.kubernetes.io/hostname", "openebs.io/nodename"]

    /// Annotations the host's volume binder sets on a bound claim.
    static let bindCompleted = "pv.kubernetes.io/bind-completed"
    static let boundByController = "pv.kubernetes.io/bound-by-controller"

    /// The member copy of a host claim: its metadata (as other copies) and spec, without `volumeName` (the
    /// member binds its own volume, which then comes up under the same name).
    /// - Parameter claim: the host claim.
    public static func memberClaim(from claim: PersistentVolumeClaim) -> PersistentVolumeClaim {
        var copy = PersistentVolumeClaim.new()
        copy.metadata = memberCopyMeta(claim.metadata)
        for key in [bindCompleted, boundByController, "volume.beta.kubernetes.io/storage-provisioner",
                    "volume.kubernetes.io/storage-provisioner"] {
            copy.metadata.annotations[key] = nil
        }
        var spec = claim.spec
        spec.json["volumeName"] = JSONValue?.none
        copy.spec = spec
        return copy
    }

    /// The member claim to write when the host asks for more (or less) storage: the copy with the host's
    /// `spec.resources.requests`; `nil` when they already agree (the member validates a shrink).
    /// - Parameters:
    ///   - current: the member claim.
    ///   - desired: the desired copy.
    public static func resized(_ current: PersistentVolumeClaim, to desired: PersistentVolumeClaim)
        -> PersistentVolumeClaim? {
        let wanted = desired.spec.json["resources"]?["requests"]
        guard current.spec.json["resources"]?["requests"] != wanted else { return nil }
        var next = current
        var resources = next.spec.json["resources"] ?? .object(JSONObject())
        if resources == .null { resources = .object(JSONObject()) }
        resources["requests"] = wanted
        next.spec.json["resources"] = resources
        return next
    }

    /// The host claim with the member claim's status (phase, capacity, access modes, conditions), or `nil` when
    /// there is nothing to write. A member claim that is Bound is reflected only once the host claim names its
    /// volume (``hostVolume(from:claim:clusterName:plans:)`` brings that volume up): a host claim Bound without a
    /// volume would be declared Lost by a host volume binder.
    /// - Parameters:
    ///   - host: the host claim.
    ///   - member: its member copy.
    public static func hostClaim(_ host: PersistentVolumeClaim, reflecting member: PersistentVolumeClaim)
        -> PersistentVolumeClaim? {
        if member.status.phase == "Bound", (host.spec.volumeName ?? "").isEmpty { return nil }
        var status = host.status
        for field in ["phase", "capacity", "accessModes", "conditions", "allocatedResources", "resizeStatus",
                      "allocatedResourceStatuses"] {
            status.json[field] = member.status.json[field]
        }
        guard status != host.status else { return nil }
        var next = host
        next.status = status
        return next
    }

    /// The host copy of a member volume bound to a claim ClusterTree copied: metadata without the member's
    /// identity plus `kosmos-io/cluster-owners: <cluster>`, the spec with `claimRef` pointing at the host claim
    /// (its uid) and every node-name requirement of the node affinity pointing at the leaf node (cases §3.14).
    /// - Parameters:
    ///   - volume: the member volume.
    ///   - claim: the host claim it is bound to.
    ///   - clusterName: the member Cluster's name.
    ///   - plans: the member's leaf nodes.
    public static func hostVolume(from volume: PersistentVolume, claim: PersistentVolumeClaim, clusterName: String,
                                  plans: [LeafNodePlan]) -> PersistentVolume {
        var copy = PersistentVolume.new()
        var meta = ObjectMeta()
        meta.name = volume.metadata.name
        meta.labels = volume.metadata.labels
        meta.annotations = volume.metadata.annotations
        meta.annotations[KosmosKeys.clusterOwners] = clusterName
        copy.metadata = meta
        var spec = volume.spec
        if var ref = spec.json["claimRef"], ref != .null {
            ref["uid"] = claim.metadata.uid.map { .string($0) }
            ref["resourceVersion"] = JSONValue?.none
            spec.json["claimRef"] = ref
        }
        if let required = spec.json["nodeAffinity"]?["required"], required != .null {
            let memberNode = memberNodeName(required)
            let leaf = leafNodeName(forMemberNode: memberNode, clusterName: clusterName, plans: plans)
            spec.json["nodeAffinity"] = ["required": pointing(required, at: leaf)]
        }
        copy.spec = spec
        return copy
    }

    /// The member node named by a volume's node selector (the last hostname-like requirement wins, as upstream).
    static func memberNodeName(_ selector: JSONValue) -> String? {
        var found: String?
        for term in selector["nodeSelectorTerms"]?.arrayValue ?? [] {
            for part in ["matchExpressions", "matchFields"] {
                for requirement in term[part]?.arrayValue ?? [] {
                    guard let key = requirement["key"]?.stringValue, hostnameKeys.contains(key) else { continue }
                    if let value = requirement["values"]?.arrayValue?.first?.stringValue { found = value }
                }
            }
        }
        return found
    }

    /// The leaf node standing for a member node: its one-to-one leaf, else the whole-cluster leaf, else the
    /// first leaf (a party); `kosmos-<cluster>` when the cluster has no leaf at all.
    static func leafNodeName(forMemberNode memberNode: String?, clusterName: String, plans: [LeafNodePlan]) -> String {
        if let memberNode, let plan = plans.first(where: { $0.mode == .oneToOne && $0.memberNodeName == memberNode }) {
            return plan.name
        }
        if let plan = plans.first(where: { $0.mode == .wholeCluster }) { return plan.name }
        return plans.first(where: { $0.mode == .party })?.name ?? "kosmos-\(clusterName)"
    }

    /// The selector with the values of every hostname-like requirement replaced by the leaf node.
    static func pointing(_ selector: JSONValue, at leaf: String) -> JSONValue {
        var out = selector
        guard let terms = selector["nodeSelectorTerms"]?.arrayValue else { return out }
        out["nodeSelectorTerms"] = .array(terms.map { term in
            var term = term
            for part in ["matchExpressions", "matchFields"] {
                guard let requirements = term[part]?.arrayValue else { continue }
                term[part] = .array(requirements.map { r in
                    guard let key = r["key"]?.stringValue, hostnameKeys.contains(key) else { return r }
                    var r = r
                    r["values"] = [.string(leaf)]
                    return r
                })
            }
            return term
        })
        return out
    }
}
