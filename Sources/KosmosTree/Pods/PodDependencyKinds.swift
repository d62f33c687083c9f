import KosmosAPI

/// The member copy's metadata: name, namespace, labels and annotations, without the owner list and without
/// annotations that only mean something in the host.
func memberCopyMeta(_ meta: ObjectMeta) -> ObjectMeta {
    var out = ObjectMeta()
    out.name = meta.name
    out.namespace = meta.namespace
    out.labels = meta.labels
    var annotations = meta.annotations
    for key in [TreeKeys.clusterOwners, TreeKeys.selectedNode, TreeKeys.serviceAccountUID,
                "kubectl.kubernetes.io/last-applied-configuration"] {
        annotations[key] = nil
    }
    out.annotations = annotations
    return out
}

extension DependencyKind where Object == ConfigMap {
    /// ConfigMaps: data, binary data and labels follow the host (cases §3.8); the host's `kube-root-ca.crt` is
    /// copied as `master-root-ca.crt` so that it does not clash with the member's own CA.
    /// - Parameters:
    ///   - clusterName: the member Cluster's name.
    ///   - member: client of the member cluster.
    public static func configMaps(clusterName: String, member: KubeClient) -> Self {
        let mirror = Mirror<ConfigMap, ConfigMap>(
            name: "configmaps to member cluster \(clusterName)", target: member,
            transform: { cm in
                var copy = ConfigMap.new()
                copy.metadata = memberCopyMeta(cm.metadata)
                if cm.metadata.name == TreeKeys.kubeRootCA { copy.metadata.name = TreeKeys.masterRootCA }
                copy.json["data"] = cm.json["data"]
                copy.json["binaryData"] = cm.json["binaryData"]
                return copy
            },
            marker: .global,
            update: { current, desired in
                guard current.json["data"] != desired.json["data"]
                    || current.json["binaryData"] != desired.json["binaryData"]
                    || current.metadata.labels != desired.metadata.labels else { return nil }
                var next = current
                next.metadata.labels = desired.metadata.labels
                next.json["data"] = desired.json["data"]
                next.json["binaryData"] = desired.json["binaryData"]
                return next
            },
            deletion: .withSource(grace: { _ in nil }),
            copyKey: { key in
                key.name == TreeKeys.kubeRootCA ? ObjectKey(namespace: key.namespace, name: TreeKeys.masterRootCA) : key
            })
        return DependencyKind(mirror: mirror, needs: { $0.configMaps })
    }
}

extension DependencyKind where Object == Secret {
    /// Secrets: data, type and labels follow the host (cases §3.8). A service-account token Secret is copied
    /// without its data and without the host account's uid, so that the member's token controller fills in a
    /// token of the member's own account: no host credential reaches the member.
    /// - Parameters:
    ///   - clusterName: the member Cluster's name.
    ///   - member: client of the member cluster.
    public static func secrets(clusterName: String, member: KubeClient) -> Self {
        let mirror = Mirror<Secret, Secret>(
            name: "secrets to member cluster \(clusterName)", target: member,
            transform: { s in
                var copy = Secret.new()
                copy.metadata = memberCopyMeta(s.metadata)
                copy.json["type"] = s.json["type"]
                if !isServiceAccountToken(s) { copy.json["data"] = s.json["data"] }
                return copy
            },
            marker: .global,
            update: { current, desired in
                let data = isServiceAccountToken(desired) ? current.json["data"] : desired.json["data"]
                guard current.json["data"] != data || current.metadata.labels != desired.metadata.labels else {
                    return nil
                }
                var next = current
                next.metadata.labels = desired.metadata.labels
                next.json["data"] = data
                return next
            },
            deletion: .withSource(grace: { _ in nil }))
        return DependencyKind(mirror: mirror, needs: { $0.secrets })
    }

    /// Whether a Secret holds a service-account token.
    static func isServiceAccountToken(_ secret: Secret) -> Bool {
        secret.json["type"]?.stringValue == "kubernetes.io/service-account-token"
    }
}
