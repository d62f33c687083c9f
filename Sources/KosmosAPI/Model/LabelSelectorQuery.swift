/// A label selector in its string form, as sent in `?labelSelector=` and accepted by `kubectl -l`:
/// `a=b,a==b,c!=d,e in (x,y),f notin (z),g,!h,n>5,n<9`.
///
/// Parsing follows apimachinery's `labels.Parse`: requirements are sorted by key, value sets are sorted and
/// de-duplicated, keys and values are validated, and `description` prints the canonical form
/// (`e in (x,y)`). An empty query selects everything.
public struct LabelSelectorQuery: Hashable, Sendable, CustomStringConvertible {
    /// The requirements; an object is selected when it meets all of them.
    public var requirements: [Requirement]

    /// A query from requirements, kept in the given order.
    public init(requirements: [Requirement] = []) {
        self.requirements = requirements
    }

    /// The query that selects everything.
    public static let everything = LabelSelectorQuery()

    /// Whether the query selects everything.
    public var isEmpty: Bool { requirements.isEmpty }

    /// A query that requires exactly the given labels (`a=b,c=d`, sorted by key).
    public init(matching labels: [String: String]) {
        requirements = labels.keys.sorted().map { Requirement(key: $0, operator: .equals, values: [labels[$0]!]) }
    }

    /// Whether the labels meet every requirement.
    public func matches(_ labels: [String: String]) -> Bool {
        for r in requirements where !r.matches(labels) { return false }
        return true
    }

    /// The canonical string form, as Kubernetes prints it (requirements joined by `,`).
    public var description: String { requirements.map(\.description).joined(separator: ",") }

    // MARK: - Requirement

    /// An operator of the string syntax.
    public enum Operator: String, Hashable, Sendable, CaseIterable {
        /// `key=value`
        case equals = "="
        /// `key==value` (same meaning as `=`, kept for printing)
        case doubleEquals = "=="
        /// `key!=value` (also true when the label is absent)
        case notEquals = "!="
        /// `key in (a,b)`
        case `in` = "in"
        /// `key notin (a,b)` (also true when the label is absent)
        case notIn = "notin"
        /// `key`
        case exists = "exists"
        /// `!key`
        case doesNotExist = "!"
        /// `key>5` (integer comparison)
        case greaterThan = "gt"
        /// `key<5` (integer comparison)
        case lessThan = "lt"
    }

    /// One requirement: a key, an operator, and values.
    public struct Requirement: Hashable, Sendable, CustomStringConvertible {
        /// The label key.
        public var key: String
        /// How the label relates to `values`.
        public var `operator`: Operator
        /// The values; one for the equality and comparison operators, none for `exists`/`doesNotExist`.
        public var values: [String]

        /// A requirement, not validated (see `validationErrors`).
        public init(key: String, operator: Operator, values: [String] = []) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }

        /// Whether the labels meet this requirement, with apimachinery's semantics: `!=` and `notin` hold
        /// when the label is absent; `>`/`<` fail unless both sides are integers.
        public func matches(_ labels: [String: String]) -> Bool {
            switch self.operator {
            case .equals, .doubleEquals, .in:
                guard let v = labels[key] else { return false }
                return values.contains(v)
            case .notEquals, .notIn:
                guard let v = labels[key] else { return true }
                return !values.contains(v)
            case .exists:
                return labels[key] != nil
            case .doesNotExist:
                return labels[key] == nil
            case .greaterThan, .lessThan:
                guard let v = labels[key], let lhs = Int64(v), values.count == 1, let rhs = Int64(values[0]) else {
                    return false
                }
                return self.operator == .greaterThan ? lhs > rhs : lhs < rhs
            }
        }

