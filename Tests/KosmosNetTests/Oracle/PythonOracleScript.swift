// The Python side of the oracle tests, kept as a string so the test target carries no resource files.
// Run as `python3 -c <script> OP`; see the docstring inside.

let pythonOracleScript = #"""
"""Independent oracle for KosmosNet's IP math: answers batches of cases with Python's ipaddress module.

Usage: python3 -c "$SCRIPT" OP < cases   (one case per line, fields separated by tabs; one answer line per case).
Answers use the same text conventions as KosmosNet: RFC 5952 with IPv4-mapped addresses as ::ffff:a.b.c.d,
"ERR" for invalid input, "-" for "no result", lists joined by a single space.
"""
import ipaddress
import sys
import time


def fmt_addr(a):
    if a.version == 6 and a.ipv4_mapped is not None:
        return "::ffff:" + str(a.ipv4_mapped)
    return str(a)


def fmt_net(n):
    return fmt_addr(n.network_address) + "/" + str(n.prefixlen)


def fmt_nets(ns):
    return " ".join(fmt_net(n) for n in ns) or "-"


def net(s):
    return ipaddress.ip_network(s)


def addr(s):
    return ipaddress.ip_address(s)


def op_parse_addr(f):
    try:
        return fmt_addr(addr(f[0]))
    except ValueError:
        return "ERR"


def op_parse_net(f):
    try:
        return fmt_net(ipaddress.ip_network(f[0], strict=True))
    except ValueError:
        return "ERR"


def op_parse_net_lenient(f):
    try:
        return fmt_net(ipaddress.ip_network(f[0], strict=False))
    except ValueError:
        return "ERR"


def op_parse_iface(f):
    try:
        i = ipaddress.ip_interface(f[0])
        return fmt_addr(i.ip) + "/" + str(i.network.prefixlen)
    except ValueError:
        return "ERR"


def op_contains(f):
    return "1" if addr(f[1]) in net(f[0]) else "0"


def op_overlaps(f):
    a, b = net(f[0]), net(f[1])
    if a.version != b.version:
        return "0"
    return "1" if a.overlaps(b) else "0"


def op_subnet_of(f):
    a, b = net(f[0]), net(f[1])
    if a.version != b.version:
        return "0"
    return "1" if b.subnet_of(a) else "0"


def op_intersection(f):
    # By address ranges, not by prefix relations: the overlap of two ranges, summarised back into CIDRs.
    a, b = net(f[0]), net(f[1])
    if a.version != b.version:
        return "-"
    lo = max(int(a.network_address), int(b.network_address))
    hi = min(int(a.broadcast_address), int(b.broadcast_address))
    if lo > hi:
        return "-"
    cls = type(a.network_address)
    return fmt_nets(ipaddress.summarize_address_range(cls(lo), cls(hi)))


def op_subtract(f):
    n = net(f[0])
    parts = [n]
    for e in (net(x) for x in f[1:] if x):
        if e.version != n.version:
            continue
        nxt = []
        for p in parts:
            if p.subnet_of(e):
                continue
            if e.subnet_of(p):
                nxt.extend(p.address_exclude(e))
            else:
                nxt.append(p)
        parts = nxt
    return fmt_nets(sorted(ipaddress.collapse_addresses(parts)))


def op_aggregate(f):
    ns = [net(x) for x in f if x]
    v4 = list(ipaddress.collapse_addresses([n for n in ns if n.version == 4]))
    v6 = list(ipaddress.collapse_addresses([n for n in ns if n.version == 6]))
    return fmt_nets(v4 + v6)


def op_subnets(f):
    # fields: net, new length, index -> "count first... | subnet-at-index"
    n, length, index = net(f[0]), int(f[1]), int(f[2])
    if length < n.prefixlen or length > n.max_prefixlen:
        return "0 - | -"
    count = 2 ** (length - n.prefixlen)
    first = []
    for s in n.subnets(new_prefix=length):
        first.append(s)
        if len(first) == 4:
            break
    at = "-"
    if index < count:
        step = 2 ** (n.max_prefixlen - length)
        at = fmt_net(type(n)((int(n.network_address) + index * step, length)))
    count_text = str(count) if length - n.prefixlen < 63 else "big"
    return "%s %s | %s" % (count_text, fmt_nets(first), at)


def op_nth(f):
    n, i = net(f[0]), int(f[1])
    try:
        return fmt_addr(n[i])
    except IndexError:
        return "-"


def op_hostbits(f):
    # fields: net, address -> "hostbits network+hostbits" (or "- -" across families)
    n, a = net(f[0]), addr(f[1])
    if n.version != a.version:
        return "- -"
    h = int(a) & int(n.hostmask)
    cls = type(a)
    return fmt_addr(cls(h)) + " " + fmt_addr(cls(int(n.network_address) | h))


def op_masks(f):
    n = net(f[0])
    return " ".join([fmt_addr(n.netmask), fmt_addr(n.hostmask), fmt_addr(n.broadcast_address)])


def op_supernet(f):
    n, length = net(f[0]), int(f[1])
    if length < 0 or length > n.prefixlen:
        return "-"
    return fmt_net(n.supernet(new_prefix=length))


def op_iterate(f):
    return " ".join(fmt_addr(a) for a in net(f[0]))


def op_sort(f):
    return fmt_nets(sorted((net(x) for x in f if x), key=lambda n: (n.version, n.network_address, n.prefixlen)))


OPS = {k[3:]: v for k, v in globals().items() if k.startswith("op_")}


def main():
    op = OPS[sys.argv[1]]
    bench = len(sys.argv) > 2 and sys.argv[2] == "--bench"
    data = sys.stdin.read()
    cases = [line.split("\t") for line in data.split("\n")] if data else []
    start = time.perf_counter()
    answers = [op(c) for c in cases]
    elapsed = time.perf_counter() - start
    if bench:
        sys.stdout.write("%.9f\n" % elapsed)
    else:
        sys.stdout.write("\n".join(answers) + "\n")


main()
"""#
