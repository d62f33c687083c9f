import Foundation
import KosmosNet

/// `kosmos-bench cidr`: CIDR operations per second, ours vs Python's `ipaddress` module, on the same random
/// cases (half IPv4, half IPv6) in the same run. Each side also reports a checksum per operation, and a
/// mismatch is printed to stderr: both sides must have done the same work.
enum CIDRBench {
    static let caseCount = 20_000

    /// One random case; each operation reads the fields it needs.
    struct Case {
        var addressText: String
        var aText: String
        var bText: String
        var globalText: String
        var index: Int
        var excludedTexts: [String]
    }

    static func run() throws {
        let cases = makeCases()
        let python = try pythonTimings(cases)

        let addresses = cases.map { IPAddress($0.addressText)! }
        let a = cases.map { IPPrefix($0.aText)! }
        let b = cases.map { IPPrefix($0.bText)! }
        let excluded = cases.map { $0.excludedTexts.map { IPPrefix($0)! } }
        let globals = cases.map { IPPrefix($0.globalText)! }

        let addressTexts = cases.map(\.addressText)
        let aTexts = cases.map(\.aText)
        let indexes = cases.map(\.index)
        // Plain loops over prepared arrays, as the Python side does, so the figures time the operation itself.
        func count(_ n: Int, _ body: (Int) -> Int) -> Int {
            var total = 0
            for i in 0..<n { total &+= body(i) }
            return total
        }
        let n = cases.count
        let figures: [(String, () -> Int)] = [
            ("parse-address", { count(n) { IPAddress(addressTexts[$0]) == nil ? 0 : 1 } }),
            ("parse-cidr", { count(n) { IPPrefix(aTexts[$0]) == nil ? 0 : 1 } }),
            ("format-cidr", { count(n) { a[$0].description.utf8.count } }),
            ("contains", { count(n) { a[$0].contains(addresses[$0]) ? 1 : 0 } }),
            ("overlaps", { count(n) { a[$0].overlaps(b[$0]) ? 1 : 0 } }),
            ("intersection", { count(n) { a[$0].intersection(b[$0]) == nil ? 0 : 1 } }),
            ("subtract", { count(n) { a[$0].subtracting(excluded[$0]).count } }),
            ("aggregate", { count(n) { IPPrefix.aggregate([a[$0], b[$0]] + excluded[$0]).count } }),
            ("split-16", { count(n) { Array(a[$0].subnets(length: a[$0].length + 4)).count } }),
            ("nth-address", { count(n) { a[$0].address(at: indexes[$0]) == nil ? 0 : 1 } }),
            ("translate", { count(n) { a[$0].translate(addresses[$0], to: globals[$0]) == nil ? 0 : 1 } }),
        ]

        for (name, body) in figures {
            var checksum = 0
            let seconds = BenchData.time(repeat: 5) { checksum = body() }
            guard let base = python[name] else {
                FileHandle.standardError.write(Data("cidr: python gave no figure for \(name)\n".utf8))
                continue
            }
            if base.checksum != checksum {
                FileHandle.standardError.write(Data(
                    "cidr \(name): checksum ours \(checksum) vs python \(base.checksum): not the same work\n".utf8))
            }
            BenchData.report(
                "cidr", name, unit: "ops/s",
                ours: Double(cases.count) / seconds, baseline: Double(cases.count) / base.seconds)
        }
    }

    // MARK: - Cases