        /// Problems with the requirement, worded as kube-apiserver words them; empty when valid.
        public var validationErrors: [String] {
            var errors: [String] = []
            let keyErrors = LabelValidation.qualifiedNameErrors(key)
            if !keyErrors.isEmpty {
                errors.append("key: Invalid value: \(goQuote(key)): \(keyErrors.joined(separator: "; "))")
            }
            let list = "[" + values.map(goQuote).joined(separator: ",") + "]"
            switch self.operator {
            case .in, .notIn:
                if values.isEmpty {
                    errors.append("values: Invalid value: \(list): for 'in', 'notin' operators, values set can't be empty")
                }
            case .equals, .doubleEquals, .notEquals:
                if values.count != 1 {
                    errors.append("values: Invalid value: \(list): exact-match compatibility requires one single value")
                }
            case .exists, .doesNotExist:
                if !values.isEmpty {
                    errors.append(
                        "values: Invalid value: \(list): values set must be empty for exists and does not exist")
                }
            case .greaterThan, .lessThan:
                if values.count != 1 {
                    errors.append(
                        "values: Invalid value: \(list): for 'Gt', 'Lt' operators, exactly one value is required")
                }
                for (i, v) in values.enumerated() where Int64(v) == nil {
                    errors.append(
                        "values[\(i)]: Invalid value: \(goQuote(v)): for 'Gt', 'Lt' operators, the value must be an integer")
                }
            }
            for (i, v) in values.enumerated() {
                let e = LabelValidation.labelValueErrors(v)
                if !e.isEmpty {
                    errors.append("values[\(i)][\(key)]: Invalid value: \(goQuote(v)): \(e.joined(separator: "; "))")
                }
            }
            return errors
        }

        /// The canonical string form (`!k`, `k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a)`, `k>1`, `k<1`).
        public var description: String {
            switch self.operator {
            case .exists: return key
            case .doesNotExist: return "!" + key
            case .equals: return key + "=" + values.joinedSorted
            case .doubleEquals: return key + "==" + values.joinedSorted
            case .notEquals: return key + "!=" + values.joinedSorted
            case .greaterThan: return key + ">" + values.joinedSorted
            case .lessThan: return key + "<" + values.joinedSorted
            case .in: return key + " in (" + values.joinedSorted + ")"
            case .notIn: return key + " notin (" + values.joinedSorted + ")"
            }
        }
    }
}

extension [String] {
    fileprivate var joinedSorted: String { count == 1 ? self[0] : sorted().joined(separator: ",") }
}

/// Quotes a string the way Go's `%q` does for printable ASCII (enough for error messages).
func goQuote(_ s: String) -> String {
    var r = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": r += "\\\""
        case "\\": r += "\\\\"
        case "\n": r += "\\n"
        case "\t": r += "\\t"
        case "\r": r += "\\r"
        default:
            if u.value < 0x20 || u.value == 0x7F {
                let hex = String(u.value, radix: 16)
                r += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                r.unicodeScalars.append(u)
            }
        }
    }
    return r + "\""
}

// MARK: - Errors

/// A label selector string that does not parse.
///
/// `message` is kube-apiserver's wording (what it puts in the 400 `Status`), e.g.
/// `unable to parse requirement: found '=', expected: identifier`; `position` is the byte offset in the selector
/// where the problem starts.
public struct LabelSelectorParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The selector that failed.
    public var selector: String
    /// Byte offset of the offending token in `selector`.
    public var position: Int
    /// kube-apiserver's message for this failure.
    public var message: String

    /// Creates an error at a character position of the selector.
    public init(selector: String, position: Int, message: String) {
        self.selector = selector
        self.position = position
        self.message = message
    }

    public var description: String {
        "parse label selector \(goQuote(selector)) at offset \(position): \(message)"
    }
}

// MARK: - Parsing

extension LabelSelectorQuery {
    /// Parses the string syntax.
    ///
    /// - Parameter s: the selector, e.g. `app=web,tier in (a,b),!canary`; empty selects everything.
    /// - Returns: the query with requirements sorted by key.
    /// - Throws: `LabelSelectorParseError` naming the offset and what was expected.
    public static func parse(_ s: String) throws(LabelSelectorParseError) -> LabelSelectorQuery {
        var p = LabelSelectorParser(selector: s)
        var reqs = try p.parse()
        // Stable sort by key: Kubernetes sorts for deterministic output.
        reqs = reqs.enumerated().sorted { a, b in
            a.element.key != b.element.key ? a.element.key < b.element.key : a.offset < b.offset
        }.map(\.element)
        return LabelSelectorQuery(requirements: reqs)
    }
}

