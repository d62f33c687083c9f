import Foundation
import KosmosAPI
import KosmosNet
import Testing

/// Reading planner input from YAML, as `clusterlink-network-manager --plan-only -f` does.
@Suite struct PlannerInputTests {
    static let yaml = """
        apiVersion: kosmos.io/v1alpha1
        kind: Cluster
        metadata: {name: c1}
        spec:
          clusterLinkOptions: {networkType: gateway, ipFamily: ipv4}
        status:
          clusterLinkStatus: {podCIDRs: [10.1.0.0/16], serviceCIDRs: [10.11.0.0/16]}
        ---
        apiVersion: v1
        kind: List
        items:
        - apiVersion: kosmos.io/v1alpha1
          kind: ClusterNode
          metadata: {name: c1-n1}
          spec: {clusterName: c1, nodeName: n1, ip: 192.168.1.1, interfaceName: eth0, roles: [gateway]}
        - apiVersion: kosmos.io/v1alpha1
          kind: NodeConfig
          metadata: {name: c1-n1}
          spec:
            devices:
            - {type: vxlan, name: vx-bridge, addr: 220.168.1.1/8, mac: "aa:00:00:00:00:01", bindDev: eth0,
               id: 54, port: 4876}
        """

    @Test func readsMultiDocumentYAMLAndLists() throws {
        var input = PlannerInput()
        try input.add(documents: try YAML.parseAll(Self.yaml, file: "objects.yaml"), file: "objects.yaml")
        #expect(input.clusters.map(\.name) == ["c1"])
        #expect(input.clusterNodes.map(\.name) == ["c1-n1"])
        #expect(input.nodeConfigs.map(\.name) == ["c1-n1"])
        let configs = NodeConfigPlanner.plan(
            clusters: input.clusters, clusterNodes: input.clusterNodes, existing: input.nodeConfigs)
        let bridge = try #require(configs.first?.spec.devices.first { $0.name == "vx-bridge" })
        #expect(bridge.mac == "aa:00:00:00:00:01")
    }

    @Test func errorsNameTheFileTheDocumentAndTheItem() throws {
        func message(_ text: String) -> String {
            var input = PlannerInput()
            do {
                try input.add(documents: try YAML.parseAll(text, file: "in.yaml"), file: "in.yaml")
            } catch {
                return "\(error)"
            }
            return "no error"
        }
        #expect(message("kind: Cluster\napiVersion: kosmos.io/v1alpha1\nmetadata: {name: a}\n---\n"
                        + "kind: Pod\napiVersion: v1\n")
            == #"in.yaml, document 2: kind "Pod" is not one the planner reads (Cluster, ClusterNode, NodeConfig)"#)
        #expect(message("kind: List\nitems:\n- kind: ClusterNode\n  apiVersion: kosmos.io/v1beta9\n"
                        + "  metadata: {name: x}\n")
            == #"in.yaml, document 1, item 1: ClusterNode "x" has apiVersion "kosmos.io/v1beta9", want kosmos.io/v1alpha1"#)
        #expect(message("kind: Cluster\napiVersion: kosmos.io/v1alpha1\n")
            == "in.yaml, document 1: Cluster without metadata.name")
        #expect(message("- 1\n- 2\n") == "in.yaml, document 1: expected an object, found array")
    }

    @Test func itemsOfATypedListTakeTheListsKind() throws {
        // What GET /apis/kosmos.io/v1alpha1/clusternodes returns: items without kind and apiVersion.
        let json = #"{"apiVersion":"kosmos.io/v1alpha1","kind":"ClusterNodeList","metadata":{},"items":["#
            + #"{"metadata":{"name":"c1-n1"},"spec":{"clusterName":"c1"}}]}"#
        var input = PlannerInput()
        try input.add(bytes: Array(json.utf8), file: "list.json")
        #expect(input.clusterNodes.map(\.name) == ["c1-n1"])
        #expect(input.clusterNodes.first?.spec.clusterName == "c1")
    }

    @Test func aMissingFileIsNamed() {
        var input = PlannerInput()
        #expect(throws: PlannerInputError.self) { try input.add(file: "/nonexistent/objects.yaml") }
        do {
            try input.add(file: "/nonexistent/objects.yaml")
        } catch {
            #expect(error.description.contains("/nonexistent/objects.yaml"))
            #expect(error.description.contains("No such file"))
        }
    }
}
