#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension KubeConfig {
    /// Loads the kubeconfig kubectl would use.
    ///
    /// Precedence: `explicitPath` alone (it must exist) > `KUBECONFIG` (a `:`-separated list; missing files are
    /// skipped; files are merged and the first file that sets a key wins) > `~/.kube/config`.
    /// - Parameters:
    ///   - explicitPath: a `--kubeconfig` path.
    ///   - environment: overrides the process environment (tests); `KUBECONFIG` and `HOME` are read from it.
    /// - Throws: `KubeConfigError` naming the file.
    public static func loadDefault(explicitPath: String? = nil, environment: [String: String]? = nil) throws
        -> KubeConfig
    {
        let env = { (name: String) -> String? in
            if let environment { return environment[name] }
            return getenv(name).map { String(cString: $0) }
        }
        if let explicitPath, !explicitPath.isEmpty {
            return try load(file: explicitPath)
        }
        if let list = env("KUBECONFIG"), !list.isEmpty {
            let files = list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
            var merged: KubeConfig? = nil
            var seen = Set<String>()
            for f in files where !seen.contains(f) {
                seen.insert(f)
                guard access(f, F_OK) == 0 else { continue }
                let c = try load(file: f)
                merged = merged.map { $0.merged(with: c) } ?? c
            }
            guard let merged else {
                throw KubeConfigError(file: files.joined(separator: ", "),
                                      message: "none of the files in KUBECONFIG exists")
            }
            return merged
        }
        guard let home = env("HOME"), !home.isEmpty else {
            throw KubeConfigError(message: "no kubeconfig: KUBECONFIG is not set and HOME is unknown")
        }
        let path = home + "/.kube/config"
        guard access(path, F_OK) == 0 else {
            throw KubeConfigError(file: path, message: "no kubeconfig: the file does not exist and KUBECONFIG is not set")
        }
        return try load(file: path)
    }

    /// Builds the client configuration of a context.
    /// - Parameter context: the context to use; the current context when `nil`.
    /// - Throws: `KubeConfigError` naming the file, the context/cluster/user and the field.
    public func clientConfig(context contextOverride: String? = nil) throws -> ClientConfig {
        let files = sources.isEmpty ? nil : sources.joined(separator: ", ")
        guard let name = contextOverride ?? currentContext, !name.isEmpty else {
            throw KubeConfigError(file: files, field: "current-context",
                                  message: "no context is selected (current-context is not set)")
        }
        guard let ctx = contexts[name] else {
            let known = contexts.keys.sorted().joined(separator: ", ")
            throw KubeConfigError(file: files, context: name,
                                  message: "context not found (known contexts: \(known.isEmpty ? "none" : known))")
        }
        let ctxFile = ctx.source ?? files
        guard !ctx.cluster.isEmpty else {
            throw KubeConfigError(file: ctxFile, context: name, field: "cluster", message: "no cluster is set")
        }
        guard let cluster = clusters[ctx.cluster] else {
            throw KubeConfigError(file: ctxFile, context: name, cluster: ctx.cluster, message: "cluster not found")
        }
        let clusterFile = cluster.source ?? files
        func clusterError(_ field: String, _ message: String) -> KubeConfigError {
            KubeConfigError(file: clusterFile, context: name, cluster: ctx.cluster, field: field, message: message)
        }
        guard !cluster.server.isEmpty else { throw clusterError("server", "no server is set") }
        guard cluster.server.hasPrefix("https://") || cluster.server.hasPrefix("http://") else {
            throw clusterError("server", "\"\(cluster.server)\" is not an http:// or https:// URL")
        }
        var c = ClientConfig(server: cluster.server)
        c.origin = "kubeconfig \(ctxFile ?? "<in memory>"), context \"\(name)\""
        c.namespace = (ctx.namespace?.isEmpty ?? true) ? "default" : ctx.namespace!
        c.insecureSkipTLSVerify = cluster.insecureSkipTLSVerify
        c.tlsServerName = cluster.tlsServerName
        c.proxyURL = cluster.proxyURL
        if let data = cluster.certificateAuthorityData, !data.isEmpty {
            guard let pem = Base64Codec.decode(data) else {
                throw clusterError("certificate-authority-data", "not valid base64")
            }
            c.certificateAuthorityData = pem
        } else if let file = cluster.certificateAuthority, !file.isEmpty {
            guard access(file, R_OK) == 0 else {
                throw clusterError("certificate-authority", "cannot read \(file): \(String(cString: strerror(errno)))")
            }
            c.certificateAuthorityFile = file
        }
        guard !ctx.user.isEmpty else { return c }
        guard let user = users[ctx.user] else {
            throw KubeConfigError(file: ctxFile, context: name, user: ctx.user, message: "user not found")
        }
        func userError(_ field: String, _ message: String) -> KubeConfigError {
            KubeConfigError(file: user.source ?? files, context: name, user: ctx.user, field: field, message: message)
        }
        if let data = user.clientCertificateData, !data.isEmpty {
            guard let pem = Base64Codec.decode(data) else { throw userError("client-certificate-data", "not valid base64") }
            c.clientCertificateData = pem
        } else if let file = user.clientCertificate, !file.isEmpty {
            guard access(file, R_OK) == 0 else {
                throw userError("client-certificate", "cannot read \(file): \(String(cString: strerror(errno)))")
            }
            c.clientCertificateFile = file
        }
        if let data = user.clientKeyData, !data.isEmpty {
            guard let pem = Base64Codec.decode(data) else { throw userError("client-key-data", "not valid base64") }
            c.clientKeyData = pem
        } else if let file = user.clientKey, !file.isEmpty {
            guard access(file, R_OK) == 0 else {
                throw userError("client-key", "cannot read \(file): \(String(cString: strerror(errno)))")
            }
            c.clientKeyFile = file
        }
        let hasCert = c.clientCertificateData != nil || c.clientCertificateFile != nil
        let hasKey = c.clientKeyData != nil || c.clientKeyFile != nil
        if hasCert != hasKey {
            throw userError(hasCert ? "client-key" : "client-certificate",
                            "a client certificate needs both a certificate and a key")
        }
        c.token = (user.token?.isEmpty ?? true) ? nil : user.token
        if let file = user.tokenFile, !file.isEmpty, c.token == nil {
            guard access(file, R_OK) == 0 else {
                throw userError("tokenFile", "cannot read \(file): \(String(cString: strerror(errno)))")
            }
            c.tokenFile = file
        }
        c.username = user.username
        c.password = user.password
        if let exec = user.exec {
            let supported = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]
            guard supported.contains(exec.apiVersion) else {
                throw userError("exec.apiVersion",
                                "\"\(exec.apiVersion)\" is not supported (use \(supported.joined(separator: " or ")))")
            }
            c.exec = exec
        }
        return c
    }
}

