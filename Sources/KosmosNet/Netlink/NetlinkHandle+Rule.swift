internal import CLibMnl

extension NetlinkHandle {
    /// Adds a policy-routing rule.
    ///
    /// The corresponding command is `ip [-6] rule add [from P] [to P] [iif I] [oif O] [fwmark M] lookup T pref N`;
    /// the request is `RTM_NEWRULE` with `NLM_F_CREATE|NLM_F_EXCL`.
    /// - Throws: ``NetlinkError``; `errno == .eexist` when an identical rule exists.
    public func addRule(_ rule: Rule) throws {
        try execute(RuleRequests.change(rule, type: NLMsg.newRule, flags: NLMsg.create | NLMsg.exclusive,
                                        operation: "add rule"))
    }

    /// Deletes the first rule matching every given selector.
    ///
    /// The corresponding command is `ip [-6] rule del ...`; the request is `RTM_DELRULE`.
    /// - Throws: ``NetlinkError``; `errno == .enoent` when no rule matches.
    public func deleteRule(_ rule: Rule) throws {
        try execute(RuleRequests.change(rule, type: NLMsg.delRule, flags: 0, operation: "delete rule"))
    }

    /// Lists the rules of one family (the kernel's default rules included: 0 local, 32766 main, 32767 default).
    ///
    /// The corresponding command is `ip [-6] rule show`; the request is an `RTM_GETRULE` dump.
    /// - Throws: ``NetlinkError``.
    public func rules(family: IPFamily) throws -> [Rule] {
        let request = NetlinkRequest(type: NLMsg.getRule, flags: 0, operation: "list rules",
                                     object: { "\(family)" }) { writer, _ in
            var header = fib_rule_hdr()
            header.family = addressFamily(family)
            writer.putFixedHeader(header)
        }
        return try dump(request) { message -> Rule? in
            guard message.type == NLMsg.newRule else { return nil }
            return RuleRequests.parse(message)
        }
    }
}

enum RuleRequests {

    /// Reads an `RTM_NEWRULE`/`RTM_DELRULE` message (a dump answer or an event).
    static func parse(_ message: NetlinkMessage) -> Rule? {
        guard let header = message.fixedHeader(fib_rule_hdr.self) else { return nil }
        let family: IPFamily
        switch Int32(header.family) {
        case AF_INET: family = .ipv4
        case AF_INET6: family = .ipv6
        default: return nil
        }
        var rule = Rule(family: family, table: UInt32(header.table))
        for attribute in message.attributes(after: fib_rule_hdr.self) {
            switch attribute.type {
            case FRA.table: rule.table = attribute.u32
            case FRA.priority: rule.priority = attribute.u32
            case FRA.src:
                rule.source = attribute.address.flatMap { IPPrefix(containing: $0, length: Int(header.src_len)) }
            case FRA.dst:
                rule.destination = attribute.address.flatMap {
                    IPPrefix(containing: $0, length: Int(header.dst_len))
                }
            case FRA.iifname: rule.inputInterface = attribute.string
            case FRA.oifname: rule.outputInterface = attribute.string
            case FRA.fwmark: rule.firewallMark = attribute.u32
            case FRA.fwmask: rule.firewallMask = attribute.u32
            default: break
            }
        }
        if rule.firewallMark != nil, rule.firewallMask == 0xffff_ffff { rule.firewallMask = nil }
        if rule.firewallMark == nil { rule.firewallMask = nil }
        return rule
    }
    static func change(_ rule: Rule, type: UInt16, flags: UInt16, operation: String) -> NetlinkRequest {
        NetlinkRequest(type: type, flags: flags, operation: operation, object: { rule.description }) { writer, _ in
            for prefix in [rule.source, rule.destination].compactMap({ $0 }) where prefix.family != rule.family {
                throw NetlinkError(code: .invalidRequest, operation: "", object: "",
                                   detail: "selector \(prefix) is not \(rule.family)")
            }
            var header = fib_rule_hdr()
            header.family = addressFamily(rule.family)
            header.action = UInt8(FR_ACT_TO_TBL)
            header.table = rule.table < 256 ? UInt8(rule.table) : UInt8(RT_TABLE_UNSPEC.rawValue)
            header.src_len = UInt8(rule.source?.length ?? 0)
            header.dst_len = UInt8(rule.destination?.length ?? 0)
            writer.putFixedHeader(header)
            writer.put(FRA.table, u32: rule.table)
            if let priority = rule.priority { writer.put(FRA.priority, u32: priority) }
            if let source = rule.source { writer.put(FRA.src, address: source.address) }
            if let destination = rule.destination { writer.put(FRA.dst, address: destination.address) }
            if let name = rule.inputInterface { writer.put(FRA.iifname, string: name) }
            if let name = rule.outputInterface { writer.put(FRA.oifname, string: name) }
            if let mark = rule.firewallMark {
                writer.put(FRA.fwmark, u32: mark)
                writer.put(FRA.fwmask, u32: rule.firewallMask ?? 0xffff_ffff)
            }
        }
    }
}
