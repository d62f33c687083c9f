#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A POSIX error number as a value, the way the kernel reports it in a netlink ACK or a failed system call.
///
/// Compare against the named constants (`error.errno == .eexist`); `description` reads like
/// "network unreachable (ENETUNREACH)".
public struct Errno: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The positive error number (`EEXIST` is 17 on Linux).
    public let rawValue: Int32

    /// Wraps a positive error number.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Operation not permitted.
    public static let eperm = Errno(rawValue: EPERM)
    /// No such file or directory (also: no such route, rule or neighbour).
    public static let enoent = Errno(rawValue: ENOENT)
    /// No such process (the kernel's answer for a missing route in some paths).
    public static let esrch = Errno(rawValue: ESRCH)
    /// Interrupted system call.
    public static let eintr = Errno(rawValue: EINTR)
    /// Try again (also: a receive timeout).
    public static let eagain = Errno(rawValue: EAGAIN)
    /// Out of memory.
    public static let enomem = Errno(rawValue: ENOMEM)
    /// Permission denied.
    public static let eacces = Errno(rawValue: EACCES)
    /// Device or resource busy.
    public static let ebusy = Errno(rawValue: EBUSY)
    /// The object already exists.
    public static let eexist = Errno(rawValue: EEXIST)
    /// No such device (a link name or index that does not exist).
    public static let enodev = Errno(rawValue: ENODEV)
    /// Invalid argument.
    public static let einval = Errno(rawValue: EINVAL)
    /// No buffer space available (a netlink receive queue overran).
    public static let enobufs = Errno(rawValue: ENOBUFS)
    /// Operation not supported.
    public static let eopnotsupp = Errno(rawValue: EOPNOTSUPP)
    /// Address family not supported (for example IPv6 disabled).
    public static let eafnosupport = Errno(rawValue: EAFNOSUPPORT)
    /// Cannot assign requested address.
    public static let eaddrnotavail = Errno(rawValue: EADDRNOTAVAIL)
    /// Network is down.
    public static let enetdown = Errno(rawValue: ENETDOWN)
    /// Network is unreachable (a gateway with no route to it).
    public static let enetunreach = Errno(rawValue: ENETUNREACH)
    /// Protocol not supported.
    public static let eprotonosupport = Errno(rawValue: EPROTONOSUPPORT)
    /// Numerical result out of range.
    public static let erange = Errno(rawValue: ERANGE)
    /// Message too long.
    public static let emsgsize = Errno(rawValue: EMSGSIZE)
    /// Not a directory / not supported by this object.
    public static let enotsup = Errno(rawValue: ENOTSUP)
    /// Bad file descriptor.
    public static let ebadf = Errno(rawValue: EBADF)
    /// Host is unreachable.
    public static let ehostunreach = Errno(rawValue: EHOSTUNREACH)
    /// File name too long (a link name over 15 bytes).
    public static let enametoolong = Errno(rawValue: ENAMETOOLONG)

    /// The symbolic name, e.g. `ENETUNREACH`, or `E<number>` for numbers without a name here.
    public var name: String {
        Errno.names[rawValue]?.0 ?? "E\(rawValue)"
    }

    /// A short lower-case phrase, e.g. "network unreachable".
    public var phrase: String {
        if let known = Errno.names[rawValue] { return known.1 }
        guard let text = strerror(rawValue) else { return "error \(rawValue)" }
        return String(cString: text).lowercased()
    }

    /// "network unreachable (ENETUNREACH)".
    public var description: String { "\(phrase) (\(name))" }

    /// The calling thread's current `errno`.
    static var current: Errno { Errno(rawValue: errno) }

    private static let names: [Int32: (String, String)] = [
        EPERM: ("EPERM", "operation not permitted"),
        ENOENT: ("ENOENT", "no such file or object"),
        ESRCH: ("ESRCH", "no such process or object"),
        EINTR: ("EINTR", "interrupted"),
        EAGAIN: ("EAGAIN", "try again"),
        ENOMEM: ("ENOMEM", "out of memory"),
        EACCES: ("EACCES", "permission denied"),
        EBUSY: ("EBUSY", "device or resource busy"),
        EEXIST: ("EEXIST", "already exists"),
        ENODEV: ("ENODEV", "no such device"),
        EINVAL: ("EINVAL", "invalid argument"),
        ENOBUFS: ("ENOBUFS", "no buffer space available"),
        EOPNOTSUPP: ("EOPNOTSUPP", "operation not supported"),
        EAFNOSUPPORT: ("EAFNOSUPPORT", "address family not supported"),
        EADDRNOTAVAIL: ("EADDRNOTAVAIL", "address not available"),
        ENETDOWN: ("ENETDOWN", "network down"),
        ENETUNREACH: ("ENETUNREACH", "network unreachable"),
        EHOSTUNREACH: ("EHOSTUNREACH", "host unreachable"),
        EPROTONOSUPPORT: ("EPROTONOSUPPORT", "protocol not supported"),
        ERANGE: ("ERANGE", "value out of range"),
        EMSGSIZE: ("EMSGSIZE", "message too long"),
        EBADF: ("EBADF", "bad file descriptor"),
        ENAMETOOLONG: ("ENAMETOOLONG", "name too long"),
        ENOTDIR: ("ENOTDIR", "not a directory"),
        EISDIR: ("EISDIR", "is a directory"),
    ]
}
