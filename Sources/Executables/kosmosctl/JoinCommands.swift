import ArgumentParser
import Foundation
import KosmosAPI

/// `kosmosctl join`.
struct Join: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join a member cluster to the Kosmos host cluster.",
        subcommands: [JoinCluster.self])
}

/// `kosmosctl unjoin`.
struct Unjoin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove a member cluster from the Kosmos host cluster.",
        subcommands: [UnjoinCluster.self])
}

/// Prints checks as a small table to stderr; true when all passed.
func report(_ checks: [ClusterJoinRequest.Check]) -> Bool {
    let width = checks.map(\.name.count).max() ?? 0
    for check in checks {
        let mark = check.passed ? "ok  " : "FAIL"
        let line = "  \(mark)  \(check.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(check.detail)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
    return checks.allSatisfy(\.passed)
}

/// `kosmosctl join cluster`.
struct JoinCluster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Create the Cluster object of a member cluster in the host cluster.",
        discussion: """
            Runs pre-flight checks first (flags, both API servers reachable, the host serves the kosmos.io CRDs, the
            name is free, the member has nodes) and prints them; nothing is changed unless every check passes.
            Then creates the Cluster with the member's kubeconfig and the ClusterLink/ClusterTree options, which the
            Kosmos components act on.

            Example: kosmosctl join cluster --name member1 --kubeconfig member1.kubeconfig \\
                       --host-kubeconfig host.kubeconfig --network-type gateway --enable-link
            """)

    @Option(help: "The member cluster's name in Kosmos.")
    var name: String

    @Option(help: "Kubeconfig of the member cluster.")
    var kubeconfig: String

    @Option(name: .customLong("host-kubeconfig"), help: "Kubeconfig of the host cluster (default: $KUBECONFIG, ~/.kube/config).")
    var hostKubeconfig: String?

    @Option(name: .customLong("network-type"), help: "ClusterLink mode: p2p or gateway.")
    var networkType = "p2p"

    @Option(name: .customLong("ip-family"), help: "ClusterLink address families: ipv4, ipv6 or all.")
    var ipFamily = "ipv4"

    @Option(help: "The member's CNI: calico, flannel, cilium (where pod CIDRs are read from).")
    var cni = "calico"

    @Option(name: .customLong("default-nic"), help: "The underlay NIC of member nodes; * auto-detects.")
    var defaultNIC = "*"

    @Flag(name: .customLong("enable-link"), inversion: .prefixedNo, help: "Enable ClusterLink for the cluster.")
    var enableLink = true

    @Flag(name: .customLong("enable-tree"), inversion: .prefixedNo, help: "Enable ClusterTree for the cluster.")
    var enableTree = false

    @Flag(name: .customLong("dry-run"), help: "Run the checks and print the Cluster object without creating it.")
    var dryRun = false

    func run() async throws {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: kubeconfig)))
        } catch {
            throw ValidationError("--kubeconfig \(kubeconfig): \(error.localizedDescription)")
        }
        let request = ClusterJoinRequest(name: name, memberKubeconfig: bytes, networkType: networkType,
                                         ipFamily: ipFamily, cni: cni, defaultNIC: defaultNIC, enableLink: enableLink,
                                         enableTree: enableTree)
        FileHandle.standardError.write(Data("Pre-flight checks for joining \(name):\n".utf8))
        guard report(request.validate()) else { throw ExitCode(1) }
        let member = try KubeClient.fromKubeconfig(path: kubeconfig)
        let host = try KubeClient.fromKubeconfig(path: hostKubeconfig)
        let checks = await request.preflight(host: host, member: member)
        guard report(Array(checks.dropFirst(request.validate().count))) else {
            FileHandle.standardError.write(Data("Nothing was changed.\n".utf8))
            throw ExitCode(1)
        }
        if dryRun {
            var cluster = request.cluster()
            cluster.spec.kubeconfig = nil
            print(YAML.serialize(cluster.json), terminator: "")
            return
        }
        _ = try await host.create(request.cluster())
        print("cluster.kosmos.io/\(name) joined")
    }
}

