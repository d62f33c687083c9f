import Foundation
import Testing
@testable import KosmosAPI

/// TLS against `openssl s_server` with a CA made by the `openssl` CLI in a temp folder.
@Suite(.serialized) struct ClientTLSTests {
    /// A throw-away PKI: a CA, a server certificate for 127.0.0.1 and kube.test, a client certificate, and an
    /// unrelated CA.
    final class PKI: @unchecked Sendable {
        let dir: String
        init() throws {
            dir = NSTemporaryDirectory() + "kosmos-tls-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let script = """
                set -e
                cd "$0"
                key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1" 2>/dev/null; }
                key ca.key; key other-ca.key; key server.key; key client.key
                openssl req -x509 -new -key ca.key -out ca.crt -days 2 -subj /CN=kosmos-test-ca
                openssl req -x509 -new -key other-ca.key -out other-ca.crt -days 2 -subj /CN=unrelated-ca
                openssl req -new -key server.key -out server.csr -subj /CN=kube.test
                printf 'subjectAltName=IP:127.0.0.1,DNS:kube.test\\nextendedKeyUsage=serverAuth\\n' > server.ext
                openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile server.ext 2>/dev/null
                openssl req -new -key client.key -out client.csr -subj "/O=system:masters/CN=kapi-admin"
                printf 'extendedKeyUsage=clientAuth\\n' > client.ext
                openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2 -extfile client.ext 2>/dev/null
                printf '{"major":"1","minor":"32","gitVersion":"v1.32.13"}' > version
                """
            let status = try ClientTLSTests.shell(script, dir)
            guard status == 0 else { throw POSIXError(.EIO) }
        }
        func path(_ name: String) -> String { "\(dir)/\(name)" }
        func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name)))) }
        deinit { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// An `openssl s_server -WWW` serving the PKI folder over TLS (HTTP/1.0, one request per connection).
    /// Spawned with posix_spawn (not Foundation's Process, whose waits can stall on test-runner threads) and
    /// killed with SIGKILL when the test ends.
    final class TLSServer: @unchecked Sendable {
        let pid: pid_t
        let port: Int
        init(pki: PKI, requireClientCertificate: Bool = false) throws {
            let probe = try ClientTestServer { _, _ in .hangUp }
            port = probe.port
            probe.stop()
            var args = ["/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:\(port)", "-cert", pki.path("server.crt"),
                        "-key", pki.path("server.key"), "-WWW", "-quiet"]
            if requireClientCertificate { args += ["-Verify", "1", "-CAfile", pki.path("ca.crt")] }
            // -WWW serves files relative to the working directory: run through sh to cd there first.
            let command = "cd \"$0\" && exec \"$@\" </dev/null >/dev/null 2>&1"
            let argv = ["/bin/sh", "-c", command, pki.dir] + args
            var p = pid_t()
            let cArgs = argv.map { strdup($0) } + [nil]
            defer { for a in cArgs { free(a) } }
            guard posix_spawn(&p, "/bin/sh", nil, nil, cArgs, environ) == 0 else { throw POSIXError(.EIO) }
            pid = p
            for _ in 0..<100 {
                if ClientTLSTests.canConnect(port: port) { return }
                usleep(50_000)
            }
            stop()
            throw POSIXError(.ETIMEDOUT)
        }
        var url: String { "https://127.0.0.1:\(port)" }
        private let stopped = NSLock()
        private var isStopped = false
        /// Kills and reaps the server once (a second kill could hit a reused pid).
        func stop() {
            stopped.withLock {
                guard !isStopped else { return }
                isStopped = true
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
        }
        deinit { stop() }
    }

    static func shell(_ script: String, _ arg: String) throws -> Int32 {
        ProcessRunner.runBlocking(argv: ["/bin/sh", "-c", script, arg], environment: ["PATH=/usr/bin:/bin"]).status
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    static var opensslAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") }

    static func client(_ server: TLSServer, _ tweak: (inout ClientConfig) -> Void) throws -> KubeClient {
        var c = ClientConfig(server: server.url)
        c.maxRetries = 0
        c.qps = 0
        tweak(&c)
        return try KubeClient(config: c)
    }

    @Test func verifiesTheServerAgainstTheConfiguredCA() async throws {
        guard Self.opensslAvailable else { return clientSkip("openssl CLI not installed") }
        let pki = try PKI()
        let server = try TLSServer(pki: pki)
        defer { server.stop() }
        let withData = try Self.client(server) { $0.certificateAuthorityData = try! pki.bytes("ca.crt") }
        #expect(try await withData.version().gitVersion == "v1.32.13")
        let withFile = try Self.client(server) { $0.certificateAuthorityFile = pki.path("ca.crt") }
        #expect(try await withFile.version().minor == "32")
    }

    @Test func wrongCAFailsClearly() async throws {
        guard Self.opensslAvailable else { return clientSkip("openssl CLI not installed") }
        let pki = try PKI()
        let server = try TLSServer(pki: pki)
        defer { server.stop() }
        for tweak: (inout ClientConfig) -> Void in [
            { $0.certificateAuthorityData = try! pki.bytes("other-ca.crt") },
            { _ in },  // the system store does not know our CA either
        ] {
            let client = try Self.client(server, tweak)
            do {
                _ = try await client.version()
                Issue.record("expected a TLS error")
            } catch let e as TransportError {
                #expect(e.kind == .tls, "\(e)")
                #expect(e.description.contains("certificate"), "\(e)")
                #expect(e.description.contains("GET https://127.0.0.1:\(server.port)/version"))
            }
        }
    }

    @Test func insecureSkipsVerification() async throws {
        guard Self.opensslAvailable else { return clientSkip("openssl CLI not installed") }
        let pki = try PKI()
        let server = try TLSServer(pki: pki)
        defer { server.stop() }
        let client = try Self.client(server) { $0.insecureSkipTLSVerify = true }
        #expect(try await client.version().gitVersion == "v1.32.13")
    }

    @Test func tlsServerNameIsCheckedInsteadOfTheURLHost() async throws {
        guard Self.opensslAvailable else { return clientSkip("openssl CLI not installed") }
        let pki = try PKI()
        let server = try TLSServer(pki: pki)
        defer { server.stop() }
        let good = try Self.client(server) {
            $0.certificateAuthorityData = try! pki.bytes("ca.crt")
            $0.tlsServerName = "kube.test"
        }
        #expect(try await good.version().major == "1")
        let bad = try Self.client(server) {
            $0.certificateAuthorityData = try! pki.bytes("ca.crt")
            $0.tlsServerName = "other.test"
        }
        await #expect(throws: TransportError.self) { _ = try await bad.version() }
    }

    @Test func presentsAClientCertificate() async throws {
        guard Self.opensslAvailable else { return clientSkip("openssl CLI not installed") }
        let pki = try PKI()
        let server = try TLSServer(pki: pki, requireClientCertificate: true)
        defer { server.stop() }
        let files = try Self.client(server) {
            $0.certificateAuthorityFile = pki.path("ca.crt")
            $0.clientCertificateFile = pki.path("client.crt")
            $0.clientKeyFile = pki.path("client.key")
        }
        #expect(try await files.version().gitVersion == "v1.32.13")
        let data = try Self.client(server) {
            $0.certificateAuthorityFile = pki.path("ca.crt")
            $0.clientCertificateData = try! pki.bytes("client.crt")
            $0.clientKeyData = try! pki.bytes("client.key")
        }
        #expect(try await data.version().gitVersion == "v1.32.13")
        let none = try Self.client(server) { $0.certificateAuthorityFile = pki.path("ca.crt") }
        await #expect(throws: TransportError.self) { _ = try await none.version() }
    }
}
