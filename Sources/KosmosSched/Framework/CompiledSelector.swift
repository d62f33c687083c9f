import KosmosAPI

/// A label requirement converted once from a `LabelSelector` or `NodeSelectorTerm`, evaluated without JSON.
struct LabelRequirement: Sendable, Hashable {
    enum Op: Sendable, Hashable { case `in`, notIn, exists, doesNotExist, gt, lt }
    var key: String
    var op: Op
    var values: [String]

    func matches(_ labels: [String: String]) -> Bool {
        switch op {
        case .in: return labels[key].map { values.contains($0) } ?? false
        case .notIn: return labels[key].map { !values.contains($0) } ?? true
        case .exists: return labels[key] != nil
        case .doesNotExist: return labels[key] == nil
        case .gt, .lt:
            guard let s = labels[key], let lhs = Int64(s), let rhs = values.first.flatMap({ Int64($0) }) else {
                return false
            }
            return op == .gt ? lhs > rhs : lhs < rhs
        }
    }
}

/// A label selector in evaluation form. `nothing` matches no label set (a nil or invalid selector);
/// an empty requirement list matches every label set.
struct CompiledSelector: Sendable, Hashable {
    var requirements: [LabelRequirement]
    var matchesNothing: Bool

    static let nothing = CompiledSelector(requirements: [], matchesNothing: true)
    static let everything = CompiledSelector(requirements: [], matchesNothing: false)

    /// Converts a metav1 selector; nil selects nothing, as in kube-scheduler's affinity and spread terms.
    init(_ selector: LabelSelector?) {
        guard let selector else {
            self = .nothing
            return
        }
        var reqs: [LabelRequirement] = []
        for (k, v) in selector.matchLabels.sorted(by: { $0.key < $1.key }) {
            reqs.append(LabelRequirement(key: k, op: .in, values: [v]))
        }
        for e in selector.matchExpressions {
            let op: LabelRequirement.Op
            switch e.operator {
            case .in: op = .in
            case .notIn: op = .notIn
            case .exists: op = .exists
            case .doesNotExist: op = .doesNotExist
            default:
                self = .nothing
                return
            }
            let values = e.values
            if (op == .in || op == .notIn) && values.isEmpty
                || (op == .exists || op == .doesNotExist) && !values.isEmpty
            {
                self = .nothing
                return
            }
            reqs.append(LabelRequirement(key: e.key, op: op, values: values))
        }
        self.init(requirements: reqs, matchesNothing: false)
    }

    /// A selector that requires every pair of `map`.
    init(map: [String: String]) {
        self.init(
            requirements: map.sorted { $0.key < $1.key }.map {
                LabelRequirement(key: $0.key, op: .in, values: [$0.value])
            },
            matchesNothing: false)
    }

    init(requirements: [LabelRequirement], matchesNothing: Bool) {
        self.requirements = requirements
        self.matchesNothing = matchesNothing
    }

    /// The selector with `key op (value)` added for each key the labels have (keys they lack are ignored, as
    /// kube-scheduler does for `matchLabelKeys`).
    func adding(keys: [String], of labels: [String: String], op: LabelRequirement.Op) -> CompiledSelector {
        guard !matchesNothing, !keys.isEmpty else { return self }
        var copy = self
        for k in keys {
            if let v = labels[k] { copy.requirements.append(LabelRequirement(key: k, op: op, values: [v])) }
        }
        return copy
    }

    var isEverything: Bool { !matchesNothing && requirements.isEmpty }

    /// A `key=value` pair every matching label set has, for index lookups.
    var indexPair: LabelPair? {
        guard !matchesNothing, let r = requirements.first(where: { $0.op == .in && $0.values.count == 1 }) else {
            return nil
        }
        return LabelPair(key: r.key, value: r.values[0])
    }

    func matches(_ labels: [String: String]) -> Bool {
        if matchesNothing { return false }
        for r in requirements where !r.matches(labels) { return false }
        return true
    }
}

/// A node selector term in evaluation form: label requirements plus required node names
/// (`matchFields` on `metadata.name`), ANDed.
struct CompiledNodeSelectorTerm: Sendable, Hashable {
    var labels: [LabelRequirement]
    var nameIn: [[String]]
    var nameNotIn: [[String]]
    var valid: Bool

    init(_ term: NodeSelectorTerm) {
        labels = []
        nameIn = []
        nameNotIn = []
        valid = true
        let exprs = term.matchExpressions
        let fields = term.matchFields
        if exprs.isEmpty && fields.isEmpty { valid = false }
        for e in exprs {
            let vals = e.values
            switch e.operator {
            case .in where !vals.isEmpty: labels.append(.init(key: e.key, op: .in, values: vals))
            case .notIn where !vals.isEmpty: labels.append(.init(key: e.key, op: .notIn, values: vals))
            case .exists where vals.isEmpty: labels.append(.init(key: e.key, op: .exists, values: []))
            case .doesNotExist where vals.isEmpty: labels.append(.init(key: e.key, op: .doesNotExist, values: []))
            case .gt where vals.count == 1 && Int64(vals[0]) != nil:
                labels.append(.init(key: e.key, op: .gt, values: vals))
            case .lt where vals.count == 1 && Int64(vals[0]) != nil:
                labels.append(.init(key: e.key, op: .lt, values: vals))
            default: valid = false
            }
        }
        for f in fields {
            guard f.key == "metadata.name", f.values.count == 1 else {
                valid = false
                continue
            }
            if f.operator == .in {
                nameIn.append(f.values)
            } else if f.operator == .notIn {
                nameNotIn.append(f.values)
            } else {
                valid = false
            }
        }
    }

    func matches(labels nodeLabels: [String: String], name: String) -> Bool {
        guard valid else { return false }
        for r in labels where !r.matches(nodeLabels) { return false }
        for v in nameIn where !v.contains(name) { return false }
        for v in nameNotIn where v.contains(name) { return false }
        return true
    }
}

/// A node selector (terms ORed) in evaluation form.
struct CompiledNodeSelector: Sendable, Hashable {
    var terms: [CompiledNodeSelectorTerm]

    init(_ selector: NodeSelector) { terms = selector.nodeSelectorTerms.map(CompiledNodeSelectorTerm.init) }

    func matches(labels: [String: String], name: String) -> Bool {
        terms.contains { $0.matches(labels: labels, name: name) }
    }
}
