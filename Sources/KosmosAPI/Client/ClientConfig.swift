/// Everything `KubeClient` needs to reach one API server: where, how to trust it, who we are, and how hard to push.
///
/// Build it by hand, from a kubeconfig (`ClientConfig.fromKubeconfig`), or inside a pod (`ClientConfig.inCluster`).
public struct ClientConfig: Sendable {
    /// The server URL, e.g. `https://127.0.0.1:6443` (a path prefix is kept).
    public var server: String
    /// PEM certificate(s) to trust for the server (instead of the system store).
    public var certificateAuthorityData: [UInt8]?
    /// A PEM file of certificate(s) to trust.
    public var certificateAuthorityFile: String?
    /// The client certificate (PEM).
    public var clientCertificateData: [UInt8]?
    /// A PEM file holding the client certificate.
    public var clientCertificateFile: String?
    /// The client key (PEM).
    public var clientKeyData: [UInt8]?
    /// A PEM file holding the client key.
    public var clientKeyFile: String?
    /// A bearer token.
    public var token: String?
    /// A file holding a bearer token; re-read when it changes (rotated service-account tokens).
    public var tokenFile: String?
    /// Basic authentication user name.
    public var username: String?
    /// Basic authentication password.
    public var password: String?
    /// An exec credential plugin that hands out tokens or client certificates.
    public var exec: KubeConfig.ExecConfig?
    /// Skip TLS verification of the server. Never the default.
    public var insecureSkipTLSVerify: Bool
    /// The name to check the server certificate against (and send as SNI), when it differs from the URL's host.
    public var tlsServerName: String?
    /// An HTTP(S) or SOCKS proxy URL.
    public var proxyURL: String?
    /// How long connecting may take.
    public var connectTimeout: Duration
    /// How long a whole request may take (not applied to watches); `nil` for no limit.
    public var requestTimeout: Duration?
    /// Requests per second allowed on average; `<= 0` disables client-side limiting.
    public var qps: Double
    /// Requests allowed at once above the average.
    public var burst: Int
    /// The User-Agent header; the server derives the default field manager from it (up to the first `/`).
    public var userAgent: String
    /// Retries for 429, 5xx (GET/HEAD only) and connection failures (any verb when nothing was sent).
    public var maxRetries: Int
    /// The namespace of the kubeconfig context (or the pod's), used when a caller does not name one.
    public var namespace: String
    /// Use HTTP/2 when the server offers it over TLS.
    public var http2: Bool
    /// How many bytes of undelivered events a watch buffers before it pauses the connection (back-pressure).
    public var watchBufferBytes: Int
    /// Where this configuration came from, for error messages (e.g. `kubeconfig /root/.kube/config, context dev`).
    public var origin: String

    /// A configuration for `server` with defaults: TLS verification on, 10 s connect timeout, 60 s request
    /// timeout, 50 QPS with a burst of 100, 5 retries.
    public init(server: String) {
        self.server = server
        insecureSkipTLSVerify = false
        connectTimeout = .seconds(10)
        requestTimeout = .seconds(60)
        qps = 50
        burst = 100
        userAgent = "kosmos/0.1"
        maxRetries = 5
        namespace = "default"
        http2 = true
        watchBufferBytes = 4 << 20
        origin = "client configuration"
    }
}

extension Duration {
    var clientMilliseconds: Int {
        let c = components
        return Int(c.seconds) * 1000 + Int(c.attoseconds / 1_000_000_000_000_000)
    }
}
