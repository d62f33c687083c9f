import Foundation
import KosmosAPI
import KosmosTestSupport
import Testing
@testable import KosmosNet

@Suite struct ClusterCIDRDiscoveryTests {
    static func apiServerPod(command: [String], args: [String] = []) throws -> Pod {
        var container = JSONObject()
        container["name"] = "kube-apiserver"
        container["command"] = .array(command.map { .string($0) })
        if !args.isEmpty { container["args"] = .array(args.map { .string($0) }) }
        return Pod(json: try JSONValue.parse(
            #"{"metadata":{"name":"kube-apiserver-n1","namespace":"kube-system"},"spec":{"containers":[\#(JSONValue.object(container).serializedString())]}}"#))
    }

    @Test(arguments: [
        ("2409:8c2f:3800:0011::0a18:0000/114,10.237.6.0/18", ["2409:8c2f:3800:11::a18:0/114", "10.237.0.0/18"]),
        ("10.237.6.0/18", ["10.237.0.0/18"]),
        ("2409:8c2f:3800:0011::0a18:0000/114", ["2409:8c2f:3800:11::a18:0/114"]),
    ])
    func serviceCIDRsFromTheAPIServerFlag(value: String, expected: [String]) throws {
        let pod = try Self.apiServerPod(command: ["kube-apiserver", "--service-cluster-ip-range=\(value)", "--profiling=false"])
        #expect(try ClusterCIDRDiscovery.serviceCIDRs(apiServerPod: pod) == expected)
        // In args too (the Go controller missed this form).
        let inArgs = try Self.apiServerPod(command: ["kube-apiserver"], args: ["--service-cluster-ip-range=\(value)"])
        #expect(try ClusterCIDRDiscovery.serviceCIDRs(apiServerPod: inArgs) == expected)
    }

    @Test func badAPIServerPodsAreErrors() throws {
        let empty = Pod(json: try JSONValue.parse(#"{"metadata":{"name":"kube-apiserver-x"},"spec":{"containers":[]}}"#))
        #expect(throws: ClusterCIDRDiscovery.Failure.self) { try ClusterCIDRDiscovery.serviceCIDRs(apiServerPod: empty) }
        let bad = try Self.apiServerPod(command: ["kube-apiserver", "--service-cluster-ip-range=10.0.0.0/40"])
        let error = #expect(throws: ClusterCIDRDiscovery.Failure.self) { try ClusterCIDRDiscovery.serviceCIDRs(apiServerPod: bad) }
        #expect(error?.description.contains("10.0.0.0/40") == true)
        let none = try Self.apiServerPod(command: ["kube-apiserver", "--profiling=false"])
        #expect(try ClusterCIDRDiscovery.serviceCIDRs(apiServerPod: none).isEmpty)
    }

    @Test func invalidServiceMessageNamesTheRange() {
        let message = #"Service "probe" is invalid: spec.clusterIPs: Invalid value: []string{"0.0.0.1"}: failed to allocate IP 0.0.0.1: the provided IP (0.0.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12"#
        #expect(ClusterCIDRDiscovery.serviceCIDR(fromInvalidServiceMessage: message) == "10.96.0.0/12")
        #expect(ClusterCIDRDiscovery.serviceCIDR(fromInvalidServiceMessage: "provided IP is already allocated") == nil)
    }

    @Test func cniSources() throws {
        let pools = try JSONValue.parse("""
        [{"metadata":{"name":"default-ipv4-ippool"},"spec":{"cidr":"10.233.64.0/18","disabled":true}},
         {"metadata":{"name":"clusterlink-c2-pod-10-232-64-0-18"},"spec":{"cidr":"10.232.64.0/18"}},
         {"metadata":{"name":"default-ipv6-ippool"},"spec":{"cidr":"fd00:0010::/64"}}]
        """)
        #expect(try ClusterCIDRDiscovery.podCIDRs(calicoIPPools: try #require(pools.arrayValue))
                == ["10.233.64.0/18", "fd00:10::/64"])

        var flannel = ConfigMap(name: "kube-flannel-cfg", namespace: "kube-flannel")
        flannel.data = ["net-conf.json": #"{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}"#]
        #expect(try ClusterCIDRDiscovery.podCIDRs(flannelConfig: flannel) == ["10.244.0.0/16"])
        flannel.data = ["net-conf.json": "{not json"]
        #expect(throws: ClusterCIDRDiscovery.Failure.self) { try ClusterCIDRDiscovery.podCIDRs(flannelConfig: flannel) }

        var cilium = ConfigMap(name: "cilium-config", namespace: "kube-system")
        cilium.data = ["cluster-pool-ipv4-cidr": "10.0.0.0/8 10.128.0.0/9", "cluster-pool-ipv6-cidr": "fd00::/104"]
        #expect(try ClusterCIDRDiscovery.podCIDRs(ciliumConfig: cilium) == ["10.0.0.0/8", "10.128.0.0/9", "fd00::/104"])

        let affinities = try JSONValue.parse("""
        [{"spec":{"node":"node1","cidr":"10.1.1.0/26"}},{"spec":{"node":"node2","cidr":"10.1.1.64/26"}},
         {"spec":{"node":"node1","cidr":"10.1.2.0/26"}}]
        """)
        let byNode = ClusterCIDRDiscovery.podCIDRsByNode(blockAffinities: try #require(affinities.arrayValue))
        #expect(byNode["node1"] == ["10.1.1.0/26", "10.1.2.0/26"])
        #expect(byNode["no-nodeName"] == nil)
    }
}

@Suite(.serialized) struct ClusterLinkControllerManagerTests {
    /// One local API server plays both the member and the host cluster.
    @Test func clusterStatusClusterNodesOrphansAndDeletion() async throws {
        let api = try await ClusterLinkTestServer()
        defer { Task { await api.remove() } }
        let client = api.client
        var cluster = Cluster(name: "m1")
        cluster.json["spec"] = ["clusterLinkOptions": ["enable": true, "cni": "flannel", "networkType": "p2p"]]
        _ = try await client.create(cluster)
        for name in ["n1", "n2"] { _ = try await client.create(Node(name: name)) }
        var virtual = Node(name: "kosmos-leaf")
        virtual.metadata.labels = ["kosmos.io/node": "true"]
        _ = try await client.create(virtual)

        let manager = ClusterLinkControllerManager(memberClient: client, hostClient: client,
                                                   configuration: .init(clusterName: "m1"))
        let running = Task { await manager.run() }
        defer { running.cancel() }

        func clusterNodes() async throws -> [String: ClusterNode] {
            Dictionary(uniqueKeysWithValues: try await client.listAll(ClusterNode.self).items.map { ($0.name, $0) })
        }
        #expect(await eventually("ClusterNodes m1-n1 and m1-n2 exist", timeout: .seconds(15)) {
            try await clusterNodes().keys.sorted() == ["m1-n1", "m1-n2"]
        })
        let n1 = try #require(try await clusterNodes()["m1-n1"])
        let node1 = try await client.get(Node.self, name: "n1")
        #expect(n1.spec.clusterName == "m1" && n1.spec.nodeName == "n1")
        #expect(n1.metadata.labels["kosmos.io/cluster"] == "m1")
        #expect(!node1.spec.podCIDRs.isEmpty && n1.spec.podCIDRs == node1.spec.podCIDRs)

        #expect(await eventually("Cluster m1's status lists its pod and service CIDRs", timeout: .seconds(15)) {
            let status = try await client.get(Cluster.self, name: "m1").status.clusterLinkStatus
            return status.podCIDRs.count == 2 && status.serviceCIDRs == ["10.96.0.0/12"]
        })
        #expect(try await client.get(Cluster.self, name: "m1").metadata.finalizers
                .contains(ClusterLinkControllerManager.finalizer))

        // Fields of other components survive a resync.
        var withIP = n1
        withIP.spec.ip = "172.30.1.1"
        withIP.spec.interfaceName = "eth0"
        withIP.spec.roles = [.gateway]
        _ = try await client.update(withIP)

        // A node goes away: its ClusterNode follows.
        try await client.delete(Node.self, namespace: nil, name: "n2")
        #expect(await eventually("only ClusterNode m1-n1 remains",
                                 timeout: .seconds(15)) { try await clusterNodes().keys.sorted() == ["m1-n1"] })
        let kept = try #require(try await clusterNodes()["m1-n1"])
        #expect(kept.spec.ip == "172.30.1.1" && kept.spec.interfaceName == "eth0" && kept.isGateway)

        // The Cluster is deleted: ClusterNodes go first, then the finalizer is released and the Cluster is gone.
        try await client.delete(Cluster.self, namespace: nil, name: "m1")
        #expect(await eventually("Cluster m1 and its ClusterNodes are gone", timeout: .seconds(15)) {
            let gone: Bool
            do { _ = try await client.get(Cluster.self, name: "m1"); gone = false } catch let e as KubeError where e.isNotFound {
                gone = true
            }
            let remaining = try await clusterNodes()
            return gone && remaining.isEmpty
        })
    }
}
