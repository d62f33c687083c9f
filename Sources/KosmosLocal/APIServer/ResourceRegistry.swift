import Foundation
import KosmosAPI

/// A subresource of a served resource (`pods/status`, `deployments/scale`).
struct SubresourceInfo: Sendable {
    var name: String
    var group: String
    var version: String
    var kind: String
    var verbs: [String]
}

/// What the server knows about one custom resource (from its CustomResourceDefinition).
struct CustomResourceInfo: Sendable {
    var crdName: String
    var listKind: String
    var hasStatus: Bool
    var specReplicasPath: String?
    var statusReplicasPath: String?
    var labelSelectorPath: String?
    var printerColumns: [JSONValue]
    var served: Bool
    /// The version's `openAPIV3Schema` (unknown fields are pruned by it), or `nil` when the CRD gives none.
    var schema: JSONValue? = nil
}

/// One served resource in one group/version.
struct ResourceInfo: Sendable {
    var group: String
    var version: String
    var kind: String
    var resource: String
    var singular: String
    var namespaced: Bool
    var verbs: [String]
    var shortNames: [String]
    var categories: [String]
    var subresources: [SubresourceInfo]
    var custom: CustomResourceInfo?

    /// `v1` or `apps/v1`.
    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// The storage bucket: shared by every version of a group/resource.
    var storageKey: String { group.isEmpty ? "core/\(resource)" : "\(group)/\(resource)" }
    var listKind: String { custom?.listKind ?? kind + "List" }
    var isCustom: Bool { custom != nil }

    func subresource(_ name: String) -> SubresourceInfo? { subresources.first { $0.name == name } }
    var hasStatus: Bool { subresource("status") != nil }
}

/// Every resource the server serves: the built-in table plus resources of CustomResourceDefinitions registered at
/// run time. Thread-safe.
final class ResourceRegistry: @unchecked Sendable {
    private let lock = NSLock()
    /// Groups in discovery order; "" is the core group.
    private var groupOrder: [String] = []
    /// group -> versions in preference order.
    private var groupVersions: [String: [String]] = [:]
    /// "group/version" -> resources in discovery order.
    private var resources: [String: [ResourceInfo]] = [:]
    private var builtinGroups: Set<String> = []
    /// CRD name -> the group/versions it added.
    private var crdEntries: [String: [ResourceInfo]] = [:]
    /// Bumped on every change (discovery ETags).
    private(set) var generation = 0

    init() {
        loadBuiltins()
    }