/// `kosmosctl unjoin cluster`.
struct UnjoinCluster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Delete a member cluster's Cluster object from the host cluster.",
        discussion: """
            Deletes the Cluster; its controller-manager then removes the cluster's ClusterNodes, the network-manager
            drops their NodeConfigs and the agents remove what they made. With --wait (the default) it returns once
            the Cluster is gone.
            """)

    @Option(help: "The member cluster's name in Kosmos.")
    var name: String

    @Option(name: .customLong("host-kubeconfig"), help: "Kubeconfig of the host cluster (default: $KUBECONFIG, ~/.kube/config).")
    var hostKubeconfig: String?

    @Flag(inversion: .prefixedNo, help: "Wait until the Cluster and its ClusterNodes are gone.")
    var wait = true

    @Option(help: "How long --wait waits, in seconds.")
    var timeout = 120

    func run() async throws {
        let host = try KubeClient.fromKubeconfig(path: hostKubeconfig)
        do {
            try await host.delete(Cluster.self, namespace: nil, name: name)
        } catch let error as KubeError where error.isNotFound {
            throw ValidationError("no Cluster named \(name) in the host cluster")
        }
        guard wait else {
            print("cluster.kosmos.io/\(name) deleted")
            return
        }
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            let gone: Bool
            do { _ = try await host.get(Cluster.self, name: name); gone = false } catch let e as KubeError where e.isNotFound {
                gone = true
            }
            let left = try await host.listAll(ClusterNode.self).items.filter { $0.spec.clusterName == name }.count
            if gone && left == 0 {
                print("cluster.kosmos.io/\(name) unjoined")
                return
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        FileHandle.standardError.write(Data("Cluster \(name) still terminating after \(timeout)s (is its controller-manager running?)\n".utf8))
        throw ExitCode(1)
    }
}

/// `kosmosctl get`.
struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List Kosmos objects of the host cluster: clusters, clusternodes, nodeconfigs.",
        discussion: """
            Prints what kubectl prints for the kind (the CRD's printer columns), -o wide for every column,
            -o yaml or -o json for the objects themselves.

            Example: kosmosctl get clusternodes -o wide
            """)

    @Argument(help: "clusters | clusternodes | nodeconfigs (singular, plural or short names).")
    var kind: String

    @Argument(help: "Object names (default: all).")
    var names: [String] = []

    @Option(help: "Kubeconfig of the host cluster (default: $KUBECONFIG, ~/.kube/config).")
    var kubeconfig: String?

    @Option(name: .shortAndLong, help: "Output: wide, yaml or json (default: a table).")
    var output: String?

    @Option(name: [.customShort("l"), .long], help: "Label selector.")
    var selector: String?

    func validate() throws {
        if let output, !["wide", "yaml", "json"].contains(output) {
            throw ValidationError("-o must be wide, yaml or json, got \(output)")
        }
    }

    func run() async throws {
        let resource: String
        switch kind.lowercased() {
        case "cluster", "clusters": resource = "clusters"
        case "clusternode", "clusternodes": resource = "clusternodes"
        case "nodeconfig", "nodeconfigs": resource = "nodeconfigs"
        default: throw ValidationError("unknown kind \(kind): use clusters, clusternodes or nodeconfigs")
        }
        let gvr = GroupVersionResource(apiVersion: "kosmos.io/v1alpha1", resource: resource, scope: .cluster)
        let client = try KubeClient.fromKubeconfig(path: kubeconfig)
        let options = ListOptions(labelSelector: selector)
        if output == "yaml" || output == "json" {
            var items = try await client.dynamic(gvr).list(namespace: nil, options: options).items.map(\.json)
            if !names.isEmpty { items = items.filter { names.contains($0["metadata"]?["name"]?.stringValue ?? "") } }
            let document: JSONValue
            if names.count == 1, let only = items.first {
                document = only
            } else {
                var list = JSONObject()
                list["apiVersion"] = "v1"
                list["kind"] = "List"
                list["items"] = .array(items)
                document = .object(list)
            }
            print(output == "yaml" ? YAML.serialize(document) : document.serializedString(.pretty), terminator: output == "yaml" ? "" : "\n")
            return
        }
        var table = try await client.table(gvr, options: options)
        if !names.isEmpty, var rows = table["rows"]?.arrayValue {
            rows = rows.filter { names.contains($0["object"]?["metadata"]?["name"]?.stringValue ?? "") }
            table["rows"] = .array(rows)
        }
        print(TablePrinter.render(table, wide: output == "wide"), terminator: "")
    }
}
