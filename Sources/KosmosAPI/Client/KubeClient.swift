#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Kubernetes API client over libcurl: typed verbs for `Resource` kinds, a dynamic client for any kind,
/// subresources, discovery, and watches, all through one request engine.
///
/// The engine reuses connections (keep-alive, HTTP/2 over TLS when offered), verifies TLS by default, limits
/// request rate on the client (QPS/burst), and retries with backoff and jitter: 429 on any verb (honouring
/// `Retry-After`), 5xx on GET/HEAD, connection failures on GET/HEAD or when nothing was sent.
///
/// ```swift
/// let client = try KubeClient.fromKubeconfig()
/// let cms = try await client.list(ConfigMap.self, namespace: "demo")
/// for try await event in try await client.watch(ConfigMap.self, namespace: "demo", options: .init()) { ... }
/// ```
///
/// Errors: `KubeError` (the server answered with a Status), `TransportError` (no answer), `KubeDecodingError`
/// (the answer was not the expected JSON).
public final class KubeClient: Sendable {
    /// The configuration this client was made from.
    public let config: ClientConfig
    let baseURL: String
    let settings: TransferSettings
    let throttle: RequestThrottle
    let credentials: CredentialSource
    let engine = CurlEngine.shared

    /// Creates a client.
    /// - Parameter config: where the server is and how to talk to it.
    /// - Throws: `TransportError` with kind `.configuration` when the URL is not http(s) or a certificate or key
    ///   file cannot be read.
    public init(config: ClientConfig) throws {
        self.config = config
        var server = config.server
        while server.hasSuffix("/") { server.removeLast() }
        guard server.hasPrefix("https://") || server.hasPrefix("http://") else {
            throw TransportError(kind: .configuration, request: config.origin,
                                 message: "server \"\(config.server)\" is not an http:// or https:// URL")
        }
        var s = TransferSettings()
        s.insecure = config.insecureSkipTLSVerify
        s.caData = config.certificateAuthorityData
        s.caFile = config.certificateAuthorityFile
        s.certData = config.clientCertificateData
        s.certFile = config.clientCertificateFile
        s.keyData = config.clientKeyData
        s.keyFile = config.clientKeyFile
        s.proxy = config.proxyURL
        s.connectTimeoutMs = max(1, config.connectTimeout.clientMilliseconds)
        s.timeoutMs = config.requestTimeout.map { max(1, $0.clientMilliseconds) }
        s.userAgent = config.userAgent
        s.http2 = config.http2
        for (what, file) in [("certificate-authority", s.caFile), ("client-certificate", s.certFile),
                             ("client-key", s.keyFile)] {
            if let file, access(file, R_OK) != 0 {
                throw TransportError(kind: .configuration, request: config.origin,
                                     message: "\(what) file \(file) cannot be read: \(String(cString: strerror(errno)))")
            }
        }
        if let name = config.tlsServerName, !name.isEmpty, let parts = ServerURLParts(server) {
            // Connect to the URL's host but speak TLS (SNI and verification) to `tls-server-name`.
            s.connectTo = "\(name):\(parts.port):\(parts.host):\(parts.port)"
            server = "\(parts.scheme)://\(name):\(parts.port)\(parts.path)"
        }
        baseURL = server
        settings = s
        throttle = RequestThrottle(qps: config.qps, burst: config.burst)
        credentials = CredentialSource(config: config)
    }

    /// The namespace used when a namespaced call or object names none (from the kubeconfig context).
    public var defaultNamespace: String { config.namespace }

    // MARK: - Typed verbs

    /// Reads one namespaced object.
    /// - Throws: `KubeError` (`isNotFound`, ...), `TransportError`, `KubeDecodingError`.
    public func get<R: NamespacedResource>(_: R.Type, namespace: String, name: String) async throws -> R {
        var r = R(json: try await getRaw(R.groupVersionResource, namespace: namespace, name: name, kind: R.kind))
        r.fillTypeMeta()
        return r
    }

    /// Reads one cluster-scoped object.
    /// - Throws: `KubeError`, `TransportError`, `KubeDecodingError`.
    public func get<R: ClusterScopedResource>(_: R.Type, name: String) async throws -> R {
        var r = R(json: try await getRaw(R.groupVersionResource, namespace: nil, name: name, kind: R.kind))
        r.fillTypeMeta()
        return r
    }

    /// Lists objects: one page when `options.limit` is set, else everything the server returns.
    /// - Parameters:
    ///   - namespace: the namespace; `nil` lists across all namespaces (and is ignored for cluster-scoped kinds).
    ///   - options: selectors, paging, resourceVersion.
    /// - Throws: `KubeError` (`isGone` for an expired continue token), `TransportError`, `KubeDecodingError`.
    public func list<R: Resource>(_: R.Type, namespace: String? = nil, options: ListOptions = .init()) async throws
        -> ResourceList<R>
    {
        ResourceList<R>(json: try await listRaw(R.groupVersionResource, namespace: namespace, options: options,
                                                kind: R.kind))
    }

