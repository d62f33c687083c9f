/// What `kosmosctl join cluster` asks for: the Cluster object that joins a member cluster to the host, built from
/// the upstream join flags, and the checks that must pass before anything is written.
public struct ClusterJoinRequest: Sendable {
    /// The Cluster's name (a DNS-1123 label).
    public var name: String
    /// The member's kubeconfig file, stored in `spec.kubeconfig` so host components can reach the member.
    public var memberKubeconfig: [UInt8]
    /// `p2p` or `gateway`.
    public var networkType: String
    /// `ipv4`, `ipv6` or `all`.
    public var ipFamily: String
    /// `calico`, `flannel`, `cilium`, ...
    public var cni: String
    /// The default underlay NIC (`*` auto-detects).
    public var defaultNIC: String
    /// Whether ClusterLink is enabled for the cluster.
    public var enableLink: Bool
    /// Whether ClusterTree is enabled for the cluster.
    public var enableTree: Bool

    /// Describes a join with upstream's defaults.
    public init(name: String, memberKubeconfig: [UInt8], networkType: String = "p2p", ipFamily: String = "ipv4",
                cni: String = "calico", defaultNIC: String = "*", enableLink: Bool = true, enableTree: Bool = false) {
        self.name = name
        self.memberKubeconfig = memberKubeconfig
        self.networkType = networkType
        self.ipFamily = ipFamily
        self.cni = cni
        self.defaultNIC = defaultNIC
        self.enableLink = enableLink
        self.enableTree = enableTree
    }

    /// The Cluster object the join creates.
    public func cluster() -> Cluster {
        var cluster = Cluster(name: name)
        cluster.spec.kubeconfig = memberKubeconfig
        var link = ClusterLinkOptions(json: .object(JSONObject()))
        link.enable = enableLink
        link.networkType = NetworkType(rawValue: networkType)
        link.ipFamily = IPFamilyType(rawValue: ipFamily)
        link.cni = cni
        link.defaultNICName = defaultNIC
        cluster.spec.clusterLinkOptions = link
        var tree = ClusterTreeOptions(json: .object(JSONObject()))
        tree.enable = enableTree
        cluster.spec.clusterTreeOptions = tree
        return cluster
    }

    /// One pre-flight check and its outcome.
    public struct Check: Sendable, Hashable {
        /// What was checked.
        public var name: String
        /// Whether it passed.
        public var passed: Bool
        /// What was found (or what is wrong and how to fix it).
        public var detail: String
    }

    /// The flag checks that need no cluster.
    public func validate() -> [Check] {
        var checks: [Check] = []
        let nameOK = !name.isEmpty && name.count <= 63 && name.first?.isLetter == true
            && name.allSatisfy { ($0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" } && name.last != "-"
        checks.append(Check(name: "cluster name", passed: nameOK,
                            detail: nameOK ? name : "'\(name)' is not a DNS-1123 label (lower-case letters, digits, '-')"))
        let typeOK = ["p2p", "gateway"].contains(networkType)
        checks.append(Check(name: "network type", passed: typeOK,
                            detail: typeOK ? networkType : "'\(networkType)': use p2p or gateway"))
        let familyOK = ["ipv4", "ipv6", "all"].contains(ipFamily)
        checks.append(Check(name: "ip family", passed: familyOK,
                            detail: familyOK ? ipFamily : "'\(ipFamily)': use ipv4, ipv6 or all"))
        checks.append(Check(name: "member kubeconfig", passed: !memberKubeconfig.isEmpty,
                            detail: memberKubeconfig.isEmpty ? "empty" : "\(memberKubeconfig.count) bytes"))
        return checks
    }

    /// Every check, the cluster ones included: both API servers answer, the host serves the Kosmos CRDs, no
    /// Cluster of this name exists, and the member has nodes. Nothing is written.
    public func preflight(host: KubeClient, member: KubeClient) async -> [Check] {
        var checks = validate()
        do {
            let nodes = try await member.list(Node.self, options: ListOptions(limit: 500)).items
            checks.append(Check(name: "member API server", passed: !nodes.isEmpty,
                                detail: nodes.isEmpty ? "reachable, but it has no nodes" : "reachable, \(nodes.count) node(s)"))
        } catch {
            checks.append(Check(name: "member API server", passed: false, detail: "\(error)"))
        }
        do {
            _ = try await host.list(Cluster.self, options: ListOptions(limit: 1))
            checks.append(Check(name: "host serves kosmos.io CRDs", passed: true, detail: "clusters.kosmos.io"))
            do {
                _ = try await host.get(Cluster.self, name: name)
                checks.append(Check(name: "cluster name free", passed: false,
                                    detail: "Cluster \(name) already exists (unjoin it first)"))
            } catch let error as KubeError where error.isNotFound {
                checks.append(Check(name: "cluster name free", passed: true, detail: "no Cluster \(name) yet"))
            } catch {
                checks.append(Check(name: "cluster name free", passed: false, detail: "\(error)"))
            }
        } catch let error as KubeError where error.isNotFound {
            checks.append(Check(name: "host serves kosmos.io CRDs", passed: false,
                                detail: "clusters.kosmos.io is not served: run `kosmosctl crds | kubectl apply -f -`"))
        } catch {
            checks.append(Check(name: "host API server", passed: false, detail: "\(error)"))
        }
        return checks
    }
}
