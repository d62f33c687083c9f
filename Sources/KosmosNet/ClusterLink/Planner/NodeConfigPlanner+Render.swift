import Dispatch
import KosmosAPI

// Step 10: sort every list descending by the compact JSON text of its elements, drop duplicates, and make the
// NodeConfig objects. This is where almost all of the time goes at scale, so entries are compared field by field
// in the JSON text's terms instead of being serialized to compare, and nodes are rendered in parallel.

extension PlanBuilder {
    func render() -> [NodeConfig] {
        let count = topology.nodes.count
        var out = [NodeConfig?](repeating: nil, count: count)
        let workers = count < 64 ? 1 : max(1, min(8, activeProcessorCount()))
        out.withUnsafeMutableBufferPointer { buffer in
            let base = UnsafeSendable(buffer.baseAddress!)
            let work = { @Sendable (worker: Int) in
                var n = worker
                while n < count {
                    // Each worker writes only its own slots.
                    (base.value + n).pointee = renderNode(n)
                    n += workers
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

    func renderNode(_ n: Int) -> NodeConfig {
        let plan = plans[n]
        var spec = JSONObject()
        let devices = plan.devices.compactMap { $0 }.map(Self.deviceJSON)
        if !devices.isEmpty {
            let sorted = devices.map { ($0.serialized(), $0) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
            spec.append("devices", .array(sorted.reversed().map(\.1)))
        }
        Self.appendList(&spec, "routes", plan.routes, keys: ("cidr", "gw", "dev"))
        Self.appendList(&spec, "iptables", plan.iptables, keys: ("table", "chain", "rule"))
        Self.appendList(&spec, "fdbs", plan.fdbs, keys: ("ip", "mac", "dev"))
        Self.appendList(&spec, "arps", plan.arps, keys: ("ip", "mac", "dev"))
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

    static func appendList(_ spec: inout JSONObject, _ key: String, _ entries: [PlanEntry],
                           keys: (String, String, String)) {
        guard !entries.isEmpty else { return }
        var sorted = entries
        sorted.sort { JSONTextOrder.entryPrecedes($1, $0) }
        var template = JSONObject(minimumCapacity: 3)
        template.append(keys.0, .null)
        template.append(keys.1, .null)
        template.append(keys.2, .null)
        var array: [JSONValue] = []
        array.reserveCapacity(sorted.count)
        var previous: PlanEntry?
        for e in sorted {
            if let p = previous, p.f0 == e.f0, p.f1 == e.f1, p.f2 == e.f2 { continue }
            previous = e
            var o = template
            o[keys.0] = .string(e.f0)
            o[keys.1] = .string(e.f1)
            o[keys.2] = .string(e.f2)
            array.append(.object(o))
        }
        spec.append(key, .array(array))
    }
}

/// Orders values as their compact JSON texts would sort byte by byte.
enum JSONTextOrder {
    /// Whether `a`'s JSON text sorts before `b`'s, for entries whose three keys are the same.
    static func entryPrecedes(_ a: PlanEntry, _ b: PlanEntry) -> Bool {
        var r = compareField(a.f0, b.f0)
        if r != 0 { return r < 0 }
        r = compareField(a.f1, b.f1)
        if r != 0 { return r < 0 }
        return compareField(a.f2, b.f2) < 0
    }

    /// Compares two string fields as they appear in JSON text: the escaped characters followed by the closing
    /// quote. The quote matters when one string is a prefix of the other: `"a"` sorts after `"a b"` because `"`
    /// (0x22) is above the space (0x20).
    /// - Returns: negative, zero or positive.
    static func compareField(_ a: String, _ b: String) -> Int {
        if a == b { return 0 }
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
