/// A change seen on a watch, as the reflector consumes it.
public enum ReflectorEvent<Object: JSONBacked>: Sendable {
    /// An object was created (or is reported for the first time).
    case added(Object)
    /// An object changed.
    case modified(Object)
    /// An object was deleted; the object is its last state.
    case deleted(Object)
    /// The server reached `resourceVersion` without a change for this watch (a `BOOKMARK`).
    case bookmark(resourceVersion: String)
}

/// The result of a full list: every object and the collection's `resourceVersion` to watch from.
public struct ListSnapshot<Object: JSONBacked>: Sendable {
    /// Every object of the collection.
    public var items: [Object]
    /// The list's `metadata.resourceVersion`.
    public var resourceVersion: String

    /// Creates a snapshot.
    public init(items: [Object], resourceVersion: String) {
        self.items = items
        self.resourceVersion = resourceVersion
    }
}

/// What a reflector needs from a server: list a collection, watch it from a resourceVersion, and tell "your
/// resourceVersion is too old" (HTTP 410 Gone) apart from other failures (client-go's `ListerWatcher`).
///
/// `KubeClient` provides one per kind and namespace; tests may use an in-memory server.
public protocol ListerWatcher<Object>: Sendable {
    associatedtype Object: JSONBacked
    /// The event sequence of one watch. A sequence that pauses its producer while the consumer is busy keeps
    /// memory bounded when events arrive faster than handlers take them.
    associatedtype WatchEvents: AsyncSequence, Sendable where WatchEvents.Element == ReflectorEvent<Object>

    /// Lists the whole collection with a consistent read, following continue tokens.
    /// - Throws: the transport's or server's error.
    func list() async throws -> ListSnapshot<Object>

    /// Watches the collection for changes after `resourceVersion`, with bookmarks.
    /// - Parameters:
    ///   - resourceVersion: where to start; changes after it are delivered.
    ///   - timeout: how long the server should keep the watch open before closing it normally.
    /// - Returns: the events; the stream finishes when the server closes the watch and throws on errors, including
    ///   an in-stream 410.
    /// - Throws: when the watch cannot be opened.
    func watch(resourceVersion: String, timeout: Duration) async throws -> WatchEvents

    /// Whether `error` says the requested resourceVersion is no longer available (410 Gone / `Expired`), so the
    /// reflector must list again. The default recognises `ResourceExpiredError`.
    func isResourceExpired(_ error: any Error) -> Bool
}

extension ListerWatcher {
    public func isResourceExpired(_ error: any Error) -> Bool { error is ResourceExpiredError }
}

/// The server no longer has the requested resourceVersion (HTTP 410 Gone, reason `Expired`).
public struct ResourceExpiredError: Error, Sendable, CustomStringConvertible {
    /// The resourceVersion that was asked for.
    public var resourceVersion: String
    /// What was being done, e.g. `watch pods`.
    public var operation: String

    /// Creates an error for `operation` from `resourceVersion`.
    public init(resourceVersion: String, operation: String) {
        self.resourceVersion = resourceVersion
        self.operation = operation
    }

    public var description: String {
        "\(operation) from resourceVersion \(resourceVersion): too old resource version (410 Gone)"
    }
}

/// A watch event sequence that can also hand over each object's JSON text as it arrived, so the cache keeps
/// that text instead of encoding the decoded object again (`KubeWatchEvents` is one).
protocol ReflectorEventSource<Object>: Sendable {
    associatedtype Object: JSONBacked
    associatedtype EventIterator: ReflectorEventIterator<Object>
    func makeEventIterator() -> EventIterator
}

/// Reads a `ReflectorEventSource`.
protocol ReflectorEventIterator<Object> {
    associatedtype Object: JSONBacked
    /// The events available now (at least one; waits for it), each with its object's JSON text when that is
    /// exactly the decoded object; `nil` at the end. An error ends the sequence after the events before it.
    mutating func nextEvents() async throws -> [(event: ReflectorEvent<Object>, json: CompactJSON?)]?
}
