import Foundation
import KosmosAPI
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The request-handling side the HTTP transport calls: returns an answer for a complete request. Runs on a
/// thread pool (it may block on SQLite), never on an event loop.
protocol APIRequestHandling: Sendable {
    func handle(_ request: APIRequest) -> APIResponse
}

/// HTTP/1.1 over TCP (optionally TLS) on SwiftNIO: reads whole requests, hands them to the handler on a blocking
/// pool, writes answers with Content-Length, and streams watches with chunked encoding.
final class HTTPServer: Sendable {
    let group: MultiThreadedEventLoopGroup
    let pool: NIOThreadPool
    let handler: any APIRequestHandling
    let sslContext: NIOSSLContext?
    /// One batcher of watch lines per event loop.
    let dispatchers: [ObjectIdentifier: WatchDispatcher]
    private let channelBox = LockedBox<(any Channel)?>(nil)

    init(handler: any APIRequestHandling, sslContext: NIOSSLContext?, threads: Int) {
        self.handler = handler
        self.sslContext = sslContext
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        var dispatchers: [ObjectIdentifier: WatchDispatcher] = [:]
        for loop in group.makeIterator() { dispatchers[ObjectIdentifier(loop)] = WatchDispatcher(loop: loop) }
        self.dispatchers = dispatchers
        pool = NIOThreadPool(numberOfThreads: max(4, threads * 4))
        pool.start()
    }

    /// Binds and starts accepting; returns the bound port.
    func start(host: String, port: Int) async throws -> Int {
        let handler = self.handler
        let pool = self.pool
        let ssl = sslContext
        let dispatchers = self.dispatchers
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 512)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let ssl {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: ssl))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPConnectionHandler(handler: handler, pool: pool,
                                              dispatcher: dispatchers[ObjectIdentifier(channel.eventLoop)]))
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        channelBox.set(channel)
        return channel.localAddress?.port ?? port
    }

    func shutdown() async throws {
        if let ch = channelBox.get() {
            try? await ch.close()
        }
        try await group.shutdownGracefully()
        try await pool.shutdownGracefully()
    }
}

/// A value behind a lock, for the few mutable fields of otherwise immutable Sendable classes.
final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ v: T) { value = v }
    func get() -> T {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
    func set(_ v: T) {
        lock.lock()
        value = v
        lock.unlock()
    }
    func modify<R>(_ body: (inout T) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

/// One watch stream's connection as its event loop's `WatchDispatcher` sees it. Touched only on that loop.
final class WatchSink: @unchecked Sendable {
    let context: ChannelHandlerContext
    /// False once the stream ended or the connection closed: later lines are dropped.
    var active = true
    /// Lines of the batch being drained, not yet written.
    var batched: ByteBuffer?

    init(context: ChannelHandlerContext) {
        self.context = context
    }
}

/// Batches the watch lines bound for the connections of one event loop.
///
/// The store hands a change to every watcher under its lock; a task on the event loop per watcher and line (and
/// another per flush) made that hand-off, and the loop's wake-ups, grow with the number of watchers. Here lines
/// queue up under a short lock, and one task per burst writes them: the lines of one connection go out as one
/// chunk and one flush (a burst that queued up while the loop was busy costs one write per connection, not one
/// per line; clients frame events on newlines, not on chunks).
final class WatchDispatcher: @unchecked Sendable {
    private let loop: any EventLoop
    private let lock = NSLock()
    private var pending: [(sink: WatchSink, produce: @Sendable () -> ByteBuffer)] = []
    private var scheduled = false
    /// Bytes of one connection's batch that are written at once without waiting for the end of the burst.
    static let chunkLimit = 256 * 1024

    init(loop: any EventLoop) {
        self.loop = loop
    }

    /// Queues a line for `sink` (any thread); lines of one sink are written in the order they were queued.
    func enqueue(_ sink: WatchSink, _ produce: @escaping @Sendable () -> ByteBuffer) {
        lock.lock()
        pending.append((sink, produce))
        let schedule = !scheduled
        scheduled = true
        lock.unlock()
        if schedule { loop.execute { self.drain() } }
    }

    private func drain() {
        var batch: [(sink: WatchSink, produce: @Sendable () -> ByteBuffer)] = []
        lock.lock()
        swap(&batch, &pending)
        scheduled = false
        lock.unlock()
        var touched: [WatchSink] = []
        for (sink, produce) in batch where sink.active {
            let line = produce()
            if sink.batched == nil {
                // Shared with the other watchers of the change; copied only if a second line is appended.
                sink.batched = line
                touched.append(sink)
            } else {
                sink.batched!.writeImmutableBuffer(line)
                // A long burst (a replay of thousands of events) goes out in pieces, so the client parses the
                // first events while later ones are still being encoded.
                if sink.batched!.readableBytes >= Self.chunkLimit {
                    let lines = sink.batched!
                    sink.batched = nil
                    sink.context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(lines))), promise: nil)
                }
            }
        }
        for sink in touched {
            guard let lines = sink.batched else { continue }
            sink.batched = nil
            sink.context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(lines))), promise: nil)
        }
    }
}

