import Foundation
import KosmosAPI
import Testing
@testable import KosmosLocal

#if canImport(Glibc)
import Glibc
#endif

/// One request kubectl sent to the capture server.
struct ProtobufCapturedRequest: Sendable {
    let method: String
    /// Path and query, as sent.
    let path: String
    /// The path without the query.
    var pathOnly: String { path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path }
    let contentType: String
    let body: [UInt8]
}

/// A plain-HTTP server on 127.0.0.1 (ephemeral port) that stands in for an API server just enough for kubectl's
/// imperative commands: it answers `/version` and minimal discovery, records every POST, and answers a protobuf
/// POST with 201 and the decoded object: as JSON, or (`answerProtobuf`) re-encoded as protobuf by
/// `KubeProtobuf.encode`, so kubectl's Go decoder also reads our encoding.
final class ProtobufCaptureServer: @unchecked Sendable {
    let answerProtobuf: Bool
    /// When set, every POST is answered 201 with these protobuf bytes, whatever was sent.
    let cannedAnswer: [UInt8]?
    // @unchecked: `requests` is guarded by `lock`; `listener` is written once in init and closed in stop().
    private let listener: Int32
    let port: UInt16
    private let lock = NSLock()
    private var requests: [ProtobufCapturedRequest] = []

    init(answerProtobuf: Bool = false, cannedAnswer: [UInt8]? = nil) throws {
        self.answerProtobuf = answerProtobuf
        self.cannedAnswer = cannedAnswer
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ProtobufPOSIXFailure("socket", errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw ProtobufPOSIXFailure("bind/listen 127.0.0.1:0", errno)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(fd, nil, nil)
                if connection < 0 { return }  // listener closed by stop()
                Thread.detachNewThread { [self] in serve(connection) }
            }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    var captured: [ProtobufCapturedRequest] {
        lock.lock()
        defer { lock.unlock() }
        return requests
    }

    // MARK: - HTTP

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            let n = read(connection, &chunk, chunk.count)
            if n <= 0 { return }
            buffer += chunk[0..<n]
            headerEnd = Self.find(separator, in: buffer)
        }
        guard let headerEnd else { return }
        let head = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        var body = Array(buffer[(headerEnd + separator.count)...])
        while body.count < length {
            let n = read(connection, &chunk, chunk.count)
            if n <= 0 { return }
            body += chunk[0..<n]
        }
        let request = ProtobufCapturedRequest(
            method: String(requestLine[0]), path: String(requestLine[1]),
            contentType: headers["content-type"] ?? "", body: body)
        let (status, answer, contentType) = respond(to: request)
        let response = "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(answer.count)\r\n"
            + "Connection: close\r\n\r\n"
        let bytes = Array(response.utf8) + answer
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            written += n
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return i
        }
        return nil
    }

    private func respond(to request: ProtobufCapturedRequest) -> (String, [UInt8], String) {
        let (status, body) = answer(request)
        if let cannedAnswer, request.method == "POST" { return ("201 Created", cannedAnswer, KubeProtobuf.mediaType) }
        guard answerProtobuf, status.hasPrefix("201") else { return (status, body, "application/json") }
        do {
            return (status, try KubeProtobuf.encode(try JSONValue.parse(body)), KubeProtobuf.mediaType)
        } catch {
            // Surfaces in kubectl's stderr, which the test prints.
            let message = JSONValue.string("encode answer: \(error)").serializedString()
            let status = #"{"kind":"Status","apiVersion":"v1","status":"Failure","code":500,"message":"#
            return ("500 Internal Server Error", Array((status + message + "}").utf8), "application/json")
        }
    }

    private func answer(_ request: ProtobufCapturedRequest) -> (String, [UInt8]) {
        let path = request.pathOnly
        if request.method == "GET" {
            let body: String
            switch path {
            case "/version":
                body = #"{"major":"1","minor":"32","gitVersion":"v1.32.13","platform":"linux/amd64"}"#
            case "/api":
                body = #"{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]}"#
            case "/apis":
                body = #"{"kind":"APIGroupList","apiVersion":"v1","groups":[]}"#
            case "/api/v1":
                body = #"{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["create","delete","get","list","patch","update","watch"]}]}"#
            default:
                return ("404 Not Found", Array(#"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}"#.utf8))
            }
            return ("200 OK", Array(body.utf8))
        }
        lock.lock()
        requests.append(request)
        lock.unlock()
        guard request.contentType == KubeProtobuf.mediaType, case .object(var object)? = try? KubeProtobuf.decode(request.body)
        else {
            return ("415 Unsupported Media Type", Array(#"{"kind":"Status","apiVersion":"v1","status":"Failure","code":415}"#.utf8))
        }
        switch object["kind"]?.stringValue {
        case "SelfSubjectAccessReview":
            object["status"] = .object(["allowed": true])
        case "TokenRequest":
            object["status"] = .object(["token": "captured-token", "expirationTimestamp": "2026-01-01T00:00:00Z"])
        case "SelfSubjectReview":
            object["status"] = .object(["userInfo": .object(["username": "tester"])])
        default:
            break
        }
        return ("201 Created", JSONValue.object(object).serialized())
    }
}

struct ProtobufPOSIXFailure: Error, CustomStringConvertible {
    let operation: String
    let code: Int32
    init(_ operation: String, _ code: Int32) {
        self.operation = operation
        self.code = code
    }
    var description: String { "\(operation): \(String(cString: strerror(code))) (errno \(code))" }
}

/// kubectl with its own HOME, cache and kubeconfig pointing at a capture server.
struct ProtobufKubectlRunner {
    let executable: String
    let directory: URL

    static func find() -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin").split(separator: ":") {
            let candidate = "\(dir)/kubectl"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    init(executable: String, port: UInt16) throws {
        self.executable = executable
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kosmos-pb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let kubeconfig = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: capture
              cluster:
                server: http://127.0.0.1:\(port)
            users:
            - name: tester
              user:
                token: test-token
            contexts:
            - name: capture
              context:
                cluster: capture
                user: tester
                namespace: default
            current-context: capture

            """
        try kubeconfig.write(to: directory.appendingPathComponent("kubeconfig"), atomically: true, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs kubectl; returns exit status, stdout and stderr.
    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--kubeconfig", directory.appendingPathComponent("kubeconfig").path,
            "--cache-dir", directory.appendingPathComponent("cache").path,
            "--request-timeout", "60s",
        ] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory.path
        environment.removeValue(forKey: "KUBECONFIG")
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a full pipe cannot block kubectl.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}

/// An imperative kubectl command whose protobuf body is compared with its `--dry-run=client -o json` output.
struct ProtobufKubectlCase: Sendable, CustomStringConvertible {
    let arguments: [String]
    let path: String
    var description: String { arguments.joined(separator: " ") }

    static let all: [ProtobufKubectlCase] = [
        .init(arguments: ["create", "configmap", "x", "--from-literal=a=b", "-n", "default"],
              path: "/api/v1/namespaces/default/configmaps"),
        .init(arguments: ["create", "secret", "generic", "s", "--from-literal=k=v", "-n", "default"],
              path: "/api/v1/namespaces/default/secrets"),
        .init(arguments: ["create", "namespace", "n"], path: "/api/v1/namespaces"),
        .init(arguments: ["create", "deployment", "d", "--image=nginx", "--replicas=3", "-n", "default"],
              path: "/apis/apps/v1/namespaces/default/deployments"),
        .init(arguments: ["create", "deployment", "z", "--image=nginx:1.27", "--replicas=0", "--port=8080",
                          "-n", "default"],
              path: "/apis/apps/v1/namespaces/default/deployments"),
        .init(arguments: ["create", "serviceaccount", "sa", "-n", "default"],
              path: "/api/v1/namespaces/default/serviceaccounts"),
        .init(arguments: ["create", "service", "clusterip", "svc", "--tcp=80:8080", "-n", "default"],
              path: "/api/v1/namespaces/default/services"),
        .init(arguments: ["create", "service", "nodeport", "np", "--tcp=443:https", "-n", "default"],
              path: "/api/v1/namespaces/default/services"),
        .init(arguments: ["create", "job", "j", "--image=busybox", "-n", "default"],
              path: "/apis/batch/v1/namespaces/default/jobs"),
        .init(arguments: ["create", "job", "e", "--image=busybox", "-n", "default", "--", "echo", "hi"],
              path: "/apis/batch/v1/namespaces/default/jobs"),
        .init(arguments: ["create", "quota", "q", "--hard=cpu=1500m,memory=1Gi,pods=10", "-n", "default"],
              path: "/api/v1/namespaces/default/resourcequotas"),
        .init(arguments: ["create", "secret", "tls", "t", "--cert=CERT", "--key=KEY", "-n", "default"],
              path: "/api/v1/namespaces/default/secrets"),
        .init(arguments: ["create", "secret", "docker-registry", "r", "--docker-server=r.example",
                          "--docker-username=u", "--docker-password=p", "-n", "default"],
              path: "/api/v1/namespaces/default/secrets"),
        .init(arguments: ["create", "service", "externalname", "ext", "--external-name=db.example.com",
                          "-n", "default"],
              path: "/api/v1/namespaces/default/services"),
        .init(arguments: ["create", "service", "loadbalancer", "lb", "--tcp=5678:8080", "-n", "default"],
              path: "/api/v1/namespaces/default/services"),
        .init(arguments: ["create", "cronjob", "cj", "--image=busybox", "--schedule=*/5 * * * *", "-n", "default",
                          "--", "date"],
              path: "/apis/batch/v1/namespaces/default/cronjobs"),
        .init(arguments: ["create", "poddisruptionbudget", "pdb", "--selector=app=web", "--min-available=50%",
                          "-n", "default"],
              path: "/apis/policy/v1/namespaces/default/poddisruptionbudgets"),
        .init(arguments: ["create", "role", "r", "--verb=get,list", "--resource=pods", "--resource-name=a",
                          "-n", "default"],
              path: "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles"),
        .init(arguments: ["create", "clusterrole", "cr", "--verb=get", "--non-resource-url=/logs/*"],
              path: "/apis/rbac.authorization.k8s.io/v1/clusterroles"),
        .init(arguments: ["create", "rolebinding", "rb", "--clusterrole=view", "--user=alice",
                          "--serviceaccount=default:sa", "-n", "default"],
              path: "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings"),
        .init(arguments: ["create", "clusterrolebinding", "crb", "--clusterrole=view", "--group=devs"],
              path: "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"),
    ]
}

@Suite("KubeProtobuf against the real kubectl")
struct ProtobufKubectlTests {
    /// Starts a capture server and a kubectl runner, or prints why the test is skipped.
    private func setUp(answerProtobuf: Bool = false) throws -> (ProtobufCaptureServer, ProtobufKubectlRunner)? {
        guard let kubectl = ProtobufKubectlRunner.find() else {
            print("SKIPPED ProtobufKubectlTests: kubectl not found in PATH")
            return nil
        }
        let server = try ProtobufCaptureServer(answerProtobuf: answerProtobuf)
        return (server, try ProtobufKubectlRunner(executable: kubectl, port: server.port))
    }

    @Test(arguments: ProtobufKubectlCase.all)
    func protobufBodyDecodesToTheDryRunJSON(_ command: ProtobufKubectlCase) throws {
        guard let (server, kubectl) = try setUp() else { return }
        defer {
            server.stop()
            kubectl.remove()
        }
        var arguments = command.arguments
        if let i = arguments.firstIndex(of: "--cert=CERT") {
            // `create secret tls` reads a PEM pair; kubectl checks only that it parses.
            try Self.writeTLSPair(in: kubectl.directory)
            arguments[i] = "--cert=" + kubectl.directory.appendingPathComponent("tls.crt").path
            arguments[i + 1] = "--key=" + kubectl.directory.appendingPathComponent("tls.key").path
        }

        let created = try kubectl.run(arguments)
        #expect(created.status == 0, "kubectl \(command): \(created.stderr)")
        let posts = server.captured
        try #require(posts.count == 1, "expected one POST, got \(posts.map(\.path))")
        let post = posts[0]
        #expect(post.pathOnly == command.path)
        #expect(post.path.contains("fieldManager=kubectl-create"))
        #expect(post.contentType == KubeProtobuf.mediaType)
        #expect(post.body.starts(with: KubeProtobuf.magic))

        let decoded = try KubeProtobuf.decode(post.body)
        // Flags go before a `--` that starts the container command.
        var dryRunArguments = arguments
        dryRunArguments.insert(contentsOf: ["--dry-run=client", "-o", "json"],
                               at: arguments.firstIndex(of: "--") ?? arguments.count)
        let dryRun = try kubectl.run(dryRunArguments)
        #expect(dryRun.status == 0, "kubectl \(command) --dry-run: \(dryRun.stderr)")
        let expected = try JSONValue.parse(dryRun.stdout)
        // No normalisation: the client-side dry-run prints the very object kubectl encodes, including
        // `creationTimestamp: null` and `status: {}`, which the protobuf body carries as empty messages.
        #expect(decoded == expected, "decoded \(decoded.serializedString(.pretty))\ndry-run \(dryRun.stdout)")
        #expect(protobufKeyOrder(decoded) == protobufKeyOrder(expected), "key order of \(command)")
    }

    @Test(arguments: ProtobufKubectlCase.all.filter { !$0.arguments.contains("tls") })
    func kubectlReadsOurProtobufAnswer(_ command: ProtobufKubectlCase) throws {
        guard let (server, kubectl) = try setUp(answerProtobuf: true) else { return }
        defer {
            server.stop()
            kubectl.remove()
        }
        var outputArguments = command.arguments
        outputArguments.insert(contentsOf: ["-o", "json"],
                               at: command.arguments.firstIndex(of: "--") ?? command.arguments.count)
        // The server answers with KubeProtobuf.encode(decode(request)); kubectl decodes it with the Go types and
        // prints it, which must be the object it sent.
        let created = try kubectl.run(outputArguments)
        #expect(created.status == 0, "kubectl \(command): \(created.stderr)")
        let posts = server.captured
        try #require(posts.count == 1)
        let sent = try KubeProtobuf.decode(posts[0].body)
        let printed = try JSONValue.parse(created.stdout)
        #expect(printed == sent, "printed \(created.stdout)")
    }

    /// `answerProtobuf`: the server's answer (with `status.allowed: true`) goes back through `KubeProtobuf.encode`.
    @Test(arguments: [false, true])
    func authCanIBodyIsASelfSubjectAccessReview(answerProtobuf: Bool) throws {
        guard let (server, kubectl) = try setUp(answerProtobuf: answerProtobuf) else { return }
        defer {
            server.stop()
            kubectl.remove()
        }
        let result = try kubectl.run(["auth", "can-i", "list", "pods", "-n", "kdemo"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes")
        let post = try #require(server.captured.first)
        #expect(post.pathOnly == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        // No dry-run exists for `auth can-i`; the expected object is the one recorded from kube-apiserver 1.32
        // (fixture 08), with this command's namespace.
        let expected = try JSONValue.parse(#"""
            {"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1",
             "metadata":{"creationTimestamp":null},
             "spec":{"resourceAttributes":{"namespace":"kdemo","verb":"list","resource":"pods"}},
             "status":{"allowed":false}}
            """#)
        let decoded = try KubeProtobuf.decode(post.body)
        #expect(decoded == expected, "\(decoded.serializedString(.pretty))")
        #expect(protobufKeyOrder(decoded) == protobufKeyOrder(expected))
    }

    @Test(arguments: [false, true])
    func createTokenAndWhoAmIBodiesDecode(answerProtobuf: Bool) throws {
        guard let (server, kubectl) = try setUp(answerProtobuf: answerProtobuf) else { return }
        defer {
            server.stop()
            kubectl.remove()
        }
        let token = try kubectl.run(["create", "token", "sa1", "-n", "default", "--duration=10m"])
        #expect(token.status == 0, "\(token.stderr)")
        #expect(token.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "captured-token")
        let whoami = try kubectl.run(["auth", "whoami", "-o", "json"])
        #expect(whoami.status == 0, "\(whoami.stderr)")
        let printed = try JSONValue.parse(whoami.stdout)
        #expect(printed["status"]?["userInfo"]?["username"] == "tester", "\(whoami.stdout)")
        let posts = server.captured
        try #require(posts.count == 2)
        #expect(posts[0].pathOnly == "/api/v1/namespaces/default/serviceaccounts/sa1/token")
        #expect(try KubeProtobuf.decode(posts[0].body) == JSONValue.parse(#"""
            {"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1",
             "metadata":{"creationTimestamp":null},
             "spec":{"audiences":null,"expirationSeconds":600},
             "status":{"token":"","expirationTimestamp":null}}
            """#))
        #expect(posts[1].pathOnly == "/apis/authentication.k8s.io/v1/selfsubjectreviews")
        let review = try KubeProtobuf.decode(posts[1].body)
        #expect(review["kind"] == "SelfSubjectReview")
        #expect(review["metadata"] == .object(["creationTimestamp": .null]))
    }

    @Test func authCanIListBodyIsASelfSubjectRulesReview() throws {
        guard let (server, kubectl) = try setUp() else { return }
        defer {
            server.stop()
            kubectl.remove()
        }
        _ = try kubectl.run(["auth", "can-i", "--list", "-n", "kdemo"])
        let post = try #require(server.captured.first)
        #expect(post.pathOnly == "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        let decoded = try KubeProtobuf.decode(post.body)
        // Go's SubjectRulesReviewStatus has no omitempty on its lists and flag: nil lists are null.
        #expect(try decoded == JSONValue.parse(#"""
            {"kind":"SelfSubjectRulesReview","apiVersion":"authorization.k8s.io/v1",
             "metadata":{"creationTimestamp":null},"spec":{"namespace":"kdemo"},
             "status":{"resourceRules":null,"nonResourceRules":null,"incomplete":false}}
            """#), "\(decoded.serializedString(.pretty))")
    }

    /// A throw-away self-signed pair (kubectl only parses it).
    private static func writeTLSPair(in directory: URL) throws {
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=kosmos-test",
            "-keyout", directory.appendingPathComponent("tls.key").path,
            "-out", directory.appendingPathComponent("tls.crt").path,
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        #expect(openssl.terminationStatus == 0, "openssl req failed")
    }
}
