import Logging

/// Where a reflector delivers what it sees. Both calls are synchronous so that the cache and the handlers'
/// queues change atomically with respect to readers.
protocol ReflectorSink<Object>: Sendable {
    associatedtype Object: JSONBacked
    /// A full list arrived: the cache must become exactly `items`.
    func replace(_ items: [Object], resourceVersion: String)
    /// Watch events arrived, in order (never bookmarks); each `json`, when given, is the object's JSON text as
    /// received, and `resourceVersion` the object's.
    func apply(_ changes: [ReflectorChange<Object>])
    /// A bookmark moved the collection's resourceVersion.
    func bookmark(resourceVersion: String)
}

/// One watch event as a reflector hands it to its sink.
struct ReflectorChange<Object: JSONBacked>: Sendable {
    var event: ReflectorEvent<Object>
    /// The object's JSON text as received, when it is exactly the object.
    var json: CompactJSON?
    /// The object's `metadata.resourceVersion`.
    var resourceVersion: String?
}

/// Keeps a sink in step with a collection on a server (client-go's `Reflector`): list, then watch from the
/// list's resourceVersion; when a watch ends, watch again from the last resourceVersion seen (events and
/// bookmarks); when the server says that version is gone (410), list again, which replaces the cache and so
/// reports objects that vanished meanwhile as deleted. Every other failure waits with backoff and jitter.
struct Reflector<Source: ListerWatcher>: Sendable {
    typealias Object = Source.Object
    let listerWatcher: Source
    let backoff: Backoff
    /// Watches are asked to end after a random time in this range, so load spreads across API servers.
    let watchTimeout: ClosedRange<Duration>
    let description: String
    let logger: Logger

    /// A watch that ends within this time without delivering anything counts as a failure (avoids a hot loop
    /// against a server that closes watches at once).
    private static var shortWatch: Duration { .seconds(1) }

    /// Runs until the task is cancelled.
    func run(into sink: some ReflectorSink<Object>) async {
        var backoff = self.backoff
        var resourceVersion: String?
        while !Task.isCancelled {
            var listing = false
            do {
                if resourceVersion == nil {
                    listing = true
                    let snapshot = try await listerWatcher.list()
                    try Task.checkCancellation()
                    sink.replace(snapshot.items, resourceVersion: snapshot.resourceVersion)
                    resourceVersion = snapshot.resourceVersion
                    logger.debug("listed \(description)", metadata: [
                        "count": "\(snapshot.items.count)", "resourceVersion": "\(snapshot.resourceVersion)",
                    ])
                    listing = false
                }
                let from = resourceVersion!
                let started = ContinuousClock.now
                let lo = watchTimeout.lowerBound.fractionalSeconds, hi = watchTimeout.upperBound.fractionalSeconds
                let timeout = Duration.seconds(lo < hi ? Double.random(in: lo...hi) : lo)
                let stream = try await listerWatcher.watch(resourceVersion: from, timeout: timeout)
                var delivered = 0
                // Events go to the sink in batches (the ones received together), bookmarks one by one in order.
                var changes: [ReflectorChange<Object>] = []
                func handle(_ event: ReflectorEvent<Object>, json: CompactJSON?) {
                    delivered += 1
                    switch event {
                    case .bookmark(let rv):
                        flush()
                        resourceVersion = rv
                        sink.bookmark(resourceVersion: rv)
                    case .added(let o), .modified(let o), .deleted(let o):
                        let rv = o.json["metadata"]?["resourceVersion"]?.stringValue
                        if let rv { resourceVersion = rv }
                        changes.append(ReflectorChange(event: event, json: json, resourceVersion: rv))
                    }
                }
                func flush() {
                    guard !changes.isEmpty else { return }
                    sink.apply(changes)
                    changes.removeAll(keepingCapacity: true)
                }
                if let source = stream as? any ReflectorEventSource<Object> {
                    // Events with their JSON text: the cache keeps the text instead of encoding it again.
                    var events = source.makeEventIterator()
                    while let batch = try await events.nextEvents() {
                        for (event, json) in batch { handle(event, json: json) }
                        flush()
                    }
                } else {
                    for try await event in stream {
                        handle(event, json: nil)
                        flush()
                    }
                }
                try Task.checkCancellation()
                if delivered == 0 && ContinuousClock.now - started < Self.shortWatch {
                    let delay = backoff.next()
                    logger.debug("watch \(description) closed at once; retrying in \(delay)")
                    try await Task.sleep(for: delay)
                }
            } catch {
                if Task.isCancelled { return }
                if !listing && listerWatcher.isResourceExpired(error) {
                    // The server compacted past our version: only a new list can tell what changed.
                    logger.info("watch \(description) from \(resourceVersion ?? "-") expired; listing again")
                    resourceVersion = nil
                    continue
                }
                let delay = backoff.next()
                logger.info("\(listing ? "list" : "watch") \(description) failed; retrying in \(delay)",
                            metadata: ["error": "\(error)"])
                do { try await Task.sleep(for: delay) } catch { return }
            }
        }
    }
}
