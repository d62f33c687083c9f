internal import CLibMnl
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A Linux network namespace: named (a file under `/run/netns`, the `ip netns` convention), any namespace file
/// (`/proc/<pid>/ns/net`), or an open file descriptor the caller owns.
///
/// Work runs inside a namespace on a dedicated thread that enters it with `setns` and then exits
/// (`run(_:)`); sockets opened there, such as a ``NetlinkHandle``, stay in the namespace for their whole life
/// and may be used from any thread afterwards. The calling thread's own namespace is never changed.
///
/// ```swift
/// let ns = try NetworkNamespace.create(named: "blue")      // ip netns add blue
/// defer { try? ns.delete() }                                // ip netns delete blue
/// let handle = try NetlinkHandle(namespace: ns)
/// try handle.setLinkUp("lo")                                // ip -n blue link set lo up
/// ```
public struct NetworkNamespace: Sendable, Hashable, CustomStringConvertible {
    enum Location: Sendable, Hashable {
        case path(String)
        case descriptor(Int32)
    }

    let location: Location

    /// The directory where named namespaces are bind-mounted (`ip netns` uses the same).
    public static let runDirectory = "/run/netns"

    /// The namespace of the named file under `/run/netns` (it need not exist yet; nothing is checked here).
    public static func named(_ name: String) -> NetworkNamespace {
        NetworkNamespace(location: .path("\(runDirectory)/\(name)"))
    }

    /// The namespace a namespace file refers to, e.g. `/proc/1234/ns/net` or `/run/netns/blue`.
    public init(path: String) { location = .path(path) }

    /// The namespace an open namespace file descriptor refers to. The caller keeps owning `fd` and must keep it
    /// open while this value is used.
    public init(descriptor fd: Int32) { location = .descriptor(fd) }

    private init(location: Location) { self.location = location }

    /// The name under `/run/netns`, or nil for other paths and descriptors.
    public var name: String? {
        guard case .path(let path) = location, path.hasPrefix(NetworkNamespace.runDirectory + "/") else { return nil }
        return String(path.dropFirst(NetworkNamespace.runDirectory.count + 1))
    }

    /// The namespace file path, or nil for a descriptor.
    public var path: String? {
        if case .path(let path) = location { return path }
        return nil
    }

    public var description: String {
        switch location {
        case .path: return name ?? path!
        case .descriptor(let fd): return "fd \(fd)"
        }
    }

    // MARK: - Running work inside

    /// Runs `body` on a new thread that has entered this namespace, and waits for it.
    ///
    /// Sockets `body` opens belong to this namespace for their lifetime; the thread exits afterwards, so the
    /// namespace never leaks into other work. Do not `await` inside (this is synchronous by design).
    /// The corresponding command is `ip netns exec NAME ...`; the C function is `setns(fd, CLONE_NEWNET)`.
    /// - Parameter body: the work; its result or error is handed back.
    /// - Throws: ``NetlinkError`` with code `.namespace` when the namespace cannot be entered, or what `body` throws.
    public func run<T>(_ body: () throws -> T) throws -> T {
        try DedicatedThread.run {
            try enterOnCurrentThread()
            return try body()
        }
    }

