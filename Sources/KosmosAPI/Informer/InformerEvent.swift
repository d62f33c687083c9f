/// A change of the informer's cache, as event handlers receive it.
public enum InformerEvent<Object: JSONBacked>: Sendable {
    /// An object appeared in the cache (also sent for every cached object when a handler is registered).
    case added(Object)
    /// A cached object changed; on a relist or a resync `old` and `new` may be equal.
    case updated(old: Object, new: Object)
    /// An object left the cache. `object` is its last known state; after a relist it may be older than the
    /// object's real final state (client-go's `DeletedFinalStateUnknown`).
    case deleted(Object)

    /// The object the event is about (the new state for updates).
    public var object: Object {
        switch self {
        case .added(let o), .deleted(let o): o
        case .updated(_, let new): new
        }
    }

    /// The cache key of the object.
    public var key: ObjectKey { ObjectKey(of: object) }
}
