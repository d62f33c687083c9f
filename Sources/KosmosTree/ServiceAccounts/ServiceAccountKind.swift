import KosmosAPI

extension DependencyKind where Object == ServiceAccount {
    /// ServiceAccounts: a pod's account (other than `default`, which every member namespace has of its own) is
    /// created in the member with its labels, annotations and `automountServiceAccountToken`, so that the member
    /// pod runs as an account of the member: the member's admission mounts a token its own apiserver issued and
    /// its own CA. The host account's token Secrets and image pull Secrets are not carried over (a pod's pull
    /// Secrets are copied as pod dependencies).
    /// - Parameters:
    ///   - clusterName: the member Cluster's name.
    ///   - member: client of the member cluster.
    public static func serviceAccounts(clusterName: String, member: KubeClient) -> Self {
        let mirror: Mirror<ServiceAccount, ServiceAccount> = memberCopyMirror(
            clusterName: clusterName, member: member, fields: { _ in ["automountServiceAccountToken"] },
            updatable: { _ in ["automountServiceAccountToken"] })
        return DependencyKind(mirror: mirror, needs: { deps in
            deps.serviceAccount == defaultAccount ? [:] : [deps.serviceAccount: false]
        })
    }

    /// The account every namespace has.
    static let defaultAccount = "default"
}
