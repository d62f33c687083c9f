import KosmosAPI

/// How a member cluster's pod and service CIDRs are found, source by source. Each source is a pure function of
/// the objects it reads, so it is testable without a cluster; ``discover(client:cni:)`` tries them in order.
///
/// Pod CIDRs: the CNI's own configuration (Calico IPPools, the flannel or cilium ConfigMap), else the nodes'
/// `spec.podCIDRs`. Service CIDRs: the `--service-cluster-ip-range` flag of a kube-apiserver pod (in `command` or
/// `args`; the Go Kosmos read only `command`), else the range kube-apiserver names when asked for a Service with
/// an address outside it (works on managed clusters without a visible apiserver pod).
public enum ClusterCIDRDiscovery {
    /// A source that had something but could not be read.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// Which object and field.
        public var source: String
        /// What was wrong.
        public var reason: String
        public var description: String { "\(source): \(reason)" }
    }

    /// The canonical network form of a CIDR (`10.237.6.0/18` -> `10.237.0.0/18`, IPv6 compressed).
    static func normalize(_ text: String, source: String) throws(Failure) -> String {
        do { return try IPPrefix(normalizing: text.trimmingSpaces).description } catch {
            throw Failure(source: source, reason: "'\(text)' is not a CIDR")
        }
    }

    /// The service CIDRs in a kube-apiserver pod's `--service-cluster-ip-range` flag, in order; empty when no
    /// container carries the flag.
    /// - Throws: ``Failure`` for a pod without containers or an unparsable CIDR.
    public static func serviceCIDRs(apiServerPod pod: Pod) throws(Failure) -> [String] {
        let containers = pod.spec.containers
        guard !containers.isEmpty else {
            throw Failure(source: "pod \(pod.namespace ?? "")/\(pod.name)", reason: "has no containers")
        }
        let flag = "--service-cluster-ip-range"
        for container in containers {
            for argument in container.command + container.args where argument.hasPrefix(flag) {
                guard let equals = argument.firstIndex(of: "=") else { continue }
                let value = argument[argument.index(after: equals)...]
                var result: [String] = []
                for part in value.split(separator: ",") {
                    result.append(try normalize(String(part), source: "pod \(pod.name) flag \(flag)"))
                }
                return result
            }
        }
        return []
    }

    /// The service CIDR named in kube-apiserver's answer to a Service with an out-of-range cluster IP
    /// (`... The range of valid IPs is 10.96.0.0/12`); nil when the message does not name one.
    public static func serviceCIDR(fromInvalidServiceMessage message: String) -> String? {
        let marker = Array("The range of valid IPs is ".utf8)
        let bytes = Array(message.utf8)
        guard bytes.count >= marker.count,
              let start = (0...(bytes.count - marker.count)).first(where: { bytes[$0..<($0 + marker.count)].elementsEqual(marker) })
        else { return nil }
        let rest = String(decoding: bytes[(start + marker.count)...], as: UTF8.self)
        let text = rest.prefix { !$0.isWhitespace && $0 != "\"" && $0 != "," && $0 != ";" }
        return try? normalize(String(text), source: "")
    }

    /// Pod CIDRs of Calico IPPools (`crd.projectcalico.org/v1`), `spec.cidr` of every pool not made by
    /// ClusterLink (names starting `clusterlink`), disabled pools included.
    public static func podCIDRs(calicoIPPools pools: [JSONValue]) throws(Failure) -> [String] {
        var result: [String] = []
        for pool in pools {
            let name = pool["metadata"]?["name"]?.stringValue ?? ""
            guard !name.hasPrefix("clusterlink"), let cidr = pool["spec"]?["cidr"]?.stringValue else { continue }
            result.append(try normalize(cidr, source: "ippool \(name) spec.cidr"))
        }
        return result
    }

    /// The `Network` of flannel's `net-conf.json` (ConfigMap `kube-flannel-cfg`); empty when absent.
    public static func podCIDRs(flannelConfig configMap: ConfigMap) throws(Failure) -> [String] {
        guard let text = configMap.data["net-conf.json"] else { return [] }
        let source = "configmap \(configMap.namespace ?? "")/\(configMap.name) net-conf.json"
        let json: JSONValue
        do { json = try JSONValue.parse(text) } catch { throw Failure(source: source, reason: "not JSON: \(error)") }
        var result: [String] = []
        if let network = json["Network"]?.stringValue { result.append(try normalize(network, source: source)) }
        if let network = json["IPv6Network"]?.stringValue { result.append(try normalize(network, source: source)) }
        return result
    }

    /// `cluster-pool-ipv4-cidr` and `cluster-pool-ipv6-cidr` of cilium's ConfigMap (whitespace-separated lists).
    public static func podCIDRs(ciliumConfig configMap: ConfigMap) throws(Failure) -> [String] {
        var result: [String] = []
        for key in ["cluster-pool-ipv4-cidr", "cluster-pool-ipv6-cidr"] {
            for part in (configMap.data[key] ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," }) {
                result.append(try normalize(String(part), source: "configmap \(configMap.name) \(key)"))
            }
        }
        return result
    }

    /// Per-node pod CIDRs from Calico block affinities (`spec.node`, `spec.cidr`), in listing order.
    public static func podCIDRsByNode(blockAffinities: [JSONValue]) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for affinity in blockAffinities {
            guard let node = affinity["spec"]?["node"]?.stringValue, let cidr = affinity["spec"]?["cidr"]?.stringValue,
                  let normalized = try? normalize(cidr, source: "") else { continue }
            result[node, default: []].append(normalized)
        }
        return result
    }

    /// The union of the nodes' `spec.podCIDRs` (or `spec.podCIDR`), sorted, each once.
    public static func podCIDRs(nodes: [Node]) throws(Failure) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for node in nodes {
            let cidrs = node.spec.podCIDRs.isEmpty ? (node.spec.podCIDR.map { [$0] } ?? []) : node.spec.podCIDRs
            for cidr in cidrs {
                let normalized = try normalize(cidr, source: "node \(node.name) spec.podCIDRs")
                if seen.insert(normalized).inserted { result.append(normalized) }
            }
        }
        return result.sorted { a, b in
            let (pa, pb) = (IPPrefix(a), IPPrefix(b))
            if let pa, let pb { return pa < pb }
            return a < b
        }
    }

    /// Finds a cluster's pod and service CIDRs through its API server.
    /// - Parameters:
    ///   - client: a client of the member cluster.
    ///   - cni: `calico`, `flannel`, `cilium`, or anything else for nodes only.
    /// - Returns: the CIDRs found (either list may be empty when no source knows).
    public static func discover(client: KubeClient, cni: String) async throws -> (podCIDRs: [String], serviceCIDRs: [String]) {
        var pods: [String] = []
        switch cni {
        case "calico":
            let pools = GroupVersionResource(apiVersion: "crd.projectcalico.org/v1", resource: "ippools", scope: .cluster)
            if let list = try? await client.dynamic(pools).list() {
                pods = try podCIDRs(calicoIPPools: list.items.map(\.json))
            }
        case "flannel":
            for namespace in ["kube-flannel", "kube-system"] {
                if let cm = try? await client.get(ConfigMap.self, namespace: namespace, name: "kube-flannel-cfg") {
                    pods = try podCIDRs(flannelConfig: cm)
                    break
                }
            }
        case "cilium":
            if let cm = try? await client.get(ConfigMap.self, namespace: "kube-system", name: "cilium-config") {
                pods = try podCIDRs(ciliumConfig: cm)
            }
        default:
            break
        }
        if pods.isEmpty {
            // Virtual (leaf) nodes stand for other clusters; their pod CIDRs are not this cluster's.
            let nodes = try await client.listAll(Node.self).items.filter { $0.metadata.labels[KosmosKeys.leafNode] != "true" }
            pods = try podCIDRs(nodes: nodes)
        }

        var services: [String] = []
        let apiServers = try await client.listAll(Pod.self, namespace: "kube-system",
                                                  options: ListOptions(labelSelector: "component=kube-apiserver"))
        for pod in apiServers.items where pod.name.hasPrefix("kube-apiserver") {
            services = try serviceCIDRs(apiServerPod: pod)
            if !services.isEmpty { break }
        }
        if services.isEmpty { services = await probeServiceCIDRs(client: client) }
        return (pods, services)
    }

    /// Asks the API server to create Services with addresses it cannot hold (one IPv4, one IPv6) and reads the
    /// valid range from the refusals. Nothing is created: both requests are dry runs.
    static func probeServiceCIDRs(client: KubeClient) async -> [String] {
        var result: [String] = []
        for address in ["0.0.0.1", "::1"] {
            var service = Service(name: "kosmos-service-cidr-probe", namespace: "default")
            service.json["spec"] = ["clusterIP": .string(address), "ports": [["port": .int(80)]]]
            do {
                _ = try await client.create(service, options: WriteOptions(dryRun: true))
            } catch let error as KubeError {
                if let cidr = serviceCIDR(fromInvalidServiceMessage: error.message) {
                    if !result.contains(cidr) { result.append(cidr) }
                }
            } catch {}
        }
        return result
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
