extension KosmosCRDs {
    /// Creates or updates every Kosmos CRD in a cluster and waits until each kind is served.
    ///
    /// What `kubectl apply -f crds.yaml` followed by `kubectl wait --for condition=established` does. A CRD that
    /// exists is updated to ours (its resourceVersion kept), so running it again after an upgrade brings the
    /// schemas up to date.
    /// - Parameters:
    ///   - client: a client with rights to write CustomResourceDefinitions.
    ///   - timeout: how long to wait for the kinds to be served.
    /// - Throws: the first ``KubeError`` or transport error; a `KubeError` with reason `Timeout` when a kind is
    ///   still not served after `timeout`.
    public static func install(using client: KubeClient, timeout: Duration = .seconds(30)) async throws {
        for crd in all() {
            do {
                _ = try await client.create(crd)
            } catch let error as KubeError where error.isAlreadyExists {
                var current = try await client.get(CustomResourceDefinition.self, name: crd.name)
                var wanted = crd
                wanted.metadata.resourceVersion = current.metadata.resourceVersion
                current.json["spec"] = wanted.json["spec"]
                _ = try await client.update(current)
            }
        }
        let deadline = ContinuousClock.now + timeout
        for crd in all() {
            guard let version = crd.spec.versions.first?.name else { continue }
            let gvr = GroupVersionResource(
                apiVersion: "\(crd.spec.group)/\(version)", resource: crd.spec.names.plural,
                scope: crd.spec.scope == "Namespaced" ? .namespaced : .cluster)
            while true {
                do {
                    _ = try await client.dynamic(gvr).list(namespace: nil, options: ListOptions(limit: 1))
                    break
                } catch let error as KubeError where error.isNotFound && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }
}
