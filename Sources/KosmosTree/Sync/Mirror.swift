import KosmosAPI

/// The label or annotation that marks an object as a copy a ``Mirror`` owns. A mirror never updates or deletes
/// an object without its marker: an object of the same name that someone else made is left alone.
public struct MirrorMarker: Sendable, Hashable {
    /// Where the marker lives.
    public enum Place: Sendable, Hashable {
        case label
        case annotation
    }

    /// Label or annotation.
    public var place: Place
    /// The key.
    public var key: String
    /// The value.
    public var value: String

    /// Creates a marker.
    public init(_ place: Place, key: String, value: String = "true") {
        self.place = place
        self.key = key
        self.value = value
    }

    /// Member pods made by ClusterTree: label `kosmos-io/pod=true`.
    public static let kosmosPod = MirrorMarker(.label, key: TreeKeys.kosmosPod)
    /// Member ConfigMaps, Secrets and PVCs made by ClusterTree: annotation `kosmos.io/global=true`.
    public static let global = MirrorMarker(.annotation, key: TreeKeys.global)

    /// Whether the metadata carries the marker.
    public func isMarked(_ meta: ObjectMeta) -> Bool {
        (place == .label ? meta.labels : meta.annotations)[key] == value
    }

    /// Adds the marker to the metadata.
    public func mark(_ meta: inout ObjectMeta) {
        switch place {
        case .label: meta.labels[key] = value
        case .annotation: meta.annotations[key] = value
        }
    }
}

/// What happens to a copy when its source goes away.
public enum MirrorDeletion<Source: Resource>: Sendable {
    /// Delete the copy; `grace` gives the grace period from the source's last known state (`nil` for the
    /// server's default).
    case withSource(grace: @Sendable (Source?) -> Int?)
    /// Leave the copy.
    case keep
}

/// What ``Mirror/ensure(_:)`` did.
public enum MirrorOutcome<Target: Resource>: Sendable {
    /// The copy did not exist and was created.
    case created(Target)
    /// The copy was out of date and was rewritten.
    case updated(Target)
    /// The copy was up to date.
    case unchanged(Target)
    /// An object of that name exists without the marker; it was not touched.
    case foreign(Target)

    /// The object now in the target cluster.
    public var object: Target {
        switch self {
        case .created(let o), .updated(let o), .unchanged(let o), .foreign(let o): return o
        }
    }
}

/// One instance of the sync framework: keep objects of kind `Source` from one cluster mirrored as `Target`
/// objects in another cluster, through a transform, owned by a marker, with a deletion rule.
///
/// A mirror is a value with no state; controllers call ``ensure(_:)`` when a source exists and ``remove(_:)``
/// when it is gone. Pods (host to member), ConfigMaps and Secrets are instances.
public struct Mirror<Source: Resource, Target: Resource>: Sendable {
    /// Names the mirror in errors.
    public var name: String
    /// Client of the cluster the copies live in.
    public var target: KubeClient
    /// Builds the desired copy from a source object (name and namespace included).
    public var transform: @Sendable (Source) throws -> Target
    /// The marker of owned copies; ``ensure(_:)`` adds it to every copy.
    public var marker: MirrorMarker
    /// Given the current copy and the desired one, the object to write, or `nil` when the copy is fine.
    public var update: @Sendable (_ current: Target, _ desired: Target) -> Target?
    /// What happens to a copy when its source goes.
    public var deletion: MirrorDeletion<Source>
    /// Whether a missing namespace is created in the target cluster before a namespaced copy.
    public var createsNamespace: Bool
    /// The key of a source's copy, given the source's key (the name `transform` gives the copy).
    public var copyKey: @Sendable (ObjectKey) -> ObjectKey

    /// Creates a mirror.
    /// - Parameters:
    ///   - name: names the mirror in errors, e.g. `pods to member c1`.
    ///   - target: client of the target cluster.
    ///   - transform: source to desired copy.
    ///   - marker: marks owned copies.
    ///   - update: what to write over an existing owned copy; by default nothing (copies are created once).
    ///   - deletion: what happens to a copy when its source goes.
    ///   - createsNamespace: create the copy's namespace when missing.
    ///   - copyKey: the copy's key for a source key, when `transform` renames; the same key by default.
    public init(name: String, target: KubeClient, transform: @escaping @Sendable (Source) throws -> Target,
                marker: MirrorMarker, update: @escaping @Sendable (Target, Target) -> Target? = { _, _ in nil },
                deletion: MirrorDeletion<Source>, createsNamespace: Bool = true,
                copyKey: @escaping @Sendable (ObjectKey) -> ObjectKey = { $0 }) {
        self.name = name
        self.target = target
        self.transform = transform
        self.marker = marker
        self.update = update
        self.deletion = deletion
        self.createsNamespace = createsNamespace
        self.copyKey = copyKey
    }

