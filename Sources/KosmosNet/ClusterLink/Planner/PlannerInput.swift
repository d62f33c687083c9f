import KosmosAPI

/// The planner's input: every Cluster, ClusterNode and existing NodeConfig.
public struct PlannerInput: Sendable {
    /// Every Cluster.
    public var clusters: [Cluster]
    /// Every ClusterNode.
    public var clusterNodes: [ClusterNode]
    /// The NodeConfigs that exist now (their device MACs are kept).
    public var nodeConfigs: [NodeConfig]

    /// Makes an input.
    public init(clusters: [Cluster] = [], clusterNodes: [ClusterNode] = [], nodeConfigs: [NodeConfig] = []) {
        self.clusters = clusters
        self.clusterNodes = clusterNodes
        self.nodeConfigs = nodeConfigs
    }

    /// Sorts decoded objects into the input. Objects of kind `List` are opened; other kinds are refused, so a
    /// mistyped file is noticed.
    /// - Parameters:
    ///   - documents: decoded YAML/JSON documents, in order.
    ///   - file: the file they came from, for error messages.
    /// - Throws: `PlannerInputError` naming the file and the document (1-based, and the list item when inside a
    ///   `List`).
    public mutating func add(documents: [JSONValue], file: String) throws(PlannerInputError) {
        for (i, doc) in documents.enumerated() {
            try add(doc, place: PlannerInputError.Place(file: file, document: i + 1, item: nil))
        }
    }

    /// Reads a YAML (or JSON) file of objects, multi-document or `kind: List`.
    /// - Parameter path: the file.
    /// - Throws: `PlannerInputError` naming the file (and document) when it cannot be read, is not YAML, or holds
    ///   an object the planner does not take.
    public mutating func add(file path: String) throws(PlannerInputError) {
        let documents: [JSONValue]
        do {
            documents = try YAML.parseFile(path)
        } catch {
            // YAML errors already name the file (and line and column).
            throw PlannerInputError(place: .init(file: path, document: nil, item: nil), reason: "\(error)",
                                    namesPlace: true)
        }
        try add(documents: documents, file: path)
    }

    /// Reads YAML (or JSON) bytes of objects, multi-document or `kind: List`.
    /// - Parameters:
    ///   - bytes: the text as UTF-8.
    ///   - file: a name for error messages, e.g. `stdin`.
    /// - Throws: `PlannerInputError` naming `file` (and document) when the text is not YAML or holds an object
    ///   the planner does not take.
    public mutating func add(bytes: [UInt8], file: String) throws(PlannerInputError) {
        let documents: [JSONValue]
        do {
            documents = try YAML.parseAll(bytes, file: file)
        } catch {
            throw PlannerInputError(place: .init(file: file, document: nil, item: nil), reason: "\(error)",
                                    namesPlace: true)
        }
        try add(documents: documents, file: file)
    }

    private mutating func add(_ doc: JSONValue, place: PlannerInputError.Place) throws(PlannerInputError) {
        guard case .object = doc else {
            throw PlannerInputError(place: place, reason: "expected an object, found \(doc.typeName)")
        }
        let kind = doc["kind"]?.stringValue ?? ""
        let apiVersion = doc["apiVersion"]?.stringValue ?? ""
        if kind == "List" || kind.hasSuffix("List") && doc["items"] != nil {
            guard let items = doc["items"]?.arrayValue else {
                throw PlannerInputError(place: place, reason: "a \(kind) without an items array")
            }
            // Items of a typed list as the API server returns it (`ClusterList`) carry no kind of their own.
            let itemKind = kind == "List" ? nil : String(kind.dropLast(4))
            for (j, item) in items.enumerated() {
                var item = item
                if let itemKind, case .object = item, item["kind"] == nil {
                    item["kind"] = .string(itemKind)
                    if item["apiVersion"] == nil { item["apiVersion"] = .string(apiVersion) }
                }
                try add(item, place: PlannerInputError.Place(file: place.file, document: place.document, item: j + 1))
            }
            return
        }
        let name = doc[path: ["metadata", "name"]]?.stringValue ?? ""
        func check<R: Resource>(_ type: R.Type) throws(PlannerInputError) -> R {
            guard apiVersion == R.apiVersion else {
                throw PlannerInputError(
                    place: place, reason: "\(kind) \"\(name)\" has apiVersion \"\(apiVersion)\", want \(R.apiVersion)")
            }
            guard !name.isEmpty else {
                throw PlannerInputError(place: place, reason: "\(kind) without metadata.name")
            }
            return R(json: doc)
        }
        switch kind {
        case Cluster.kind: clusters.append(try check(Cluster.self))
        case ClusterNode.kind: clusterNodes.append(try check(ClusterNode.self))
        case NodeConfig.kind: nodeConfigs.append(try check(NodeConfig.self))
        case "":
            throw PlannerInputError(place: place, reason: "object without kind")
        default:
            throw PlannerInputError(
                place: place,
                reason: "kind \"\(kind)\" is not one the planner reads (Cluster, ClusterNode, NodeConfig)")
        }
    }
}

/// A planner input file that cannot be used; the description names the file, the document and the problem.
public struct PlannerInputError: Error, Sendable, CustomStringConvertible {
    /// Where in the input the problem is.
    public struct Place: Sendable, Hashable, CustomStringConvertible {
        /// The file.
        public var file: String
        /// The document, counting from 1; `nil` for the file as a whole.
        public var document: Int?
        /// The item of a `List` document, counting from 1.
        public var item: Int?

        public var description: String {
            var s = file
            if let document { s += ", document \(document)" }
            if let item { s += ", item \(item)" }
            return s
        }
    }

    /// Where the problem is.
    public var place: Place
    /// What is wrong.
    public var reason: String
    /// Whether `reason` already names the place (a YAML error with file, line and column).
    var namesPlace = false

    init(place: Place, reason: String, namesPlace: Bool = false) {
        self.place = place
        self.reason = reason
        self.namesPlace = namesPlace
    }

    public var description: String { namesPlace ? reason : "\(place): \(reason)" }
}
