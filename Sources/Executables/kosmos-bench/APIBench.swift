import Foundation
import KosmosAPI

/// `kosmos-bench api`: the typed client and informer cache against a local API server in another process.
/// - list+decode of 10,000 ~3 KB pods through the typed client vs `kubectl get pods -A -o json` (time, peak memory);
/// - watch throughput into an informer (reflector, cache, one handler) vs `curl` reading the same stream as bytes;
/// - informer cache memory for 10,000 pods (resident growth, free heap trimmed) vs their JSON size;
/// - reading every pod from the informer cache vs listing and decoding them from the server.
enum APIBench {
    static func run() async throws {
        let count = Int(ProcessInfo.processInfo.environment["KOSMOS_BENCH_PODS"] ?? "") ?? 10_000
        let server = try BenchServer.start()
        defer { server.stop() }
        let client = try KubeClient.fromKubeconfig(path: server.kubeconfig)
        let rvBefore = try await client.list(ConfigMap.self, namespace: "default").metadata.resourceVersion ?? "0"
        let jsonBytes = try await BenchServer.createPods(client: client, count: count, namespace: "bench")
        FileHandle.standardError.write("created \(count) pods (\(jsonBytes / 1024) KiB of JSON)\n".data(using: .utf8)!)

        // List + decode, paged by 500 as kubectl does.
        BenchMemory.resetPeak()
        let rssBefore = BenchMemory.residentBytes()
        let t0 = DispatchTime.now().uptimeNanoseconds
        var items: [Pod] = []
        var token: String?
        repeat {
            var o = ListOptions()
            o.limit = 500
            o.continue = token
            let page = try await client.list(Pod.self, namespace: nil, options: o)
            items += page.items
            token = page.metadata.continue
        } while token != nil
        let ours = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let oursPeak = max(0, BenchMemory.peakBytes() - rssBefore)
        guard items.count >= count else { throw BenchError("listed \(items.count) pods, expected \(count)") }
        let kubectl = try BenchProcess.run(["kubectl", "--kubeconfig", server.kubeconfig, "get", "pods", "-A",
                                            "-o", "json"])
        BenchData.report("api", "list-decode-\(count)-pods", unit: "s", ours: ours, baseline: kubectl.seconds)
        BenchData.report("api", "list-decode-\(count)-pods-peak-memory", unit: "bytes", ours: Double(oursPeak),
                         baseline: Double(kubectl.maxRSSBytes))
        items = []

        // Watch throughput into an informer: the informer starts from the version before the creates and replays
        // them from the server's event history through its reflector into its cache and one event handler.
        let memoryBefore = BenchMemory.residentAfterTrim()
        let informer = SharedInformer(listerWatcher: ReplayListerWatcher(
            base: KubeListerWatcher<Pod>(client: client), resourceVersion: rvBefore))
        let (delivered, deliveredSignal) = AsyncStream.makeStream(of: Void.self)
        let handled = ManagedCounter()
        informer.addEventHandler { _ in if handled.increment() == count { deliveredSignal.yield() } }
        let cpuBefore = (ours: BenchCPU.selfSeconds(), server: BenchCPU.seconds(pid: server.process.processIdentifier))
        let t1 = DispatchTime.now().uptimeNanoseconds
        let run = Task { await informer.run() }
        for await _ in delivered { break }
        let watchSeconds = Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e9
        // CPU per event on each side (less sensitive to load than the rate): shows which side limits the rate.
        let oursCPU = BenchCPU.selfSeconds() - cpuBefore.ours
        let serverCPU = BenchCPU.seconds(pid: server.process.processIdentifier) - cpuBefore.server
        FileHandle.standardError.write(String(
            format: "watch: %.1f us CPU/event in kosmos-bench, %.1f us CPU/event in kosmos-apiserver\n",
            oursCPU / Double(count) * 1e6, serverCPU / Double(count) * 1e6).data(using: .utf8)!)
        guard informer.store.count == count else {
            throw BenchError("informer cache holds \(informer.store.count) pods, expected \(count)")
        }
        let memoryHeld = max(0, BenchMemory.residentAfterTrim() - memoryBefore)
        let url = "\(server.url)/api/v1/pods?watch=1&resourceVersion=\(rvBefore)&timeoutSeconds=120"
        let curlSeconds = try BenchProcess.timeLines(
            ["curl", "-sSN", "--cacert", server.caPath, "-H", "Authorization: Bearer \(server.token)", url],
            lines: count)
        BenchData.report("api", "watch-into-informer-events-per-s", unit: "events/s",
                         ours: Double(count) / watchSeconds, baseline: Double(count) / curlSeconds)

        // Cache memory: memory held by the informer (its cache with indices and decoded recent objects) vs the
        // JSON size of the pods it holds.
        BenchData.report("api", "informer-cache-\(count)-pods-memory", unit: "bytes", ours: Double(memoryHeld),
                         baseline: Double(jsonBytes))

        // Reading the cache: every pod decoded from the cache vs the same pods listed and decoded from the server.
        let listCache = BenchData.time(repeat: 3) { precondition(informer.store.list().count == count) }
        BenchData.report("api", "informer-cache-read-all-\(count)-pods", unit: "s", ours: listCache, baseline: ours)
        run.cancel()
        await run.value
    }
}

