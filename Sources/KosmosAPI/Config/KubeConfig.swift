/// A kubeconfig file's contents (clientcmd/v1 `Config`): clusters, users, contexts and the current context.
///
/// Read one with `KubeConfig.load(file:)` or `KubeConfig.loadDefault()` (kubectl's precedence and merging), turn it
/// into a `ClientConfig` with `clientConfig(context:)`, or build one and write it with `yaml()`.
public struct KubeConfig: Sendable, Hashable {
    /// A cluster entry: where the API server is and how to trust it.
    public struct Cluster: Sendable, Hashable {
        /// `server`: the API server URL.
        public var server: String
        /// `certificate-authority`: a PEM file of CA certificates.
        public var certificateAuthority: String?
        /// `certificate-authority-data`: PEM CA certificates, base64-encoded in the file.
        public var certificateAuthorityData: String?
        /// `insecure-skip-tls-verify`.
        public var insecureSkipTLSVerify: Bool
        /// `tls-server-name`: the name the server certificate is checked against.
        public var tlsServerName: String?
        /// `proxy-url`.
        public var proxyURL: String?
        /// The file this entry was read from (not written).
        public var source: String?

        /// Creates a cluster entry for `server`, verifying TLS unless told otherwise.
        public init(server: String, certificateAuthority: String? = nil, certificateAuthorityData: String? = nil,
                    insecureSkipTLSVerify: Bool = false, tlsServerName: String? = nil, proxyURL: String? = nil) {
            self.server = server
            self.certificateAuthority = certificateAuthority
            self.certificateAuthorityData = certificateAuthorityData
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.tlsServerName = tlsServerName
            self.proxyURL = proxyURL
        }
    }

    /// An environment variable for an exec plugin.
    public struct ExecEnvVar: Sendable, Hashable {
        /// The variable's name.
        public var name: String
        /// The variable's value.
        public var value: String
        /// Creates a variable.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// `exec`: a credential plugin (client.authentication.k8s.io/v1 or v1beta1) run to get a token or a client
    /// certificate.
    public struct ExecConfig: Sendable, Hashable {
        /// `client.authentication.k8s.io/v1` or `client.authentication.k8s.io/v1beta1`.
        public var apiVersion: String
        /// The program; a relative path with a `/` is resolved against the kubeconfig's folder.
        public var command: String
        /// Arguments passed to the command.
        public var args: [String]
        /// Environment variables added to the plugin's environment.
        public var env: [ExecEnvVar]
        /// Shown when the command cannot be found.
        public var installHint: String?
        /// Pass the cluster's server and CA to the plugin in `KUBERNETES_EXEC_INFO`.
        public var provideClusterInfo: Bool
        /// `Never`, `IfAvailable` or `Always` (we never run plugins interactively).
        public var interactiveMode: String?

        /// Creates an exec plugin entry running `command`.
        public init(apiVersion: String = "client.authentication.k8s.io/v1", command: String, args: [String] = [],
                    env: [ExecEnvVar] = [], installHint: String? = nil, provideClusterInfo: Bool = false,
                    interactiveMode: String? = nil) {
            self.apiVersion = apiVersion
            self.command = command
            self.args = args
            self.env = env
            self.installHint = installHint
            self.provideClusterInfo = provideClusterInfo
            self.interactiveMode = interactiveMode
        }
    }

    /// A user entry (`AuthInfo`): who we are.
    public struct User: Sendable, Hashable {
        /// `token`: a bearer token.
        public var token: String?
        /// `tokenFile`.
        public var tokenFile: String?
        /// `client-certificate`: a PEM file.
        public var clientCertificate: String?
        /// `client-certificate-data`: base64 of PEM.
        public var clientCertificateData: String?
        /// `client-key`: a PEM file.
        public var clientKey: String?
        /// `client-key-data`: base64 of PEM.
        public var clientKeyData: String?
        /// `username` for HTTP basic authentication.
        public var username: String?
        /// `password` for HTTP basic authentication.
        public var password: String?
        /// `exec`: a credential plugin that supplies a token or client certificate.
        public var exec: ExecConfig?
        /// The file this entry was read from (not written).
        public var source: String?

        /// Creates a user entry; set one way of authenticating.
        public init(token: String? = nil, tokenFile: String? = nil, clientCertificate: String? = nil,
                    clientCertificateData: String? = nil, clientKey: String? = nil, clientKeyData: String? = nil,
                    username: String? = nil, password: String? = nil, exec: ExecConfig? = nil) {
            self.token = token
            self.tokenFile = tokenFile
            self.clientCertificate = clientCertificate
            self.clientCertificateData = clientCertificateData
            self.clientKey = clientKey
            self.clientKeyData = clientKeyData
            self.username = username
            self.password = password
            self.exec = exec
        }
    }

