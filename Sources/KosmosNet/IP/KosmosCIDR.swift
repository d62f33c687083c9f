/// CIDR rules exactly as the Go Kosmos applies them to text, for code that must agree with it.
public enum KosmosCIDR {
    /// Whether two CIDR texts overlap, by Kosmos' rule (`Intersect`): both are parsed leniently (host bits
    /// cleared) and overlap when either network contains the other's network address. Text that does not
    /// parse counts as overlapping, the "safer" answer Kosmos chose, so an unreadable CIDR never opens a route.
    /// Different families never overlap.
    /// - Parameters:
    ///   - a: a CIDR such as `10.233.0.0/16`.
    ///   - b: another CIDR.
    /// - Returns: `true` when they share addresses or either is not a valid CIDR.
    public static func overlap(_ a: String, _ b: String) -> Bool {
        guard let x = IPPrefix.lenient(a), let y = IPPrefix.lenient(b) else { return true }
        return x.overlaps(y)
    }

    /// Rewrites each CIDR into its canonical network form, keeping the order, the way the Kosmos agent
    /// normalises NodeConfig routes: `10.237.6.0/18` becomes `10.237.0.0/18` and
    /// `2409:8c2f:3800:0011::0a18:0000/114` becomes `2409:8c2f:3800:11::a18:0/114`.
    /// - Parameter cidrs: CIDR texts, host bits allowed.
    /// - Returns: the canonical texts, in the same order.
    /// - Throws: `IPParseError` for the first text that is not a CIDR.
    public static func normalize(_ cidrs: [String]) throws(IPParseError) -> [String] {
        var out: [String] = []
        out.reserveCapacity(cidrs.count)
        for c in cidrs { out.append(try IPPrefix(normalizing: c).description) }
        return out
    }
}
