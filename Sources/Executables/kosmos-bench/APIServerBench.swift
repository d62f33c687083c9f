import Foundation
import KosmosAPI
import KosmosLocal

/// `kosmos-bench apiserver`: the local API server itself, started in this process (plain HTTP on loopback
/// without a token, so TLS costs are not measured) and driven by small blocking HTTP/1.1 clients on their own
/// threads, each with one keep-alive connection.
///
/// Figures (one JSON line each):
/// - `create-configmaps-1-client` / `create-configmaps-8-clients` (creates/s): no external baseline exists on
///   the machine, so the baseline is the issue's goal (3,000/s; ratio > 1 meets it);
/// - `list-10000-pods` (ms): one unpaged GET of 10,000 ~3 KB pods, answer read to the last byte; baseline is
///   the machine's `kubectl get pods -n bench -o json` against the same server (process start, discovery, list
///   and printing included; the goal is 150 ms);
/// - `watch-write-rate` (writes/s): the rate the paced writers achieved during the watch phase (goal 1,000/s: the
///   watch figures only count when this is met);
/// - `watch-delivery-p99-100-watchers` (ms): 100 watchers while 16 writer connections create ConfigMaps on a fixed
///   1,000/s schedule; the latency of each (event, watcher) pair runs from just before the create request is
///   sent to the moment the watcher's bytes were read, so it includes the create itself; baseline is the goal
///   (20 ms; ratio < 1 meets it);
/// - `watch-delivery-after-ack-p99-100-watchers` (ms): the same events measured from the moment the writer had
///   the create's answer (0 for events that arrived before it): the server committed the write between send and
///   answer, so the true delivery time lies between the two figures;
/// - `rss-100000-objects` (MiB): this process's VmRSS (server and clients) once the store holds 100,000 small
///   ConfigMaps, measured before the pods and watchers; baseline is the goal (300 MiB).
///
/// `KOSMOS_BENCH_SCALE` (default 1) scales the object counts down for a quick run (e.g. 0.1).
enum APIServerBench {
    static let scenario = "apiserver"

    static func run() async throws {
        let scale = Double(ProcessInfo.processInfo.environment["KOSMOS_BENCH_SCALE"] ?? "") ?? 1
        let dir = NSTemporaryDirectory() + "kosmos-bench-apiserver-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try LocalAPIServer(configuration: .init(dataDirectory: dir, tls: false, requireToken: false))
        try await server.start()
        guard let port = Int(server.url.split(separator: ":").last ?? "") else {
            throw BenchError("cannot read the port of \(server.url)")
        }
        log("server on \(server.url), data in \(dir)")
        var objects = 0
        for ns in ["bench", "watch", "mem"] {
            let c = try BenchHTTPConnection(port: port)
            let r = try c.call("POST", "/api/v1/namespaces", body: #"{"metadata":{"name":"\#(ns)"}}"#)
            guard r.status == 201 else { throw BenchError("create namespace \(ns): HTTP \(r.status)") }
        }

        // Creates/s, 1 and 8 clients.
        let single = max(200, Int(3_000 * scale))
        let oneRate = try createConfigMaps(port: port, namespace: "bench", prefix: "one", count: single, clients: 1)
        objects += single
        NetBench.report(scenario, "create-configmaps-1-client", unit: "creates/s", ours: oneRate, baseline: 3_000)
        let eight = max(800, Int(16_000 * scale))
        let eightRate = try createConfigMaps(port: port, namespace: "bench", prefix: "eight", count: eight,
                                             clients: 8)
        objects += eight
        NetBench.report(scenario, "create-configmaps-8-clients", unit: "creates/s", ours: eightRate, baseline: 3_000)

        // Resident memory with 100,000 small objects in the store.
        // Measured before the pods and the 100 watcher threads exist, so the figure is the store of small objects
        // (plus this process's own baseline), not allocator leftovers of the later phases.
        let target = max(10_000, Int(100_000 * scale))
        if objects < target {
            _ = try createConfigMaps(port: port, namespace: "mem", prefix: "m", count: target - objects, clients: 8)
            objects = target
        }
        let rss = Double(BenchMemory.residentBytes()) / 1_048_576
        NetBench.report(scenario, "rss-\(target)-objects", unit: "MiB", ours: rss, baseline: 300)
        // List of 10,000 pods, against kubectl on the same list.
        let pods = max(1_000, Int(10_000 * scale))
        try createPods(port: port, count: pods)
        objects += pods
        let listConn = try BenchHTTPConnection(port: port)
        var best = Double.infinity
        for _ in 0..<5 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let r = try listConn.call("GET", "/api/v1/namespaces/bench/pods")
            let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
            guard r.status == 200 else { throw BenchError("list pods: HTTP \(r.status)") }
            best = min(best, ms)
        }
        var kubectlBest = Double.infinity
        for _ in 0..<3 {
            let k = try BenchProcess.run(["kubectl", "--kubeconfig", server.kubeconfigPath, "get", "pods", "-n",
                                          "bench", "-o", "json"])
            guard k.status == 0 else { throw BenchError("kubectl get pods failed (status \(k.status))") }
            kubectlBest = min(kubectlBest, k.seconds * 1_000)
        }
        NetBench.report(scenario, "list-\(pods)-pods", unit: "ms", ours: best, baseline: kubectlBest)

        // Watch delivery latency at a steady 1,000 writes/s.
        let watchWrites = max(1_000, Int(10_000 * scale))
        let watch = try watchLatency(port: port, watchers: 100, writesPerSecond: 1_000, writes: watchWrites)
        objects += watchWrites
        NetBench.report(scenario, "watch-write-rate", unit: "writes/s", ours: watch.writesPerSecond, baseline: 1_000)
        NetBench.report(scenario, "watch-delivery-p99-100-watchers", unit: "ms", ours: watch.fromSendP99,
                        baseline: 20)
        NetBench.report(scenario, "watch-delivery-after-ack-p99-100-watchers", unit: "ms", ours: watch.fromAckP99,
                        baseline: 20)

        try await server.shutdown()
    }

