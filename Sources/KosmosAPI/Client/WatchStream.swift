/// The kind of change a watch event reports.
public enum WatchEventType: String, Sendable, Hashable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    /// Only `metadata.resourceVersion` is meaningful: the stream has caught up to it.
    case bookmark = "BOOKMARK"
}

/// One change of a watched collection.
public struct WatchEvent<Object: JSONBacked>: Sendable, Hashable {
    /// What happened: added, modified, deleted or bookmark.
    public var type: WatchEventType
    /// The object after the change (for DELETED: its last state).
    public var object: Object

    /// Creates an event.
    public init(type: WatchEventType, object: Object) {
        self.type = type
        self.object = object
    }

    /// Parses one line of a watch stream.
    /// - Parameters:
    ///   - line: `{"type":...,"object":{...}}`.
    ///   - kind: the watched kind, for error messages.
    ///   - operation: the watch (e.g. `watch configmaps in demo`), for the `KubeError` of an ERROR event.
    /// - Throws: `KubeError` for an ERROR event (a 410 Expired one answers `isGone`), `KubeDecodingError` for a
    ///   malformed line.
    public static func decode(line: [UInt8], kind: String, operation: String) throws -> WatchEvent {
        try decodeKeepingJSON(line: line, kind: kind, operation: operation).event
    }

    /// Parses one line of a watch stream once, and also returns the object's JSON text as it stood in the line.
    /// - Parameter strings: long strings shared with the watch's earlier lines.
    /// - Throws: like `decode(line:kind:operation:)`.
    static func decodeKeepingJSON(line: [UInt8], kind: String, operation: String,
                                  strings: JSONStringTable? = nil) throws
        -> (event: WatchEvent, json: ArraySlice<UInt8>) {
        let envelope: WatchEnvelope
        do {
            guard let parsed = try JSONValue.parseWatchEnvelope(line, strings: strings) else {
                let value = try JSONValue.parse(line)
                throw KubeDecodingError(kind: kind, path: ".",
                                        message: "watch event is a \(value.typeName), not an object")
            }
            envelope = parsed
        } catch let error as KubeDecodingError {
            throw error
        } catch {
            throw KubeDecodingError(kind: kind, path: ".", message: "watch event is not JSON: \(error)")
        }
        guard let typeName = envelope.type else {
            throw KubeDecodingError(kind: kind, path: ".type", message: "watch event has no type")
        }
        guard let object = envelope.object, case .object = object, let range = envelope.objectRange else {
            throw KubeDecodingError(kind: kind, path: ".object", message: "watch event \(typeName) has no object")
        }
        if typeName == "ERROR" {
            throw KubeError(status: Status(json: object), operation: operation)
        }
        guard let type = WatchEventType(rawValue: typeName) else {
            throw KubeDecodingError(kind: kind, path: ".type", message: "unknown watch event type \(typeName)")
        }
        return (WatchEvent(type: type, object: Object(json: object)), line[range])
    }
}

/// Keeps a watch's transfer alive while a stream or iterator refers to it; stops it when the last one goes.
final class WatchHandle: Sendable {
    let sink: StreamSink
    let transfer: CurlTransfer
    let kind: String
    let operation: String

    init(sink: StreamSink, transfer: CurlTransfer, kind: String, operation: String) {
        self.sink = sink
        self.transfer = transfer
        self.kind = kind
        self.operation = operation
    }

    func stop() { CurlEngine.shared.cancel(transfer) }

    deinit { CurlEngine.shared.cancel(transfer) }
}

/// The events of a watch, as an `AsyncSequence`.
///
/// The stream ends when the server closes the watch (e.g. after `timeoutSeconds`); it throws `KubeError` for an
/// in-stream ERROR event (`isGone` for 410 Expired) and `TransportError` when the connection breaks. Events are
/// buffered up to a bound; when the consumer falls behind, the HTTP transfer is paused until it catches up.
/// Dropping the stream and its iterators (or calling `stop()`) closes the connection.
public struct WatchStream<Object: JSONBacked>: AsyncSequence, Sendable {
    public typealias Element = WatchEvent<Object>
    let handle: WatchHandle

    /// The HTTP version the watch runs over (`1.1` or `2`).
    public let httpVersion: String

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: handle) }

    /// Closes the watch; iterators then end (or throw a cancelled `TransportError`).
    public func stop() { handle.stop() }

    /// Reads the watch's events in order; `next()` waits for the next event and returns `nil` when the stream ends.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let handle: WatchHandle

        public mutating func next() async throws -> WatchEvent<Object>? {
            guard let line = try await handle.sink.next() else { return nil }
            return try WatchEvent<Object>.decode(line: line, kind: handle.kind, operation: handle.operation)
        }

        /// The lines received now (at most `limit`, at least one; waits for it), `nil` at the end; decode them with
        /// `WatchEvent.decodeKeepingJSON(line:kind:operation:)`.
        func nextLines(limit: Int) async throws -> [[UInt8]]? {
            try await handle.sink.nextBatch(limit: limit)
        }
    }
}
