/// The address a ClusterLink VXLAN device (`vx-bridge`, `vx-local`, and their `-6` twins) gets on a node.
///
/// Kosmos derives it without any allocation state: the network bits of the device CIDR (the cluster's
/// `bridgeCIDRs`/`localCIDRs`) joined with the host bits of the node's underlay address, with the device CIDR's
/// prefix length. `192.168.0.11` in `220.0.0.0/8` gives `220.168.0.11/8`;
/// `2409:7c85:6200::a0e:1702` in `9480::/16` gives `9480:7c85:6200::a0e:1702/16`.
/// Two nodes whose underlay addresses share their host bits would collide; the device CIDR must be chosen
/// wide enough for the underlay network (Kosmos' defaults are /8 for IPv4 and /16 for IPv6).
public enum VXLANDeviceAddress {
    /// Derives the device address from typed values.
    /// - Parameters:
    ///   - underlay: the node's underlay address (the IP of its bind interface).
    ///   - deviceCIDR: the CIDR the device addresses come from.
    /// - Returns: the device address with the device CIDR's length.
    /// - Throws: `VXLANDeviceAddressError` when the two are of different families.
    public static func derive(
        underlay: IPAddress, deviceCIDR: IPPrefix
    ) throws(VXLANDeviceAddressError) -> IPInterfaceAddress {
        guard let address = deviceCIDR.address(withHostBitsOf: underlay) else {
            throw VXLANDeviceAddressError(
                underlay: underlay.description, deviceCIDR: deviceCIDR.description,
                reason: "the underlay address is \(underlay.family) but the device CIDR is \(deviceCIDR.family)")
        }
        return IPInterfaceAddress(address: address, length: deviceCIDR.length)!
    }

    /// Derives the device address from text, as Kosmos' `GenerateVxlanIP` does: the family of each text is
    /// decided by its first `.` or `:` and must agree; the CIDR may have host bits set (they are ignored).
    /// - Parameters:
    ///   - underlay: the node's underlay address, e.g. `100.10.10.1`.
    ///   - deviceCIDR: the device CIDR, e.g. `210.0.0.0/8`.
    /// - Returns: the device address, e.g. `210.10.10.1/8`.
    /// - Throws: `VXLANDeviceAddressError` when the families differ or either text does not parse.
    public static func derive(underlay: String, deviceCIDR: String) throws(VXLANDeviceAddressError)
        -> IPInterfaceAddress {
        let uf = IPFamily.detect(underlay)
        let cf = IPFamily.detect(deviceCIDR)
        guard uf == cf else {
            throw VXLANDeviceAddressError(
                underlay: underlay, deviceCIDR: deviceCIDR,
                reason: "different IP families (\(uf?.description ?? "unknown") and \(cf?.description ?? "unknown"))")
        }
        let address: IPAddress
        let cidr: IPPrefix
        do {
            address = try IPAddress(parsing: underlay)
            cidr = try IPPrefix(normalizing: deviceCIDR)
        } catch {
            throw VXLANDeviceAddressError(underlay: underlay, deviceCIDR: deviceCIDR, reason: error.description)
        }
        return try derive(underlay: address, deviceCIDR: cidr)
    }
}

/// Why a VXLAN device address could not be derived; names both inputs.
public struct VXLANDeviceAddressError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The underlay address as given.
    public let underlay: String
    /// The device CIDR as given.
    public let deviceCIDR: String
    /// What is wrong, in words.
    public let reason: String

    public var description: String {
        "derive VXLAN device address from underlay \(underlay) and device CIDR \(deviceCIDR): \(reason)"
    }
}
