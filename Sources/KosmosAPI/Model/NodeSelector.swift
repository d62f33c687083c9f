/// core/v1 NodeSelector: terms ORed together; a node matches when any term matches.
public struct NodeSelector: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates a selector from terms, of which one must match.
    public init(terms: [NodeSelectorTerm]) {
        self.init(json: .object(JSONObject()))
        nodeSelectorTerms = terms
    }

    /// Terms of which at least one must match (they are ORed).
    public var nodeSelectorTerms: [NodeSelectorTerm] {
        get { self[list: "nodeSelectorTerms"] }
        set { self[list: "nodeSelectorTerms"] = newValue }
    }

    /// Whether a node with these labels and name matches some term (an empty selector matches nothing, as in
    /// component-helpers' `nodeaffinity`).
    public func matches(labels: [String: String], nodeName: String) -> Bool {
        nodeSelectorTerms.contains { $0.matches(labels: labels, nodeName: nodeName) }
    }
}

/// core/v1 NodeSelectorTerm: `matchExpressions` on labels and `matchFields` on fields, ANDed.
public struct NodeSelectorTerm: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates a term from requirements, all of which must hold.
    public init(matchExpressions: [NodeSelectorRequirement] = [], matchFields: [NodeSelectorRequirement] = []) {
        self.init(json: .object(JSONObject()))
        self.matchExpressions = matchExpressions
        self.matchFields = matchFields
    }

    /// Requirements on node labels, all of which must hold.
    public var matchExpressions: [NodeSelectorRequirement] {
        get { self[list: "matchExpressions"] }
        set { self[list: "matchExpressions"] = newValue }
    }
    /// Requirements on node fields (`metadata.name`), all of which must hold.
    public var matchFields: [NodeSelectorRequirement] {
        get { self[list: "matchFields"] }
        set { self[list: "matchFields"] = newValue }
    }

    /// Whether the node matches every requirement. A term with no requirement matches nothing; an invalid
    /// requirement (unknown operator, bad values, a field other than `metadata.name`) makes the term fail.
    public func matches(labels: [String: String], nodeName: String) -> Bool {
        let exprs = matchExpressions, fields = matchFields
        if exprs.isEmpty && fields.isEmpty { return false }
        for e in exprs where e.matches(labels) != true { return false }
        for f in fields {
            guard f.key == "metadata.name", f.operator == .in || f.operator == .notIn, f.values.count == 1 else {
                return false
            }
            if f.matches(["metadata.name": nodeName]) != true { return false }
        }
        return true
    }
}

/// core/v1 NodeSelectorRequirement: `key`, `operator` (In, NotIn, Exists, DoesNotExist, Gt, Lt), `values`.
public struct NodeSelectorRequirement: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// Creates a requirement on a label (or field) key.
    public init(key: String, operator op: NodeSelectorOperator, values: [String] = []) {
        self.init(json: .object(JSONObject()))
        self.key = key
        self.operator = op
        self.values = values
    }

    /// The label (or field) key.
    public var key: String { get { self[field: "key"] ?? "" } set { self[field: "key"] = newValue } }
    /// How the key relates to the values.
    public var `operator`: NodeSelectorOperator {
        get { self[field: "operator"] ?? "" }
        set { self[field: "operator"] = newValue }
    }
    /// The values the operator compares against.
    public var values: [String] { get { self[list: "values"] } set { self[list: "values"] = newValue } }

    /// Whether the labels satisfy the requirement; `nil` when the requirement is invalid (In/NotIn without
    /// values, Exists with values, Gt/Lt without exactly one integer, unknown operator).
    public func matches(_ labels: [String: String]) -> Bool? {
        let v = values
        switch self.operator {
        case .in, .notIn:
            guard !v.isEmpty else { return nil }
            let has = labels[key].map { v.contains($0) } ?? false
            return self.operator == .in ? has : !has
        case .exists, .doesNotExist:
            guard v.isEmpty else { return nil }
            return (labels[key] != nil) == (self.operator == .exists)
        case .gt, .lt:
            guard v.count == 1, let rhs = Int64(v[0]) else { return nil }
            guard let s = labels[key], let lhs = Int64(s) else { return false }
            return self.operator == .gt ? lhs > rhs : lhs < rhs
        default:
            return nil
        }
    }
}

/// A node selector operator (open set).
public struct NodeSelectorOperator: OpenStringEnum {
    public var rawValue: String
    /// Wraps an operator string; values this model does not list are kept.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The value is one of the listed values.
    public static let `in`: NodeSelectorOperator = "In"
    /// The value is none of the listed values (or the key is absent).
    public static let notIn: NodeSelectorOperator = "NotIn"
    /// The key is present, whatever its value.
    public static let exists: NodeSelectorOperator = "Exists"
    /// The key is absent.
    public static let doesNotExist: NodeSelectorOperator = "DoesNotExist"
    /// The value, as an integer, is greater than the single listed value.
    public static let gt: NodeSelectorOperator = "Gt"
    /// The value, as an integer, is less than the single listed value.
    public static let lt: NodeSelectorOperator = "Lt"
}
