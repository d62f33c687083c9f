#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The credential an exec plugin printed (`ExecCredential.status`).
struct ExecCredentialStatus: Sendable {
    var token: String?
    var clientCertificateData: String?
    var clientKeyData: String?
    /// Seconds since 1970 after which the credential must not be used; `nil` = until the server rejects it.
    var expiration: Int64?
}

/// Runs a kubeconfig `exec` credential plugin and caches what it prints until it expires.
///
/// The plugin gets `KUBERNETES_EXEC_INFO` (an ExecCredential with `spec.interactive: false`) and must print an
/// ExecCredential of the same apiVersion with `status.token` or `status.clientCertificateData` +
/// `clientKeyData`. It runs on its own thread, never on Swift's cooperative pool.
final class ExecCredentialPlugin: Sendable {
    let config: KubeConfig.ExecConfig
    let server: String
    let origin: String
    private let cache = ClientLock<ExecCredentialStatus?>(nil)

    init(config: KubeConfig.ExecConfig, server: String, origin: String) {
        self.config = config
        self.server = server
        self.origin = origin
    }

    /// The cached credential, or a fresh one when there is none, it has expired, or `forceRefresh` is set.
    /// - Throws: `KubeConfigError` naming the command and what it printed on stderr.
    func credential(forceRefresh: Bool) async throws -> ExecCredentialStatus {
        if !forceRefresh, let c = cache.withLock({ $0 }) {
            if let exp = c.expiration {
                if Int64(time(nil)) < exp { return c }
            } else {
                return c
            }
        }
        let fresh = try await run()
        cache.withLock { $0 = fresh }
        return fresh
    }

    private func fail(_ message: String) -> KubeConfigError {
        KubeConfigError(file: origin, field: "exec", message: "plugin \(config.command): \(message)")
    }

    private func run() async throws -> ExecCredentialStatus {
        var spec = JSONObject()
        spec.append("interactive", false)
        if config.provideClusterInfo { spec.append("cluster", ["server": .string(server)]) }
        let info: JSONValue = ["kind": "ExecCredential", "apiVersion": .string(config.apiVersion),
                               "spec": .object(spec)]
        var env: [String] = []
        var overridden = Set(config.env.map(\.name))
        overridden.insert("KUBERNETES_EXEC_INFO")
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            let name = s.split(separator: "=", maxSplits: 1).first.map(String.init) ?? s
            if !overridden.contains(name) { env.append(s) }
            p += 1
        }
        for e in config.env { env.append("\(e.name)=\(e.value)") }
        env.append("KUBERNETES_EXEC_INFO=\(info.serializedString())")
        let argv = [config.command] + config.args
        let result = try await ProcessRunner.run(argv: argv, environment: env)
        let stderrText = String(decoding: result.stderr.prefix(2000), as: UTF8.self)
        if let spawnError = result.spawnError {
            var m = "cannot run it: \(spawnError)"
            if let hint = config.installHint { m += "\n\(hint)" }
            throw fail(m)
        }
        guard result.status == 0 else {
            throw fail("exited with status \(result.status): \(stderrText)")
        }
        let out: JSONValue
        do { out = try JSONValue.parse(result.stdout) } catch {
            throw fail("printed something that is not an ExecCredential JSON object: \(error)")
        }
        guard out["kind"]?.stringValue == "ExecCredential" else {
            throw fail("printed kind \(out["kind"]?.stringValue ?? "<none>"), expected ExecCredential")
        }
        guard out["apiVersion"]?.stringValue == config.apiVersion else {
            throw fail("printed apiVersion \(out["apiVersion"]?.stringValue ?? "<none>"), expected \(config.apiVersion)")
        }
        guard let status = out["status"]?.objectValue else { throw fail("printed no status") }
        var c = ExecCredentialStatus()
        c.token = status["token"]?.stringValue
        c.clientCertificateData = status["clientCertificateData"]?.stringValue
        c.clientKeyData = status["clientKeyData"]?.stringValue
        if (c.clientCertificateData == nil) != (c.clientKeyData == nil) {
            throw fail("status must have both clientCertificateData and clientKeyData, or neither")
        }
        if c.token == nil && c.clientCertificateData == nil {
            throw fail("status has neither a token nor a client certificate")
        }
        if let exp = status["expirationTimestamp"]?.stringValue {
            guard let t = ExecTimestamp.parse(exp) else { throw fail("expirationTimestamp \"\(exp)\" is not RFC 3339") }
            c.expiration = t
        }
        return c
    }
}