    private static func parseResource(_ r: JSONValue, group: String, version: String) -> ResourceInfo {
        let subs: [SubresourceInfo] = (r["subresources"]?.arrayValue ?? []).map { s in
            let rk = s["responseKind"]
            let g = rk?["group"]?.stringValue ?? ""
            let v = rk?["version"]?.stringValue ?? ""
            return SubresourceInfo(name: s["subresource"]?.stringValue ?? "",
                                   group: g, version: v,
                                   kind: rk?["kind"]?.stringValue ?? "",
                                   verbs: (s["verbs"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
        return ResourceInfo(group: group, version: version,
                            kind: r["responseKind"]?["kind"]?.stringValue ?? "",
                            resource: r["resource"]?.stringValue ?? "",
                            singular: r["singularResource"]?.stringValue ?? "",
                            namespaced: r["scope"]?.stringValue == "Namespaced",
                            verbs: (r["verbs"]?.arrayValue ?? []).compactMap(\.stringValue),
                            shortNames: (r["shortNames"]?.arrayValue ?? []).compactMap(\.stringValue),
                            categories: (r["categories"]?.arrayValue ?? []).compactMap(\.stringValue),
                            subresources: subs, custom: nil)
    }

    private func loadBuiltins() {
        let core = (try? JSONValue.parse(builtinCoreResourcesJSON))?.arrayValue ?? []
        groupOrder = [""]
        groupVersions[""] = ["v1"]
        resources["v1"] = core.map { Self.parseResource($0, group: "", version: "v1") }
        let groups = (try? JSONValue.parse(builtinGroupsJSON))?.arrayValue ?? []
        for g in groups {
            let name = g["metadata"]?["name"]?.stringValue ?? ""
            groupOrder.append(name)
            builtinGroups.insert(name)
            var versions: [String] = []
            for v in g["versions"]?.arrayValue ?? [] {
                let version = v["version"]?.stringValue ?? ""
                versions.append(version)
                resources["\(name)/\(version)"] = (v["resources"]?.arrayValue ?? []).map {
                    Self.parseResource($0, group: name, version: version)
                }
            }
            groupVersions[name] = versions
        }
        builtinGroups.insert("")
    }

    // MARK: - Lookup

    /// The resource `resource` in `group`/`version`, or `nil`.
    func lookup(group: String, version: String, resource: String) -> ResourceInfo? {
        lock.lock()
        defer { lock.unlock() }
        let gv = group.isEmpty ? version : "\(group)/\(version)"
        return resources[gv]?.first { $0.resource == resource }
    }

    /// The preferred-version resource for a storage bucket and kind lookups ("apps", "Deployment").
    func lookup(group: String, kind: String) -> ResourceInfo? {
        lock.lock()
        defer { lock.unlock() }
        for v in groupVersions[group] ?? [] {
            let gv = group.isEmpty ? v : "\(group)/\(v)"
            if let r = resources[gv]?.first(where: { $0.kind == kind }) { return r }
        }
        return nil
    }

    /// Whether a group (and optionally version) is served.
    func serves(group: String, version: String? = nil) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let versions = groupVersions[group] else { return false }
        if let version { return versions.contains(version) }
        return true
    }

    /// Groups in discovery order with their versions.
    func groups() -> [(name: String, versions: [String])] {
        lock.lock()
        defer { lock.unlock() }
        return groupOrder.map { ($0, groupVersions[$0] ?? []) }
    }

    /// The resources of a group/version.
    func resources(group: String, version: String) -> [ResourceInfo] {
        lock.lock()
        defer { lock.unlock() }
        return resources[group.isEmpty ? version : "\(group)/\(version)"] ?? []
    }

    /// Every served resource of every group/version.
    func allResources() -> [ResourceInfo] {
        lock.lock()
        defer { lock.unlock() }
        var out: [ResourceInfo] = []
        for g in groupOrder {
            for v in groupVersions[g] ?? [] { out += resources[g.isEmpty ? v : "\(g)/\(v)"] ?? [] }
        }
        return out
    }

    // MARK: - CustomResourceDefinitions

    /// Adds or replaces the resources of a CRD (from its JSON). Returns `false` when the CRD is malformed.
    @discardableResult
    func register(crd: JSONValue) -> Bool {
        guard let name = crd["metadata"]?["name"]?.stringValue,
              let spec = crd["spec"],
              let group = spec["group"]?.stringValue,
              let names = spec["names"],
              let plural = names["plural"]?.stringValue,
              let kind = names["kind"]?.stringValue else { return false }
        let namespaced = spec["scope"]?.stringValue != "Cluster"
        var infos: [ResourceInfo] = []
        for v in spec["versions"]?.arrayValue ?? [] {
            guard let version = v["name"]?.stringValue, v["served"]?.boolValue != false else { continue }
            var subs: [SubresourceInfo] = []
            let sub = v["subresources"]
            let hasStatus = sub?["status"] != nil
            if hasStatus {
                subs.append(SubresourceInfo(name: "status", group: group, version: version, kind: kind,
                                            verbs: ["get", "patch", "update"]))
            }
            let scale = sub?["scale"]
            if scale != nil {
                subs.append(SubresourceInfo(name: "scale", group: "autoscaling", version: "v1", kind: "Scale",
                                            verbs: ["get", "patch", "update"]))
            }
            let custom = CustomResourceInfo(
                crdName: name, listKind: names["listKind"]?.stringValue ?? kind + "List", hasStatus: hasStatus,
                specReplicasPath: scale?["specReplicasPath"]?.stringValue,
                statusReplicasPath: scale?["statusReplicasPath"]?.stringValue,
                labelSelectorPath: scale?["labelSelectorPath"]?.stringValue,
                printerColumns: v["additionalPrinterColumns"]?.arrayValue ?? [], served: true,
                schema: v["schema"]?["openAPIV3Schema"])
            infos.append(ResourceInfo(
                group: group, version: version, kind: kind, resource: plural,
                singular: names["singular"]?.stringValue ?? kind.lowercased(), namespaced: namespaced,
                verbs: ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
                shortNames: (names["shortNames"]?.arrayValue ?? []).compactMap(\.stringValue),
                categories: (names["categories"]?.arrayValue ?? []).compactMap(\.stringValue),
                subresources: subs, custom: custom))
        }
        lock.lock()
        defer { lock.unlock() }
        removeLocked(crdName: name)
        guard !infos.isEmpty else { return true }
        crdEntries[name] = infos
        if !groupOrder.contains(group) { groupOrder.append(group) }
        var versions = groupVersions[group] ?? []
        for info in infos {
            if !versions.contains(info.version) { versions.append(info.version) }
            resources["\(group)/\(info.version)", default: []].append(info)
        }
        // Preferred version first: the CRD's storage version, then kube's version priority.
        groupVersions[group] = versions.sorted { Self.versionPriority($0) > Self.versionPriority($1) }
        generation += 1
        return true
    }

    /// Removes the resources of a CRD.
    func unregister(crdName: String) {
        lock.lock()
        defer { lock.unlock() }
        removeLocked(crdName: crdName)
    }

    private func removeLocked(crdName: String) {
        guard let old = crdEntries.removeValue(forKey: crdName) else { return }
        for info in old {
            let gv = "\(info.group)/\(info.version)"
            resources[gv]?.removeAll { $0.custom?.crdName == crdName }
            if resources[gv]?.isEmpty == true {
                resources[gv] = nil
                groupVersions[info.group]?.removeAll { $0 == info.version }
            }
            if groupVersions[info.group]?.isEmpty == true, !builtinGroups.contains(info.group) {
                groupVersions[info.group] = nil
                groupOrder.removeAll { $0 == info.group }
            }
        }
        generation += 1
    }

    /// kube's version ordering: GA > beta > alpha, higher numbers first.
    static func versionPriority(_ v: String) -> Int {
        let scanner = Array(v)
        guard scanner.first == "v" else { return 0 }
        var i = 1
        var major = 0
        while i < scanner.count, let d = scanner[i].wholeNumberValue { major = major * 10 + d; i += 1 }
        let rest = String(scanner[i...])
        if rest.isEmpty { return 3_000_000 + major * 1000 }
        var minor = 0
        if rest.hasPrefix("beta") {
            minor = Int(rest.dropFirst(4)) ?? 0
            return 2_000_000 + major * 1000 + minor
        }
        if rest.hasPrefix("alpha") {
            minor = Int(rest.dropFirst(5)) ?? 0
            return 1_000_000 + major * 1000 + minor
        }
        return 0
    }
}