/// Lists nothing, as of `resourceVersion`, and watches through `base`: an informer over it replays every change
/// after that version from the server's event history.
struct ReplayListerWatcher: ListerWatcher {
    let base: KubeListerWatcher<Pod>
    let resourceVersion: String

    func list() async throws -> ListSnapshot<Pod> { ListSnapshot(items: [], resourceVersion: resourceVersion) }

    func watch(resourceVersion: String, timeout: Duration) async throws -> KubeWatchEvents<Pod> {
        try await base.watch(resourceVersion: resourceVersion, timeout: timeout)
    }

    func isResourceExpired(_ error: any Error) -> Bool { base.isResourceExpired(error) }
}

/// A counter shared with an event handler.
final class ManagedCounter: @unchecked Sendable {
    // @unchecked: `value` is only touched while holding `lock`.
    private let lock = NSLock()
    private var value = 0

    /// Adds one and returns the new value.
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

/// A `kosmos-apiserver` child process on a fresh data directory.
struct BenchServer {
    let process: Process
    let dir: String
    let kubeconfig: String
    let url: String
    let token: String
    let caPath: String

    /// Starts `kosmos-apiserver` from the directory of this executable (so the release build is measured).
    static func start() throws -> BenchServer {
        let dir = NSTemporaryDirectory() + "kosmos-bench-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let selfPath = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let exe = URL(fileURLWithPath: selfPath).deletingLastPathComponent().appendingPathComponent("kosmos-apiserver")
        guard FileManager.default.isExecutableFile(atPath: exe.path) else {
            throw BenchError("\(exe.path) not found: build it first (swift build -c release --product kosmos-apiserver)")
        }
        let p = Process()
        p.executableURL = exe
        // Enough event history for the informer to replay every create.
        p.arguments = ["--data-dir", dir, "--port", "0", "--event-history", "1000000"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle(forWritingAtPath: "/dev/stderr")
        try p.run()
        let kubeconfig = "\(dir)/kubeconfig"
        for _ in 0..<300 where !FileManager.default.fileExists(atPath: kubeconfig) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.1)
        let doc = try YAML.parse(String(contentsOfFile: kubeconfig, encoding: .utf8))
        let server = doc["clusters"]?.arrayValue?.first?["cluster"]?["server"]?.stringValue ?? ""
        let token = doc["users"]?.arrayValue?.first?["user"]?["token"]?.stringValue ?? ""
        return BenchServer(process: p, dir: dir, kubeconfig: kubeconfig, url: server, token: token,
                           caPath: "\(dir)/ca.crt")
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Creates `count` realistic pods with 8 concurrent clients; returns the total JSON size of what was created.
    static func createPods(client: KubeClient, count: Int, namespace: String) async throws -> Int {
        _ = try? await client.create(Namespace(name: namespace))
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for w in 0..<8 {
                group.addTask {
                    var bytes = 0
                    for i in stride(from: w, to: count, by: 8) {
                        var pod = try Pod(json: JSONValue.parse(BenchData.podJSON(index: i, namespace: namespace)))
                        pod.fillTypeMeta()
                        pod.json["metadata"]?["uid"] = nil
                        pod.json["metadata"]?["resourceVersion"] = nil
                        pod.json["metadata"]?["ownerReferences"] = nil
                        let created = try await client.create(pod)
                        bytes += created.json.serialized().count
                    }
                    return bytes
                }
            }
            return try await group.reduce(0, +)
        }
    }
}

/// Runs a command and measures its wall time and peak resident memory (from `wait4`'s rusage).
enum BenchProcess {
    struct Result {
        var seconds: Double
        var maxRSSBytes: Int
        var status: Int32
    }

