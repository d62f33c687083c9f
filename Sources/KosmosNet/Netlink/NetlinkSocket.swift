internal import CLibMnl
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One request as the batch machinery sees it: how to encode it, and how to name it if the kernel refuses it.
///
/// The object text is built only on failure, so a 10,000-entry batch pays nothing for error messages it never
/// needs.
struct NetlinkRequest: Sendable {
    var type: UInt16
    /// Flags besides `NLM_F_REQUEST | NLM_F_ACK`, which are always set.
    var flags: UInt16
    var operation: String
    var object: @Sendable () -> String
    var build: @Sendable (MessageWriter, LinkResolver) throws -> Void
}

/// Resolves link names to indexes for requests that address links by name in an index-only attribute
/// (`RTA_OIF`, `NDA_IFINDEX`, `IFLA_MASTER`). Caches within one call.
final class LinkResolver {
    private var cache: [String: Int32] = [:]
    private let lookup: (String) throws -> Int32

    init(lookup: @escaping (String) throws -> Int32) { self.lookup = lookup }

    func index(of name: String) throws -> Int32 {
        if let index = cache[name] { return index }
        let index = try lookup(name)
        cache[name] = index
        return index
    }
}

/// The netlink socket of one handle, with its buffers. Not thread-safe: `NetlinkHandle` serialises access.
///
/// Every request asks for an ACK (`NLM_F_ACK`) and the ACK is read before the call returns, so no error is lost.
/// The socket sets `NETLINK_CAP_ACK` (ACKs do not echo the request back) and `NETLINK_EXT_ACK` (the kernel's
/// explanation comes with an error).
final class NetlinkSocket {
    private let socket: OpaquePointer
    private let portID: UInt32
    private var sequence: UInt32
    private let sendBuffer: UnsafeMutableRawPointer
    private let sendCapacity = 256 * 1024
    /// Single queries (link-name lookups made while a batch is being filled) get their own buffer.
    private let queryBuffer: UnsafeMutableRawPointer
    /// The kernel sizes dump datagrams up to 32 KiB when the reader offers that much; more is harmless.
    private let receiveBuffer: UnsafeMutableRawPointer
    private let receiveCapacity = 64 * 1024
    /// Requests per send: every ACK is its own skb in our receive queue, so a batch must fit in SO_RCVBUF.
    private let maxRequestsPerSend = 1024
    /// How often a dump is restarted when the kernel flags it interrupted (`NLM_F_DUMP_INTR`).
    var maxDumpAttempts = 8

    /// Opens a NETLINK_ROUTE socket in the calling thread's network namespace.
    /// - Parameter groups: multicast groups (RTNLGRP_* numbers) to join, for event sockets.
    init(groups: [UInt32] = []) throws {
        guard let socket = mnl_socket_open(NETLINK_ROUTE) else {
            throw NetlinkError(code: .socket, operation: "open netlink socket", object: "", errno: .current)
        }
        guard mnl_socket_bind(socket, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let error = Errno.current
            mnl_socket_close(socket)
            throw NetlinkError(code: .socket, operation: "bind netlink socket", object: "", errno: error)
        }
        _ = kosmos_mnl_set_int(socket, NETLINK_CAP_ACK, 1)
        _ = kosmos_mnl_set_int(socket, NETLINK_EXT_ACK, 1)
        for group in groups {
            guard kosmos_mnl_set_int(socket, NETLINK_ADD_MEMBERSHIP, Int32(group)) == 0 else {
                let error = Errno.current
                mnl_socket_close(socket)
                throw NetlinkError(code: .socket, operation: "join netlink group", object: "\(group)", errno: error)
            }
        }
        // Large batches queue one ACK per request; as root, force buffers big enough that none is dropped.
        if kosmos_mnl_set_sockopt(socket, SO_RCVBUFFORCE, 8 << 20) != 0 {
            _ = kosmos_mnl_set_sockopt(socket, SO_RCVBUF, 8 << 20)
        }
        if kosmos_mnl_set_sockopt(socket, SO_SNDBUFFORCE, 2 << 20) != 0 {
            _ = kosmos_mnl_set_sockopt(socket, SO_SNDBUF, 2 << 20)
        }
        self.socket = socket
        self.portID = mnl_socket_get_portid(socket)
        self.sequence = UInt32(truncatingIfNeeded: time(nil))
        self.sendBuffer = .allocate(byteCount: sendCapacity, alignment: 16)
        self.queryBuffer = .allocate(byteCount: MessageWriter.maxRequestSize, alignment: 16)
        self.receiveBuffer = .allocate(byteCount: receiveCapacity, alignment: 16)
    }

