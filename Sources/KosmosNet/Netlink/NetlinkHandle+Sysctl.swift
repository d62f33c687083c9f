#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Network sysctls are per namespace: /proc/sys/net resolves against the namespace of the thread that opens the
// file, so for a handle opened elsewhere the file is opened on a thread inside that namespace.

extension NetlinkHandle {
    /// Reads a network sysctl of this handle's namespace.
    ///
    /// The corresponding command is `sysctl net.ipv4.ip_forward` (written here as `net/ipv4/ip_forward`, so link
    /// names containing dots stay unambiguous).
    /// - Parameter key: the path below `/proc/sys`, with `/` separators; must start with `net/`.
    /// - Returns: the value without the trailing newline.
    /// - Throws: ``NetlinkError``; `errno == .enoent` for an unknown key (or a missing link in it).
    public func sysctl(_ key: String) throws -> String {
        let path = try Self.sysctlPath(key)
        return try inNamespace {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw NetlinkError(code: .kernel, operation: "read sysctl", object: key, errno: .current)
            }
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(fd, &buffer, buffer.count)
            guard count >= 0 else {
                throw NetlinkError(code: .kernel, operation: "read sysctl", object: key, errno: .current)
            }
            var text = String(decoding: buffer[0..<count], as: UTF8.self)
            while text.last == "\n" { text.removeLast() }
            return text
        }
    }

    /// Writes a network sysctl of this handle's namespace.
    ///
    /// The corresponding command is `sysctl -w net.ipv4.conf.vx-bridge.rp_filter=2`.
    /// - Parameters:
    ///   - key: the path below `/proc/sys` with `/` separators, starting with `net/`.
    ///   - value: the new value.
    /// - Throws: ``NetlinkError``; `errno == .enoent` for an unknown key, `.einval` for a rejected value.
    public func setSysctl(_ key: String, _ value: String) throws {
        let path = try Self.sysctlPath(key)
        try inNamespace {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw NetlinkError(code: .kernel, operation: "write sysctl", object: "\(key)=\(value)",
                                   errno: .current)
            }
            defer { close(fd) }
            let bytes = Array((value + "\n").utf8)
            guard write(fd, bytes, bytes.count) == bytes.count else {
                throw NetlinkError(code: .kernel, operation: "write sysctl", object: "\(key)=\(value)",
                                   errno: .current)
            }
        }
    }

    /// Sets reverse-path filtering on a link (0 off, 1 strict, 2 loose; Kosmos uses 2 on tunnel links).
    ///
    /// The corresponding command is `sysctl -w net.ipv4.conf.DEV.rp_filter=MODE`.
    /// - Throws: ``NetlinkError``.
    public func setReversePathFilter(_ device: String, mode: Int) throws {
        try setSysctl("net/ipv4/conf/\(device)/rp_filter", String(mode))
    }

    /// Turns packet forwarding between links on or off for a family.
    ///
    /// The corresponding command is `sysctl -w net.ipv4.ip_forward=1` (IPv4) or
    /// `sysctl -w net.ipv6.conf.all.forwarding=1` (IPv6).
    /// - Throws: ``NetlinkError``.
    public func setForwarding(_ family: IPFamily, enabled: Bool) throws {
        let key = family == .ipv4 ? "net/ipv4/ip_forward" : "net/ipv6/conf/all/forwarding"
        try setSysctl(key, enabled ? "1" : "0")
    }

    /// Enables or disables IPv6 on a link (`all` and `default` are accepted too).
    ///
    /// The corresponding command is `sysctl -w net.ipv6.conf.DEV.disable_ipv6=1`.
    /// - Throws: ``NetlinkError``.
    public func setIPv6Disabled(_ device: String, _ disabled: Bool) throws {
        try setSysctl("net/ipv6/conf/\(device)/disable_ipv6", disabled ? "1" : "0")
    }

    private static func sysctlPath(_ key: String) throws -> String {
        guard key.hasPrefix("net/"), !key.contains(".."), !key.contains("//") else {
            throw NetlinkError(code: .invalidRequest, operation: "sysctl", object: key,
                               detail: "keys are paths below /proc/sys/net, like net/ipv4/ip_forward")
        }
        return "/proc/sys/" + key
    }

    /// Runs file work in the handle's namespace (on a dedicated thread) or here for the current namespace.
    func inNamespace<T>(_ body: () throws -> T) throws -> T {
        guard let namespace else { return try body() }
        return try namespace.run(body)
    }
}
