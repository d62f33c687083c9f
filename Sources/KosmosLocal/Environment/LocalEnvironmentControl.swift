import Foundation
import KosmosAPI
import KosmosNet

/// Starts, inspects and stops a local environment running in a background supervisor process, the way
/// `kind create cluster` / `kind delete cluster` do.
public enum LocalEnvironmentControl {
    /// The default state directory: `$KOSMOS_STATE_DIR`, else `~/.kosmos/local`.
    public static var defaultStateDirectory: String {
        let env = ProcessInfo.processInfo.environment
        if let d = env["KOSMOS_STATE_DIR"], !d.isEmpty { return d }
        return "\(env["HOME"] ?? NSTemporaryDirectory())/.kosmos/local"
    }

    /// Starts the supervisor in the background and waits until every cluster is Ready.
    /// - Parameters:
    ///   - options: What to make.
    ///   - supervisorCommand: The command line that runs `LocalEnvironment.run()` in the new process (for
    ///     kosmosctl: itself with a hidden subcommand and the same options).
    ///   - timeout: How long to wait for readiness.
    ///   - progress: Called with a line of progress now and then.
    /// - Returns: The status once Ready.
    /// - Throws: `LocalEnvironmentError` when one is already running, the supervisor dies (its log's tail is
    ///   quoted), or readiness times out.
    public static func start(options: LocalEnvironmentOptions, supervisorCommand: [String],
                             timeout: Duration = .seconds(180),
                             progress: (String) -> Void = { _ in }) async throws -> LocalEnvironmentStatus {
        try options.validate()
        if let existing = try? LocalEnvironmentStatus.read(stateDirectory: options.stateDirectory),
           isAlive(existing.pid), existing.phase != .failed
        {
            throw LocalEnvironmentError(
                "a local environment is already running in \(options.stateDirectory) (pid \(existing.pid)); "
                    + "run `kosmosctl local-down` first")
        }
        let fm = FileManager.default
        try fm.createDirectory(atPath: options.stateDirectory, withIntermediateDirectories: true)
        try? fm.removeItem(atPath: LocalEnvironmentStatus.path(stateDirectory: options.stateDirectory))
        let logPath = "\(options.stateDirectory)/supervisor.log"
        fm.createFile(atPath: logPath, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            throw LocalEnvironmentError("cannot write \(logPath)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: supervisorCommand[0])
        p.arguments = Array(supervisorCommand.dropFirst())
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = log
        p.standardError = log
        do { try p.run() } catch {
            throw LocalEnvironmentError("start supervisor \(supervisorCommand[0]): \(error)")
        }
        let pid = p.processIdentifier
        progress("supervisor started (pid \(pid)); log: \(logPath)")
        let deadline = ContinuousClock.now + timeout
        var lastReported = -1
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            if !p.isRunning {
                throw LocalEnvironmentError("the supervisor exited (status \(p.terminationStatus)):\n"
                    + tail(of: logPath, lines: 20))
            }
            guard let s = try? LocalEnvironmentStatus.read(stateDirectory: options.stateDirectory) else { continue }
            let ready = s.clusters.filter(\.ready).count
            if s.clusters.count + ready != lastReported {
                lastReported = s.clusters.count + ready
                progress("clusters started: \(s.clusters.count)/\(options.clusters), ready: \(ready)")
            }
            switch s.phase {
            case .ready: return s
            case .failed:
                throw LocalEnvironmentError("the local environment failed: \(s.error ?? "unknown error")\n"
                    + tail(of: logPath, lines: 20))
            default: continue
            }
        }
        kill(pid, SIGTERM)
        throw LocalEnvironmentError("the local environment was not Ready after \(timeout); stopped it. Log:\n"
            + tail(of: logPath, lines: 20))
    }

    /// The status of the environment in a state directory, with the supervisor's liveness checked.
    public static func status(stateDirectory: String) throws -> LocalEnvironmentStatus {
        var s = try LocalEnvironmentStatus.read(stateDirectory: stateDirectory)
        if !isAlive(s.pid) && s.phase != .failed {
            s.phase = .failed
            s.error = "the supervisor (pid \(s.pid)) is not running"
        }
        return s
    }

    /// Stops the supervisor (which removes the namespaces it made) and removes the state directory's files.
    /// - Returns: Whether a running supervisor was stopped.
    @discardableResult
    public static func down(stateDirectory: String, timeout: Duration = .seconds(30)) async throws -> Bool {
        var stopped = false
        if let s = try? LocalEnvironmentStatus.read(stateDirectory: stateDirectory), isAlive(s.pid) {
            kill(s.pid, SIGTERM)
            let deadline = ContinuousClock.now + timeout
            while isAlive(s.pid) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            if isAlive(s.pid) { kill(s.pid, SIGKILL) }
            stopped = true
        }
        // The supervisor removes its namespaces when it stops; sweep again in case it died before that.
        NetnsDataplane.removeAll(prefix: LocalEnvironment.dataplanePrefix(stateDirectory: stateDirectory))
        let fm = FileManager.default
        if fm.fileExists(atPath: stateDirectory) {
            try fm.removeItem(atPath: stateDirectory)
        }
        return stopped
    }

    static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) != 0 { return false }
        // A zombie child still answers kill(0): read its state.
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")")
        {
            let state = stat[stat.index(close, offsetBy: 2)]
            return state != "Z" && state != "X"
        }
        return true
    }

    static func tail(of path: String, lines: Int) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

extension LocalEnvironmentControl {
    /// The network namespace of a running pod of a local cluster (netns dataplane only).
    /// - Throws: `LocalEnvironmentError` when no environment runs there, the cluster is unknown, the dataplane is
    ///   not netns, or the pod has no namespace (not Running, or not on this machine).
    public static func podNetworkNamespace(stateDirectory: String, cluster: String, namespace: String,
                                           pod: String) throws -> String {
        let s = try status(stateDirectory: stateDirectory)
        guard s.clusters.contains(where: { $0.name == cluster }) else {
            throw LocalEnvironmentError("no cluster \"\(cluster)\" in the local environment (clusters: "
                + s.clusters.map(\.name).joined(separator: ", ") + ")")
        }
        guard s.options.dataplane == .netns else {
            throw LocalEnvironmentError("the local environment runs without a dataplane (--dataplane none): "
                + "pods have no network namespace")
        }
        let name = NetnsDataplane.podNamespaceName(
            prefix: LocalEnvironment.dataplanePrefix(stateDirectory: stateDirectory), cluster: cluster,
            namespace: namespace, pod: pod)
        guard FileManager.default.fileExists(atPath: "\(NetworkNamespace.runDirectory)/\(name)") else {
            throw LocalEnvironmentError("pod \(namespace)/\(pod) in cluster \(cluster) has no network namespace "
                + "(is it Running?)")
        }
        return name
    }
}