    static func log(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }

    static func configMapJSON(namespace: String, name: String, annotation: String? = nil) -> String {
        let ann = annotation.map { #","annotations":{"bench/seq":"\#($0)"}"# } ?? ""
        return #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","namespace":"\#(namespace)","#
            + #""labels":{"app":"bench"}\#(ann)},"data":{"key":"value-\#(name)"}}"#
    }

    /// Creates `count` ConfigMaps from `clients` threads; returns creates per second.
    static func createConfigMaps(port: Int, namespace: String, prefix: String, count: Int, clients: Int) throws
        -> Double {
        let failures = BenchCounter()
        let t0 = DispatchTime.now().uptimeNanoseconds
        try runThreads(clients) { w in
            let c = try BenchHTTPConnection(port: port)
            for i in stride(from: w, to: count, by: clients) {
                let r = try c.call("POST", "/api/v1/namespaces/\(namespace)/configmaps",
                                   body: configMapJSON(namespace: namespace, name: "\(prefix)-\(i)"))
                if r.status != 201 { failures.add(1) }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        guard failures.value == 0 else { throw BenchError("\(failures.value) creates failed") }
        log("created \(count) configmaps with \(clients) clients in \(String(format: "%.2f", seconds)) s")
        return Double(count) / seconds
    }

    static func createPods(port: Int, count: Int) throws {
        let failures = BenchCounter()
        try runThreads(8) { w in
            let c = try BenchHTTPConnection(port: port)
            for i in stride(from: w, to: count, by: 8) {
                var pod = try JSONValue.parse(BenchData.podJSON(index: i, namespace: "bench"))
                pod["metadata"]?["uid"] = nil
                pod["metadata"]?["resourceVersion"] = nil
                pod["metadata"]?["ownerReferences"] = nil
                pod["apiVersion"] = "v1"
                pod["kind"] = "Pod"
                let r = try c.call("POST", "/api/v1/namespaces/bench/pods",
                                   body: String(decoding: pod.serialized(), as: UTF8.self))
                if r.status != 201 { failures.add(1) }
            }
        }
        guard failures.value == 0 else { throw BenchError("\(failures.value) pod creates failed") }
        log("created \(count) pods")
    }

    /// What the watch phase measured.
    struct WatchFigures {
        /// Delivery latency from just before the create request was sent (includes the create itself), ms.
        var fromSendP99: Double
        /// Delivery latency from the moment the writer had the create's answer (0 when the event came first), ms.
        var fromAckP99: Double
        /// The write rate the writers achieved.
        var writesPerSecond: Double
    }

    /// Starts `watchers` watches, then creates `writes` ConfigMaps on a fixed schedule (write `k` is due at
    /// `k / writesPerSecond` s; 16 writer connections take the next due write as soon as they are free, so a slow
    /// answer delays no other write) and records, for every event every watcher reads, when it arrived.
    ///
    /// The watchers are read by two threads with poll(2) (one thread per watcher would make the client's own
    /// wake-ups the bottleneck on a small machine). An event's arrival time is taken when its bytes are read.
    static func watchLatency(port: Int, watchers: Int, writesPerSecond: Int, writes: Int) throws -> WatchFigures {
        let listConn = try BenchHTTPConnection(port: port)
        let list = try listConn.call("GET", "/api/v1/namespaces/watch/configmaps")
        let rv = (try? JSONValue.parse(list.body))?["metadata"]?["resourceVersion"]?.stringValue ?? "0"
        var streams: [(fd: Int32, pending: [UInt8])] = []
        for _ in 0..<watchers {
            let c = try BenchHTTPConnection(port: port)
            try c.send("GET", "/api/v1/namespaces/watch/configmaps?watch=1&resourceVersion=\(rv)&timeoutSeconds=600")
            let head = try c.readHead()
            guard head.status == 200, head.chunked else { throw BenchError("watch: HTTP \(head.status)") }
            streams.append(c.takeStream())
        }
        let arrivals = BenchTimes(count: watchers * writes)
        let sentAt = BenchTimes(count: writes)
        let ackAt = BenchTimes(count: writes)
        let readers = 2
        let readerGroup = DispatchGroup()
        let readerErrors = BenchCounter()
        let marker = Array(#""bench/seq":""#.utf8)
        for r in 0..<readers {
            let mine = Array(stride(from: r, to: watchers, by: readers))
            let myStreams = mine.map { streams[$0] }
            readerGroup.enter()
            let t = Thread {
                defer { readerGroup.leave() }
                do {
                    try readWatchStreams(myStreams, watcherIndexes: mine, writes: writes, marker: marker,
                                         arrivals: arrivals)
                } catch {
                    log("watch reader: \(error)")
                    readerErrors.add(1)
                }
            }
            t.start()
        }
        Thread.sleep(forTimeInterval: 0.5)
        let writers = 16
        let interval = 1e9 / Double(writesPerSecond)
        let next = BenchCounter()
        let t0 = DispatchTime.now().uptimeNanoseconds + 10_000_000
        try runThreads(writers) { _ in
            let c = try BenchHTTPConnection(port: port)
            while true {
                let k = next.takeNext()
                guard k < writes else { return }
                let due = t0 + UInt64(Double(k) * interval)
                let now = DispatchTime.now().uptimeNanoseconds
                if due > now { usleep(UInt32((due - now) / 1_000)) }
                let body = configMapJSON(namespace: "watch", name: "w-\(k)", annotation: "\(k)")
                sentAt.set(k, DispatchTime.now().uptimeNanoseconds)
                let r = try c.call("POST", "/api/v1/namespaces/watch/configmaps", body: body)
                ackAt.set(k, DispatchTime.now().uptimeNanoseconds)
                guard r.status == 201 else { throw BenchError("watch write: HTTP \(r.status)") }
            }
        }
        let writeSeconds = Double(ackAt.max() - t0) / 1e9
        readerGroup.wait()
        for s in streams { close(s.fd) }
        guard readerErrors.value == 0 else { throw BenchError("\(readerErrors.value) watch readers failed") }
        var fromSend: [Double] = []
        var fromAck: [Double] = []
        var early = 0
        fromSend.reserveCapacity(watchers * writes)
        fromAck.reserveCapacity(watchers * writes)
        for w in 0..<watchers {
            for k in 0..<writes {
                let at = arrivals.get(w * writes + k)
                guard at > 0 else { throw BenchError("watcher \(w) missed write \(k)") }
                fromSend.append(Double(at &- sentAt.get(k)) / 1e6)
                let ack = ackAt.get(k)
                if at < ack { early += 1 }
                fromAck.append(at > ack ? Double(at - ack) / 1e6 : 0)
            }
        }
        fromSend.sort()
        fromAck.sort()
        var create = (0..<writes).map { Double(ackAt.get($0) - sentAt.get($0)) / 1e6 }
        create.sort()
        func pct(_ xs: [Double], _ p: Double) -> Double { xs[min(xs.count - 1, Int(Double(xs.count) * p))] }
        let rate = Double(writes) / writeSeconds
        log("watch: \(writes) writes in \(String(format: "%.2f", writeSeconds)) s (\(Int(rate))/s, \(writers) writers), "
            + "\(fromSend.count) deliveries to \(watchers) watchers; create answer p50 "
            + "\(String(format: "%.2f", pct(create, 0.5))) p99 \(String(format: "%.2f", pct(create, 0.99))) ms; "
            + "delivery from send p50 \(String(format: "%.2f", pct(fromSend, 0.5))) p99 "
            + "\(String(format: "%.2f", pct(fromSend, 0.99))) max \(String(format: "%.2f", fromSend.last ?? 0)) ms; "
            + "from the create's answer p50 \(String(format: "%.2f", pct(fromAck, 0.5))) p99 "
            + "\(String(format: "%.2f", pct(fromAck, 0.99))) ms (\(early) events arrived before the answer)")
        return WatchFigures(fromSendP99: pct(fromSend, 0.99), fromAckP99: pct(fromAck, 0.99), writesPerSecond: rate)
    }

    /// Reads chunked watch streams with poll(2) until each has delivered `writes` events carrying `marker`,
    /// storing each event's arrival time at `watcher * writes + seq`.
    static func readWatchStreams(_ streams: [(fd: Int32, pending: [UInt8])], watcherIndexes: [Int], writes: Int,
                                 marker: [UInt8], arrivals: BenchTimes) throws {
        var decoders = streams.map { _ in ChunkedLineDecoder() }
        var seen = [Int](repeating: 0, count: streams.count)
        func consume(_ i: Int, _ bytes: UnsafeRawBufferPointer, at now: UInt64) {
            let w = watcherIndexes[i]
            decoders[i].feed(bytes) { line in
                guard let seq = extractNumber(line[...], after: marker), Int(seq) < writes else { return }
                arrivals.set(w * writes + Int(seq), now)
                seen[i] += 1
            }
        }
        var fds = streams.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        for (i, s) in streams.enumerated() {
            let now = DispatchTime.now().uptimeNanoseconds
            s.pending.withUnsafeBytes { consume(i, $0, at: now) }
        }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        let deadline = DispatchTime.now().uptimeNanoseconds + 600_000_000_000
        while !seen.allSatisfy({ $0 >= writes }) {
            guard DispatchTime.now().uptimeNanoseconds < deadline else { throw BenchError("watch readers timed out") }
            let n = poll(&fds, nfds_t(fds.count), 200)
            if n < 0 {
                if errno == EINTR { continue }
                throw BenchError("poll: \(String(cString: strerror(errno)))")
            }
            for i in fds.indices where fds[i].revents != 0 {
                let got = buffer.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                let now = DispatchTime.now().uptimeNanoseconds
                guard got > 0 else { throw BenchError("watch stream \(watcherIndexes[i]) ended early") }
                buffer.withUnsafeBytes { consume(i, UnsafeRawBufferPointer(rebasing: $0[0..<got]), at: now) }
            }
        }
    }

    static func extractNumber(_ line: ArraySlice<UInt8>, after marker: [UInt8]) -> UInt64? {
        guard line.count > marker.count else { return nil }
        var i = line.startIndex
        let end = line.endIndex - marker.count
        while i < end {
            if line[i] == marker[0] && line[i..<(i + marker.count)].elementsEqual(marker) {
                var v: UInt64 = 0
                var j = i + marker.count
                while j < line.endIndex, line[j] >= 48, line[j] <= 57 {
                    v = v * 10 + UInt64(line[j] - 48)
                    j += 1
                }
                return v
            }
            i += 1
        }
        return nil
    }

    /// Runs `body(index)` on `count` threads and waits for all; rethrows the first error.
    static func runThreads(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
        let group = DispatchGroup()
        let firstError = BenchBox<(any Error)?>(nil)
        for w in 0..<count {
            group.enter()
            let t = Thread {
                defer { group.leave() }
                do { try body(w) } catch { firstError.setIfNil(error) }
            }
            t.start()
        }
        group.wait()
        if let e = firstError.get() { throw e }
    }
}

/// A counter shared by bench threads.
final class BenchCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add(_ d: Int) { lock.lock(); n += d; lock.unlock() }
    /// The current value, then one more.
    func takeNext() -> Int { lock.lock(); defer { n += 1; lock.unlock() }; return n }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

/// Nanosecond timestamps written by many threads, each slot by one thread (no lock; read after they joined).
final class BenchTimes: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<UInt64>
    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: 0)
    }
    deinit { slots.deallocate() }
    func set(_ i: Int, _ t: UInt64) { slots[i] = t }
    func get(_ i: Int) -> UInt64 { slots[i] }
    func max() -> UInt64 { slots.max() ?? 0 }
}

/// Turns the bytes of an HTTP/1.1 chunked body, fed as they arrive, into the newline-terminated lines it carries.
struct ChunkedLineDecoder {
    private enum State { case size, data(Int), dataEnd, done }
    private var state = State.size
    private var sizeLine: [UInt8] = []
    private var line: [UInt8] = []