    static func run(_ argv: [String]) throws -> Result {
        var pid: pid_t = 0
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let cargs = argv.map { strdup($0) } + [nil]
        defer { for a in cargs { free(a) } }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, cargs, environ)
        guard rc == 0 else { throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(pid, &status, 0, &usage)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        return Result(seconds: seconds, maxRSSBytes: Int(usage.ru_maxrss) * 1024, status: status)
    }
}

extension BenchProcess {
    /// Starts a command and returns the seconds until it has written `lines` lines to stdout; then stops it.
    static func timeLines(_ argv: [String], lines: Int) throws -> Double {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        let pipe = Pipe()
        p.standardOutput = pipe
        let t0 = DispatchTime.now().uptimeNanoseconds
        try p.run()
        var seen = 0
        let h = pipe.fileHandleForReading
        while seen < lines {
            let d = h.availableData
            if d.isEmpty { break }
            seen += d.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        }
        let t = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        // SIGKILL, not `terminate()`: the child inherits this process's signal mask, in which SIGTERM is blocked,
        // so a terminated curl lived on until the server closed its watch (two minutes per bench run).
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        guard seen >= lines else { throw BenchError("\(argv[0]) wrote \(seen) lines, expected \(lines)") }
        return t
    }
}

/// CPU time (user + system) of processes, from /proc.
enum BenchCPU {
    /// This process's CPU seconds.
    static func selfSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Another process's CPU seconds (utime + stime of /proc/<pid>/stat), 0 when unreadable.
    static func seconds(pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        // Fields after the command name: state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// This process's memory, from /proc/self/status.
enum BenchMemory {
    static func field(_ name: String) -> Int {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in s.split(separator: "\n") where line.hasPrefix(name + ":") {
            let digits = line.split(separator: " ").dropFirst().first { Int($0) != nil }
            return (digits.flatMap { Int($0) } ?? 0) * 1024
        }
        return 0
    }

    /// Resident set size now.
    static func residentBytes() -> Int { field("VmRSS") }
    /// Peak resident set size since the last reset.
    static func peakBytes() -> Int { field("VmHWM") }
    /// Resident set size after handing the allocator's free pages back to the kernel (glibc's `malloc_trim(0)`,
    /// looked up at run time because Swift's Glibc module does not export `malloc.h`), so memory freed but kept by
    /// the allocator does not count.
    static func residentAfterTrim() -> Int {
        typealias Trim = @convention(c) (Int) -> Int32
        if let handle = dlopen(nil, RTLD_NOW), let sym = dlsym(handle, "malloc_trim") {
            _ = unsafeBitCast(sym, to: Trim.self)(0)
        }
        return residentBytes()
    }

    /// Resets the peak (Linux: writing 5 to clear_refs).
    static func resetPeak() { try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8) }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
