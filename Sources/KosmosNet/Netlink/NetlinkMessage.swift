internal import CLibMnl

// The wire layer: building requests with libmnl into a caller-owned buffer, and walking replies without copying.
// No I/O happens here (that is NetlinkSocket), so these types stay cheap enough for 10,000-entry batches and dumps.

/// Writes one netlink message at a fixed address with libmnl (`mnl_nlmsg_put_header`, `mnl_attr_put*`).
/// The caller guarantees the buffer has room (every request here stays far below ``maxRequestSize``).
struct MessageWriter {
    /// Upper bound on one request's size; buffers reserve this much before a message is started.
    static let maxRequestSize = 8192

    let header: UnsafeMutablePointer<nlmsghdr>

    init(at buffer: UnsafeMutableRawPointer, type: UInt16, flags: UInt16, sequence: UInt32) {
        header = mnl_nlmsg_put_header(buffer)
        header.pointee.nlmsg_type = type
        header.pointee.nlmsg_flags = flags
        header.pointee.nlmsg_seq = sequence
    }

    /// Total length so far, including the header.
    var length: Int { Int(header.pointee.nlmsg_len) }

    /// Appends the family-specific fixed header (`ifinfomsg`, `rtmsg`, `ndmsg`, ...), zero-filled first.
    func putFixedHeader<T>(_ value: T) {
        let size = MemoryLayout<T>.size
        let destination = mnl_nlmsg_put_extra_header(header, size)!
        withUnsafeBytes(of: value) { destination.copyMemory(from: $0.baseAddress!, byteCount: size) }
    }

    func put(_ type: UInt16, u8 value: UInt8) { mnl_attr_put_u8(header, type, value) }
    func put(_ type: UInt16, u16 value: UInt16) { mnl_attr_put_u16(header, type, value) }
    func put(_ type: UInt16, u32 value: UInt32) { mnl_attr_put_u32(header, type, value) }
    /// A 16-bit value in network byte order (ports).
    func put(_ type: UInt16, be16 value: UInt16) { mnl_attr_put_u16(header, type, value.bigEndian) }
    /// A NUL-terminated string.
    func put(_ type: UInt16, string: String) { mnl_attr_put_strz(header, type, string) }

    func put(_ type: UInt16, bytes: UnsafeRawBufferPointer) {
        mnl_attr_put(header, type, bytes.count, bytes.baseAddress)
    }

    /// 4 or 16 bytes in network order.
    func put(_ type: UInt16, address: IPAddress) {
        switch address {
        case .v4(let a):
            withUnsafeBytes(of: a.value.bigEndian) { put(type, bytes: $0) }
        case .v6(let a):
            withUnsafeBytes(of: (a.high.bigEndian, a.low.bigEndian)) { put(type, bytes: $0) }
        }
    }

    func put(_ type: UInt16, mac: MACAddress) {
        withUnsafeBytes(of: mac.storage) { put(type, bytes: UnsafeRawBufferPointer(rebasing: $0[0..<6])) }
    }

    /// A nested attribute (`mnl_attr_nest_start` / `mnl_attr_nest_end`).
    func nest(_ type: UInt16, _ body: () throws -> Void) rethrows {
        let start = mnl_attr_nest_start(header, type)
        try body()
        mnl_attr_nest_end(header, start)
    }
}

/// One received netlink message, valid only while the receive buffer is.
struct NetlinkMessage {
    let type: UInt16
    let flags: UInt16
    let sequence: UInt32
    /// Everything after `nlmsghdr`.
    let payload: UnsafeRawBufferPointer

    /// The family-specific fixed header at the start of the payload, or nil if the payload is too short.
    func fixedHeader<T>(_: T.Type) -> T? {
        guard payload.count >= MemoryLayout<T>.size else { return nil }
        return payload.loadUnaligned(as: T.self)
    }

    /// Attributes following a fixed header of `T`'s size (aligned).
    func attributes<T>(after _: T.Type) -> Attributes {
        let offset = Int(kosmos_nl_align(UInt32(MemoryLayout<T>.size)))
        guard payload.count >= offset else { return Attributes(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return Attributes(UnsafeRawBufferPointer(rebasing: payload[offset...]))
    }

    /// Walks the messages packed in one datagram; stops early when `body` returns false.
    static func forEach(in buffer: UnsafeRawBufferPointer, _ body: (NetlinkMessage) throws -> Bool) rethrows {
        var offset = 0
        let headerLength = Int(kosmos_nlmsg_hdrlen())
        while offset + headerLength <= buffer.count {
            let length = Int(buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            guard length >= headerLength, offset + length <= buffer.count else { return }
            let message = NetlinkMessage(
                type: buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self),
                flags: buffer.loadUnaligned(fromByteOffset: offset + 6, as: UInt16.self),
                sequence: buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self),
                payload: UnsafeRawBufferPointer(rebasing: buffer[(offset + headerLength)..<(offset + length)]))
            guard try body(message) else { return }
            offset += Int(kosmos_nl_align(UInt32(length)))
        }
    }
}

/// A run of netlink attributes (`struct nlattr` TLVs).
struct Attributes: Sequence {
    let buffer: UnsafeRawBufferPointer

    init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    struct Iterator: IteratorProtocol {
        let buffer: UnsafeRawBufferPointer
        var offset = 0

        mutating func next() -> Attribute? {
            guard offset + 4 <= buffer.count else { return nil }
            let length = Int(buffer.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            let type = buffer.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self)
            guard length >= 4, offset + length <= buffer.count else { return nil }
            let value = UnsafeRawBufferPointer(rebasing: buffer[(offset + 4)..<(offset + length)])
            offset += (length + 3) & ~3
            // NLA_F_NESTED and NLA_F_NET_BYTEORDER live in the top two bits of the type.
            return Attribute(type: type & 0x3fff, value: value)
        }
    }

    func makeIterator() -> Iterator { Iterator(buffer: buffer) }
}

/// One attribute's type and value bytes.
struct Attribute {
    let type: UInt16
    let value: UnsafeRawBufferPointer

    var u8: UInt8 { value.count >= 1 ? value[0] : 0 }
    var u16: UInt16 { value.count >= 2 ? value.loadUnaligned(as: UInt16.self) : 0 }
    var u32: UInt32 { value.count >= 4 ? value.loadUnaligned(as: UInt32.self) : 0 }
    var int32: Int32 { Int32(bitPattern: u32) }
    /// A 16-bit value sent in network byte order (ports).
    var be16: UInt16 { UInt16(bigEndian: u16) }

    /// A NUL-terminated (or not) string.
    var string: String {
        let bytes = value.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// 4 bytes as IPv4, 16 as IPv6, otherwise nil.
    var address: IPAddress? {
        switch value.count {
        case 4:
            return .v4(IPv4Address(UInt32(bigEndian: value.loadUnaligned(as: UInt32.self))))
        case 16:
            return .v6(IPv6Address(
                high: UInt64(bigEndian: value.loadUnaligned(as: UInt64.self)),
                low: UInt64(bigEndian: value.loadUnaligned(fromByteOffset: 8, as: UInt64.self))))
        default:
            return nil
        }
    }

    /// 6 bytes as a MAC address, otherwise nil.
    var mac: MACAddress? { MACAddress(bytes: value) }

    var nested: Attributes { Attributes(value) }
}
