import Foundation
import KosmosLocal
import Testing
@testable import KosmosAPI

@Suite(.serialized) struct ClusterJoinTests {
    @Test func flagsAreCheckedWithoutACluster() {
        let good = ClusterJoinRequest(name: "member1", memberKubeconfig: Array("apiVersion: v1".utf8))
        #expect(good.validate().allSatisfy { $0.passed })
        let bad = ClusterJoinRequest(name: "Member_1", memberKubeconfig: [], networkType: "mesh", ipFamily: "dual")
        let failed = bad.validate().filter { !$0.passed }.map(\.name)
        #expect(failed == ["cluster name", "network type", "ip family", "member kubeconfig"])
        let cluster = ClusterJoinRequest(name: "m2", memberKubeconfig: [1, 2, 3], networkType: "gateway",
                                         ipFamily: "all", cni: "flannel", defaultNIC: "eth1").cluster()
        #expect(cluster.spec.clusterLinkOptions?.networkType == .gateway)
        #expect(cluster.spec.clusterLinkOptions?.ipFamily == .all)
        #expect(cluster.spec.clusterLinkOptions?.cni == "flannel")
        #expect(cluster.spec.clusterLinkOptions?.defaultNICName == "eth1")
        #expect(cluster.spec.kubeconfig == [1, 2, 3])
        #expect(cluster.spec.clusterTreeOptions?.enable == false)
    }

    @Test func preflightAgainstALocalServerAndTablePrinting() async throws {
        let directory = NSTemporaryDirectory() + "kosmos-join-" + UUID().uuidString
        let server = try LocalAPIServer(configuration: .init(dataDirectory: directory, tls: false, threads: 1))
        try await server.start()
        defer {
            Task {
                try? await server.shutdown()
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
        let client = try KubeClient(config: ClientConfig.fromKubeconfig(path: server.kubeconfigPath))
        let kubeconfig = Array(try Data(contentsOf: URL(fileURLWithPath: server.kubeconfigPath)))
        let request = ClusterJoinRequest(name: "member1", memberKubeconfig: kubeconfig, networkType: "gateway")

        // No CRDs, no nodes: both reported, nothing written.
        var checks = await request.preflight(host: client, member: client)
        #expect(checks.first { $0.name == "member API server" }?.passed == false)
        #expect(checks.first { $0.name == "host serves kosmos.io CRDs" }?.detail.contains("kosmosctl crds") == true)

        try await KosmosCRDs.install(using: client)
        _ = try await client.create(Node(name: "n1"))
        checks = await request.preflight(host: client, member: client)
        #expect(checks.allSatisfy { $0.passed }, "\(checks.filter { !$0.passed })")
        _ = try await client.create(request.cluster())
        checks = await request.preflight(host: client, member: client)
        #expect(checks.first { $0.name == "cluster name free" }?.passed == false)

        // The server-side table, printed like kubectl: the CRD's printer columns.
        let gvr = GroupVersionResource(apiVersion: "kosmos.io/v1alpha1", resource: "clusters", scope: .cluster)
        let table = try await client.table(gvr)
        let text = TablePrinter.render(table)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "NETWORK_TYPE", "IP_FAMILY", "AGE"])
        #expect(lines[1].hasPrefix("member1   gateway        ipv4        "))
        // The AGE cell is a kubectl age (the server may send it ready-made or as a timestamp).
        let age = String(lines[1].split(separator: " ").last ?? "")
        #expect(age.hasSuffix("s") && Int(age.dropLast()) != nil, "\(text)")
        let empty = try await client.table(GroupVersionResource(apiVersion: "kosmos.io/v1alpha1", resource: "nodeconfigs",
                                                                 scope: .cluster))
        #expect(TablePrinter.render(empty) == "No resources found\n")
        #expect(TablePrinter.age(94) == "94s" && TablePrinter.age(316) == "5m16s" && TablePrinter.age(11_040) == "3h4m")
    }
}
