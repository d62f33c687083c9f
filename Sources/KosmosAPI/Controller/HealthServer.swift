#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server for executables: `GET /healthz` (liveness), `GET /readyz` (readiness) and
/// `GET /metrics` (Prometheus text from a `PrometheusMetrics`).
///
/// `/healthz` and `/readyz` answer `200 ok` when all their checks pass and `500` naming the failing checks
/// otherwise; `?verbose` lists every check. The socket is bound in `init` (so the port is known at once, also for
/// port 0); `run()` serves on a dedicated thread until the calling task is cancelled, then closes the socket.
/// Requests are tiny and answered one at a time, which is what probes and scrapers need.
public final class HealthServer: Sendable {
    /// A named check; `true` means healthy.
    public typealias Check = @Sendable () -> Bool

    /// The bound port.
    public let port: Int
    private let fd: Int32
    private let metrics: PrometheusMetrics?
    private let liveness: [(String, Check)]
    private let readiness: [(String, Check)]
    private let stopping = StateLock(false)
    /// Whether `run()` took ownership of the socket (it closes it when done).
    private let started = StateLock(false)

    /// Binds the listening socket.
    /// - Parameters:
    ///   - host: an IPv4 address to listen on, e.g. `0.0.0.0` or `127.0.0.1`.
    ///   - port: the TCP port; 0 picks a free one (read it back from `port`).
    ///   - metrics: rendered at `/metrics`; the endpoint answers 404 when `nil`.
    ///   - liveness: checks of `/healthz`, by name.
    ///   - readiness: checks of `/readyz`, by name (e.g. informers synced, leader elected).
    /// - Throws: `HealthServerError` when the address is invalid or the socket cannot be bound.
    public init(
        host: String = "0.0.0.0", port: Int, metrics: PrometheusMetrics? = nil,
        liveness: [String: Check] = [:], readiness: [String: Check] = [:]
    ) throws(HealthServerError) {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
            throw HealthServerError(operation: "parse listen address \(host)", errno: EINVAL)
        }
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw HealthServerError(operation: "create socket", errno: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let e = errno
            close(fd)
            throw HealthServerError(operation: "listen on \(host):\(port)", errno: e)
        }
        var actual = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        self.metrics = metrics
        self.liveness = liveness.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        self.readiness = readiness.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    deinit {
        if !started.withLock({ $0 }) { close(fd) }
    }

    /// Serves until the calling task is cancelled, then closes the socket. Runs once; later calls return at once.
    public func run() async {
        let first = started.withLock { s in
            defer { s = true }
            return !s
        }
        guard first else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                let context = ThreadContext(server: self, done: done)
                var thread = pthread_t()
                let box = Unmanaged.passRetained(context).toOpaque()
                let rc = pthread_create(&thread, nil, { raw in
                    let ctx = Unmanaged<ThreadContext>.fromOpaque(raw!).takeRetainedValue()
                    ctx.server.serveLoop()
                    ctx.done.resume()
                    return nil
                }, box)
                if rc != 0 {
                    Unmanaged<ThreadContext>.fromOpaque(box).release()
                    close(fd)
                    done.resume()
                } else {
                    pthread_detach(thread)
                }
            }
        } onCancel: {
            stopping.withLock { $0 = true }
        }
    }

    private final class ThreadContext: Sendable {
        let server: HealthServer
        let done: CheckedContinuation<Void, Never>
        init(server: HealthServer, done: CheckedContinuation<Void, Never>) {
            self.server = server
            self.done = done
        }
    }

    private func serveLoop() {
        defer { close(fd) }
        while !stopping.withLock({ $0 }) {
            // Poll with a short timeout so cancellation is noticed without closing the socket under `accept`.
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            let client = accept(fd, nil, nil)
            guard client >= 0 else { continue }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while request.count < 16384 {
            let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            request.append(contentsOf: buffer[..<n])
            if request.firstRange(of: [13, 10, 13, 10]) != nil { break }
        }
        let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let parts = line.split(separator: " ")
        let response: (status: String, type: String, body: String)
        if parts.count < 2 {
            response = ("400 Bad Request", "text/plain", "bad request\n")
        } else if parts[0] != "GET" && parts[0] != "HEAD" {
            response = ("405 Method Not Allowed", "text/plain", "method not allowed\n")
        } else {
            response = route(String(parts[1]))
        }
        let body = parts.first == "HEAD" ? "" : response.body
        let head = "HTTP/1.1 \(response.status)\r\nContent-Type: \(response.type)\r\n"
            + "Content-Length: \(response.body.utf8.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array((head + body).utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
    }

    private func route(_ target: String) -> (status: String, type: String, body: String) {
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
        let verbose = target.contains("?verbose")
        switch path {
        case "/healthz", "/livez": return checks(liveness, verbose: verbose)
        case "/readyz": return checks(readiness, verbose: verbose)
        case "/metrics":
            guard let metrics else { return ("404 Not Found", "text/plain", "no metrics\n") }
            return ("200 OK", PrometheusMetrics.contentType, metrics.render())
        default: return ("404 Not Found", "text/plain", "not found\n")
        }
    }

    private func checks(_ list: [(String, Check)], verbose: Bool) -> (status: String, type: String, body: String) {
        var failed = false
        var report = ""
        for (name, check) in list {
            let ok = check()
            failed = failed || !ok
            report += "[\(ok ? "+" : "-")]\(name) \(ok ? "ok" : "failed")\n"
        }
        if failed { return ("500 Internal Server Error", "text/plain", report + "check failed\n") }
        return ("200 OK", "text/plain", verbose ? report + "ok\n" : "ok\n")
    }
}

/// The health server's socket could not be set up.
public struct HealthServerError: Error, Sendable, CustomStringConvertible {
    /// What was being done.
    public var operation: String
    /// The C `errno`.
    public var errno: Int32

    public var description: String {
        "health server: \(operation): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