/// Per-connection state machine: collect head + body, dispatch, write the answer; for watches keep the stream
/// open until timeout, client close, or server shutdown.
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let handler: any APIRequestHandling
    private let pool: NIOThreadPool
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var watchID: Int?
    private var watchStop: (@Sendable (Int) -> Void)?
    private var timers: [Scheduled<Void>] = []
    private var streaming = false
    private let dispatcher: WatchDispatcher?
    private var sink: WatchSink?
    /// Limit on request bodies (kube-apiserver's is 3 MiB for most; we allow a bit more).
    private let maxBody = 8 * 1024 * 1024

    init(handler: any APIRequestHandling, pool: NIOThreadPool, dispatcher: WatchDispatcher?) {
        self.handler = handler
        self.pool = pool
        self.dispatcher = dispatcher
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body.removeAll(keepingCapacity: true)
        case .body(var buf):
            if body.count + buf.readableBytes > maxBody {
                body = Array("too large".utf8)
                head?.uri = "/__too_large__"
                return
            }
            body.append(contentsOf: buf.readBytes(length: buf.readableBytes) ?? [])
        case .end:
            guard let h = head else { return }
            head = nil
            let request = APIRequest(method: h.method, uri: h.uri, headers: h.headers, body: body)
            body = []
            let keepAlive = h.isKeepAlive
            let version = h.version
            let handler = self.handler
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            pool.runIfActive(eventLoop: context.eventLoop) {
                handler.handle(request)
            }.whenComplete { result in
                let (me, ctx) = loopBound.value
                switch result {
                case .success(let response):
                    me.write(response, context: ctx, keepAlive: keepAlive, version: version)
                case .failure:
                    me.write(.error(.internalError("server shutting down")), context: ctx, keepAlive: false,
                             version: version)
                }
            }
        }
    }

    private func write(_ response: APIResponse, context: ChannelHandlerContext, keepAlive: Bool,
                       version: HTTPVersion) {
        var headers = HTTPHeaders()
        for (k, v) in response.headers { headers.add(name: k, value: v) }
        headers.add(name: "Audit-Id", value: UUID().uuidString.lowercased())
        headers.add(name: "Date", value: httpDate())
        switch response.body {
        case .bytes(let bytes):
            headers.replaceOrAdd(name: "Content-Length", value: String(bytes.count))
            if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
            var h = HTTPResponseHead(version: version, status: response.status, headers: headers)
            h.headers = headers
            context.write(wrapOutboundOut(.head(h)), promise: nil)
            if !bytes.isEmpty {
                var buf = context.channel.allocator.buffer(capacity: bytes.count)
                buf.writeBytes(bytes)
                context.write(wrapOutboundOut(.body(.byteBuffer(buf))), promise: nil)
            }
            let promise: EventLoopPromise<Void>? = keepAlive ? nil : context.eventLoop.makePromise()
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
            if let promise {
                let ctx = NIOLoopBound(context, eventLoop: context.eventLoop)
                promise.futureResult.whenComplete { _ in ctx.value.close(promise: nil) }
            }
        case .watch(let plan):
            startWatch(plan, headers: headers, context: context, version: version)
        }
    }

    private func startWatch(_ plan: WatchPlan, headers: HTTPHeaders, context: ChannelHandlerContext,
                            version: HTTPVersion) {
        var headers = headers
        headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
        let h = HTTPResponseHead(version: version, status: .ok, headers: headers)
        context.writeAndFlush(wrapOutboundOut(.head(h)), promise: nil)
        streaming = true
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        let sink = WatchSink(context: context)
        self.sink = sink
        let dispatcher = self.dispatcher ?? WatchDispatcher(loop: loop)
        let emit: @Sendable (@escaping @Sendable () -> ByteBuffer) -> Void = { produce in
            dispatcher.enqueue(sink, produce)
        }
        switch plan.start(emit) {
        case .failure(let e):
            var errorLine = JSONValue.object(["type": "ERROR", "object": e.status]).serialized()
            errorLine.append(0x0A)
            let line = ByteBuffer(bytes: errorLine)
            emit { line }
            loop.execute { bound.value.0.endStream(context: bound.value.1) }
            return
        case .success(let id):
            watchID = id
            watchStop = plan.stop
        }
        let timeout = plan.timeoutSeconds > 0 ? plan.timeoutSeconds : 1800
        timers.append(loop.scheduleTask(in: .seconds(timeout)) {
            let (me, ctx) = bound.value
            if let id = me.watchID { plan.bookmark?(id) }
            loop.execute { me.endStream(context: ctx) }
        })
        if let bookmark = plan.bookmark, plan.bookmarkInterval > 0, plan.bookmarkInterval < timeout {
            var t = plan.bookmarkInterval
            while t < timeout {
                timers.append(loop.scheduleTask(in: .seconds(t)) {
                    if let id = bound.value.0.watchID { bookmark(id) }
                })
                t += plan.bookmarkInterval
            }
        }
    }

    private func endStream(context: ChannelHandlerContext) {
        guard streaming else { return }
        stopWatch()
        streaming = false
        sink?.active = false
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    private func stopWatch() {
        for t in timers { t.cancel() }
        timers.removeAll()
        if let id = watchID, let stop = watchStop { stop(id) }
        watchID = nil
        watchStop = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopWatch()
        streaming = false
        sink?.active = false
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        stopWatch()
        context.close(promise: nil)
    }

    private func httpDate() -> String {
        var t = time(nil)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        var buf = [CChar](repeating: 0, count: 64)
        let n = strftime(&buf, 64, "%a, %d %b %Y %H:%M:%S GMT", &tmv)
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
