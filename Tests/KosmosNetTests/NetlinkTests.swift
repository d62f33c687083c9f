import Testing
@testable import KosmosNet

@Suite("Netlink verbs against the kernel")
struct NetlinkTests {
    /// One namespace with a veth pair `v0`/`v1` up, 10.50.0.1/24 and fd50::1/64 on `v0`.
    static func withLinkedNamespace(_ body: (NetlinkHandle) throws -> Void) throws {
        try NamespaceFixture.withNamespaces(1) { namespaces in
            let h = try NetlinkHandle(namespace: namespaces[0])
            try h.setLinkUp("lo")
            try h.addLink(.veth("v0", peer: "v1"))
            try h.setLinkUp("v0")
            try h.setLinkUp("v1")
            try h.addAddress(InterfaceAddress("10.50.0.1/24", device: "v0")!)
            try h.addAddress(InterfaceAddress("fd50::1/64", device: "v0", skipsDuplicateAddressDetection: true)!)
            try body(h)
        }
    }

    @Test func kernelErrorsArriveTypedWithOperationAndObject() throws {
        guard NamespaceFixture.requireRoot() else { return }
        try Self.withLinkedNamespace { h in
            let route = Route(IPPrefix("10.2.0.0/16")!, via: IPAddress("10.50.0.2")!, device: "v0")
            try h.addRoute(route)
            let exists = #expect(throws: NetlinkError.self) { try h.addRoute(route) }
            #expect(exists?.errno == .eexist)
            #expect(exists?.code == .kernel)
            #expect(exists?.description == "add route 10.2.0.0/16 via 10.50.0.2 dev v0: already exists (EEXIST)")

            let noDevice = #expect(throws: NetlinkError.self) { try h.setLinkUp("nosuch0") }
            #expect(noDevice?.errno == .enodev)
            #expect(noDevice?.isNotFound == true)
            #expect(noDevice?.description.hasPrefix("set up link nosuch0: no such device (ENODEV)") == true)

            let routeNoDevice = #expect(throws: NetlinkError.self) {
                try h.addRoute(Route(IPPrefix("10.3.0.0/16")!, device: "nosuch0"))
            }
            #expect(routeNoDevice?.errno == .enodev)

            // A gateway with no on-link route to it: the Kosmos example from the style guide.
            let unreachable = Route(IPPrefix("10.2.0.0/16")!, via: IPAddress("220.0.0.2")!, device: "v0",
                                    table: 200)
            let noPath = #expect(throws: NetlinkError.self) { try h.addRoute(unreachable) }
            #expect(noPath?.errno == .enetunreach)
            #expect(noPath?.description.hasPrefix(
                "add route 10.2.0.0/16 via 220.0.0.2 dev v0 table 200: network unreachable (ENETUNREACH)") == true)
            // The same route is accepted with onlink, as ClusterLink installs it.
            var onLink = unreachable
            onLink.onLink = true
            try h.addRoute(onLink)

            let missingRoute = #expect(throws: NetlinkError.self) {
                try h.deleteRoute(Route(IPPrefix("10.99.0.0/16")!, device: "v0"))
            }
            #expect(missingRoute?.isNotFound == true)

            let existingLink = #expect(throws: NetlinkError.self) { try h.addLink(.bridge("v0")) }
            #expect(existingLink?.errno == .eexist)
        }
    }

    @Test func routeDumpReturnsExactlyWhatWasSetIncludingReplace() throws {
        guard NamespaceFixture.requireRoot() else { return }
        try Self.withLinkedNamespace { h in
            var wanted: [Route] = []
            for i in 0..<20 {
                wanted.append(Route(IPPrefix("10.\(100 + i).0.0/16")!, via: IPAddress("10.50.0.\(2 + i)")!,
                                    device: "v0", table: 300, metric: UInt32(i)))
                wanted.append(Route(IPPrefix("fd\(10 + i)::/64")!, via: IPAddress("fd50::\(2 + i)")!, device: "v0",
                                    table: 300, onLink: true))
            }
            wanted.append(Route(IPPrefix("10.200.0.0/24")!, device: "v0", table: 300, source: IPAddress("10.50.0.1")!,
                                routeProtocol: .static))
            wanted.append(Route(IPPrefix("10.201.0.0/24")!, table: 300, type: .blackhole))
            for route in wanted { try h.addRoute(route) }
            #expect(Set(try h.routes(table: 300)) == Set(wanted))
            #expect(try h.routes(table: 300).count == wanted.count)
            #expect(try h.routes(table: 300, family: .ipv6).count == 20)

            var changed = wanted[0]
            changed.gateway = IPAddress("10.50.0.200")!
            try h.replaceRoute(changed)
            var expected = wanted
            expected[0] = changed
            #expect(Set(try h.routes(table: 300)) == Set(expected))

            try h.deleteRoute(changed)
            expected.removeFirst()
            #expect(Set(try h.routes(table: 300)) == Set(expected))
        }
    }

    @Test func neighborsAndAddressesRoundTrip() throws {
        guard NamespaceFixture.requireRoot() else { return }
        try Self.withLinkedNamespace { h in
            let entries = [
                Neighbor(IPAddress("10.50.0.7")!, mac: MACAddress("02:00:00:00:00:07")!, device: "v0"),
                Neighbor(IPAddress("fd50::7")!, mac: MACAddress("02:00:00:00:00:77")!, device: "v0"),
                Neighbor(IPAddress("10.50.0.8")!, mac: MACAddress("02:00:00:00:00:08")!, device: "v0",
                         state: .reachable),
            ]
            for entry in entries { try h.setNeighbor(entry) }
            let permanent = try h.neighbors(device: "v0").filter { $0.state == .permanent }
            #expect(Set(permanent) == Set(entries.prefix(2)))
            #expect(try h.neighbors(device: "v0", family: .ipv4).contains { $0.address == entries[2].address })

            // setNeighbor replaces: same address, new MAC.
            var moved = entries[0]
            moved.mac = MACAddress("02:00:00:00:00:99")!
            try h.setNeighbor(moved)
            #expect(try h.neighbors(device: "v0").contains(moved))
            let duplicate = #expect(throws: NetlinkError.self) { try h.addNeighbor(moved) }
            #expect(duplicate?.errno == .eexist)
            try h.deleteNeighbor(moved)
            #expect(!(try h.neighbors(device: "v0").contains { $0.address == moved.address && $0.state == .permanent }))

            let extra = InterfaceAddress("10.60.0.1/16", device: "v1")!
            try h.addAddress(extra)
            #expect(try h.addresses(device: "v1", family: .ipv4) == [extra].map { var a = $0; a.scope = .universe
                return a })
            try h.replaceAddress(extra)
            try h.deleteAddress(extra)
            #expect(try h.addresses(device: "v1", family: .ipv4).isEmpty)
        }
    }

    @Test func linkAttributesCanBeChangedAndReadBack() throws {
        guard NamespaceFixture.requireRoot() else { return }
        try NamespaceFixture.withNamespaces(2) { namespaces in
            let h = try NetlinkHandle(namespace: namespaces[0])
            try h.addLink(.bridge("br0"))
            try h.addLink(.veth("p0", peer: "p1"))
            try h.setLinkMTU("p0", 1400)
            let mac = MACAddress("02:aa:bb:cc:dd:ee")!
            try h.setLinkMAC("p0", mac)
            try h.setLinkMaster("p0", master: "br0")
            try h.setLinkUp("p0")
            let p0 = try h.link(named: "p0")
            let bridge = try h.link(named: "br0")
            #expect(p0.mtu == 1400)
            #expect(p0.mac == mac)
            #expect(p0.masterIndex == bridge.index)
            #expect(p0.isUp)
            #expect(p0.kind == .veth(peer: nil))
            #expect(bridge.kind == .bridge)
            try h.setLinkMaster("p0", master: nil)
            #expect(try h.link(named: "p0").masterIndex == nil)
            try h.setLinkDown("p0")
            #expect(try !h.link(named: "p0").isUp)

            try h.setLinkNamespace("p1", namespaces[1])
            #expect(throws: NetlinkError.self) { try h.link(named: "p1") }
            let other = try NetlinkHandle(namespace: namespaces[1])
            #expect(try other.link(named: "p1").kind == .veth(peer: nil))

            try h.deleteLink(named: "br0")
            #expect(try h.links().map(\.name).sorted() == ["lo", "p0"])
        }
    }

    @Test func batchSendsManyRequestsAndReportsAnErrorPerItem() throws {
        guard NamespaceFixture.requireRoot() else { return }
        try Self.withLinkedNamespace { h in
            var batch = NetlinkBatch()
            for i in 0..<3000 {
                batch.addRoute(Route(IPPrefix("10.\(128 + i / 256).\(i % 256).0/24")!, via: IPAddress("10.50.0.2")!,
                                     device: "v0", table: 400))
            }
            batch.addRoute(Route(IPPrefix("10.128.0.0/24")!, via: IPAddress("10.50.0.2")!, device: "v0", table: 400))
            batch.setNeighbor(Neighbor(IPAddress("10.50.0.9")!, mac: MACAddress("02:00:00:00:00:09")!, device: "v0"))
            batch.addRoute(Route(IPPrefix("10.250.0.0/24")!, device: "nosuch0", table: 400))
            batch.addRoute(Route(IPPrefix("10.251.0.0/24")!, via: IPAddress("220.0.0.9")!, device: "v0", table: 400))
            let result = h.perform(batch)
            #expect(result.errors.count == 3004)
            #expect(result.failures.map(\.index) == [3000, 3002, 3003])
            #expect(result.errors[3000]?.errno == .eexist)
            #expect(result.errors[3002]?.errno == .enodev)
            #expect(result.errors[3003]?.errno == .enetunreach)
            #expect(!result.succeeded)
            #expect(throws: NetlinkError.self) { try result.check() }
            let routes = try h.routes(table: 400)
            let neighbors = try h.neighbors(device: "v0")
            #expect(routes.count == 3000)
            #expect(neighbors.contains { $0.address == IPAddress("10.50.0.9")! })
        }
    }

    @Test func fdbEntriesAppendListAndDelete() throws {
        guard NamespaceFixture.requireRoot() else { return }
        try Self.withLinkedNamespace { h in
            let underlay = try h.link(named: "v0")
            try h.addLink(.vxlan("vx0", VXLAN(vni: 99, port: 4877, local: IPAddress("10.50.0.1")!, learning: false),
                                 underlay: underlay))
            #expect(try h.link(named: "vx0").mtu == 1450)
            let entries = (2..<6).map {
                FDBEntry(mac: .zero, device: "vx0", destination: IPAddress("10.50.0.\($0)")!)
            } + [FDBEntry(mac: MACAddress("02:00:00:00:01:02")!, device: "vx0", destination: IPAddress("10.50.0.2")!)]
            for entry in entries { try h.appendFDB(entry) }
            #expect(Set(try h.fdb(device: "vx0")) == Set(entries))
            // The kernel treats appending an existing remote as done, so re-applying is idempotent.
            try h.appendFDB(entries[0])
            #expect(try h.fdb(device: "vx0").count == entries.count)
            try h.deleteFDB(entries[1])
            #expect(Set(try h.fdb(device: "vx0")) == Set(entries).subtracting([entries[1]]))
            let missing = #expect(throws: NetlinkError.self) {
                try h.deleteFDB(FDBEntry(mac: MACAddress("02:00:00:00:00:09")!, device: "vx0",
                                         destination: IPAddress("10.50.0.9")!))
            }
            #expect(missing?.isNotFound == true)
        }
    }

    @Test func rulesAddListAndDelete() throws {
        guard NamespaceFixture.requireRoot() else { return }
        try Self.withLinkedNamespace { h in
            let rules = [
                Rule(family: .ipv4, priority: 200, table: 200),
                Rule(family: .ipv4, priority: 210, table: 210, source: IPPrefix("10.1.0.0/16")!,
                     destination: IPPrefix("10.2.0.0/16")!, inputInterface: "v0"),
                Rule(family: .ipv4, priority: 220, table: 1000, outputInterface: "v1", firewallMark: 0x20),
                Rule(family: .ipv6, priority: 200, table: 200, source: IPPrefix("fd01::/64")!),
            ]
            for rule in rules { try h.addRule(rule) }
            let v4 = try h.rules(family: .ipv4)
            let v6 = try h.rules(family: .ipv6)
            for rule in rules { #expect((rule.family == .ipv4 ? v4 : v6).contains(rule)) }
            #expect(v4.contains { $0.priority == 32766 && $0.table == 254 })
            try h.deleteRule(rules[1])
            #expect(!(try h.rules(family: .ipv4).contains(rules[1])))
            let missing = #expect(throws: NetlinkError.self) { try h.deleteRule(rules[1]) }
            #expect(missing?.isNotFound == true)
        }
    }

    @Test func sysctlsApplyToTheHandlesNamespaceOnly() throws {
        guard NamespaceFixture.requireRoot() else { return }
        let rootForwarding = try NetlinkHandle().sysctl("net/ipv4/ip_forward")
        try Self.withLinkedNamespace { h in
            try h.setForwarding(.ipv4, enabled: true)
            try h.setForwarding(.ipv6, enabled: true)
            try h.setReversePathFilter("v0", mode: 2)
            try h.setIPv6Disabled("v1", true)
            #expect(try h.sysctl("net/ipv4/ip_forward") == "1")
            #expect(try h.sysctl("net/ipv6/conf/all/forwarding") == "1")
            #expect(try h.sysctl("net/ipv4/conf/v0/rp_filter") == "2")
            #expect(try h.sysctl("net/ipv6/conf/v1/disable_ipv6") == "1")
            let missing = #expect(throws: NetlinkError.self) { try h.sysctl("net/ipv4/conf/nosuch0/rp_filter") }
            #expect(missing?.errno == .enoent)
            #expect(throws: NetlinkError.self) { try h.setSysctl("kernel/hostname", "x") }
        }
        #expect(try NetlinkHandle().sysctl("net/ipv4/ip_forward") == rootForwarding)
    }

    @Test func eventsReportLinkRouteAndNeighbourChanges() async throws {
        guard NamespaceFixture.requireRoot() else { return }
        try await NamespaceFixture.withNamespaces(1) { namespaces in
            let h = try NetlinkHandle(namespace: namespaces[0])
            let events = try h.events()
            try h.addLink(.veth("e0", peer: "e1"))
            try h.setLinkUp("e0")
            try h.addAddress(InterfaceAddress("10.70.0.1/24", device: "e0")!)
            let route = Route(IPPrefix("10.71.0.0/16")!, via: IPAddress("10.70.0.2")!, device: "e0")
            try h.addRoute(route)
            let neighbor = Neighbor(IPAddress("10.70.0.5")!, mac: MACAddress("02:00:00:00:70:05")!, device: "e0")
            try h.setNeighbor(neighbor)
            try h.deleteRoute(route)

            // Collect for at most 10 seconds; cancelling the consuming task ends the sequence.
            let consumer = Task { () throws -> [String] in
                var seen: Set<String> = []
                for try await event in events {
                    switch event {
                    case .linkChanged(let link) where link.name == "e0": seen.insert("link")
                    case .addressAdded(let address) where address.device == "e0": seen.insert("address")
                    case .routeAdded(let added) where added == route: seen.insert("route")
                    case .neighborChanged(let seen2) where seen2 == neighbor: seen.insert("neighbour")
                    case .routeRemoved(let removed) where removed.destination == route.destination:
                        seen.insert("removal")
                    default: break
                    }
                    if seen.count == 5 { break }
                }
                return seen.sorted()
            }
            let timer = Task {
                try await Task.sleep(nanoseconds: 10_000_000_000)
                consumer.cancel()
            }
            let seen = try await consumer.value
            timer.cancel()
            #expect(seen == ["address", "link", "neighbour", "removal", "route"])
        }
    }
}

