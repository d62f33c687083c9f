/// A field selector in its string form, as sent in `?fieldSelector=`: `a=b,c!=d,e==f` (values may be empty;
/// `\,`, `\=` and `\\` escape those characters in values).
///
/// Parsing follows apimachinery's `fields.ParseSelector`: terms are sorted, `==` reads as `=`, and an absent field
/// compares as the empty string. An empty query selects everything.
public struct FieldSelectorQuery: Hashable, Sendable, CustomStringConvertible {
    /// The requirements; an object is selected when it meets all of them.
    public var requirements: [Requirement]

    /// A query from requirements, kept in the given order.
    public init(requirements: [Requirement] = []) {
        self.requirements = requirements
    }

    /// The query that selects everything.
    public static let everything = FieldSelectorQuery()

    /// Whether the query selects everything.
    public var isEmpty: Bool { requirements.isEmpty }

    /// One term: `field=value` or `field!=value`.
    public struct Requirement: Hashable, Sendable, CustomStringConvertible {
        /// The field path, e.g. `metadata.name` or `spec.nodeName`.
        public var field: String
        /// `true` for `!=`.
        public var negated: Bool
        /// The value (unescaped).
        public var value: String

        /// Creates a requirement `field=value`, or `field!=value` when negated.
        public init(field: String, negated: Bool = false, value: String) {
            self.field = field
            self.negated = negated
            self.value = value
        }

        /// Whether a field value (`nil` when the object has no such field, compared as "") meets the term.
        public func matches(_ fieldValue: String?) -> Bool {
            ((fieldValue ?? "") == value) != negated
        }

        /// `field=value` or `field!=value` with the value escaped.
        public var description: String {
            field + (negated ? "!=" : "=") + FieldSelectorQuery.escape(value)
        }
    }

    /// Whether an object meets every requirement.
    ///
    /// - Parameter lookup: the object's value of a field path, `nil` when it has none.
    public func matches(lookup: (String) -> String?) -> Bool {
        for r in requirements where !r.matches(lookup(r.field)) { return false }
        return true
    }

    /// The canonical string form, as Kubernetes prints it.
    public var description: String { requirements.map(\.description).joined(separator: ",") }

    /// The value of the first `field=value` requirement on a field, e.g. to serve `spec.nodeName=x` from an
    /// index.
    public func requiredValue(of field: String) -> String? {
        requirements.first { $0.field == field && !$0.negated }?.value
    }

    /// Escapes `\`, `,` and `=` in a value.
    public static func escape(_ value: String) -> String {
        var r = ""
        for c in value {
            if c == "\\" || c == "," || c == "=" { r.append("\\") }
            r.append(c)
        }
        return r
    }

    /// Parses the string syntax.
    ///
    /// - Parameter s: the selector, e.g. `metadata.name=a,spec.nodeName!=`; empty selects everything.
    /// - Returns: the query, terms sorted as Kubernetes sorts them.
    /// - Throws: `FieldSelectorParseError` naming the term and the cause.
    public static func parse(_ s: String) throws(FieldSelectorParseError) -> FieldSelectorQuery {
        let chars = Array(s)
        // Split on unescaped commas, keeping escapes for the value unescaping below.
        var terms: [(text: [Character], offset: Int)] = []
        if !chars.isEmpty {
            var start = 0
            var inSlash = false
            for (i, c) in chars.enumerated() {
                if inSlash {
                    inSlash = false
                } else if c == "\\" {
                    inSlash = true
                } else if c == "," {
                    terms.append((Array(chars[start..<i]), start))
                    start = i + 1
                }
            }
            terms.append((Array(chars[start...]), start))
        }
        terms.sort { String($0.text) < String($1.text) }
        var reqs: [Requirement] = []
        for (term, offset) in terms where !term.isEmpty {
            var split: (lhs: [Character], negated: Bool, rhs: [Character], rhsOffset: Int)?
            var i = 0
            while i < term.count {
                if term[i] == "!", i + 1 < term.count, term[i + 1] == "=" {
                    split = (Array(term[..<i]), true, Array(term[(i + 2)...]), i + 2)
                } else if term[i] == "=", i + 1 < term.count, term[i + 1] == "=" {
                    split = (Array(term[..<i]), false, Array(term[(i + 2)...]), i + 2)
                } else if term[i] == "=" {
                    split = (Array(term[..<i]), false, Array(term[(i + 1)...]), i + 1)
                }
                if split != nil { break }
                i += 1
            }
            guard let split else {
                throw FieldSelectorParseError(
                    selector: s, position: offset,
                    message: "invalid selector: '\(s)'; can't understand '\(String(term))'")
            }
            var value = ""
            var escaped = false
            for (j, c) in split.rhs.enumerated() {
                if escaped {
                    guard c == "\\" || c == "," || c == "=" else {
                        throw FieldSelectorParseError(
                            selector: s, position: offset + split.rhsOffset + j - 1,
                            message: "invalid field selector: invalid escape sequence: \\\(c)")
                    }
                    value.append(c)
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c == "," || c == "=" {
                    throw FieldSelectorParseError(
                        selector: s, position: offset + split.rhsOffset + j,
                        // Go formats the rune with %v, i.e. as its code point number (61 for "=").
                        message: "invalid field selector: unescaped character in value: \(c.unicodeScalars.first!.value)")
                } else {
                    value.append(c)
                }
            }
            if escaped {
                throw FieldSelectorParseError(
                    selector: s, position: offset + term.count - 1,
                    message: "invalid field selector: invalid escape sequence: \\")
            }
            reqs.append(Requirement(field: String(split.lhs), negated: split.negated, value: value))
        }
        return FieldSelectorQuery(requirements: reqs)
    }
}

/// A field selector string that does not parse.
///
/// `message` is kube-apiserver's wording; `position` the character offset in the selector where the problem
/// starts.
public struct FieldSelectorParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The selector that failed.
    public var selector: String
    /// Character offset of the problem in `selector`.
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
        "parse field selector \(goQuote(selector)) at offset \(position): \(message)"
    }
}
