import KosmosAPI

/// The member copy's metadata: name, namespace, labels and annotations, without the owner list and without
/// annotations that only mean something in the host.
func memberCopyMeta(_ meta: ObjectMeta) -> ObjectMeta {
    var out = ObjectMeta()
    out.name = meta.name
    out.namespace = meta.namespace
    out.labels = meta.labels
    var annotations = meta.annotations
    for key in [KosmosKeys.clusterOwners, TreeKeys.selectedNode, TreeKeys.serviceAccountUID,
                "kubectl.kubernetes.io/last-applied-configuration"] {
        annotations[key] = nil
    }
    out.annotations = annotations
    return out
}

/// A mirror of host objects into a member: the copy has ``memberCopyMeta(_:)`` and the top-level `fields` of its
/// source, and is rewritten when its labels or `updatable` fields fall behind.
/// - Parameters:
///   - clusterName: the member Cluster's name.
///   - member: client of the member cluster.
///   - fields: the fields a new copy takes from its source.
///   - updatable: the fields kept in step afterwards (immutable ones left out).
///   - copyKey: the copy's key for a source key.
func memberCopyMirror<Object: NamespacedResource>(
    clusterName: String, member: KubeClient, fields: @escaping @Sendable (Object) -> [String],
    updatable: @escaping @Sendable (Object) -> [String],
    copyKey: @escaping @Sendable (ObjectKey) -> ObjectKey = { $0 }
) -> Mirror<Object, Object> {
    Mirror<Object, Object>(
        name: "\(Object.plural) to member cluster \(clusterName)", target: member,
        transform: { source in
            var copy = Object.new()
            copy.metadata = memberCopyMeta(source.metadata)
            copy.metadata.name = copyKey(ObjectKey(of: source)).name
            for field in fields(source) { copy.json[field] = source.json[field] }
            return copy
        },
        marker: .global,
        update: { current, desired in
            let kept = updatable(desired)
            guard current.metadata.labels != desired.metadata.labels
                || kept.contains(where: { current.json[$0] != desired.json[$0] }) else { return nil }
            var next = current
            next.metadata.labels = desired.metadata.labels
            for field in kept { next.json[field] = desired.json[field] }
            return next
        },
        deletion: .withSource(grace: { _ in nil }), copyKey: copyKey)
}

extension DependencyKind where Object == ConfigMap {
    /// ConfigMaps: data, binary data and labels follow the host (cases §3.8); the host's `kube-root-ca.crt` is
    /// copied as `master-root-ca.crt` so that it does not clash with the member's own CA.
    /// - Parameters:
    ///   - clusterName: the member Cluster's name.
    ///   - member: client of the member cluster.
    public static func configMaps(clusterName: String, member: KubeClient) -> Self {
        let mirror: Mirror<ConfigMap, ConfigMap> = memberCopyMirror(
            clusterName: clusterName, member: member, fields: { _ in ["data", "binaryData"] },
            updatable: { _ in ["data", "binaryData"] },
            copyKey: { key in
                key.name == TreeKeys.kubeRootCA ? ObjectKey(namespace: key.namespace, name: TreeKeys.masterRootCA) : key
            })
        return DependencyKind(mirror: mirror, needs: { $0.configMaps }, sourceKey: { key in
            key.name == TreeKeys.masterRootCA ? ObjectKey(namespace: key.namespace, name: TreeKeys.kubeRootCA) : key
        })
    }
}

extension DependencyKind where Object == Secret {
    /// Secrets: data and labels follow the host (cases §3.8; the type is immutable). A service-account token
    /// Secret is copied without its data and without the host account's uid, so that the member's token
    /// controller fills in a token of the member's own account: no host credential reaches the member.
    /// - Parameters:
    ///   - clusterName: the member Cluster's name.
    ///   - member: client of the member cluster.
    public static func secrets(clusterName: String, member: KubeClient) -> Self {
        let mirror: Mirror<Secret, Secret> = memberCopyMirror(
            clusterName: clusterName, member: member,
            fields: { isServiceAccountToken($0) ? ["type"] : ["type", "data"] },
            updatable: { isServiceAccountToken($0) ? [] : ["data"] })
        return DependencyKind(mirror: mirror, needs: { $0.secrets })
    }

    /// Whether a Secret holds a service-account token.
    static func isServiceAccountToken(_ secret: Secret) -> Bool {
        secret.json["type"]?.stringValue == "kubernetes.io/service-account-token"
    }
}