    mutating func feed(_ bytes: UnsafeRawBufferPointer, onLine: ([UInt8]) -> Void) {
        var i = 0
        while i < bytes.count {
            switch state {
            case .size:
                let c = bytes[i]
                i += 1
                if c == 0x0A {
                    let text = String(decoding: sizeLine, as: UTF8.self)
                    let hex = text.split(separator: ";").first?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                    let size = Int(hex, radix: 16) ?? 0
                    sizeLine.removeAll(keepingCapacity: true)
                    state = size == 0 ? .done : .data(size)
                } else {
                    sizeLine.append(c)
                }
            case .data(let left):
                let n = min(left, bytes.count - i)
                for j in i..<(i + n) {
                    let c = bytes[j]
                    line.append(c)
                    if c == 0x0A {
                        onLine(line)
                        line.removeAll(keepingCapacity: true)
                    }
                }
                i += n
                state = left - n == 0 ? .dataEnd : .data(left - n)
            case .dataEnd:
                if bytes[i] == 0x0A { state = .size }
                i += 1
            case .done:
                return
            }
        }
    }
}

/// A value shared by bench threads.
final class BenchBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var v: T
    init(_ v: T) { self.v = v }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return v }
    func setIfNil<U>(_ x: U) where T == U? { lock.lock(); if v == nil { v = x }; lock.unlock() }
}