    /// Makes the copy of `source` exist and be up to date.
    /// - Parameters:
    ///   - source: the source object.
    ///   - adjusting: a last change to the desired copy that depends on the caller (e.g. the node a claim is
    ///     for), applied after `transform`.
    ///   - cached: the copy as an informer cache of the target cluster has it; when it is owned and up to date
    ///     the target cluster is not asked (a copy changed since then comes back through the informer).
    ///   - likelyAbsent: the caller's synced cache of the target cluster has no copy: the copy is created without
    ///     reading it first, and read only when the create finds one after all (a cache that lags behind).
    /// - Returns: what was done.
    /// - Throws: ``MirrorError`` naming the mirror, object and step, wrapping the transform's or client's error.
    public func ensure(_ source: Source, adjusting: (@Sendable (inout Target) -> Void)? = nil,
                       cached: Target? = nil, likelyAbsent: Bool = false) async throws -> MirrorOutcome<Target> {
        var desired: Target
        do { desired = try transform(source) } catch {
            throw MirrorError(mirror: name, object: source.key, step: "transform", underlying: error)
        }
        adjusting?(&desired)
        marker.mark(&desired.metadata)
        if let cached, marker.isMarked(cached.metadata), update(cached, desired) == nil { return .unchanged(cached) }
        let ns = Target.scope == .namespaced ? desired.metadata.namespace : nil
        let targetName = desired.metadata.name ?? ""
        let key = ObjectKey(namespace: ns, name: targetName)
        if likelyAbsent && cached == nil {
            // One request instead of a read that would only confirm what the cache says.
            do { return .created(try await create(desired, namespace: ns)) } catch let e as KubeError
                where e.isAlreadyExists {
                // The cache lagged: go on as if it had not been asked.
            } catch {
                throw MirrorError(mirror: name, object: key.description, step: "create copy", underlying: error)
            }
        }
        let current: Target?
        do { current = try await get(namespace: ns, name: targetName) } catch {
            throw MirrorError(mirror: name, object: key.description, step: "read copy", underlying: error)
        }
        guard let current else {
            do { return .created(try await create(desired, namespace: ns)) } catch let e as KubeError
                where e.isAlreadyExists {
                // Someone created it between our read and write: look again next time.
                throw MirrorError(mirror: name, object: key.description, step: "create copy", underlying: e)
            } catch {
                throw MirrorError(mirror: name, object: key.description, step: "create copy", underlying: error)
            }
        }
        guard marker.isMarked(current.metadata) else { return .foreign(current) }
        guard let next = update(current, desired) else { return .unchanged(current) }
        do { return .updated(try await target.update(next)) } catch {
            throw MirrorError(mirror: name, object: key.description, step: "update copy", underlying: error)
        }
    }

    /// Deletes the owned copy of a source that is gone (or going), as ``deletion`` says.
    /// - Parameters:
    ///   - key: the source's namespace and name (``copyKey`` gives the copy's).
    ///   - lastSource: the source's last known state, for the grace period.
    /// - Returns: whether an owned copy still existed (and was asked to go).
    /// - Throws: ``MirrorError`` wrapping the client's error.
    @discardableResult
    public func remove(_ key: ObjectKey, lastSource: Source?) async throws -> Bool {
        guard case .withSource(let grace) = deletion else { return false }
        let key = copyKey(key)
        let ns = Target.scope == .namespaced ? key.namespace : nil
        do {
            guard let current = try await get(namespace: ns, name: key.name), marker.isMarked(current.metadata) else {
                return false
            }
            let options = DeleteOptions(gracePeriodSeconds: grace(lastSource),
                                        preconditionUID: current.metadata.uid)
            try await target.delete(Target.self, namespace: ns, name: key.name, options: options)
            return true
        } catch let e as KubeError where e.isNotFound || e.isConflict {
            return false
        } catch {
            throw MirrorError(mirror: name, object: key.description, step: "delete copy", underlying: error)
        }
    }

    private func get(namespace: String?, name: String) async throws -> Target? {
        do {
            return try await target.json(Target.self, namespace: namespace, name: name)
        } catch let e as KubeError where e.isNotFound {
            return nil
        }
    }

    private func create(_ object: Target, namespace: String?) async throws -> Target {
        do { return try await target.create(object) } catch let e as KubeError
            where e.isNotFound && createsNamespace && namespace != nil {
            do { _ = try await target.create(Namespace(name: namespace!)) } catch let e as KubeError
                where e.isAlreadyExists {}
            return try await target.create(object)
        }
    }
}

/// A mirror step failed.
public struct MirrorError: Error, Sendable, CustomStringConvertible {
    /// The mirror's name.
    public var mirror: String
    /// `namespace/name` of the object.
    public var object: String
    /// What was being done.
    public var step: String
    /// The cause.
    public var underlying: any Error

    /// Creates an error.
    public init(mirror: String, object: String, step: String, underlying: any Error) {
        self.mirror = mirror
        self.object = object
        self.step = step
        self.underlying = underlying
    }

    public var description: String { "\(mirror): \(step) \(object): \(underlying)" }
}

extension Resource {
    /// `namespace/name`, or `name` for cluster-scoped objects.
    var key: String { ObjectKey(of: self).description }
}

extension KubeClient {
    /// Reads an object of a kind of either scope.
    func json<R: Resource>(_: R.Type, namespace: String?, name: String) async throws -> R {
        let raw = try await dynamic(R.groupVersionResource).get(namespace: namespace, name: name)
        return R(json: raw.json)
    }
}
