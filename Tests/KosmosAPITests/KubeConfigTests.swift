import Foundation
import Testing
@testable import KosmosAPI

@Suite struct KubeConfigTests {
    /// A temp folder removed when the value goes away.
    final class TempDir: @unchecked Sendable {
        let path: String
        init() throws {
            path = NSTemporaryDirectory() + "kosmos-kubeconfig-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        @discardableResult
        func write(_ name: String, _ text: String, mode: Int = 0o644) throws -> String {
            let p = "\(path)/\(name)"
            try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try text.write(toFile: p, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: p)
            return p
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    static let base64CA = KubeConfig.base64(Array("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".utf8))

    static func config(cluster: String, server: String, user: String, context: String, current: String?,
                       extraUser: String = "", namespace: String = "") -> String {
        """
        apiVersion: v1
        kind: Config
        \(current.map { "current-context: \($0)" } ?? "")
        clusters:
        - name: \(cluster)
          cluster:
            server: \(server)
            certificate-authority-data: \(base64CA)
        users:
        - name: \(user)
          user:
            token: token-of-\(user)
        \(extraUser)
        contexts:
        - name: \(context)
          context:
            cluster: \(cluster)
            user: \(user)
            \(namespace.isEmpty ? "" : "namespace: \(namespace)")
        """
    }

    @Test func readsAContextIntoAClientConfig() throws {
        let text = Self.config(cluster: "c1", server: "https://10.0.0.1:6443", user: "u1", context: "ctx1",
                               current: "ctx1", namespace: "team-a")
        let kc = try KubeConfig(yaml: text, file: "mem.yaml")
        let c = try kc.clientConfig()
        #expect(c.server == "https://10.0.0.1:6443")
        #expect(c.token == "token-of-u1")
        #expect(c.namespace == "team-a")
        #expect(c.certificateAuthorityData.map { String(decoding: $0, as: UTF8.self) }?.hasPrefix("-----BEGIN") == true)
        #expect(c.origin.contains("context \"ctx1\""))
    }

    @Test func explicitPathBeatsKUBECONFIGWhichBeatsHome() throws {
        let dir = try TempDir()
        let explicit = try dir.write("explicit", Self.config(cluster: "e", server: "https://explicit:1", user: "e",
                                                             context: "e", current: "e"))
        let a = try dir.write("a", Self.config(cluster: "a", server: "https://a:1", user: "a", context: "a", current: "a"))
        try dir.write("home/.kube/config", Self.config(cluster: "h", server: "https://home:1", user: "h", context: "h",
                                                       current: "h"))
        let env = ["KUBECONFIG": a, "HOME": "\(dir.path)/home"]
        #expect(try KubeConfig.loadDefault(explicitPath: explicit, environment: env).clientConfig().server == "https://explicit:1")
        #expect(try KubeConfig.loadDefault(environment: env).clientConfig().server == "https://a:1")
        #expect(try KubeConfig.loadDefault(environment: ["HOME": "\(dir.path)/home"]).clientConfig().server == "https://home:1")
        #expect(try KubeConfig.loadDefault(environment: ["KUBECONFIG": "", "HOME": "\(dir.path)/home"]).currentContext == "h")
    }

    @Test func kubeconfigListMergesWithFirstFileWinning() throws {
        let dir = try TempDir()
        // Both files define cluster "shared" and user "shared"; the first file's entries and current-context win.
        let first = try dir.write("first", """
            current-context: one
            clusters:
            - name: shared
              cluster: {server: "https://first:6443"}
            users:
            - name: shared
              user: {token: first-token}
            contexts:
            - name: one
              context: {cluster: shared, user: shared}
            """)
        let second = try dir.write("second", """
            current-context: two
            clusters:
            - name: shared
              cluster: {server: "https://second:6443"}
            - name: only-second
              cluster: {server: "https://only-second:6443"}
            users:
            - name: shared
              user: {token: second-token}
            contexts:
            - name: two
              context: {cluster: only-second, user: shared, namespace: ns2}
            """)
        let env = ["KUBECONFIG": "\(first):\(dir.path)/missing:\(second)", "HOME": "/nonexistent"]
        let kc = try KubeConfig.loadDefault(environment: env)
        #expect(kc.currentContext == "one")
        #expect(kc.sources == [first, second])
        let one = try kc.clientConfig()
        #expect(one.server == "https://first:6443")
        #expect(one.token == "first-token")
        let two = try kc.clientConfig(context: "two")
        #expect(two.server == "https://only-second:6443")
        #expect(two.token == "first-token", "user \"shared\" comes from the first file")
        #expect(two.namespace == "ns2")
    }

    @Test func relativePathsResolveAgainstTheirOwnFile() throws {
        let dir = try TempDir()
        try dir.write("sub/certs/ca.crt", "ca")
        try dir.write("sub/certs/client.crt", "cert")
        try dir.write("sub/certs/client.key", "key")
        try dir.write("sub/token", "tok\n")
        let file = try dir.write("sub/config", """
            current-context: c
            clusters:
            - name: c
              cluster:
                server: https://127.0.0.1:6443
                certificate-authority: certs/ca.crt
            users:
            - name: u
              user:
                client-certificate: certs/client.crt
                client-key: ./certs/client.key
                tokenFile: token
            - name: x
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: bin/plugin
            contexts:
            - name: c
              context: {cluster: c, user: u}
            """)
        let kc = try KubeConfig.load(file: file)
        let c = try kc.clientConfig()
        #expect(c.certificateAuthorityFile == "\(dir.path)/sub/certs/ca.crt")
        #expect(c.clientCertificateFile == "\(dir.path)/sub/certs/client.crt")
        #expect(c.clientKeyFile == "\(dir.path)/sub/./certs/client.key")
        #expect(c.tokenFile == "\(dir.path)/sub/token")
        #expect(kc.users["x"]?.exec?.command == "\(dir.path)/sub/bin/plugin")
    }

    @Test func errorsNameFileContextClusterUserAndField() throws {
        let dir = try TempDir()
        let file = try dir.write("config", """
            current-context: dev
            clusters:
            - name: dev-cluster
              cluster:
                server: https://127.0.0.1:6443
                certificate-authority-data: "%%% not base64 %%%"
            - name: no-server
              cluster: {}
            users:
            - name: dev-user
              user:
                client-certificate-data: \(Self.base64CA)
            contexts:
            - name: dev
              context: {cluster: dev-cluster, user: dev-user}
            - name: nowhere
              context: {cluster: missing, user: dev-user}
            - name: serverless
              context: {cluster: no-server, user: dev-user}
            - name: ghost-user
              context: {cluster: no-server, user: ghost}
            """)
        let kc = try KubeConfig.load(file: file)
        func error(_ context: String?) -> KubeConfigError? {
            do {
                _ = try kc.clientConfig(context: context)
                return nil
            } catch let e as KubeConfigError { return e } catch { return nil }
        }
        let bad64 = try #require(error(nil))
        #expect(bad64.description == "kubeconfig \(file): context \"dev\": cluster \"dev-cluster\": field certificate-authority-data: not valid base64")
        let missingContext = try #require(error("prod"))
        #expect(missingContext.context == "prod")
        #expect(missingContext.description.contains("context not found (known contexts: dev, ghost-user, nowhere, serverless)"))
        let missingCluster = try #require(error("nowhere"))
        #expect(missingCluster.cluster == "missing")
        #expect(missingCluster.message == "cluster not found")
        let noServer = try #require(error("serverless"))
        #expect(noServer.field == "server")
        let ghost = try #require(error("ghost-user"))
        #expect(ghost.field == "server", "the cluster is checked before the user")
    }

    @Test func certificateWithoutKeyIsAnError() throws {
        let kc = try KubeConfig(yaml: """
            current-context: c
            clusters: [{name: c, cluster: {server: "https://h:1"}}]
            users: [{name: u, user: {client-certificate-data: \(Self.base64CA)}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            """, file: "f")
        #expect(throws: KubeConfigError.self) { try kc.clientConfig() }
        do { _ = try kc.clientConfig() } catch let e as KubeConfigError {
            #expect(e.user == "u")
            #expect(e.field == "client-key")
        } catch {}
    }

    @Test func malformedFilesAreClearErrors() throws {
        let dir = try TempDir()
        let badYAML = try dir.write("bad-yaml", "clusters:\n- name: a\n  cluster: {server: [\n")
        do {
            _ = try KubeConfig.load(file: badYAML)
            Issue.record("expected an error")
        } catch let e as KubeConfigError {
            #expect(e.file == badYAML)
            #expect(e.message.contains("not valid YAML: line"))
        }
        let wrongType = try dir.write("wrong-type", "clusters:\n- name: a\n  cluster:\n    server: [1, 2]\n")
        do {
            _ = try KubeConfig.load(file: wrongType)
            Issue.record("expected an error")
        } catch let e as KubeConfigError {
            #expect(e.description == "kubeconfig \(wrongType): cluster \"a\": field server: expected a string, found a array")
        }
        let notAList = try dir.write("not-a-list", "users: {a: b}\n")
        #expect(throws: KubeConfigError.self) { try KubeConfig.load(file: notAList) }
        do {
            _ = try KubeConfig.load(file: "\(dir.path)/absent")
            Issue.record("expected an error")
        } catch let e as KubeConfigError {
            #expect(e.description.contains("absent"))
            #expect(e.description.contains("No such file"))
        }
        do {
            _ = try KubeConfig.loadDefault(environment: ["HOME": dir.path])
            Issue.record("expected an error")
        } catch let e as KubeConfigError {
            #expect(e.message.hasPrefix("no kubeconfig"))
        }
        // Connecting through a kubeconfig that does not exist is the same clear error.
        #expect(throws: KubeConfigError.self) { _ = try KubeClient.fromKubeconfig(path: "\(dir.path)/absent") }
    }

    @Test func writerOutputReadsBackAndLooksLikeKubectls() throws {
        var kc = KubeConfig.single(name: "kosmos-host", server: "https://127.0.0.1:6443",
                                   certificateAuthorityPEM: Array("PEM".utf8),
                                   user: KubeConfig.User(clientCertificateData: "Y2VydA==", clientKeyData: "a2V5"),
                                   namespace: "default")
        kc.users["exec-user"] = KubeConfig.User(exec: KubeConfig.ExecConfig(
            command: "kubelogin", args: ["get-token"], env: [.init(name: "A", value: "1")],
            interactiveMode: "Never"))
        let text = kc.yaml()
        #expect(text.hasPrefix("apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: UEVN\n    server: https://127.0.0.1:6443\n  name: kosmos-host\n"))
        #expect(text.contains("current-context: kosmos-host\nkind: Config\npreferences: {}\nusers:\n"))
        let back = try KubeConfig(yaml: text)
        #expect(back.clusters == kc.clusters)
        #expect(back.users == kc.users)
        #expect(back.contexts == kc.contexts)
        #expect(back.currentContext == "kosmos-host")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl") {
            let dir = try TempDir()
            let file = try dir.write("config", text)
            let r = ProcessRunner.runBlocking(
                argv: ["/usr/bin/kubectl", "config", "view", "--kubeconfig", file, "-o",
                       "jsonpath={.clusters[0].cluster.server}"], environment: ["PATH=/usr/bin:/bin", "HOME=\(dir.path)"])
            let data = r.stdout
            #expect(String(decoding: data, as: UTF8.self) == "https://127.0.0.1:6443", "kubectl reads our kubeconfig")
        } else {
            clientSkip("kubectl not installed: cross-check of the written kubeconfig skipped")
        }
    }

    @Test func inClusterConfigReadsServiceAccountFiles() throws {
        let dir = try TempDir()
        try dir.write("token", "sa-token\n")
        try dir.write("ca.crt", "ca")
        try dir.write("namespace", "kosmos-system")
        let c = try ClientConfig.inCluster(environment: ["KUBERNETES_SERVICE_HOST": "fd00::1",
                                                         "KUBERNETES_SERVICE_PORT": "443"],
                                           serviceAccountDirectory: dir.path)
        #expect(c.server == "https://[fd00::1]:443")
        #expect(c.tokenFile == "\(dir.path)/token")
        #expect(c.certificateAuthorityFile == "\(dir.path)/ca.crt")
        #expect(c.namespace == "kosmos-system")
        #expect(throws: KubeConfigError.self) {
            try ClientConfig.inCluster(environment: [:], serviceAccountDirectory: dir.path)
        }
    }