    /// A context: a cluster, a user and a default namespace.
    public struct Context: Sendable, Hashable {
        /// The name of the cluster entry.
        public var cluster: String
        /// The name of the user entry.
        public var user: String
        /// The default namespace; `nil` means `default`.
        public var namespace: String?
        /// The file this entry was read from (not written).
        public var source: String?

        /// Creates a context.
        public init(cluster: String, user: String, namespace: String? = nil) {
            self.cluster = cluster
            self.user = user
            self.namespace = namespace
        }
    }

    /// `current-context`.
    public var currentContext: String?
    /// Cluster entries by name.
    public var clusters: [String: Cluster]
    /// User entries by name.
    public var users: [String: User]
    /// Context entries by name.
    public var contexts: [String: Context]
    /// The file(s) this configuration was read from, in precedence order.
    public var sources: [String]

    /// An empty configuration.
    public init(currentContext: String? = nil, clusters: [String: Cluster] = [:], users: [String: User] = [:],
                contexts: [String: Context] = [:]) {
        self.currentContext = currentContext
        self.clusters = clusters
        self.users = users
        self.contexts = contexts
        sources = []
    }
}

// MARK: - Reading

extension KubeConfig {
    /// Parses kubeconfig YAML without resolving relative paths.
    /// - Parameters:
    ///   - yaml: the file's text.
    ///   - file: the file name, for error messages and `source`.
    /// - Throws: `KubeConfigError` (a `YAMLError`'s line and column are in its message).
    public init(yaml: String, file: String? = nil) throws {
        let doc: JSONValue
        do { doc = try YAML.parse(yaml, file: file) } catch let e as YAMLError {
            throw KubeConfigError(file: file, message: "not valid YAML: line \(e.line), column \(e.column): \(e.message)")
        }
        try self.init(json: doc, file: file)
    }

    /// Reads kubeconfig fields from a parsed document.
    /// - Throws: `KubeConfigError` naming the entry and field of a value of the wrong type.
    public init(json doc: JSONValue, file: String? = nil) throws {
        self.init()
        if let file { sources = [file] }
        if doc.isNull { return }
        guard case .object(let root) = doc else {
            throw KubeConfigError(file: file, message: "expected a mapping at the top, found a \(doc.typeName)")
        }
        if let kind = root["kind"]?.stringValue, kind != "Config" {
            throw KubeConfigError(file: file, field: "kind", message: "expected Config, found \(kind)")
        }
        var r = FieldReader(file: file)
        currentContext = try r.string(root, "current-context")
        for (name, body) in try r.namedList(root, "clusters", inner: "cluster") {
            r.entry = { $0.cluster = name }
            var c = Cluster(server: try r.string(body, "server") ?? "")
            c.source = file
            try Self.fillCluster(&c, body, &r)
            if clusters[name] == nil { clusters[name] = c }
        }
        for (name, body) in try r.namedList(root, "users", inner: "user") {
            r.entry = { $0.user = name }
            var u = User()
            u.source = file
            u.token = try r.string(body, "token")
            u.tokenFile = try r.string(body, "tokenFile")
            u.clientCertificate = try r.string(body, "client-certificate")
            u.clientCertificateData = try r.string(body, "client-certificate-data")
            u.clientKey = try r.string(body, "client-key")
            u.clientKeyData = try r.string(body, "client-key-data")
            u.username = try r.string(body, "username")
            u.password = try r.string(body, "password")
            if let exec = body["exec"], !exec.isNull {
                guard case .object(let e) = exec else { throw r.error("exec", "expected a mapping") }
                guard let command = try r.string(e, "command"), !command.isEmpty else {
                    throw r.error("exec.command", "no command is set")
                }
                var x = ExecConfig(apiVersion: try r.string(e, "apiVersion") ?? "", command: command)
                x.args = try r.strings(e, "args")
                if let env = e["env"], !env.isNull {
                    guard case .array(let items) = env else { throw r.error("exec.env", "expected a list") }
                    for item in items {
                        guard case .object(let o) = item, let n = o["name"]?.stringValue else {
                            throw r.error("exec.env", "each entry needs a name and a value")
                        }
                        x.env.append(ExecEnvVar(name: n, value: o["value"]?.stringValue ?? ""))
                    }
                }
                x.installHint = try r.string(e, "installHint")
                x.provideClusterInfo = try r.bool(e, "provideClusterInfo")
                x.interactiveMode = try r.string(e, "interactiveMode")
                u.exec = x
            }
            if users[name] == nil { users[name] = u }
        }
        for (name, body) in try r.namedList(root, "contexts", inner: "context") {
            r.entry = { $0.context = name }
            var c = Context(cluster: try r.string(body, "cluster") ?? "", user: try r.string(body, "user") ?? "",
                            namespace: try r.string(body, "namespace"))
            c.source = file
            if contexts[name] == nil { contexts[name] = c }
        }
    }

