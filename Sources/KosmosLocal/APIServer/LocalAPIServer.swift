import Foundation
import KosmosAPI
import NIOCore
import NIOSSL

/// A Kubernetes-compatible API server for local clusters: HTTPS (or HTTP) on loopback, bearer-token
/// authentication, objects in one SQLite file in its data directory.
///
/// ```swift
/// let server = try LocalAPIServer(configuration: .init(dataDirectory: "/tmp/c1"))
/// try await server.start()
/// print(server.kubeconfigPath)   // kubectl --kubeconfig <path> get pods
/// try await server.shutdown()
/// ```
public final class LocalAPIServer: Sendable {
    /// How to run the server.
    public struct Configuration: Sendable {
        /// Directory for the database, certificates, token and kubeconfig (created when missing).
        public var dataDirectory: String
        /// Address to listen on.
        public var host: String
        /// TCP port; 0 picks a free one.
        public var port: Int
        /// Serve HTTPS with a generated CA (default); `false` serves plain HTTP (tests).
        public var tls: Bool
        /// Range for Service cluster IPs; the first address is the `kubernetes` Service.
        public var serviceCIDR: String
        /// Range from which each Node gets a /24 podCIDR.
        public var clusterCIDR: String
        /// Name used for the kubeconfig cluster, user and context.
        public var clusterName: String
        /// How many changes the watch history keeps; older resourceVersions get 410 Expired.
        public var eventHistoryLimit: Int
        /// Whether requests need the bearer token (always true for TLS; plain HTTP may turn it off).
        public var requireToken: Bool
        /// Event loop threads.
        public var threads: Int

        public init(dataDirectory: String, host: String = "127.0.0.1", port: Int = 0, tls: Bool = true,
                    serviceCIDR: String = "10.96.0.0/12", clusterCIDR: String = "10.244.0.0/16",
                    clusterName: String = "kosmos-local", eventHistoryLimit: Int = 10_000,
                    requireToken: Bool = true, threads: Int = System.coreCount) {
            self.dataDirectory = dataDirectory
            self.host = host
            self.port = port
            self.tls = tls
            self.serviceCIDR = serviceCIDR
            self.clusterCIDR = clusterCIDR
            self.clusterName = clusterName
            self.eventHistoryLimit = eventHistoryLimit
            self.requireToken = requireToken
            self.threads = threads
        }
    }

    public let configuration: Configuration
    /// The bearer token clients must send.
    public let token: String
    /// Path of the kubeconfig written by `start()`.
    public let kubeconfigPath: String
    /// Path of the CA certificate (PEM) when serving HTTPS.
    public let caPEMPath: String?
    let store: ClusterObjectStore
    let registry: ResourceRegistry
    let handler: APIHandler
    private let http: HTTPServer
    private let boundURL = LockedBox<String>("")

