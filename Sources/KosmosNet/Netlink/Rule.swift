/// A policy-routing rule, as `ip rule` shows it: `200: from all lookup 200`.
public struct Rule: Sendable, Hashable, CustomStringConvertible {
    /// The address family the rule applies to.
    public var family: IPFamily
    /// The priority (`pref`); lower runs first. nil lets the kernel pick one below the previous rule.
    public var priority: UInt32?
    /// The table to look up (`lookup`).
    public var table: UInt32
    /// Match on the source prefix (`from`); nil for all.
    public var source: IPPrefix?
    /// Match on the destination prefix (`to`); nil for all.
    public var destination: IPPrefix?
    /// Match on the input link (`iif`).
    public var inputInterface: String?
    /// Match on the output link (`oif`).
    public var outputInterface: String?
    /// Match on the firewall mark (`fwmark`).
    public var firewallMark: UInt32?
    /// The mask applied to the mark before matching; nil for all bits.
    public var firewallMask: UInt32?

    /// Describes a rule "look up `table`" with optional selectors.
    public init(family: IPFamily, priority: UInt32? = nil, table: UInt32, source: IPPrefix? = nil,
                destination: IPPrefix? = nil, inputInterface: String? = nil, outputInterface: String? = nil,
                firewallMark: UInt32? = nil, firewallMask: UInt32? = nil) {
        self.family = family
        self.priority = priority
        self.table = table
        self.source = source
        self.destination = destination
        self.inputInterface = inputInterface
        self.outputInterface = outputInterface
        self.firewallMark = firewallMark
        self.firewallMask = firewallMask
    }

    public var description: String {
        var text = priority.map { "\($0): " } ?? ""
        text += "from \(source?.description ?? "all")"
        if let destination { text += " to \(destination)" }
        if let inputInterface { text += " iif \(inputInterface)" }
        if let outputInterface { text += " oif \(outputInterface)" }
        if let firewallMark {
            text += " fwmark \(firewallMark)"
            if let firewallMask { text += "/\(firewallMask)" }
        }
        text += " lookup \(table)"
        if family == .ipv6 { text = "-6 " + text }
        return text
    }
}