/// Parses RFC 3339 timestamps (`2026-11-26T15:19:13Z`, fractions and offsets allowed) to Unix seconds.
enum ExecTimestamp {
    static func parse(_ s: String) -> Int64? {
        let b = Array(s.utf8)
        var i = 0
        func num(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for _ in 0..<n {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
                i += 1
            }
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let y = num(4), expect(UInt8(ascii: "-")), let mo = num(2), expect(UInt8(ascii: "-")), let d = num(2),
            i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ")
        else { return nil }
        i += 1
        guard let h = num(2), expect(UInt8(ascii: ":")), let mi = num(2), expect(UInt8(ascii: ":")), let sec = num(2)
        else { return nil }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
        }
        var offset = 0
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = num(2), expect(UInt8(ascii: ":")), let om = num(2) else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == b.count, (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 61 else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (mo + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Int64(days) * 86400 + Int64(h * 3600 + mi * 60 + sec) - Int64(offset)
    }
}

/// Runs a program to completion on a dedicated thread and collects its output.
enum ProcessRunner {
    struct Result: Sendable {
        var status: Int32 = -1
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var spawnError: String?
    }

    private final class Job: @unchecked Sendable {
        let argv: [String]
        let environment: [String]
        let continuation: CheckedContinuation<Result, Never>
        init(argv: [String], environment: [String], continuation: CheckedContinuation<Result, Never>) {
            self.argv = argv
            self.environment = environment
            self.continuation = continuation
        }
    }

    static func run(argv: [String], environment: [String]) async throws -> Result {
        await withCheckedContinuation { (c: CheckedContinuation<Result, Never>) in
            let job = Job(argv: argv, environment: environment, continuation: c)
            var thread = pthread_t()
            let ctx = Unmanaged.passRetained(job).toOpaque()
            let rc = pthread_create(&thread, nil, { arg in
                let job = Unmanaged<Job>.fromOpaque(arg!).takeRetainedValue()
                job.continuation.resume(returning: ProcessRunner.runBlocking(argv: job.argv, environment: job.environment))
                return nil
            }, ctx)
            if rc != 0 {
                Unmanaged<Job>.fromOpaque(ctx).release()
                c.resume(returning: Result(spawnError: "cannot start a thread: error \(rc)"))
            } else {
                pthread_detach(thread)
            }
        }
    }

    static func runBlocking(argv: [String], environment: [String]) -> Result {
        var result = Result()
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        // Close-on-exec, so children other threads spawn meanwhile do not inherit our pipe ends (a write end
        // held by an unrelated long-lived child would keep us waiting for EOF).
        // (pipe2 is not visible from Swift's Glibc module, hence fcntl right after pipe.)
        let made = pipe(&outPipe) == 0 && pipe(&errPipe) == 0
        if made { for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) } }
        guard made else {
            result.spawnError = String(cString: strerror(errno))
            return result
        }
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        #else
        var actions: posix_spawn_file_actions_t? = nil
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        posix_spawn_file_actions_addclose(&actions, outPipe[0])
        posix_spawn_file_actions_addclose(&actions, errPipe[0])
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var pid = pid_t()
        var rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, cEnv)
        // ETXTBSY: a plugin written a moment ago can still be open for writing in a child that another thread
        // forked meanwhile; that descriptor goes away at its exec, so try again briefly.
        var tries = 0
        while rc == ETXTBSY && tries < 20 {
            usleep(50_000)
            tries += 1
            rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, cEnv)
        }
        close(outPipe[1])
        close(errPipe[1])
        if rc != 0 {
            close(outPipe[0])
            close(errPipe[0])
            result.spawnError = String(cString: strerror(rc))
            return result
        }
        // Read both pipes until both close, so a chatty stderr cannot block the child.
        var fds = [pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0),
                   pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0)]
        var open = 2
        var buf = [UInt8](repeating: 0, count: 65536)
        while open > 0 {
            let n = poll(&fds, nfds_t(fds.count), -1)
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            for k in 0..<fds.count where fds[k].fd >= 0 && fds[k].revents != 0 {
                let got = buf.withUnsafeMutableBytes { read(fds[k].fd, $0.baseAddress, 65536) }
                if got > 0 {
                    if k == 0 { result.stdout.append(contentsOf: buf[0..<got]) } else {
                        result.stderr.append(contentsOf: buf[0..<got])
                    }
                } else if got == 0 || (got < 0 && errno != EINTR) {
                    close(fds[k].fd)
                    fds[k].fd = -1
                    open -= 1
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS are macros; decode the wait status by hand.
        if status & 0x7F == 0 { result.status = (status >> 8) & 0xFF } else { result.status = 128 + (status & 0x7F) }
        return result
    }
}