    /// Opens the data directory: database, token, certificates.
    /// - Throws: `LocalAPIServerError` naming the file or tool that failed, or `SQLiteError`.
    public init(configuration: Configuration) throws {
        self.configuration = configuration
        let dir = configuration.dataDirectory
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw LocalAPIServerError(message: "create data directory \(dir): \(error)")
        }
        token = try Credentials.ensureToken(in: dir)
        kubeconfigPath = "\(dir)/kubeconfig"
        var ssl: NIOSSLContext?
        if configuration.tls {
            try Credentials.ensureCertificates(in: dir)
            caPEMPath = "\(dir)/ca.crt"
            do {
                let chain = try NIOSSLCertificate.fromPEMFile("\(dir)/server.crt").map { NIOSSLCertificateSource.certificate($0) }
                let key = try NIOSSLPrivateKey(file: "\(dir)/server.key", format: .pem)
                let tlsConfig = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
                ssl = try NIOSSLContext(configuration: tlsConfig)
            } catch {
                throw LocalAPIServerError(message: "load TLS certificate from \(dir): \(error)")
            }
        } else {
            caPEMPath = nil
        }
        guard let ips = IPAllocator(cidr: configuration.serviceCIDR) else {
            throw LocalAPIServerError(message: "service CIDR \(configuration.serviceCIDR) is not a valid CIDR")
        }
        guard let subnets = SubnetAllocator(cidr: configuration.clusterCIDR) else {
            throw LocalAPIServerError(message: "cluster CIDR \(configuration.clusterCIDR) is not a valid CIDR")
        }
        store = try ClusterObjectStore(path: "\(dir)/state.db", historyLimit: configuration.eventHistoryLimit)
        registry = ResourceRegistry()
        handler = APIHandler(store: store, registry: registry,
                             token: configuration.requireToken || configuration.tls ? token : nil,
                             serviceIPs: ips, podCIDRs: subnets, clusterName: configuration.clusterName)
        http = HTTPServer(handler: handler, sslContext: ssl, threads: configuration.threads)
    }

    /// The base URL (`https://127.0.0.1:PORT`), known once `start()` returned.
    public var url: String { boundURL.get() }

    /// Binds the port, prepares the built-in objects (namespaces, the `kubernetes` Service) and writes the
    /// kubeconfig.
    public func start() async throws {
        try bootstrap()
        let port = try await http.start(host: configuration.host, port: configuration.port)
        let hostPart = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let url = "\(configuration.tls ? "https" : "http")://\(hostPart):\(port)"
        boundURL.set(url)
        handler.serverAddress.set("\(hostPart):\(port)")
        let ca = try caPEMPath.map { try String(contentsOfFile: $0, encoding: .utf8) }
        try Credentials.writeKubeconfig(path: kubeconfigPath, clusterName: configuration.clusterName, server: url,
                                        token: token, caPEM: ca)
    }

    /// Stops accepting, ends watches and closes the database.
    public func shutdown() async throws {
        try await http.shutdown()
        store.close()
    }

    private func bootstrap() throws {
        // Re-register CRDs and re-reserve allocations from what is stored.
        for (_, crd) in store.list("apiextensions.k8s.io/customresourcedefinitions", namespace: nil).items {
            registry.register(crd: crd.object)
        }
        for (_, svc) in store.list("core/services", namespace: nil).items {
            if let ip = svc.object["spec"]?["clusterIP"]?.stringValue { _ = handler.serviceIPs.reserve(ip) }
        }
        for (_, node) in store.list("core/nodes", namespace: nil).items {
            if let c = node.object["spec"]?["podCIDR"]?.stringValue { handler.podCIDRs.reserve(c) }
        }
        _ = handler.serviceIPs.reserve(handler.serviceIPs.firstAddress)
        let request = APIRequest(method: .POST, uri: "/", headers: ["User-Agent": "kube-apiserver/v1.32"], body: [])
        let nsInfo = registry.lookup(group: "", version: "v1", resource: "namespaces")!
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"]
        where store.get("core/namespaces", namespace: "", name: ns) == nil {
            _ = try? handler.createObject(["kind": "Namespace", "apiVersion": "v1", "metadata": ["name": .string(ns)]],
                                          info: nsInfo, namespace: "", request: request, operation: "Update")
        }
        if store.get("core/services", namespace: "default", name: "kubernetes") == nil {
            let svcInfo = registry.lookup(group: "", version: "v1", resource: "services")!
            let svc: JSONValue = [
                "kind": "Service", "apiVersion": "v1",
                "metadata": ["name": "kubernetes", "labels": ["component": "apiserver", "provider": "kubernetes"]],
                "spec": ["ports": [["name": "https", "protocol": "TCP", "port": 443, "targetPort": 6443]],
                         "clusterIP": .string(handler.serviceIPs.firstAddress), "type": "ClusterIP"],
            ]
            handler.serviceIPs.release(handler.serviceIPs.firstAddress)
            _ = try? handler.createObject(svc, info: svcInfo, namespace: "default", request: request,
                                          operation: "Update")
        }
        for (_, ns) in store.list("core/namespaces", namespace: nil).items
        where ns.object["metadata"]?["deletionTimestamp"] != nil {
            handler.scheduleNamespaceCleanup(ns.object["metadata"]?["name"]?.stringValue ?? "")
        }
    }
}
