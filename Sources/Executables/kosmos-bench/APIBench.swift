import Foundation
import KosmosAPI

/// `kosmos-bench api`: the typed client and informer cache against a local API server in another process.
/// - list+decode of 10,000 ~3 KB pods through the typed client vs `kubectl get pods -A -o json` (time, peak memory);
/// - watch throughput into an informer store vs `curl` reading the same stream as bytes;
/// - informer cache memory for 10,000 pods vs their JSON size.
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

        // Watch throughput: replay the creates from the event history into a store.
        let store = ObjectStore<Pod>()
        var o = ListOptions()
        o.resourceVersion = rvBefore
        o.timeoutSeconds = 120
        let t1 = DispatchTime.now().uptimeNanoseconds
        var seen = 0
        for try await event in try await client.watch(Pod.self, namespace: nil, options: o) {
            if event.type == .added || event.type == .modified {
                _ = store.put(event.object)
                seen += 1
                if seen == count { break }
            }
        }
        let watchSeconds = Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e9
        let url = "\(server.url)/api/v1/pods?watch=1&resourceVersion=\(rvBefore)&timeoutSeconds=120"
        let curlSeconds = try BenchProcess.timeLines(
            ["curl", "-sSN", "--cacert", server.caPath, "-H", "Authorization: Bearer \(server.token)", url],
            lines: count)
        BenchData.report("api", "watch-into-store-events-per-s", unit: "events/s", ours: Double(seen) / watchSeconds,
                         baseline: Double(count) / curlSeconds)

        // Cache memory: resident growth while holding the store, vs the JSON bytes it holds.
        let before = BenchMemory.residentBytes()
        let store2 = ObjectStore<Pod>()
        for p in try await client.listAll(Pod.self, namespace: nil).items { _ = store2.put(p) }
        let grown = max(0, BenchMemory.residentBytes() - before)
        BenchData.report("api", "informer-cache-\(count)-pods-memory", unit: "bytes", ours: Double(grown),
                         baseline: Double(jsonBytes))
        withExtendedLifetime(store2) {}
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
        p.arguments = ["--data-dir", dir, "--port", "0"]
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
        p.terminate()
        p.waitUntilExit()
        guard seen >= lines else { throw BenchError("\(argv[0]) wrote \(seen) lines, expected \(lines)") }
        return t
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
    /// Resets the peak (Linux: writing 5 to clear_refs).
    static func resetPeak() { try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8) }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