    deinit {
        mnl_socket_close(socket)
        sendBuffer.deallocate()
        queryBuffer.deallocate()
        receiveBuffer.deallocate()
    }

    var fileDescriptor: Int32 { mnl_socket_get_fd(socket) }

    func setReceiveTimeout(milliseconds: Int32) {
        _ = kosmos_mnl_set_rcvtimeo_ms(socket, milliseconds)
    }

    private func nextSequence() -> UInt32 {
        sequence &+= 1
        if sequence == 0 { sequence = 1 }
        return sequence
    }

    // MARK: - Sending and receiving

    private func send(_ length: Int, from buffer: UnsafeMutableRawPointer? = nil, operation: String) throws {
        var sent: Int
        repeat {
            sent = mnl_socket_sendto(socket, buffer ?? sendBuffer, length)
        } while sent < 0 && errno == EINTR
        guard sent >= 0 else {
            throw NetlinkError(code: .socket, operation: operation, object: "send", errno: .current)
        }
    }

    /// Receives one datagram; nil on timeout (EAGAIN).
    func receive(operation: String) throws -> UnsafeRawBufferPointer? {
        var count: Int
        repeat {
            count = mnl_socket_recvfrom(socket, receiveBuffer, receiveCapacity)
        } while count < 0 && errno == EINTR
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
            throw NetlinkError(code: .socket, operation: operation, object: "receive", errno: .current)
        }
        return UnsafeRawBufferPointer(start: receiveBuffer, count: count)
    }

    /// Reads an `NLMSG_ERROR` payload: 0 for an ACK, else the errno and the kernel's extended-ACK message.
    static func parseError(_ message: NetlinkMessage) -> (Errno?, String?) {
        guard message.payload.count >= 4 else { return (.einval, "short error message") }
        let code = message.payload.loadUnaligned(as: Int32.self)
        guard code != 0 else { return (nil, nil) }
        var text: String?
        if message.flags & NLMsg.ackTLVs != 0 {
            // nlmsgerr = error code + the request's header (+ its payload unless the ACK was capped).
            var offset = 4 + MemoryLayout<nlmsghdr>.size
            if message.flags & NLMsg.capped == 0, message.payload.count >= offset {
                let requestLength = Int(message.payload.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                offset = 4 + Int(kosmos_nl_align(UInt32(requestLength)))
            }
            if offset < message.payload.count {
                for attribute in Attributes(UnsafeRawBufferPointer(rebasing: message.payload[offset...]))
                where attribute.type == NLMsg.errAttrMsg {
                    text = attribute.string
                }
            }
        }
        return (Errno(rawValue: -code), text)
    }

    // MARK: - Requests

    /// Sends every request, as few datagrams as the buffers allow, and reads one ACK per request.
    /// - Returns: one entry per request: nil when the kernel acknowledged it, else its error.
    func perform(_ requests: [NetlinkRequest], resolver: LinkResolver) -> [NetlinkError?] {
        var results = [NetlinkError?](repeating: nil, count: requests.count)
        var next = 0
        while next < requests.count {
            var offset = 0
            var pending: [(sequence: UInt32, index: Int)] = []
            pending.reserveCapacity(min(maxRequestsPerSend, requests.count - next))
            while next < requests.count, pending.count < maxRequestsPerSend,
                  offset + MessageWriter.maxRequestSize <= sendCapacity {
                let request = requests[next]
                let sequence = nextSequence()
                let writer = MessageWriter(
                    at: sendBuffer + offset, type: request.type,
                    flags: request.flags | NLMsg.request | NLMsg.ack, sequence: sequence)
                do {
                    try request.build(writer, resolver)
                    offset += Int(kosmos_nl_align(UInt32(writer.length)))
                    pending.append((sequence, next))
                } catch {
                    results[next] = Self.wrap(error, request)
                }
                next += 1
            }
            guard !pending.isEmpty else { continue }
            do {
                try send(offset, operation: pending.count == 1 ? requests[pending[0].index].operation : "batch")
                try collectACKs(pending, requests: requests, into: &results)
            } catch {
                for (_, index) in pending where results[index] == nil {
                    results[index] = Self.wrap(error, requests[index])
                }
            }
        }
        return results
    }

    private func collectACKs(_ pending: [(sequence: UInt32, index: Int)], requests: [NetlinkRequest],
                             into results: inout [NetlinkError?]) throws {
        // Slots by sequence number (a request that failed to build consumed a number without being sent).
        var slots: [UInt32: Int] = [:]
        slots.reserveCapacity(pending.count)
        for (slot, entry) in pending.enumerated() { slots[entry.sequence] = slot }
        var answered = [Bool](repeating: false, count: pending.count)
        var remaining = pending.count
        while remaining > 0 {
            guard let datagram = try receive(operation: "read acknowledgements") else { continue }
            NetlinkMessage.forEach(in: datagram) { message in
                guard message.type == NLMsg.error, let slot = slots[message.sequence], !answered[slot] else {
                    return true
                }
                answered[slot] = true
                remaining -= 1
                let (errno, text) = Self.parseError(message)
                if let errno {
                    let request = requests[pending[slot].index]
                    results[pending[slot].index] = NetlinkError(
                        code: .kernel, operation: request.operation, object: request.object(), errno: errno,
                        detail: text)
                }
                return true
            }
        }
    }

    static func wrap(_ error: any Error, _ request: NetlinkRequest) -> NetlinkError {
        if let error = error as? NetlinkError {
            return NetlinkError(code: error.code, operation: request.operation, object: request.object(),
                                errno: error.errno, detail: error.detail)
        }
        return NetlinkError(code: .invalidRequest, operation: request.operation, object: request.object(),
                            detail: "\(error)")
    }

    /// Sends one request and returns the messages the kernel answered with before its ACK (for `RTM_GET*` of a
    /// single object), or throws the kernel's error.
    func query<T>(_ request: NetlinkRequest, resolver: LinkResolver,
                  parse: (NetlinkMessage) throws -> T?) throws -> [T] {
        let sequence = nextSequence()
        let writer = MessageWriter(at: queryBuffer, type: request.type,
                                   flags: request.flags | NLMsg.request | NLMsg.ack, sequence: sequence)
        do {
            try request.build(writer, resolver)
        } catch {
            throw Self.wrap(error, request)
        }
        try send(writer.length, from: queryBuffer, operation: request.operation)
        var items: [T] = []
        var finished = false
        var failure: NetlinkError?
        while !finished {
            guard let datagram = try receive(operation: request.operation) else { continue }
            try NetlinkMessage.forEach(in: datagram) { message in
                guard message.sequence == sequence else { return true }
                if message.type == NLMsg.error {
                    let (errno, text) = Self.parseError(message)
                    if let errno {
                        failure = NetlinkError(code: .kernel, operation: request.operation, object: request.object(),
                                               errno: errno, detail: text)
                    }
                    finished = true
                    return false
                }
                if let item = try parse(message) { items.append(item) }
                return true
            }
        }
        if let failure { throw failure }
        return items
    }

    /// Dumps a table (`NLM_F_DUMP`), restarting when the kernel flags the dump as interrupted by a concurrent
    /// change, and throwing `.dumpInterrupted` when that keeps happening.
    func dump<T>(_ request: NetlinkRequest, parse: (NetlinkMessage) throws -> T?) throws -> [T] {
        for _ in 0..<maxDumpAttempts {
            let sequence = nextSequence()
            let writer = MessageWriter(at: sendBuffer, type: request.type,
                                       flags: request.flags | NLMsg.request | NLMsg.dump, sequence: sequence)
            do {
                try request.build(writer, LinkResolver { _ in throw NetlinkError.noResolver })
            } catch {
                throw Self.wrap(error, request)
            }
            try send(writer.length, operation: request.operation)
            var items: [T] = []
            var interrupted = false
            var finished = false
            var failure: NetlinkError?
            while !finished {
                guard let datagram = try receive(operation: request.operation) else { continue }
                try NetlinkMessage.forEach(in: datagram) { message in
                    guard message.sequence == sequence else { return true }
                    if message.flags & NLMsg.dumpInterrupted != 0 { interrupted = true }
                    if message.type == NLMsg.done || message.type == NLMsg.error {
                        // NLMSG_DONE carries the dump's final status as an int, like an error message.
                        let (errno, text) = Self.parseError(message)
                        if let errno {
                            failure = NetlinkError(code: .kernel, operation: request.operation,
                                                   object: request.object(), errno: errno, detail: text)
                        }
                        finished = true
                        return false
                    }
                    if let item = try parse(message) { items.append(item) }
                    return true
                }
            }
            if let failure { throw failure }
            if !interrupted { return items }
        }
        throw NetlinkError(code: .dumpInterrupted, operation: request.operation, object: request.object(),
                           detail: "\(maxDumpAttempts) attempts")
    }
}

extension NetlinkError {
    static let noResolver = NetlinkError(code: .invalidRequest, operation: "resolve link", object: "",
                                         detail: "dumps cannot resolve link names")
}
