/// An error from a netlink request: which operation on which object failed, and why.
///
/// Kernel refusals carry the `errno` from the ACK and, when the kernel sent one, its extended-ACK message. The
/// description reads like
/// "add route 10.2.0.0/16 via 220.0.0.2 dev vx-bridge: network unreachable (ENETUNREACH)".
/// Test the kind with `code` (`error.code == .dumpInterrupted`) or the kernel's reason with `errno`.
public struct NetlinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is. New kinds may be added; match with `==`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case kernel, dumpInterrupted, socket, malformedReply, invalidRequest, notFound, namespace
        }
        private let base: Base

        /// The kernel refused the request; `errno` says why.
        public static let kernel = Code(base: .kernel)
        /// A dump was interrupted by a concurrent change (`NLM_F_DUMP_INTR`) more often than the retry budget.
        public static let dumpInterrupted = Code(base: .dumpInterrupted)
        /// Opening, sending on or receiving from the netlink socket failed; `errno` says why.
        public static let socket = Code(base: .socket)
        /// The kernel's reply could not be parsed.
        public static let malformedReply = Code(base: .malformedReply)
        /// The request was refused before it was sent (for example a family mismatch or a name too long).
        public static let invalidRequest = Code(base: .invalidRequest)
        /// A lookup by name or address found nothing.
        public static let notFound = Code(base: .notFound)
        /// Entering, creating or deleting a network namespace failed; `errno` says why.
        public static let namespace = Code(base: .namespace)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The operation, in words: "add route", "delete link", "dump neighbours".
    public let operation: String
    /// The object, in `ip` syntax: "10.2.0.0/16 via 220.0.0.2 dev vx-bridge".
    public let object: String
    /// The error number the kernel or the system call returned, if any.
    public let errno: Errno?
    /// The kernel's extended-ACK text, or a reason of our own for non-kernel failures.
    public let detail: String?

    /// Creates an error; library users normally only receive these.
    public init(code: Code, operation: String, object: String, errno: Errno? = nil, detail: String? = nil) {
        self.code = code
        self.operation = operation
        self.object = object
        self.errno = errno
        self.detail = detail
    }

    /// True when the kernel said the object already exists (`EEXIST`).
    public var isExists: Bool { errno == .eexist }
    /// True when the kernel said the object (or the link it names) does not exist
    /// (`ENOENT`, `ESRCH` or `ENODEV`).
    public var isNotFound: Bool {
        code == .notFound || errno == .enoent || errno == .esrch || errno == .enodev
    }

    public var description: String {
        var text = object.isEmpty ? operation : "\(operation) \(object)"
        text += ": "
        switch code {
        case .kernel:
            text += errno.map { $0.description } ?? "kernel error"
        case .dumpInterrupted:
            text += "dump interrupted by concurrent changes"
        case .socket:
            text += "netlink socket failed"
            if let errno { text += ": \(errno)" }
        case .malformedReply:
            text += "malformed reply"
        case .invalidRequest:
            text += "invalid request"
        case .notFound:
            text += "not found"
        default:
            text += code.description
            if let errno { text += ": \(errno)" }
        }
        if let detail, !detail.isEmpty { text += code == .kernel ? ": \(detail)" : " (\(detail))" }
        return text
    }
}
