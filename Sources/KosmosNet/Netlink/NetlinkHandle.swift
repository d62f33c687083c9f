internal import CLibMnl

/// A NETLINK_ROUTE connection to one network namespace: the entry point for links, addresses, routes, rules,
/// neighbours, FDB entries and sysctls.
///
/// Verbs read like `ip` (`addLink`, `replaceRoute`, `appendFDB`) and take small value types. Every request asks
/// the kernel for an ACK and reads it, so each verb either succeeds or throws a ``NetlinkError`` naming the
/// operation, the object and the kernel's `errno`. ``perform(_:)`` sends many requests in one datagram and reports
/// one result per request.
///
/// The handle belongs to the namespace it was opened in for its whole life and can be used from any thread; calls
/// are serialised internally.
///
/// ```swift
/// let handle = try NetlinkHandle(namespace: .named("blue"))
/// try handle.addLink(.dummy("d0"))                     // ip -n blue link add d0 type dummy
/// try handle.setLinkUp("d0")                           // ip -n blue link set d0 up
/// ```
public final class NetlinkHandle: @unchecked Sendable {
    // @unchecked: the socket and its buffers are only used under `lock`.
    let socket: NetlinkSocket
    let lock = Lock()

    /// The namespace this handle talks to, or nil for the namespace of the thread that opened it.
    public let namespace: NetworkNamespace?

    /// Opens a handle in the calling thread's network namespace.
    /// - Throws: ``NetlinkError`` with code `.socket`.
    public init() throws {
        socket = try NetlinkSocket()
        namespace = nil
    }

    /// Opens a handle inside `namespace` (named, by path or by descriptor); the caller's thread does not move.
    /// - Throws: ``NetlinkError`` with code `.namespace` or `.socket`.
    public init(namespace: NetworkNamespace) throws {
        socket = try namespace.run { try NetlinkSocket() }
        self.namespace = namespace
    }

    /// How many times a dump is restarted when the kernel reports it interrupted by a concurrent change before
    /// the verb throws ``NetlinkError/Code/dumpInterrupted``. Default 8.
    public var maxDumpAttempts: Int {
        get { lock.withLock { socket.maxDumpAttempts } }
        set { lock.withLock { socket.maxDumpAttempts = max(1, newValue) } }
    }

    // MARK: - Plumbing shared by the verbs

    func execute(_ request: NetlinkRequest) throws {
        if let error = execute([request])[0] { throw error }
    }

    func execute(_ requests: [NetlinkRequest]) -> [NetlinkError?] {
        lock.withLock {
            socket.perform(requests, resolver: makeResolver())
        }
    }

    func dump<T>(_ request: NetlinkRequest, parse: (NetlinkMessage) throws -> T?) throws -> [T] {
        try lock.withLock {
            try socket.dump(request, parse: parse)
        }
    }

    func query<T>(_ request: NetlinkRequest, parse: (NetlinkMessage) throws -> T?) throws -> [T] {
        try lock.withLock {
            try socket.query(request, resolver: makeResolver(), parse: parse)
        }
    }

    /// Must be called with `lock` held: lookups use the socket directly.
    private func makeResolver() -> LinkResolver {
        let socket = self.socket
        return LinkResolver { name in
            let request = LinkRequests.get(name: name)
            guard let link = try socket.query(request, resolver: LinkResolver { _ in 0 }, parse: LinkParser.parse)
                .first else {
                throw NetlinkError(code: .kernel, operation: "find link", object: name, errno: .enodev)
            }
            return link.index
        }
    }
}
