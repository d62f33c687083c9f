/// meta/v1 LabelSelector: `matchLabels` and `matchExpressions`, ANDed.
///
/// An empty selector selects everything. Kubernetes treats an *absent* selector differently per field (a
/// Deployment requires one; a nil PodAffinityTerm selector selects nothing), so callers holding an optional decide
/// that themselves.
public struct LabelSelector: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// A selector from labels that must match exactly and expressions.
    public init(matchLabels: [String: String] = [:], matchExpressions: [LabelSelectorRequirement] = []) {
        self.init(json: .object(JSONObject()))
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// Labels that must be present with these values.
    public var matchLabels: [String: String] {
        get { self[map: "matchLabels"] }
        set { self[map: "matchLabels"] = newValue }
    }

    /// Expressions that must all hold.
    public var matchExpressions: [LabelSelectorRequirement] {
        get { self[list: "matchExpressions"] }
        set { self[list: "matchExpressions"] = newValue }
    }

    /// Whether the selector has no requirement (it selects everything).
    public var isEmpty: Bool { matchLabels.isEmpty && matchExpressions.isEmpty }

    /// Whether the labels satisfy the selector. An invalid selector (e.g. `In` without values, an unknown
    /// operator) matches nothing, as `metav1.LabelSelectorAsSelector` fails for it.
    ///
    /// Each call validates the selector; to test many label sets, convert once with `query()` and reuse it.
    public func matches(_ labels: [String: String]) -> Bool {
        guard let q = try? query() else { return false }
        return q.matches(labels)
    }

    /// The selector in string-syntax form (`matchLabels` as `k=v`, expressions as `in`/`notin`/`k`/`!k`),
    /// sorted by key as Kubernetes does, e.g. for `?labelSelector=`.
    ///
    /// - Throws: `LabelSelectorParseError` when an expression is invalid (unknown operator, missing values,
    ///   invalid key or value); `position` is the index of the offending expression.
    public func query() throws(LabelSelectorParseError) -> LabelSelectorQuery {
        var reqs: [LabelSelectorQuery.Requirement] = []
        for (k, v) in matchLabels.sorted(by: { $0.key < $1.key }) {
            let r = LabelSelectorQuery.Requirement(key: k, operator: .equals, values: [v])
            if let e = r.validationErrors.first {
                throw LabelSelectorParseError(selector: description, position: 0, message: e)
            }
            reqs.append(r)
        }
        for (i, e) in matchExpressions.enumerated() {
            let op: LabelSelectorQuery.Operator
            switch e.operator {
            case .in: op = .in
            case .notIn: op = .notIn
            case .exists: op = .exists
            case .doesNotExist: op = .doesNotExist
            default:
                throw LabelSelectorParseError(selector: description, position: i,
                                              message: "\(goQuote(e.operator.rawValue)) is not a valid label selector operator")
            }
            var values = e.values
            if op == .in || op == .notIn { values = Array(Set(values)).sorted() }
            let r = LabelSelectorQuery.Requirement(key: e.key, operator: op, values: values)
            let errors = r.validationErrors
            if !errors.isEmpty {
                throw LabelSelectorParseError(selector: description, position: i,
                                              message: errors.joined(separator: ", "))
            }
            reqs.append(r)
        }
        let sorted = reqs.enumerated().sorted { a, b in
            a.element.key != b.element.key ? a.element.key < b.element.key : a.offset < b.offset
        }.map(\.element)
        return LabelSelectorQuery(requirements: sorted)
    }
}

/// meta/v1 LabelSelectorRequirement: `key`, `operator` (In, NotIn, Exists, DoesNotExist) and `values`.
public struct LabelSelectorRequirement: JSONBacked {
    public var json: JSONValue
    public init(json: JSONValue) { self.json = json }

    /// A requirement on one label key.
    public init(key: String, operator: LabelSelectorOperator, values: [String] = []) {
        self.init()
        self.key = key
        self.operator = `operator`
        self.values = values
    }

    /// The label key.
    public var key: String { get { self[field: "key"] ?? "" } set { self[field: "key"] = newValue } }
    /// How the label relates to `values`.
    public var `operator`: LabelSelectorOperator {
        get { self[field: "operator"] ?? LabelSelectorOperator(rawValue: "") }
        set { self[field: "operator"] = newValue }
    }
    /// Values for In/NotIn; empty for Exists/DoesNotExist.
    public var values: [String] { get { self[list: "values"] } set { self[list: "values"] = newValue } }
}

/// The operator of a meta/v1 LabelSelectorRequirement; an open set so unknown values survive a round trip.
public struct LabelSelectorOperator: RawRepresentable, Hashable, Sendable, JSONConvertible,
    ExpressibleByStringLiteral, CustomStringConvertible
{
    public var rawValue: String
    /// Wraps an operator string; values this model does not list are kept.
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public init?(jsonValue: JSONValue) {
        guard let s = jsonValue.stringValue else { return nil }
        rawValue = s
    }
    public var jsonValue: JSONValue { .string(rawValue) }
    public var description: String { rawValue }

    /// The value is one of the listed values.
    public static let `in`: LabelSelectorOperator = "In"
    /// The value is none of the listed values (or the key is absent).
    public static let notIn: LabelSelectorOperator = "NotIn"
    /// The key is present, whatever its value.
    public static let exists: LabelSelectorOperator = "Exists"
    /// The key is absent.
    public static let doesNotExist: LabelSelectorOperator = "DoesNotExist"
}

extension LabelSelectorQuery {
    /// The query as a meta/v1 LabelSelector (`=` as matchLabels, `!=` as `NotIn`); `nil` when it uses `>` or `<`,
    /// which that object cannot express.
    public var labelSelector: LabelSelector? {
        var s = LabelSelector()
        var labels: [String: String] = [:]
        for r in requirements {
            switch r.operator {
            case .equals, .doubleEquals:
                if labels[r.key] == nil, r.values.count == 1 {
                    labels[r.key] = r.values[0]
                } else {
                    s.matchExpressions.append(LabelSelectorRequirement(key: r.key, operator: .in, values: r.values))
                }
            case .in: s.matchExpressions.append(LabelSelectorRequirement(key: r.key, operator: .in, values: r.values))
            case .notIn, .notEquals:
                s.matchExpressions.append(LabelSelectorRequirement(key: r.key, operator: .notIn, values: r.values))
            case .exists: s.matchExpressions.append(LabelSelectorRequirement(key: r.key, operator: .exists))
            case .doesNotExist:
                s.matchExpressions.append(LabelSelectorRequirement(key: r.key, operator: .doesNotExist))
            case .greaterThan, .lessThan: return nil
            }
        }
        s.matchLabels = labels
        return s
    }
}
