/// The apiextensions/v1 CustomResourceDefinitions of every kosmos.io and MCS kind, generated from the Swift types'
/// `openAPISchema` and the discovery facts in `BuiltinKinds`, with status subresources, printer columns and short
/// names as upstream ships them.
public enum KosmosCRDs {
    /// Every CRD, kosmos.io kinds first, then MCS; each named `<plural>.<group>`.
    public static func all() -> [CustomResourceDefinition] {
        definitions.map(\.crd)
    }

    /// The CRD of one kind, if it is one of ours.
    public static func crd<R: Resource>(for type: R.Type) -> CustomResourceDefinition? {
        definitions.first { $0.info.groupVersionKind == R.groupVersionKind }?.crd
    }

    /// The CRDs as one multi-document stream of JSON objects (one per line), e.g. for `kubectl apply -f -`.
    public static func jsonLines() -> String {
        all().map { $0.json.serializedString() }.joined(separator: "\n") + "\n"
    }

    private struct Definition {
        var info: KindInfo
        var schema: JSONValue
        var columns: [CustomResourceColumnDefinition]

        var crd: CustomResourceDefinition {
            var crd = CustomResourceDefinition(name: info.qualifiedResource)
            var spec = CustomResourceDefinitionSpec()
            spec.group = info.group
            var names = CustomResourceDefinitionNames()
            names.kind = info.kind
            names.listKind = info.listKind
            names.plural = info.plural
            names.singular = info.singular
            names.shortNames = info.shortNames
            names.categories = info.categories
            spec.names = names
            spec.scope = info.scope.rawValue
            var version = CustomResourceDefinitionVersion()
            version.name = info.version
            version.served = true
            version.storage = true
            version.openAPIV3Schema = schema
            var subresources = CustomResourceSubresources()
            subresources.hasStatus = info.subresources.contains { $0.name == "status" }
            version.json["subresources"] = subresources.json
            version.additionalPrinterColumns = columns
            spec.versions = [version]
            crd.spec = spec
            return crd
        }
    }

    private static let age = CustomResourceColumnDefinition(
        name: "AGE", type: "date", jsonPath: ".metadata.creationTimestamp",
        description: "CreationTimestamp is a timestamp representing the server time when this object was created.")

    private static func info<R: Resource>(_ type: R.Type) -> KindInfo {
        guard let i = BuiltinKinds.info(for: type) else { preconditionFailure("\(R.kind) missing from BuiltinKinds") }
        return i
    }

    private static var definitions: [Definition] {
        [
            Definition(
                info: info(Cluster.self), schema: Cluster.openAPISchema,
                columns: [
                    CustomResourceColumnDefinition(
                        name: "NETWORK_TYPE", type: "string", jsonPath: ".spec.clusterLinkOptions.networkType"),
                    CustomResourceColumnDefinition(
                        name: "IP_FAMILY", type: "string", jsonPath: ".spec.clusterLinkOptions.ipFamily"),
                ]),
            Definition(
                info: info(ClusterNode.self), schema: ClusterNode.openAPISchema,
                columns: [
                    CustomResourceColumnDefinition(name: "ROLES", type: "string", jsonPath: ".spec.roles"),
                    CustomResourceColumnDefinition(name: "INTERFACE", type: "string", jsonPath: ".spec.interfaceName"),
                    CustomResourceColumnDefinition(name: "IP", type: "string", jsonPath: ".spec.ip"),
                ]),
            Definition(info: info(NodeConfig.self), schema: NodeConfig.openAPISchema, columns: []),
            Definition(info: info(DistributionPolicy.self), schema: DistributionPolicy.openAPISchema, columns: [age]),
            Definition(
                info: info(ClusterDistributionPolicy.self), schema: ClusterDistributionPolicy.openAPISchema,
                columns: [age]),
            Definition(info: info(PodConvertPolicy.self), schema: PodConvertPolicy.openAPISchema, columns: []),
            Definition(
                info: info(ClusterPodConvertPolicy.self), schema: ClusterPodConvertPolicy.openAPISchema, columns: []),
            Definition(info: info(WorkloadPolicy.self), schema: WorkloadPolicy.openAPISchema, columns: [age]),
            Definition(
                info: info(ServiceExport.self), schema: ServiceExport.openAPISchema,
                columns: [CustomResourceColumnDefinition(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp")]),
            Definition(
                info: info(ServiceImport.self), schema: ServiceImport.openAPISchema,
                columns: [
                    CustomResourceColumnDefinition(
                        name: "Type", type: "string", jsonPath: ".spec.type",
                        description: "The type of this ServiceImport"),
                    CustomResourceColumnDefinition(
                        name: "IP", type: "string", jsonPath: ".spec.ips", description: "The VIP for this ServiceImport"),
                    CustomResourceColumnDefinition(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp"),
                ]),
        ]
    }
}