    private static func fillCluster(_ c: inout Cluster, _ body: JSONObject, _ r: inout FieldReader) throws {
        c.certificateAuthority = try r.string(body, "certificate-authority")
        c.certificateAuthorityData = try r.string(body, "certificate-authority-data")
        c.insecureSkipTLSVerify = try r.bool(body, "insecure-skip-tls-verify")
        c.tlsServerName = try r.string(body, "tls-server-name")
        c.proxyURL = try r.string(body, "proxy-url")
    }

    /// Reads one kubeconfig file and resolves its relative paths against the file's folder.
    /// - Throws: `KubeConfigError` naming the file.
    public static func load(file: String) throws -> KubeConfig {
        let bytes: [UInt8]
        do { bytes = try YAML.readFile(file) } catch let e as YAMLError {
            throw KubeConfigError(file: file, message: e.message)
        }
        var config = try KubeConfig(yaml: String(decoding: bytes, as: UTF8.self), file: file)
        config.resolvePaths(relativeTo: KubeConfig.directory(of: file))
        return config
    }

    /// Makes relative file paths (certificate-authority, client-certificate, client-key, tokenFile, an exec
    /// command with a `/`) absolute against `directory`, as kubectl does for each file it loads.
    public mutating func resolvePaths(relativeTo directory: String) {
        func resolve(_ p: String?) -> String? {
            guard let p, !p.isEmpty, !p.hasPrefix("/") else { return p }
            return directory.hasSuffix("/") ? directory + p : directory + "/" + p
        }
        for k in clusters.keys { clusters[k]!.certificateAuthority = resolve(clusters[k]!.certificateAuthority) }
        for k in users.keys {
            users[k]!.clientCertificate = resolve(users[k]!.clientCertificate)
            users[k]!.clientKey = resolve(users[k]!.clientKey)
            users[k]!.tokenFile = resolve(users[k]!.tokenFile)
            if let cmd = users[k]!.exec?.command, cmd.contains("/") { users[k]!.exec!.command = resolve(cmd)! }
        }
    }

    static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return slash == file.startIndex ? "/" : String(file[..<slash])
    }

    /// Merges `other` under this configuration: entries and `current-context` already here win (kubectl's rule
    /// for `KUBECONFIG=a:b`, where the first file wins per key).
    public func merged(with other: KubeConfig) -> KubeConfig {
        var m = self
        if m.currentContext?.isEmpty ?? true { m.currentContext = other.currentContext }
        for (k, v) in other.clusters where m.clusters[k] == nil { m.clusters[k] = v }
        for (k, v) in other.users where m.users[k] == nil { m.users[k] = v }
        for (k, v) in other.contexts where m.contexts[k] == nil { m.contexts[k] = v }
        m.sources += other.sources
        return m
    }
}

/// Reads typed fields and names the entry and field in errors.
private struct FieldReader {
    let file: String?
    var entry: (inout KubeConfigError) -> Void = { _ in }

    func error(_ field: String, _ message: String) -> KubeConfigError {
        var e = KubeConfigError(file: file, field: field, message: message)
        entry(&e)
        return e
    }

    func string(_ o: JSONObject, _ key: String) throws -> String? {
        guard let v = o[key], !v.isNull else { return nil }
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        default: throw error(key, "expected a string, found a \(v.typeName)")
        }
    }

    func bool(_ o: JSONObject, _ key: String) throws -> Bool {
        guard let v = o[key], !v.isNull else { return false }
        if case .bool(let b) = v { return b }
        if case .string(let s) = v, s == "true" || s == "false" { return s == "true" }
        throw error(key, "expected true or false, found \(v)")
    }

    func strings(_ o: JSONObject, _ key: String) throws -> [String] {
        guard let v = o[key], !v.isNull else { return [] }
        guard case .array(let a) = v else { throw error(key, "expected a list of strings") }
        return try a.map {
            guard let s = $0.stringValue else { throw error(key, "expected a list of strings") }
            return s
        }
    }

    /// `[{name: x, <inner>: {...}}]` as (name, body) pairs.
    func namedList(_ root: JSONObject, _ key: String, inner: String) throws -> [(String, JSONObject)] {
        guard let v = root[key], !v.isNull else { return [] }
        guard case .array(let items) = v else { throw error(key, "expected a list") }
        var out: [(String, JSONObject)] = []
        for (i, item) in items.enumerated() {
            guard case .object(let o) = item, let name = o["name"]?.stringValue, !name.isEmpty else {
                throw error("\(key)[\(i)]", "each entry needs a name")
            }
            guard let body = o[inner], !body.isNull else {
                out.append((name, JSONObject()))
                continue
            }
            guard case .object(let b) = body else {
                var e = KubeConfigError(file: file, field: "\(key)[\(i)].\(inner)", message: "expected a mapping")
                switch inner {
                case "cluster": e.cluster = name
                case "user": e.user = name
                default: e.context = name
                }
                throw e
            }
            out.append((name, b))
        }
        return out
    }
}