/// A minimal blocking HTTP/1.1 client on one keep-alive TCP connection to 127.0.0.1, light enough that the
/// benchmark measures the server rather than the client.
final class BenchHTTPConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            close(fd)
            throw BenchError("connect 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
    }

    private var streamTaken = false

    deinit { if !streamTaken { close(fd) } }

    /// Hands the socket and the bytes already read past the answer's head to the caller, who closes the socket.
    func takeStream() -> (fd: Int32, pending: [UInt8]) {
        streamTaken = true
        return (fd, Array(buffer[start...]))
    }

    /// Sends a request and reads the whole answer.
    func call(_ method: String, _ path: String, body: String? = nil) throws -> (status: Int, body: [UInt8]) {
        try send(method, path, body: body)
        let head = try readHead()
        if let n = head.contentLength {
            return (head.status, try readExact(n))
        }
        if head.chunked {
            var out: [UInt8] = []
            while let chunk = try readChunk() { out += chunk }
            return (head.status, out)
        }
        return (head.status, [])
    }

    func send(_ method: String, _ path: String, body: String? = nil) throws {
        var req = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: kosmos-bench\r\n"
            + "Accept: application/json\r\n"
        let bodyBytes = body.map { Array($0.utf8) } ?? []
        if body != nil { req += "Content-Type: application/json\r\nContent-Length: \(bodyBytes.count)\r\n" }
        req += "\r\n"
        var bytes = Array(req.utf8)
        bytes += bodyBytes
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw BenchError("write: \(String(cString: strerror(errno)))") }
            off += n
        }
    }

    struct Head {
        var status: Int
        var contentLength: Int?
        var chunked: Bool
    }

    func readHead() throws -> Head {
        let statusLine = try readLine()
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        var head = Head(status: status, contentLength: nil, chunked: false)
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            let lower = line.lowercased()
            if lower.hasPrefix("content-length:") {
                head.contentLength = Int(lower.dropFirst(15).trimmingCharacters(in: .whitespaces))
            } else if lower.hasPrefix("transfer-encoding:") && lower.contains("chunked") {
                head.chunked = true
            }
        }
        return head
    }

    private func readChunk() throws -> [UInt8]? {
        let sizeLine = try readLine()
        guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) else {
            throw BenchError("bad chunk size line \"\(sizeLine)\"")
        }
        if size == 0 {
            _ = try readLine()
            return nil
        }
        let data = try readExact(size)
        _ = try readLine()
        return data
    }

    private func fill() throws {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65_536 {
            buffer.removeFirst(start)
            start = 0
        }
        var tmp = [UInt8](repeating: 0, count: 65_536)
        let n = tmp.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { throw BenchError("connection closed by the server") }
        buffer += tmp[0..<n]
    }

    private func readLine() throws -> String {
        while true {
            if let nl = buffer[start...].firstIndex(of: 10) {
                var end = nl
                if end > start && buffer[end - 1] == 13 { end -= 1 }
                let s = String(decoding: buffer[start..<end], as: UTF8.self)
                start = nl + 1
                return s
            }
            try fill()
        }
    }

    private func readExact(_ n: Int) throws -> [UInt8] {
        while buffer.count - start < n { try fill() }
        let out = Array(buffer[start..<(start + n)])
        start += n
        return out
    }
}