    /// Lists every page, following continue tokens, and returns one list with all items.
    /// - Throws: as `list`.
    public func listAll<R: Resource>(_: R.Type, namespace: String? = nil, options: ListOptions = .init())
        async throws -> ResourceList<R>
    {
        ResourceList<R>(json: try await listAllRaw(R.groupVersionResource, namespace: namespace, options: options,
                                                   kind: R.kind))
    }

    /// Creates an object (in its own namespace, or the client's default namespace when it names none).
    /// - Returns: the object as stored, with uid, resourceVersion and server defaults.
    /// - Throws: `KubeError` (`isAlreadyExists`, `isInvalid`, ...), `TransportError`, `KubeDecodingError`.
    public func create<R: Resource>(_ object: R, options: WriteOptions = .init()) async throws -> R {
        let ns = R.scope == .namespaced ? (object.namespace ?? defaultNamespace) : nil
        var r = R(json: try await createRaw(R.groupVersionResource, namespace: ns, body: object.json,
                                            options: options, kind: R.kind))
        r.fillTypeMeta()
        return r
    }

    /// Replaces an object (PUT); with `metadata.resourceVersion` set, only if nobody changed it since.
    /// - Throws: `KubeError` (`isConflict` for a stale resourceVersion, ...), `TransportError`.
    public func update<R: Resource>(_ object: R, options: WriteOptions = .init()) async throws -> R {
        var r = R(json: try await updateRaw(R.groupVersionResource, namespace: scopedNamespace(object),
                                            name: object.name, subresource: nil, body: object.json,
                                            options: options, kind: R.kind))
        r.fillTypeMeta()
        return r
    }

    /// Replaces an object's status (PUT to the `status` subresource).
    /// - Throws: `KubeError`, `TransportError`.
    public func updateStatus<R: Resource>(_ object: R, options: WriteOptions = .init()) async throws -> R {
        var r = R(json: try await updateRaw(R.groupVersionResource, namespace: scopedNamespace(object),
                                            name: object.name, subresource: "status", body: object.json,
                                            options: options, kind: R.kind))
        r.fillTypeMeta()
        return r
    }

    /// Patches an object (or its `subresource`, e.g. `status`).
    /// - Throws: `KubeError` (`isConflict` for a server-side-apply conflict, `isInvalid`, ...), `TransportError`.
    public func patch<R: Resource>(_: R.Type, namespace: String?, name: String, patch: Patch,
                                   subresource: String? = nil, options: WriteOptions = .init()) async throws -> R
    {
        var r = R(json: try await patchRaw(R.groupVersionResource, namespace: namespace, name: name, patch: patch,
                                            subresource: subresource, options: options, kind: R.kind))
        r.fillTypeMeta()
        return r
    }

    /// Deletes an object. Objects with finalizers (and pods with a grace period) stay until those are done.
    /// - Throws: `KubeError` (`isNotFound`, `isConflict` for a failed precondition), `TransportError`.
    public func delete<R: Resource>(_: R.Type, namespace: String?, name: String,
                                    options: DeleteOptions = .init()) async throws
    {
        try await deleteRaw(R.groupVersionResource, namespace: namespace, name: name, options: options,
                            kind: R.kind)
    }

    /// Deletes every object of a kind matching `listOptions`' selectors.
    /// - Throws: `KubeError`, `TransportError`.
    public func deleteCollection<R: Resource>(_: R.Type, namespace: String?, listOptions: ListOptions = .init(),
                                              options: DeleteOptions = .init()) async throws
    {
        try await deleteCollectionRaw(R.groupVersionResource, namespace: namespace, listOptions: listOptions,
                                      options: options, kind: R.kind)
    }

    /// Watches a collection.
    /// - Parameters:
    ///   - namespace: the namespace; `nil` watches all namespaces.
    ///   - options: usually `resourceVersion` from a list, `allowWatchBookmarks`, `timeoutSeconds`.
    /// - Returns: the events; see `WatchStream`.
    /// - Throws: `KubeError` when the server refuses the watch, `TransportError`.
    public func watch<R: Resource>(_: R.Type, namespace: String? = nil, options: ListOptions) async throws
        -> WatchStream<R>
    {
        try await watchRaw(R.groupVersionResource, namespace: namespace, options: options, kind: R.kind)
    }

    /// A client for any kind, addressed by group, version and resource.
    public func dynamic(_ gvr: GroupVersionResource) -> DynamicResourceClient {
        DynamicResourceClient(client: self, resource: gvr)
    }

    func scopedNamespace<R: Resource>(_ object: R) -> String? {
        R.scope == .namespaced ? (object.namespace ?? defaultNamespace) : nil
    }
}