    // MARK: - Exec credential plugins

    static func plugin(_ dir: TempDir, apiVersion: String, expiry: String?, name: String = "plugin.sh") throws -> String {
        let status = expiry.map { #","expirationTimestamp":"\#($0)""# } ?? ""
        return try dir.write(name, """
            #!/bin/sh
            # Counts its runs and hands out a token naming the run, its argument and an env var.
            n=$(cat "$(dirname "$0")/runs" 2>/dev/null || echo 0)
            n=$((n + 1))
            echo $n > "$(dirname "$0")/runs"
            case "$KUBERNETES_EXEC_INFO" in *'"interactive":false'*) ;; *) echo "bad exec info" >&2; exit 3;; esac
            printf '{"kind":"ExecCredential","apiVersion":"\(apiVersion)","status":{"token":"run-%s-%s-%s"\(status)}}' "$n" "$1" "$PLUGIN_ENV"
            """, mode: 0o755)
    }

    @Test(arguments: ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"])
    func execPluginTokensAreCachedUntilExpiry(apiVersion: String) async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { _, _ in (try? ClientFixtures.response("001-version"))! }
        defer { server.stop() }
        let dir = try TempDir()
        try Self.plugin(dir, apiVersion: apiVersion, expiry: "2999-01-01T00:00:00Z")
        let file = try dir.write("config", """
            current-context: c
            clusters: [{name: c, cluster: {server: "\(server.url)"}}]
            users:
            - name: u
              user:
                exec:
                  apiVersion: \(apiVersion)
                  command: ./plugin.sh
                  args: [arg1]
                  env: [{name: PLUGIN_ENV, value: env1}]
                  interactiveMode: Never
            contexts: [{name: c, context: {cluster: c, user: u}}]
            """)
        let client = try KubeClient.fromKubeconfig(path: file)
        _ = try await client.version()
        _ = try await client.version()
        let auth = Set(server.requests.map { $0.headers["authorization"] ?? "" })
        #expect(auth == ["Bearer run-1-arg1-env1"])
        let runs = try String(contentsOfFile: "\(dir.path)/runs", encoding: .utf8)
        #expect(runs == "1\n", "the plugin ran once: its credential is cached until it expires")
    }

    @Test func expiredExecCredentialsAreFetchedAgainAndFailuresAreClear() async throws {
        guard ClientFixtures.available else { return clientSkip("fixtures not present") }
        let server = try ClientTestServer { _, _ in (try? ClientFixtures.response("001-version"))! }
        defer { server.stop() }
        let dir = try TempDir()
        let script = try Self.plugin(dir, apiVersion: "client.authentication.k8s.io/v1", expiry: "2001-01-01T00:00:00Z")
        var c = ClientConfig(server: server.url)
        c.exec = KubeConfig.ExecConfig(command: script)
        let client = try KubeClient(config: c)
        _ = try await client.version()
        _ = try await client.version()
        #expect(server.requests.compactMap { $0.headers["authorization"] } == ["Bearer run-1--", "Bearer run-2--"])

        let failing = try dir.write("fail.sh", "#!/bin/sh\necho 'no credentials for you' >&2\nexit 7\n", mode: 0o755)
        var f = ClientConfig(server: server.url)
        f.exec = KubeConfig.ExecConfig(command: failing)
        do {
            _ = try await KubeClient(config: f).version()
            Issue.record("expected an error")
        } catch let e as KubeConfigError {
            #expect(e.description.contains("exited with status 7: no credentials for you"))
        }
        var missing = ClientConfig(server: server.url)
        missing.exec = KubeConfig.ExecConfig(command: "kosmos-no-such-plugin", installHint: "install it")
        do {
            _ = try await KubeClient(config: missing).version()
            Issue.record("expected an error")
        } catch let e as KubeConfigError {
            #expect(e.description.contains("kosmos-no-such-plugin: cannot run it"))
            #expect(e.description.contains("install it"))
        }
    }

    @Test func unsupportedExecAPIVersionIsRejected() throws {
        let kc = try KubeConfig(yaml: """
            current-context: c
            clusters: [{name: c, cluster: {server: "https://h:1"}}]
            users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            """, file: "f")
        do {
            _ = try kc.clientConfig()
            Issue.record("expected an error")
        } catch let e as KubeConfigError {
            #expect(e.field == "exec.apiVersion")
        }
    }
}
