/// Translates the iptables rule text a NodeConfig carries (the wire format of the Go Kosmos) into ``NATRule``
/// values, which the agent installs with nftables.
///
/// The forms the network-manager writes are understood; anything else is refused with the reason, never guessed:
///
/// | chain | rule text | becomes |
/// |---|---|---|
/// | POSTROUTING | `-s S [-o O] -j MASQUERADE` | ``NATRule/masquerade(source:outputInterface:)`` |
/// | POSTROUTING | `-s S [-o O] -j SNAT --to-source A` | ``NATRule/snat(source:to:outputInterface:)`` |
/// | POSTROUTING | `-s S [-o O] -j NETMAP --to T` | ``NATRule/mapSource(from:to:outputInterface:)`` |
/// | PREROUTING | `-d D [-i I] -j DNAT --to-destination A` | ``NATRule/dnat(destination:to:inputInterface:)`` |
/// | PREROUTING | `-d D [-i I] -j NETMAP --to T` | ``NATRule/mapDestination(from:to:inputInterface:)`` |
///
/// Options may come in any order. An address family is taken from the prefixes, not from a `:` in the text.
public enum IptablesRuleText {
    /// A rule that cannot be translated, with the reason.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// Why the rule was refused.
        public var reason: String
        public var description: String { reason }
    }

    /// Translates one rule of the nat table.
    /// - Parameters:
    ///   - chain: `PREROUTING` or `POSTROUTING` (the Go agent's `CLUSTERLINK-` chains are accepted too).
    ///   - rule: the rule text without `-A CHAIN`.
    /// - Throws: ``Failure`` naming what is unsupported or malformed.
    public static func natRule(chain: String, rule: String) throws(Failure) -> NATRule {
        var chainName = chain.uppercased()
        if chainName.hasPrefix("CLUSTERLINK-") { chainName.removeFirst("CLUSTERLINK-".count) }
        var options: [String: String] = [:]
        let tokens = rule.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var index = 0
        while index < tokens.count {
            let option = tokens[index]
            guard option.hasPrefix("-") else { throw Failure(reason: "unexpected word '\(option)'") }
            guard index + 1 < tokens.count else { throw Failure(reason: "option \(option) has no value") }
            let key: String
            switch option {
            case "-s", "--source", "--src": key = "s"
            case "-d", "--destination", "--dst": key = "d"
            case "-o", "--out-interface": key = "o"
            case "-i", "--in-interface": key = "i"
            case "-j", "--jump": key = "j"
            case "--to-source": key = "to-source"
            case "--to-destination": key = "to-destination"
            case "--to": key = "to"
            default: throw Failure(reason: "unsupported option \(option)")
            }
            guard options[key] == nil else { throw Failure(reason: "option \(option) given twice") }
            options[key] = tokens[index + 1]
            index += 2
        }
        func prefix(_ key: String, _ what: String) throws(Failure) -> IPPrefix? {
            guard let text = options[key] else { return nil }
            let full = text.contains("/") ? text : (text.contains(":") ? text + "/128" : text + "/32")
            do { return try IPPrefix(normalizing: full) } catch {
                throw Failure(reason: "\(what) '\(text)' is not an address or prefix")
            }
        }
        func address(_ key: String, _ what: String) throws(Failure) -> IPAddress {
            guard let text = options[key] else { throw Failure(reason: "\(what) is missing") }
            guard let parsed = IPAddress(text) else { throw Failure(reason: "\(what) '\(text)' is not an address") }
            return parsed
        }
        let source = try prefix("s", "source")
        let destination = try prefix("d", "destination")
        let output = options["o"]
        let input = options["i"]
        guard let target = options["j"]?.uppercased() else { throw Failure(reason: "no -j target") }

        let rule: NATRule
        switch (chainName, target) {
        case ("POSTROUTING", "MASQUERADE"):
            guard let source else { throw Failure(reason: "MASQUERADE needs -s") }
            rule = .masquerade(source: source, outputInterface: output)
        case ("POSTROUTING", "SNAT"):
            guard let source else { throw Failure(reason: "SNAT needs -s") }
            rule = .snat(source: source, to: try address("to-source", "--to-source"), outputInterface: output)
        case ("POSTROUTING", "NETMAP"):
            guard let source, let to = try prefix("to", "--to") else { throw Failure(reason: "NETMAP needs -s and --to") }
            rule = .mapSource(from: source, to: to, outputInterface: output)
        case ("PREROUTING", "DNAT"):
            guard let destination else { throw Failure(reason: "DNAT needs -d") }
            rule = .dnat(destination: destination, to: try address("to-destination", "--to-destination"),
                         inputInterface: input)
        case ("PREROUTING", "NETMAP"):
            guard let destination, let to = try prefix("to", "--to") else {
                throw Failure(reason: "NETMAP needs -d and --to")
            }
            rule = .mapDestination(from: destination, to: to, inputInterface: input)
        case ("PREROUTING", _), ("POSTROUTING", _):
            throw Failure(reason: "target \(target) is not supported in \(chainName)")
        default:
            throw Failure(reason: "chain '\(chain)' is not PREROUTING or POSTROUTING")
        }
        do { try rule.validate() } catch let error as NATError { throw Failure(reason: error.detail) } catch {
            throw Failure(reason: "\(error)")
        }
        return rule
    }
}
