import Dispatch
import KosmosAPI

// Step 10: sort every list descending by the compact JSON text of its elements, drop duplicates, and make the
// NodeConfig objects. This is where almost all of the time goes at scale, so entries are compared field by field
// in the JSON text's terms instead of being serialized to compare, and nodes are rendered in parallel.

extension PlanBuilder {
    func render() -> [NodeConfig] {
        let count = topology.nodes.count
        var out = [NodeConfig?](repeating: nil, count: count)
        let workers = count < 256 ? 1 : max(1, min(8, activeProcessorCount()))
        out.withUnsafeMutableBufferPointer { buffer in
            let base = UnsafeSendable(buffer.baseAddress!)
            let work = { @Sendable (worker: Int) in
                // Contiguous ranges: nodes of one cluster sit together, so the list cache hits.
                var cache = ListCache()
                for n in (count * worker / workers)..<(count * (worker + 1) / workers) {
                    (base.value + n).pointee = renderNode(n, cache: &cache)
                }
            }
            if workers == 1 {
                work(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: workers, execute: work)
            }
        }
        return out.map { $0! }
    }

    /// The last list rendered per key: internal nodes of a cluster have identical lists (the same entries in the
    /// same order), so their JSON arrays are rendered once and shared.
    struct ListCache {
        var last: [String: (input: [PlanEntry], output: JSONValue)] = [:]

        mutating func render(_ key: String, _ entries: [PlanEntry]) -> JSONValue {
            if let hit = last[key], hit.input.count == entries.count,
                zip(hit.input, entries).allSatisfy({ $0 === $1 })
            {
                return hit.output
            }
            let output = PlanBuilder.renderList(entries)
            last[key] = (entries, output)
            return output
        }
    }

    func renderNode(_ n: Int, cache: inout ListCache) -> NodeConfig {
        let plan = plans[n]
        var spec = JSONObject()
        let devices = plan.devices.compactMap { $0 }.map(Self.deviceJSON)
        if !devices.isEmpty {
            let sorted = devices.map { ($0.serialized(), $0) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
            spec.append("devices", .array(sorted.reversed().map(\.1)))
        }
        for (key, list) in [("routes", plan.routes), ("iptables", plan.iptables), ("fdbs", plan.fdbs),
                            ("arps", plan.arps)] where !list.isEmpty {
            spec.append(key, cache.render(key, list))
        }
        var metadata = JSONObject()
        metadata.append("name", .string(topology.nodes[n].name))
        var o = JSONObject()
        o.append("apiVersion", .string(NodeConfig.apiVersion))
        o.append("kind", .string(NodeConfig.kind))
        o.append("metadata", .object(metadata))
        o.append("spec", .object(spec))
        return NodeConfig(json: .object(o))
    }

    static func deviceJSON(_ d: PlanDevice) -> JSONValue {
        var o = JSONObject(minimumCapacity: 7)
        o.append("type", "vxlan")
        o.append("name", .string(d.kind.name))
        o.append("addr", .string(d.addr))
        o.append("mac", .string(d.mac))
        o.append("bindDev", .string(d.bindDev))
        o.append("id", .int(Int64(d.kind.vni)))
        o.append("port", .int(Int64(d.kind.port)))
        return .object(o)
    }

    /// Sorts descending by JSON text, drops repeated entries, and makes the JSON array.
    static func renderList(_ entries: [PlanEntry]) -> JSONValue {
        // Entries mostly arrive in their final order without repeats: check that in one pass and skip the rest.
        var ordered = true
        for i in entries.indices.dropFirst() where JSONTextOrder.compareEntries(entries[i - 1], entries[i]) <= 0 {
            ordered = false
            break
        }
        if ordered { return .array(entries.map(\.json)) }
        let sorted = entries.sorted { JSONTextOrder.compareEntries($0, $1) > 0 }
        var array: [JSONValue] = []
        array.reserveCapacity(sorted.count)
        var previous: PlanEntry?
        for e in sorted {
            if let p = previous, JSONTextOrder.compareEntries(p, e) == 0 { continue }
            previous = e
            array.append(e.json)
        }
        return .array(array)
    }
}

/// Orders values as their compact JSON texts would sort byte by byte.
enum JSONTextOrder {
    /// Whether `a`'s JSON text sorts before `b`'s, for entries whose three keys are the same.
    static func entryPrecedes(_ a: PlanEntry, _ b: PlanEntry) -> Bool { compareEntries(a, b) < 0 }

    /// Compares two entries' JSON texts (entries whose three keys are the same).
    /// - Returns: negative, zero (the same JSON) or positive.
    static func compareEntries(_ a: PlanEntry, _ b: PlanEntry) -> Int {
        if a === b { return 0 }
        var r = compareField(a.f0, b.f0)
        if r != 0 { return r }
        r = compareField(a.f1, b.f1)
        if r != 0 { return r }
        return compareField(a.f2, b.f2)
    }

    /// Compares two string fields as they appear in JSON text: the escaped characters followed by the closing
    /// quote. The quote matters when one string is a prefix of the other: `"a"` sorts after `"a b"` because `"`
    /// (0x22) is above the space (0x20).
    /// - Returns: negative, zero or positive.
    static func compareField(_ a: String, _ b: String) -> Int {
        // No `a == b` shortcut: String equality is Unicode-canonical, JSON text is bytes.
        if let r = a.utf8.withContiguousStorageIfAvailable({ pa in
            b.utf8.withContiguousStorageIfAvailable { pb in comparePlain(pa, pb) } ?? nil
        }) ?? nil {
            return r
        }
        return compareBytes(escapedWithQuote(a), escapedWithQuote(b))
    }

    /// Compares raw UTF-8 plus a closing quote when neither needs escaping; `nil` when one does.
    private static func comparePlain(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = min(a.count, b.count)
        var i = 0
        while i < n {
            let x = a[i]
            let y = b[i]
            if needsEscape(x) || needsEscape(y) { return nil }
            if x != y { return x < y ? -1 : 1 }
            i += 1
        }
        for j in n..<a.count where needsEscape(a[j]) { return nil }
        for j in n..<b.count where needsEscape(b[j]) { return nil }
        if a.count == b.count { return 0 }
        // One is a prefix of the other: the shorter one's closing quote meets the longer one's next byte.
        let quote = UInt8(ascii: "\"")
        return a.count < b.count ? (quote < b[n] ? -1 : 1) : (a[n] < quote ? -1 : 1)
    }

    /// Bytes the JSON writer changes: control characters, quote, backslash, the HTML-escaped `<`, `>`, `&`, and
    /// anything non-ASCII (U+2028/U+2029 are escaped; keep it simple and take the slow path for all of it).
    @inline(__always)
    private static func needsEscape(_ c: UInt8) -> Bool {
        c < 0x20 || c == 0x22 || c == 0x5C || c == 0x3C || c == 0x3E || c == 0x26 || c >= 0x80
    }

    private static func escapedWithQuote(_ s: String) -> [UInt8] {
        // The writer's output is `"<escaped>"`; dropping the opening quote leaves exactly what follows the key.
        Array(JSONValue.string(s).serialized().dropFirst())
    }

    private static func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a == b { return 0 }
        return a.lexicographicallyPrecedes(b) ? -1 : 1
    }
}

/// A pointer handed to parallel workers that each touch disjoint elements.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

#if canImport(Glibc)
import Glibc
func activeProcessorCount() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
#elseif canImport(Darwin)
import Darwin
func activeProcessorCount() -> Int { Int(sysconf(_SC_NPROCESSORS_ONLN)) }
#else
func activeProcessorCount() -> Int { 1 }
#endif
