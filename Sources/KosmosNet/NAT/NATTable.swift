import KosmosAPI

/// An nftables table that one program owns outright: NAT and forward-accept rules for IPv4 and IPv6, replaced as
/// a whole.
///
/// ``apply(_:)`` hands `nft -f -` one script that declares the table, deletes it and declares it again with the
/// new rules; nftables runs a script as a single kernel transaction, so the switch is atomic (no moment without
/// rules), applying the same rules twice leaves the same state, and nothing outside the table is touched. Read the
/// live rules back with ``rules()`` to diff them against what is wanted. Why nftables rather than
/// iptables-restore: see `Sources/KosmosNet/NAT/README.md`.
///
/// ```swift
/// let table = NATTable(name: "kosmos", namespace: .named("node1"))
/// try table.apply([
///     .mapDestination(from: IPPrefix("10.100.0.0/16")!, to: IPPrefix("10.1.0.0/16")!, inputInterface: "vx-bridge"),
///     .mapSource(from: IPPrefix("10.1.0.0/16")!, to: IPPrefix("10.100.0.0/16")!, outputInterface: "vx-bridge"),
///     .masquerade(source: IPPrefix("220.0.0.0/8")!),
/// ])
/// ```
public struct NATTable: Sendable, Hashable {
    /// The table's name in the `inet` family (`table inet NAME`).
    public let name: String
    /// The namespace the table lives in; nil for the caller's.
    public let namespace: NetworkNamespace?

    /// Names a table; nothing is created until ``apply(_:)``.
    /// - Parameters:
    ///   - name: letters, digits and `_` (an nft identifier).
    ///   - namespace: where the table lives; nil for the caller's namespace.
    public init(name: String, namespace: NetworkNamespace? = nil) {
        self.name = name
        self.namespace = namespace
    }

    /// Rules in the order the table keeps them: prerouting, then postrouting, then forward, each in given order.
    public static func normalized(_ rules: [NATRule]) -> [NATRule] {
        NATChain.allCases.flatMap { chain in rules.filter { $0.chain == chain } }
    }

    /// The `nft -f` script ``apply(_:)`` runs.
    /// - Throws: ``NATError`` for an invalid table name or rule.
    public func script(for rules: [NATRule]) throws -> String {
        try validateName()
        for rule in rules { try rule.validate() }
        var text = "table inet \(name) {}\ndelete table inet \(name)\ntable inet \(name) {\n"
        for chain in NATChain.allCases {
            text += "\tchain \(chain.nftName) {\n\t\t\(chain.declaration)\n"
            for rule in rules where rule.chain == chain { text += "\t\t\(rule.nft)\n" }
            text += "\t}\n"
        }
        return text + "}\n"
    }

    /// Replaces the table's rules with `rules` in one atomic transaction (creating the table if needed).
    ///
    /// The corresponding command is `nft -f -` with the script of ``script(for:)``.
    /// - Throws: ``NATError`` naming the table and `nft`'s complaint; the previous rules stay in force.
    public func apply(_ rules: [NATRule]) throws {
        let script = try script(for: rules)
        let output = try runNFT(["-f", "-"], input: script, operation: "apply ruleset")
        if output.status != 0 {
            throw NATError(operation: "apply ruleset", object: "table inet \(name)", detail: trimmed(output.stderr))
        }
    }

    /// Deletes the table and every rule in it; a table that does not exist is not an error.
    ///
    /// The corresponding command is `nft -f -` with `table inet NAME {}` + `delete table inet NAME`.
    /// - Throws: ``NATError``.
    public func remove() throws {
        try validateName()
        let output = try runNFT(["-f", "-"], input: "table inet \(name) {}\ndelete table inet \(name)\n",
                                operation: "remove table")
        if output.status != 0 {
            throw NATError(operation: "remove table", object: "table inet \(name)", detail: trimmed(output.stderr))
        }
    }

    /// Reads the table's rules back, in table order (see ``normalized(_:)``); empty when the table does not exist.
    ///
    /// The corresponding command is `nft -j list table inet NAME`.
    /// - Throws: ``NATError`` when `nft` fails or prints a rule this type does not produce (someone edited the
    ///   table by hand).
    public func rules() throws -> [NATRule] {
        try validateName()
        let output = try runNFT(["-j", "list", "table", "inet", name], input: "", operation: "read ruleset")
        if output.status != 0 {
            if output.stderr.contains("No such file or directory") { return [] }
            throw NATError(operation: "read ruleset", object: "table inet \(name)", detail: trimmed(output.stderr))
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(output.stdout)
        } catch {
            throw NATError(operation: "read ruleset", object: "table inet \(name)", detail: "bad JSON: \(error)")
        }
        var byChain: [NATChain: [NATRule]] = [:]
        for item in json["nftables"]?.arrayValue ?? [] {
            guard let rule = item["rule"], rule["table"]?.stringValue == name,
                  let chainName = rule["chain"]?.stringValue,
                  let chain = NATChain.allCases.first(where: { $0.nftName == chainName }) else { continue }
            guard let parsed = NATRuleParser.parse(rule["expr"]?.arrayValue ?? [], chain: chain) else {
                throw NATError(operation: "read ruleset", object: "table inet \(name)",
                               detail: "unrecognised rule in chain \(chainName): \(rule)")
            }
            byChain[chain, default: []].append(parsed)
        }
        return NATChain.allCases.flatMap { byChain[$0] ?? [] }
    }

