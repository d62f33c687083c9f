/// List/watch access to one kind through a `KubeClient`, for informers.
///
/// Lists page by page (500 objects a page, like client-go) with a consistent read, and watches with bookmarks and
/// a server-side timeout. A 410 (`KubeError.isGone`), whether as the response or in the stream, makes the
/// reflector list again.
public struct KubeListerWatcher<R: Resource>: ListerWatcher {
    public typealias Object = R

    /// The client.
    public let client: KubeClient
    /// The namespace; `nil` for all namespaces (always `nil` for cluster-scoped kinds).
    public let namespace: String?
    /// Restricts the collection to matching labels (`a=b,c!=d`).
    public let labelSelector: String?
    /// Restricts the collection to matching fields (`spec.nodeName=n1`).
    public let fieldSelector: String?
    /// Objects per list page.
    public let pageSize: Int

    /// - Parameters:
    ///   - client: the cluster.
    ///   - namespace: the namespace, or `nil` for all namespaces.
    ///   - labelSelector: optional label selector.
    ///   - fieldSelector: optional field selector.
    ///   - pageSize: objects per list page (500 by default).
    public init(client: KubeClient, namespace: String? = nil, labelSelector: String? = nil,
                fieldSelector: String? = nil, pageSize: Int = 500) {
        self.client = client
        self.namespace = R.scope == .namespaced ? namespace : nil
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.pageSize = pageSize
    }

    public func list() async throws -> ListSnapshot<R> {
        let options = ListOptions(labelSelector: labelSelector, fieldSelector: fieldSelector, limit: pageSize)
        let list = try await client.listAll(R.self, namespace: namespace, options: options)
        return ListSnapshot(items: list.items, resourceVersion: list.metadata.resourceVersion ?? "")
    }

    public func watch(resourceVersion: String, timeout: Duration) async throws -> KubeWatchEvents<R> {
        let options = ListOptions(
            labelSelector: labelSelector, fieldSelector: fieldSelector, resourceVersion: resourceVersion,
            timeoutSeconds: max(1, Int(timeout.fractionalSeconds)), allowWatchBookmarks: true)
        return KubeWatchEvents(stream: try await client.watch(R.self, namespace: namespace, options: options))
    }

    public func isResourceExpired(_ error: any Error) -> Bool {
        if let e = error as? KubeError { return e.isGone }
        return error is ResourceExpiredError
    }
}

/// A `WatchStream` as reflector events; cancelling the consuming task closes the watch.
public struct KubeWatchEvents<R: Resource>: AsyncSequence, Sendable {
    public typealias Element = ReflectorEvent<R>
    let stream: WatchStream<R>

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: stream, base: stream.makeAsyncIterator()) }

    /// Reads the watch's events as reflector events; `next()` returns `nil` when the server closes the watch.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: WatchStream<R>
        var base: WatchStream<R>.AsyncIterator
        /// Events of the last batch not yet returned by `next()`.
        var pending: [ReflectorEvent<R>] = []
        var pendingIndex = 0

        public mutating func next() async throws -> ReflectorEvent<R>? {
            if pendingIndex == pending.count {
                guard let batch = try await nextEvents() else { return nil }
                pending = batch.map(\.event)
                pendingIndex = 0
            }
            defer { pendingIndex += 1 }
            return pending[pendingIndex]
        }

        /// An error met inside a batch, thrown after the events before it were returned.
        var failure: (any Error)?
        /// Long strings shared across the watch's lines (keys and values repeat from event to event).
        let strings = JSONStringTable()
    }
}

extension KubeWatchEvents: ReflectorEventSource {
    func makeEventIterator() -> AsyncIterator { makeAsyncIterator() }
}

extension KubeWatchEvents.AsyncIterator: ReflectorEventIterator {
    /// Lines taken from the stream per batch: enough to amortise hand-offs, few enough to keep handlers current.
    static var batchLimit: Int { 64 }

    mutating func nextEvents() async throws -> [(event: ReflectorEvent<R>, json: CompactJSON?)]? {
        if let failure {
            self.failure = nil
            throw failure
        }
        let stream = self.stream
        let base = self.base
        guard let lines = try await withTaskCancellationHandler(operation: {
            try await base.nextLines(limit: Self.batchLimit)
        }, onCancel: {
            stream.stop()
        }) else { return nil }
        var events: [(event: ReflectorEvent<R>, json: CompactJSON?)] = []
        events.reserveCapacity(lines.count)
        for line in lines {
            do {
                events.append(try Self.event(line, kind: stream.handle.kind, operation: stream.handle.operation,
                                             strings: strings))
            } catch {
                // Deliver what came before the bad line; the error ends the watch at the next call.
                if events.isEmpty { throw error }
                failure = error
                break
            }
        }
        return events
    }

    private static func event(_ line: [UInt8], kind: String, operation: String, strings: JSONStringTable) throws
        -> (event: ReflectorEvent<R>, json: CompactJSON?) {
        let (received, text) = try WatchEvent<R>.decodeKeepingJSON(line: line, kind: kind, operation: operation,
                                                                   strings: strings)
        var event = received
        // The text is the stored object only while `fillTypeMeta` has nothing to add (servers send both fields);
        // deletions and bookmarks store nothing.
        let complete = event.object.json["apiVersion"] != nil && event.object.json["kind"] != nil
        let keep = complete && (event.type == .added || event.type == .modified)
        let json = keep ? CompactJSON(text: text) : nil
        switch event.type {
        case .added:
            event.object.fillTypeMeta()
            return (.added(event.object), json)
        case .modified:
            event.object.fillTypeMeta()
            return (.modified(event.object), json)
        case .deleted:
            event.object.fillTypeMeta()
            return (.deleted(event.object), nil)
        case .bookmark:
            return (.bookmark(resourceVersion: event.object.metadata.resourceVersion ?? ""), nil)
        }
    }
}

extension KubeClient: ListerWatcherProvider {
    /// A `KubeListerWatcher` for `type` in `namespace` (`nil` for all namespaces).
    public func listerWatcher<R: Resource>(for type: R.Type, namespace: String?) -> any ListerWatcher<R> {
        KubeListerWatcher<R>(client: self, namespace: namespace)
    }
}

extension SharedInformer {
    /// An informer over a kind of a cluster.
    /// - Parameters:
    ///   - client: the cluster.
    ///   - type: the kind.
    ///   - namespace: one namespace, or `nil` for all.
    ///   - labelSelector: optional label selector.
    ///   - fieldSelector: optional field selector.
    ///   - resyncPeriod: when set, handlers get every cached object again this often.
    ///   - transform: applied to every object before it is cached and handed to handlers (see `ObjectTransform`).
    public convenience init(
        client: KubeClient, _ type: Object.Type, namespace: String? = nil, labelSelector: String? = nil,
        fieldSelector: String? = nil, resyncPeriod: Duration? = nil, transform: ObjectTransform<Object>? = nil
    ) where Object: Resource {
        self.init(
            listerWatcher: KubeListerWatcher<Object>(
                client: client, namespace: namespace, labelSelector: labelSelector, fieldSelector: fieldSelector),
            resyncPeriod: resyncPeriod, transform: transform)
    }
}
