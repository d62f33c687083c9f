import Foundation
import KosmosNet
import Testing

@Suite("ComponentIdentity")
struct ComponentIdentityTests {
    @Test("flags win over the environment")
    func flagsWin() throws {
        let identity = try ComponentIdentity(clusterName: "c1", nodeName: "n1",
                                             environment: ["CLUSTER_NAME": "env-c", "NODE_NAME": "env-n"])
        #expect(identity.clusterName == "c1")
        #expect(identity.nodeName == "n1")
    }

    @Test("the downward-API environment fills what flags leave out; empty values count as missing")
    func environment() throws {
        let identity = try ComponentIdentity(clusterName: "", nodeName: nil,
                                             environment: ["CLUSTER_NAME": "env-c", "NODE_NAME": "env-n"])
        #expect(identity.clusterName == "env-c")
        #expect(identity.nodeName == "env-n")
    }

    @Test("without a node name anywhere the host name is used")
    func hostName() throws {
        let identity = try ComponentIdentity(clusterName: "c1", nodeName: nil, environment: [:])
        #expect(!identity.nodeName.isEmpty)
        #expect(identity.nodeName == (try? String(contentsOfFile: "/proc/sys/kernel/hostname", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("a missing cluster name is an error that says how to give it")
    func missingCluster() {
        #expect {
            _ = try ComponentIdentity(clusterName: nil, nodeName: "n1", environment: ["NODE_NAME": "x"])
        } throws: { error in
            "\(error)".contains("--cluster-name") && "\(error)".contains("$CLUSTER_NAME")
        }
    }

    @Test("the process environment is read")
    func processEnvironment() {
        #expect(ComponentIdentity.processEnvironment()["PATH"] != nil)
    }
}