    private func validateName() throws {
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0 == "_"
            || ("0"..."9").contains($0)) }
        guard !name.isEmpty, name.utf8.count <= 64, allowed, let first = name.unicodeScalars.first,
              first.properties.isAlphabetic else {
            throw NATError(operation: "use table", object: name, detail: "table names are letters, digits and _")
        }
    }

    private func runNFT(_ arguments: [String], input: String, operation: String) throws -> Subprocess.Output {
        guard let nft = Subprocess.find("nft") else {
            throw NATError(operation: operation, object: "table inet \(name)",
                           detail: "the nft binary (package nftables) is not installed")
        }
        do {
            if let namespace {
                return try namespace.run { try Subprocess.run(nft, arguments, input: input) }
            }
            return try Subprocess.run(nft, arguments, input: input)
        } catch let error as NetlinkError {
            throw NATError(operation: operation, object: "table inet \(name)", detail: error.description)
        }
    }

    private func trimmed(_ text: String) -> String {
        var text = text
        while text.last == "\n" { text.removeLast() }
        return text
    }
}

/// Turns `nft -j` rule expressions back into ``NATRule`` values (only the shapes ``NATRule/nft`` writes).
enum NATRuleParser {
    static func parse(_ expressions: [JSONValue], chain: NATChain) -> NATRule? {
        var input: String?
        var output: String?
        var source: IPPrefix?
        var destination: IPPrefix?
        var action: NATRule?
        for expression in expressions {
            if let match = expression["match"] {
                guard match["op"]?.stringValue == "==", let left = match["left"], let right = match["right"] else {
                    return nil
                }
                if let key = left["meta"]?["key"]?.stringValue {
                    guard let value = right.stringValue else { return nil }
                    if key == "iifname" { input = value } else if key == "oifname" { output = value } else {
                        return nil
                    }
                } else if let field = left["payload"]?["field"]?.stringValue {
                    guard let prefix = prefix(right) else { return nil }
                    if field == "saddr" { source = prefix } else if field == "daddr" { destination = prefix } else {
                        return nil
                    }
                } else {
                    return nil
                }
            } else if expression["accept"] != nil {
                action = .accept(source: source, destination: destination, inputInterface: input,
                                 outputInterface: output)
            } else if expression["masquerade"] != nil {
                guard let source else { return nil }
                action = .masquerade(source: source, outputInterface: output)
            } else if let nat = expression["snat"] ?? expression["dnat"] {
                let isSource = expression["snat"] != nil
                guard let addr = nat["addr"] else { return nil }
                if let pair = addr["map"]?["data"]?["set"]?.arrayValue?.first?.arrayValue, pair.count == 2,
                   let from = prefix(pair[0]), let to = prefix(pair[1]) {
                    action = isSource ? .mapSource(from: from, to: to, outputInterface: output)
                        : .mapDestination(from: from, to: to, inputInterface: input)
                } else if let text = addr.stringValue, let to = IPAddress(text) {
                    if isSource {
                        guard let source else { return nil }
                        action = .snat(source: source, to: to, outputInterface: output)
                    } else {
                        guard let destination else { return nil }
                        action = .dnat(destination: destination, to: to, inputInterface: input)
                    }
                } else {
                    return nil
                }
            } else if expression["counter"] != nil {
                continue
            } else {
                return nil
            }
        }
        guard let action, action.chain == chain else { return nil }
        return action
    }

    /// `{"prefix": {"addr": "10.0.0.0", "len": 8}}` or a bare address (nft prints /32 and /128 that way).
    static func prefix(_ value: JSONValue) -> IPPrefix? {
        if let text = value.stringValue, let address = IPAddress(text) { return IPPrefix(host: address) }
        guard let body = value["prefix"], let text = body["addr"]?.stringValue, let address = IPAddress(text),
              let length = body["len"]?.intValue else { return nil }
        return IPPrefix(address: address, length: Int(length))
    }
}