/// The lexer and recursive-descent parser of the label selector syntax, token for token as apimachinery's.
private struct LabelSelectorParser {
    enum Token: Equatable {
        case endOfString, closedPar, comma, doesNotExist, doubleEquals, equals, greaterThan, identifier, `in`
        case lessThan, notEquals, notIn, openPar, error
    }

    struct Item {
        var token: Token
        var literal: String
        var position: Int
    }

    let selector: String
    var items: [Item] = []
    var index = 0

    init(selector: String) {
        self.selector = selector
        items = Self.scan(Array(selector.utf8))
    }

    static func isWhitespace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

    static func isSpecial(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","),
            UInt8(ascii: ">"), UInt8(ascii: "<"):
            return true
        default: return false
        }
    }

    static func symbolToken(_ s: [UInt8]) -> Token? {
        switch String(decoding: s, as: UTF8.self) {
        case ")": return .closedPar
        case ",": return .comma
        case "!": return .doesNotExist
        case "==": return .doubleEquals
        case "=": return .equals
        case ">": return .greaterThan
        case "<": return .lessThan
        case "!=": return .notEquals
        case "(": return .openPar
        default: return nil
        }
    }

    static func scan(_ b: [UInt8]) -> [Item] {
        var out: [Item] = []
        var i = 0
        while true {
            while i < b.count, isWhitespace(b[i]) { i += 1 }
            // A NUL byte ends the input, as in the Go lexer.
            guard i < b.count, b[i] != 0 else {
                out.append(Item(token: .endOfString, literal: "", position: i))
                return out
            }
            let start = i
            if isSpecial(b[i]) {
                // Longest run of symbols that still forms an operator.
                var buffer: [UInt8] = []
                var last: (Token, Int)?
                while i < b.count, isSpecial(b[i]) {
                    buffer.append(b[i])
                    if let t = symbolToken(buffer) {
                        last = (t, buffer.count)
                        i += 1
                    } else if last != nil {
                        break
                    } else {
                        i += 1
                    }
                }
                if let (t, n) = last {
                    i = start + n
                    out.append(Item(token: t, literal: String(decoding: b[start..<start + n], as: UTF8.self),
                                    position: start))
                } else {
                    out.append(Item(token: .error, literal: String(decoding: buffer, as: UTF8.self),
                                    position: start))
                }
            } else {
                while i < b.count, b[i] != 0, !isSpecial(b[i]), !isWhitespace(b[i]) { i += 1 }
                let lit = String(decoding: b[start..<i], as: UTF8.self)
                let t: Token = lit == "in" ? .in : lit == "notin" ? .notIn : .identifier
                out.append(Item(token: t, literal: lit, position: start))
            }
        }
    }

    enum Context { case keyAndOperator, values }

    func lookahead(_ c: Context) -> Item {
        var it = items[index]
        if c == .values, it.token == .in || it.token == .notIn { it.token = .identifier }
        return it
    }

    mutating func consume(_ c: Context) -> Item {
        let it = lookahead(c)
        index += 1
        return it
    }

    func fail(_ at: Item, _ message: String, inRequirement: Bool = true) -> LabelSelectorParseError {
        LabelSelectorParseError(selector: selector, position: at.position,
                                message: inRequirement ? "unable to parse requirement: " + message : message)
    }

    mutating func parse() throws(LabelSelectorParseError) -> [LabelSelectorQuery.Requirement] {
        var reqs: [LabelSelectorQuery.Requirement] = []
        while true {
            let it = lookahead(.values)
            switch it.token {
            case .identifier, .doesNotExist:
                reqs.append(try parseRequirement())
                let t = consume(.values)
                switch t.token {
                case .endOfString:
                    return reqs
                case .comma:
                    let t2 = lookahead(.values)
                    if t2.token != .identifier && t2.token != .doesNotExist {
                        throw fail(t2, "found '\(t2.literal)', expected: identifier after ','", inRequirement: false)
                    }
                default:
                    throw fail(t, "found '\(t.literal)', expected: ',' or 'end of string'", inRequirement: false)
                }
            case .endOfString:
                return reqs
            default:
                throw fail(it, "found '\(it.literal)', expected: !, identifier, or 'end of string'",
                           inRequirement: false)
            }
        }
    }

    mutating func parseRequirement() throws(LabelSelectorParseError) -> LabelSelectorQuery.Requirement {
        var op: LabelSelectorQuery.Operator?
        var keyItem = consume(.values)
        let start = keyItem
        if keyItem.token == .doesNotExist {
            op = .doesNotExist
            keyItem = consume(.values)
        }
        guard keyItem.token == .identifier else {
            throw fail(keyItem, "found '\(keyItem.literal)', expected: identifier")
        }
        let key = keyItem.literal
        let keyErrors = LabelValidation.qualifiedNameErrors(key)
        if !keyErrors.isEmpty {
            throw fail(keyItem, "<nil>: Invalid value: \(goQuote(key)): \(keyErrors.joined(separator: "; "))")
        }
        let next = lookahead(.values).token
        if op == .doesNotExist || next == .endOfString || next == .comma {
            // `!key` ends the requirement even when an operator follows (`!a=b` then fails on the `=`).
            let r = LabelSelectorQuery.Requirement(key: key, operator: op ?? .exists)
            try validate(r, at: start)
            return r
        }
        let opItem = consume(.keyAndOperator)
        switch opItem.token {
        case .in: op = .in
        case .equals: op = .equals
        case .doubleEquals: op = .doubleEquals
        case .greaterThan: op = .greaterThan
        case .lessThan: op = .lessThan
        case .notIn: op = .notIn
        case .notEquals: op = .notEquals
        default:
            throw fail(opItem, "found '\(opItem.literal)', expected: in, notin, =, ==, !=, gt, lt")
        }
        let values: [String]
        switch op! {
        case .in, .notIn: values = try parseValues()
        default: values = try parseExactValue()
        }
        let r = LabelSelectorQuery.Requirement(key: key, operator: op!, values: values)
        try validate(r, at: start)
        return r
    }

    func validate(_ r: LabelSelectorQuery.Requirement, at: Item) throws(LabelSelectorParseError) {
        let errors = r.validationErrors
        if errors.count == 1 { throw fail(at, errors[0]) }
        if errors.count > 1 { throw fail(at, "[" + errors.joined(separator: ", ") + "]") }
    }

    /// `(a,b,c)`: a sorted set in which empty values are allowed (`(,a)`, `()`).
    mutating func parseValues() throws(LabelSelectorParseError) -> [String] {
        let open = consume(.values)
        guard open.token == .openPar else { throw fail(open, "found '\(open.literal)' expected: '('") }
        let first = lookahead(.values)
        switch first.token {
        case .identifier, .comma:
            var set = Set<String>()
            loop: while true {
                let it = consume(.values)
                switch it.token {
                case .identifier:
                    set.insert(it.literal)
                    let n = lookahead(.values)
                    switch n.token {
                    case .comma: continue loop
                    case .closedPar: break loop
                    default: throw fail(n, "found '\(n.literal)', expected: ',' or ')'")
                    }
                case .comma:
                    if set.isEmpty { set.insert("") }
                    let n = lookahead(.values)
                    if n.token == .closedPar {
                        set.insert("")
                        break loop
                    }
                    if n.token == .comma { set.insert("") }
                default:
                    throw fail(it, "found '\(it.literal)', expected: ',', or identifier")
                }
            }
            let close = consume(.values)
            guard close.token == .closedPar else { throw fail(close, "found '\(first.literal)', expected: ')'") }
            return set.sorted()
        case .closedPar:
            _ = consume(.values)
            return [""]
        default:
            throw fail(first, "found '\(first.literal)', expected: ',', ')' or identifier")
        }
    }

    /// The single value after `=`, `==`, `!=`, `>` or `<`; empty when the requirement ends there (`a=`).
    mutating func parseExactValue() throws(LabelSelectorParseError) -> [String] {
        let n = lookahead(.values)
        if n.token == .endOfString || n.token == .comma { return [""] }
        let it = consume(.values)
        guard it.token == .identifier else { throw fail(it, "found '\(it.literal)', expected: identifier") }
        return [it.literal]
    }
}