extension ClientConfig {
    /// The configuration kubectl would use: see `KubeConfig.loadDefault` for which file(s), and
    /// `KubeConfig.clientConfig(context:)`. When no kubeconfig exists and the process runs in a pod
    /// (`KUBERNETES_SERVICE_HOST` is set), the in-cluster configuration is used, as client-go does.
    /// - Throws: `KubeConfigError`.
    public static func fromKubeconfig(path: String? = nil, context: String? = nil) throws -> ClientConfig {
        do {
            return try KubeConfig.loadDefault(explicitPath: path).clientConfig(context: context)
        } catch let e as KubeConfigError where path == nil && context == nil
            && e.message.hasPrefix("no kubeconfig") && getenv("KUBERNETES_SERVICE_HOST") != nil
        {
            return try inCluster()
        }
    }

    /// The configuration of a process running in a pod: `KUBERNETES_SERVICE_HOST`/`_PORT`, the service account
    /// token (re-read when the kubelet rotates it), `ca.crt` and `namespace` from the service-account folder.
    /// - Parameters:
    ///   - environment: overrides the process environment (tests).
    ///   - serviceAccountDirectory: where the token, CA and namespace files are.
    /// - Throws: `KubeConfigError` naming the missing variable or file.
    public static func inCluster(environment: [String: String]? = nil,
                                 serviceAccountDirectory: String = "/var/run/secrets/kubernetes.io/serviceaccount")
        throws -> ClientConfig
    {
        let env = { (name: String) -> String? in
            if let environment { return environment[name] }
            return getenv(name).map { String(cString: $0) }
        }
        guard let host = env("KUBERNETES_SERVICE_HOST"), !host.isEmpty,
            let port = env("KUBERNETES_SERVICE_PORT"), !port.isEmpty
        else {
            throw KubeConfigError(file: "in-cluster configuration",
                                  message: "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set")
        }
        let tokenFile = serviceAccountDirectory + "/token"
        guard access(tokenFile, R_OK) == 0 else {
            throw KubeConfigError(file: tokenFile, field: "token", message: "cannot read the service account token")
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var c = ClientConfig(server: "https://\(hostPart):\(port)")
        c.origin = "in-cluster configuration"
        c.tokenFile = tokenFile
        let ca = serviceAccountDirectory + "/ca.crt"
        if access(ca, R_OK) == 0 { c.certificateAuthorityFile = ca }
        if let ns = try? YAML.readFile(serviceAccountDirectory + "/namespace") {
            let text = String(decoding: ns, as: UTF8.self).filter { !$0.isWhitespace }
            if !text.isEmpty { c.namespace = text }
        }
        return c
    }
}

extension KubeClient {
    /// A client from the kubeconfig kubectl would use (or the in-cluster configuration inside a pod).
    /// - Parameters:
    ///   - path: an explicit kubeconfig file (`--kubeconfig`).
    ///   - context: a context other than the current one (`--context`).
    /// - Throws: `KubeConfigError`, or `TransportError` for an unusable configuration.
    public static func fromKubeconfig(path: String? = nil, context: String? = nil) throws -> KubeClient {
        try KubeClient(config: try ClientConfig.fromKubeconfig(path: path, context: context))
    }
}