@Suite("Netlink dumps under concurrent change")
struct NetlinkDumpConsistencyTests {
    /// Links are added and removed on another thread while this one dumps them with no retries allowed: every
    /// dump either returns a consistent list or fails with the distinct `.dumpInterrupted` code, never anything
    /// else; with retries allowed every dump succeeds.
    @Test func interruptedDumpsFailDistinctlyOrRetry() async throws {
        guard NamespaceFixture.requireRoot() else { return }
        try await NamespaceFixture.withNamespaces(1) { namespaces in
            let namespace = namespaces[0]
            let churner = try NetlinkHandle(namespace: namespace)
            let dumper = try NetlinkHandle(namespace: namespace)
            for i in 0..<200 { try churner.addLink(.bridge("base\(i)")) }
            let churn = Task.detached {
                for round in 0..<400 {
                    try? churner.addLink(.bridge("churn\(round % 8)"))
                    try? churner.deleteLink(named: "churn\((round + 4) % 8)")
                }
            }
            dumper.maxDumpAttempts = 1
            var interrupted = 0
            var consistent = 0
            for _ in 0..<50 {
                do {
                    let links = try dumper.links()
                    #expect(links.filter { $0.name.hasPrefix("base") }.count == 200)
                    consistent += 1
                } catch let error as NetlinkError {
                    #expect(error.code == .dumpInterrupted)
                    #expect(error.description.contains("dump interrupted"))
                    interrupted += 1
                }
            }
            dumper.maxDumpAttempts = 64
            for _ in 0..<10 {
                let links = try dumper.links()
                #expect(links.filter { $0.name.hasPrefix("base") }.count == 200)
            }
            await churn.value
            print("dump consistency: \(consistent) consistent, \(interrupted) interrupted dumps without retry")
        }
    }
}