// MARK: - Writing

extension KubeConfig {
    /// The configuration as kubeconfig JSON (apiVersion v1, kind Config), entries sorted by name.
    public var json: JSONValue {
        func put(_ o: inout JSONObject, _ k: String, _ v: String?) { if let v { o.append(k, .string(v)) } }
        var clusterList: [JSONValue] = []
        for name in clusters.keys.sorted() {
            let c = clusters[name]!
            var b = JSONObject()
            put(&b, "certificate-authority", c.certificateAuthority)
            put(&b, "certificate-authority-data", c.certificateAuthorityData)
            if c.insecureSkipTLSVerify { b.append("insecure-skip-tls-verify", true) }
            put(&b, "proxy-url", c.proxyURL)
            b.append("server", .string(c.server))
            put(&b, "tls-server-name", c.tlsServerName)
            clusterList.append(["cluster": .object(b), "name": .string(name)])
        }
        var contextList: [JSONValue] = []
        for name in contexts.keys.sorted() {
            let c = contexts[name]!
            var b = JSONObject()
            b.append("cluster", .string(c.cluster))
            put(&b, "namespace", c.namespace)
            b.append("user", .string(c.user))
            contextList.append(["context": .object(b), "name": .string(name)])
        }
        var userList: [JSONValue] = []
        for name in users.keys.sorted() {
            let u = users[name]!
            var b = JSONObject()
            put(&b, "client-certificate", u.clientCertificate)
            put(&b, "client-certificate-data", u.clientCertificateData)
            put(&b, "client-key", u.clientKey)
            put(&b, "client-key-data", u.clientKeyData)
            if let x = u.exec {
                var e = JSONObject()
                e.append("apiVersion", .string(x.apiVersion))
                if !x.args.isEmpty { e.append("args", .array(x.args.map { .string($0) })) }
                e.append("command", .string(x.command))
                if !x.env.isEmpty {
                    e.append("env", .array(x.env.map { ["name": .string($0.name), "value": .string($0.value)] }))
                }
                put(&e, "installHint", x.installHint)
                put(&e, "interactiveMode", x.interactiveMode)
                if x.provideClusterInfo { e.append("provideClusterInfo", true) }
                b.append("exec", .object(e))
            }
            put(&b, "password", u.password)
            put(&b, "token", u.token)
            put(&b, "tokenFile", u.tokenFile)
            put(&b, "username", u.username)
            userList.append(["name": .string(name), "user": .object(b)])
        }
        var root = JSONObject()
        root.append("apiVersion", "v1")
        root.append("clusters", .array(clusterList))
        root.append("contexts", .array(contextList))
        root.append("current-context", .string(currentContext ?? ""))
        root.append("kind", "Config")
        root.append("preferences", .object(JSONObject()))
        root.append("users", .array(userList))
        return .object(root)
    }

    /// The configuration as kubeconfig YAML, in kubectl's layout.
    public func yaml() -> String { YAML.serialize(json) }

    /// A one-context configuration for a server, as a local cluster hands out.
    /// - Parameters:
    ///   - name: used for the cluster, user and context names.
    ///   - server: the API server URL.
    ///   - certificateAuthorityPEM: the CA to trust (stored base64-encoded).
    ///   - user: how to authenticate.
    ///   - namespace: the context's namespace.
    public static func single(name: String, server: String, certificateAuthorityPEM: [UInt8]? = nil,
                              user: User = User(), namespace: String? = nil) -> KubeConfig {
        var cluster = Cluster(server: server)
        cluster.certificateAuthorityData = certificateAuthorityPEM.map { Base64Codec.encode($0) }
        return KubeConfig(currentContext: name, clusters: [name: cluster], users: [name: user],
                          contexts: [name: Context(cluster: name, user: name, namespace: namespace)])
    }

    /// Base64 of PEM bytes, for the `*-data` fields.
    public static func base64(_ bytes: [UInt8]) -> String { Base64Codec.encode(bytes) }
}
