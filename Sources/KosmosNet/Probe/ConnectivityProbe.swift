#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// ICMP echo and TCP exchanges over raw POSIX sockets opened inside a network namespace, so connectivity is checked
/// without `ping` or `nc` and without moving the calling thread. Used by `kosmosctl check` and the end-to-end tests.
public enum ConnectivityProbe {
    /// A probe that could not run (socket errors, refused or timed-out connections).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Sends ICMP (v4) or ICMPv6 echo requests from inside `namespace` until one is answered.
    /// - Returns: true when an echo reply from `destination` arrived within the attempts.
    public static func ping(_ destination: IPAddress, from source: IPAddress? = nil, in namespace: NetworkNamespace,
                     attempts: Int = 5) throws -> Bool {
        try namespace.run {
            let v4 = destination.family == .ipv4
            let fd = socket(v4 ? AF_INET : AF_INET6, Int32(SOCK_RAW.rawValue),
                            v4 ? Int32(IPPROTO_ICMP) : Int32(IPPROTO_ICMPV6))
            guard fd >= 0 else { throw Failure(description: "raw socket: errno \(errno)") }
            defer { close(fd) }
            var timeout = timeval(tv_sec: 0, tv_usec: 400_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            if let source {
                guard withSocketAddress(source, port: 0, { bind(fd, $0, $1) }) == 0 else {
                    throw Failure(description: "bind \(source): errno \(errno)")
                }
            }
            let identifier = UInt16.random(in: 1...0xfffe)
            for sequence in 0..<UInt16(attempts) {
                var packet: [UInt8] = [v4 ? 8 : 128, 0, 0, 0, UInt8(identifier >> 8), UInt8(identifier & 0xff),
                                       UInt8(sequence >> 8), UInt8(sequence & 0xff)]
                packet += Array("kosmos-probe".utf8)
                if v4 {
                    let sum = checksum(packet)
                    packet[2] = UInt8(sum >> 8)
                    packet[3] = UInt8(sum & 0xff)
                }
                _ = withSocketAddress(destination, port: 0) { address, length in
                    sendto(fd, packet, packet.count, 0, address, length)
                }
                var buffer = [UInt8](repeating: 0, count: 2048)
                while true {
                    let count = recv(fd, &buffer, buffer.count, 0)
                    if count <= 0 { break }
                    // Raw IPv4 sockets deliver the IP header; ICMPv6 ones do not.
                    let offset = v4 ? Int(buffer[0] & 0x0f) * 4 : 0
                    guard count >= offset + 8 else { continue }
                    let type = buffer[offset]
                    let id = UInt16(buffer[offset + 4]) << 8 | UInt16(buffer[offset + 5])
                    if type == (v4 ? 0 : 129) && id == identifier { return true }
                }
            }
            return false
        }
    }

    private static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    /// Opens a TCP listener at `address:port` inside `serverNamespace`, connects to `connectTo:port` from
    /// `clientNamespace` (optionally from `source`), sends `message`, and has the server answer with the peer
    /// address it saw. Returns (what the server received, the peer address the server saw, the client's reply).
    public static func tcpExchange(server serverNamespace: NetworkNamespace, listen address: IPAddress,
                            client clientNamespace: NetworkNamespace, connectTo target: IPAddress,
                            from source: IPAddress? = nil, port: UInt16,
                            message: String) throws -> (received: String, peer: String, reply: String) {
        let listener = try serverNamespace.run { () throws -> Int32 in
            let fd = socket(address.family == .ipv4 ? AF_INET : AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            guard withSocketAddress(address, port: port, { bind(fd, $0, $1) }) == 0, listen(fd, 4) == 0 else {
                close(fd)
                throw Failure(description: "listen \(address):\(port): errno \(errno)")
            }
            return fd
        }
        defer { close(listener) }
        let client = try clientNamespace.run { () throws -> Int32 in
            let fd = socket(target.family == .ipv4 ? AF_INET : AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            if let source, withSocketAddress(source, port: 0, { bind(fd, $0, $1) }) != 0 {
                close(fd)
                throw Failure(description: "bind \(source): errno \(errno)")
            }
            guard withSocketAddress(target, port: port, { connect(fd, $0, $1) }) == 0 else {
                let code = errno
                close(fd)
                throw Failure(description: "connect \(target):\(port): errno \(code)")
            }
            return fd
        }
        defer { close(client) }
        let bytes = Array(message.utf8)
        guard send(client, bytes, bytes.count, 0) == bytes.count else {
            throw Failure(description: "send: errno \(errno)")
        }
        // The handshake completed in the kernel's backlog; accepting now is fine (and keeps this single-threaded).
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let connection = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listener, $0, &length) }
        }
        guard connection >= 0 else { throw Failure(description: "accept: errno \(errno)") }
        defer { close(connection) }
        let peer = peerAddress(storage)
        var buffer = [UInt8](repeating: 0, count: 1024)
        let received = recv(connection, &buffer, buffer.count, 0)
        let receivedText = received > 0 ? String(decoding: buffer[0..<received], as: UTF8.self) : ""
        let answer = Array("peer=\(peer)".utf8)
        _ = send(connection, answer, answer.count, 0)
        let replied = recv(client, &buffer, buffer.count, 0)
        let replyText = replied > 0 ? String(decoding: buffer[0..<replied], as: UTF8.self) : ""
        return (receivedText, peer, replyText)
    }

    static func withSocketAddress<T>(_ address: IPAddress, port: UInt16,
                                     _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        switch address {
        case .v4(let v4):
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = port.bigEndian
            socketAddress.sin_addr.s_addr = v4.value.bigEndian
            return withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6(let v6):
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = port.bigEndian
            let bytes = v6.bytes
            withUnsafeMutableBytes(of: &socketAddress.sin6_addr) { raw in
                for index in 0..<16 { raw[index] = bytes[index] }
            }
            return withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }

    static func peerAddress(_ storage: sockaddr_storage) -> String {
        var storage = storage
        if Int32(storage.ss_family) == AF_INET {
            return withUnsafeBytes(of: &storage) { raw in
                let value = UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                return IPv4Address(value).description
            }
        }
        return withUnsafeBytes(of: &storage) { raw in
            IPAddress(bytes: Array(raw[8..<24]))?.description ?? "?"
        }
    }
}