    /// SplitMix64: a fixed seed gives the same cases every run.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func makeCases() -> [Case] {
        var rng = SplitMix(state: 2026)
        func address(_ v6: Bool) -> IPAddress {
            if !v6 { return .v4(IPv4Address(UInt32.random(in: 0...UInt32.max, using: &rng))) }
            // Real IPv6 plans: a /32-ish site prefix, some zero groups, never IPv4-mapped.
            let high = 0xfd00_0000_0000_0000 | (rng.next() & 0x00ff_ffff_0000_ffff)
            let low = rng.next() & (Bool.random(using: &rng) ? 0xffff : UInt64.max)
            return .v6(IPv6Address(high: high, low: low))
        }
        func prefix(_ v6: Bool, _ length: Int) -> IPPrefix {
            IPPrefix(containing: address(v6), length: length)!
        }
        var cases: [Case] = []
        cases.reserveCapacity(caseCount)
        for i in 0..<caseCount {
            let v6 = i % 2 == 1
            let bits = v6 ? 128 : 32
            let a = prefix(v6, Int.random(in: (v6 ? 32 : 8)...(bits - 4), using: &rng))
            let inside = a.address(withHostBitsOf: address(v6))!
            let addr = Bool.random(using: &rng) ? inside : address(v6)
            let b: IPPrefix = Bool.random(using: &rng)
                ? IPPrefix(containing: inside, length: Int.random(in: 0...bits, using: &rng))!
                : prefix(v6, a.length)
            let excluded = (0..<3).map { _ in
                IPPrefix(containing: a.address(withHostBitsOf: address(v6))!,
                         length: min(bits, a.length + Int.random(in: 1...12, using: &rng)))!
            }
            let size = a.hostBitCount < 62 ? 1 << a.hostBitCount : Int.max
            let addressText = v6 && Bool.random(using: &rng) ? expanded(addr) : addr.description
            cases.append(Case(
                addressText: addressText, aText: a.description, bText: b.description,
                globalText: prefix(v6, a.length).description,
                index: Int.random(in: 0..<size, using: &rng), excludedTexts: excluded.map(\.description)))
        }
        return cases
    }

    /// The full eight-group form of an IPv6 address, so parsing is not only of canonical text.
    static func expanded(_ a: IPAddress) -> String {
        let bytes = a.bytes
        return stride(from: 0, to: 16, by: 2).map {
            String(format: "%02x%02x", bytes[$0], bytes[$0 + 1])
        }.joined(separator: ":")
    }

    // MARK: - Python baseline

    struct PythonFigure {
        var seconds: Double
        var checksum: Int
    }

    static func pythonTimings(_ cases: [Case]) throws -> [String: PythonFigure] {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("kosmos-bench-cidr-\(ProcessInfo.processInfo.processIdentifier).tsv")
        defer { try? FileManager.default.removeItem(at: file) }
        let text = cases.map {
            [$0.addressText, $0.aText, $0.bText, String($0.index), $0.excludedTexts.joined(separator: ","),
             $0.globalText]
                .joined(separator: "\t")
        }.joined(separator: "\n")
        try Data(text.utf8).write(to: file)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", pythonScript, file.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CIDRBenchError(description: "python3 baseline exited with status \(process.terminationStatus)")
        }
        var figures: [String: PythonFigure] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count == 3, let s = Double(f[1]), let c = Int(f[2]) else { continue }
            figures[String(f[0])] = PythonFigure(seconds: s, checksum: c)
        }
        return figures
    }

    struct CIDRBenchError: Error, CustomStringConvertible {
        let description: String
    }

    /// Times the same operations with `ipaddress`: best of 3 runs over all cases, inputs parsed beforehand
    /// except for the parse figures. Prints `figure seconds checksum` per line.
    static let pythonScript = #"""
import ipaddress, sys, time

rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
addr_t = [r[0] for r in rows]
a_t = [r[1] for r in rows]
addrs = [ipaddress.ip_address(t) for t in addr_t]
A = [ipaddress.ip_network(t) for t in a_t]
B = [ipaddress.ip_network(r[2]) for r in rows]
idx = [int(r[3]) for r in rows]
EX = [[ipaddress.ip_network(x) for x in r[4].split(",") if x] for r in rows]
G = [ipaddress.ip_network(r[5]) for r in rows]

def valid_addr(t):
    try:
        ipaddress.ip_address(t); return 1
    except ValueError:
        return 0

def valid_net(t):
    try:
        ipaddress.ip_network(t); return 1
    except ValueError:
        return 0

def intersection(a, b):
    if a.version != b.version: return None
    if b.subnet_of(a): return b
    if a.subnet_of(b): return a
    return None

def subtract(n, ex):
    parts = [n]
    for e in ex:
        nxt = []
        for p in parts:
            if p.subnet_of(e): continue
            if e.subnet_of(p): nxt.extend(p.address_exclude(e))
            else: nxt.append(p)
        parts = nxt
    return list(ipaddress.collapse_addresses(parts))

def nth(n, i):
    try:
        n[i]; return 1
    except IndexError:
        return 0

def translate(r, g, x):
    if x not in r: return 0
    type(x)(int(g.network_address) | (int(x) & int(r.hostmask)))
    return 1

N = range(len(rows))
figures = [
    ("parse-address", lambda: sum(valid_addr(t) for t in addr_t)),
    ("parse-cidr", lambda: sum(valid_net(t) for t in a_t)),
    ("format-cidr", lambda: sum(len(str(n)) for n in A)),
    ("contains", lambda: sum(1 for i in N if addrs[i] in A[i])),
    ("overlaps", lambda: sum(1 for i in N if A[i].version == B[i].version and A[i].overlaps(B[i]))),
    ("intersection", lambda: sum(1 for i in N if intersection(A[i], B[i]) is not None)),
    ("subtract", lambda: sum(len(subtract(A[i], EX[i])) for i in N)),
    ("aggregate", lambda: sum(len(list(ipaddress.collapse_addresses([A[i], B[i]] + EX[i]))) for i in N)),
    ("split-16", lambda: sum(len(list(n.subnets(new_prefix=n.prefixlen + 4))) for n in A)),
    ("nth-address", lambda: sum(nth(A[i], idx[i]) for i in N)),
    ("translate", lambda: sum(translate(A[i], G[i], addrs[i]) for i in N)),
]
for name, fn in figures:
    best = None
    for _ in range(3):
        t0 = time.perf_counter()
        checksum = fn()
        t = time.perf_counter() - t0
        best = t if best is None else min(best, t)
    print(name, "%.9f" % best, checksum, flush=True)
"""#
}