    /// Runs `body` on a new thread inside this namespace without blocking the caller's executor.
    /// - Throws: ``NetlinkError`` with code `.namespace`, or what `body` throws.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let copy = self
        return try await DedicatedThread.run {
            try copy.enterOnCurrentThread()
            return try body()
        }
    }

    /// Moves the calling thread into this namespace. Only for threads that exit afterwards.
    func enterOnCurrentThread() throws {
        switch location {
        case .descriptor(let fd):
            guard kosmos_setns_net(fd) == 0 else {
                throw NetlinkError(code: .namespace, operation: "enter namespace", object: description,
                                   errno: .current)
            }
        case .path(let path):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw NetlinkError(code: .namespace, operation: "open namespace", object: path, errno: .current)
            }
            defer { close(fd) }
            guard kosmos_setns_net(fd) == 0 else {
                throw NetlinkError(code: .namespace, operation: "enter namespace", object: path, errno: .current)
            }
        }
    }

    /// Opens this namespace's file read-only; the caller closes the descriptor. For descriptors, returns a dup.
    func openDescriptor() throws -> Int32 {
        switch location {
        case .descriptor(let fd):
            let copy = dup(fd)
            guard copy >= 0 else {
                throw NetlinkError(code: .namespace, operation: "dup namespace", object: description, errno: .current)
            }
            return copy
        case .path(let path):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw NetlinkError(code: .namespace, operation: "open namespace", object: path, errno: .current)
            }
            return fd
        }
    }

    // MARK: - Named namespaces

    /// Creates a new, empty named network namespace (only a `lo` link, down).
    ///
    /// The corresponding command is `ip netns add NAME`: a thread unshares its network namespace and the result is
    /// bind-mounted onto `/run/netns/NAME`, so it lives on until ``delete()``.
    /// - Parameter name: a file name (no `/`, not `.` or `..`).
    /// - Returns: the namespace.
    /// - Throws: ``NetlinkError`` with code `.namespace`; `errno` is `.eexist` when the name is taken.
    public static func create(named name: String) throws -> NetworkNamespace {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw NetlinkError(code: .invalidRequest, operation: "create namespace", object: name,
                               detail: "not a valid file name")
        }
        try prepareRunDirectory()
        let namespace = NetworkNamespace.named(name)
        let path = namespace.path!
        let fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0)
        guard fd >= 0 else {
            throw NetlinkError(code: .namespace, operation: "create namespace", object: name, errno: .current)
        }
        close(fd)
        do {
            try DedicatedThread.run {
                guard kosmos_unshare_net() == 0 else {
                    throw NetlinkError(code: .namespace, operation: "create namespace", object: name,
                                       errno: .current, detail: "unshare")
                }
                guard mount("/proc/thread-self/ns/net", path, "none", UInt(MS_BIND), nil) == 0 else {
                    throw NetlinkError(code: .namespace, operation: "create namespace", object: name,
                                       errno: .current, detail: "bind mount")
                }
            }
        } catch {
            unlink(path)
            throw error
        }
        return namespace
    }

    /// Deletes this named namespace: unmounts and removes its file. Links inside vanish with the last user.
    ///
    /// The corresponding command is `ip netns delete NAME`.
    /// - Throws: ``NetlinkError`` with code `.namespace`; `errno` is `.enoent` when there is no such namespace.
    public func delete() throws {
        guard let path else {
            throw NetlinkError(code: .invalidRequest, operation: "delete namespace", object: description,
                               detail: "only namespace files can be deleted")
        }
        let unmounted = umount2(path, Int32(MNT_DETACH)) == 0
        let unmountError = Errno.current
        guard unlink(path) == 0 else {
            throw NetlinkError(code: .namespace, operation: "delete namespace", object: description,
                               errno: unmounted ? .current : unmountError)
        }
    }

    /// Deletes the named namespace; see ``delete()``.
    public static func delete(named name: String) throws {
        try NetworkNamespace.named(name).delete()
    }

    /// The names of all namespaces under `/run/netns` (`ip netns list`).
    public static func list() -> [String] {
        guard let dir = opendir(runDirectory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    private static let setupLock = Lock()

    /// Makes `/run/netns` exist and be a shared mount point, as `ip netns add` does, so that namespaces mounted
    /// here stay visible to processes in other mount namespaces.
    private static func prepareRunDirectory() throws {
        try setupLock.withLock {
            if mkdir(runDirectory, 0o755) != 0 && errno != EEXIST {
                throw NetlinkError(code: .namespace, operation: "create directory", object: runDirectory,
                                   errno: .current)
            }
            var boundItself = false
            while mount("", runDirectory, "none", UInt(MS_SHARED | MS_REC), nil) != 0 {
                guard errno == EINVAL, !boundItself else {
                    throw NetlinkError(code: .namespace, operation: "make shared mount", object: runDirectory,
                                       errno: .current)
                }
                guard mount(runDirectory, runDirectory, "none", UInt(MS_BIND | MS_REC), nil) == 0 else {
                    throw NetlinkError(code: .namespace, operation: "bind mount", object: runDirectory,
                                       errno: .current)
                }
                boundItself = true
            }
        }
    }
}

/// A small mutex for library-internal state; `pthread_mutex_t` on the heap so its address is stable.
final class Lock: @unchecked Sendable {
    // @unchecked: the pthread mutex itself is the synchronisation.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
