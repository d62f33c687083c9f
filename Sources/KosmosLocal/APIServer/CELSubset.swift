import Foundation
import KosmosAPI

/// A small evaluator for the part of CEL (Common Expression Language) that CRD `x-kubernetes-validations` rules
/// use most: `self`/`oldSelf`, field access, `has()`, literals, `size()`, comparisons, logic, arithmetic, `in`,
/// parentheses, the ternary operator, the macros `all`, `exists`, `exists_one`, `map` and `filter`, and the string
/// functions `matches`, `startsWith`, `endsWith`, `contains`, `lowerAscii`, `upperAscii`. Syntax outside that subset
/// is reported as `unsupported` by `compile`, so the API server refuses such a rule when the CRD is written.
public enum CELSubset {
    /// Why a rule could not produce a boolean.
    public enum Failure: Error, Equatable {
        /// The rule uses syntax or functions this subset does not implement.
        case unsupported(String)
        /// The rule is supported but failed at run time (e.g. `no such key: x`), as kube would report it.
        case runtime(String)
    }

    indirect enum Node {
        case literal(JSONValue)
        case ident(String)
        case list([Node])
        case member(Node, String)
        case index(Node, Node)
        case has(Node)
        case call(String, [Node])
        /// A macro over a list's items or a map's keys: kind, range, variable, then predicate and/or transform.
        case comprehension(String, Node, String, [Node])
        case unary(String, Node)
        case binary(String, Node, Node)
        case ternary(Node, Node, Node)
    }

    /// Whether `rule` mentions `oldSelf` (a transition rule, only evaluated on updates).
    public static func isTransitionRule(_ rule: String) -> Bool {
        (try? tokenize(rule))?.contains { if case .ident("oldSelf") = $0 { return true }; return false } ?? false
    }

    /// Parses `expression` without running it: what the API server checks when a CRD is written.
    /// - Throws: `Failure.unsupported` naming the construct this subset does not implement.
    public static func compile(_ expression: String) throws(Failure) {
        _ = try parse(expression)
    }

    static func parse(_ expression: String) throws(Failure) -> Node {
        var parser = Parser(tokens: try tokenize(expression))
        let node = try parser.parseExpression()
        guard parser.pos == parser.tokens.count else { throw .unsupported("unexpected trailing input") }
        return node
    }

    /// Evaluates `rule` with `self` (and `oldSelf` when given) bound; returns the boolean result.
    /// - Throws: `Failure`, as `value(of:self:oldSelf:)`; `.runtime` also when the rule is not a boolean.
    public static func evaluate(_ rule: String, self value: JSONValue, oldSelf: JSONValue? = nil) throws(Failure)
        -> Bool {
        guard case .bool(let b) = try CELSubset.value(of: rule, self: value, oldSelf: oldSelf) else {
            throw .runtime("rule did not evaluate to a bool")
        }
        return b
    }

    /// Evaluates any expression (a `messageExpression` yields a string) with `self`/`oldSelf` bound.
    /// - Throws: `Failure.unsupported` for syntax or types outside the subset, `Failure.runtime` for CEL's own
    ///   evaluation errors (`no such key: x`, division by zero).
    public static func value(of expression: String, self value: JSONValue, oldSelf: JSONValue? = nil)
        throws(Failure) -> JSONValue {
        let node = try parse(expression)
        var vars: [String: JSONValue] = ["self": value]
        if let oldSelf { vars["oldSelf"] = oldSelf }
        return try eval(node, vars)
    }

    // MARK: Tokens

    enum Token: Equatable {
        case ident(String), int(Int64), double(Double), string(String), op(String)
    }

    static func tokenize(_ s: String) throws(Failure) -> [Token] {
        let c = Array(s.unicodeScalars)
        var i = 0
        var out: [Token] = []
        while i < c.count {
            let ch = c[i]
            if ch == " " || ch == "\t" || ch == "\n" || ch == "\r" { i += 1; continue }
            if CharacterSet.letters.contains(ch) || ch == "_" {
                var j = i
                while j < c.count, CharacterSet.alphanumerics.contains(c[j]) || c[j] == "_" { j += 1 }
                out.append(.ident(String(String.UnicodeScalarView(c[i..<j])))); i = j; continue
            }
            if CharacterSet.decimalDigits.contains(ch) {
                var j = i
                var isDouble = false
                while j < c.count, CharacterSet.decimalDigits.contains(c[j]) || (c[j] == "." && !isDouble
                        && j + 1 < c.count && CharacterSet.decimalDigits.contains(c[j + 1])) {
                    if c[j] == "." { isDouble = true }
                    j += 1
                }
                let text = String(String.UnicodeScalarView(c[i..<j]))
                if j < c.count, c[j] == "u" || c[j] == "U" || c[j] == "e" || c[j] == "x" {
                    throw .unsupported("number literal form")
                }
                if isDouble { out.append(.double(Double(text) ?? 0)) } else {
                    guard let v = Int64(text) else { throw .unsupported("integer literal") }
                    out.append(.int(v))
                }
                i = j; continue
            }
            if ch == "'" || ch == "\"" {
                var j = i + 1
                var text = String.UnicodeScalarView()
                while j < c.count, c[j] != ch {
                    if c[j] == "\\" {
                        guard j + 1 < c.count else { throw .unsupported("escape") }
                        switch c[j + 1] {
                        case "n": text.append("\n")
                        case "t": text.append("\t")
                        case "\\", "'", "\"": text.append(c[j + 1])
                        default: throw .unsupported("escape sequence")
                        }
                        j += 2; continue
                    }
                    text.append(c[j]); j += 1
                }
                guard j < c.count else { throw .unsupported("unterminated string") }
                out.append(.string(String(text))); i = j + 1; continue
            }
            let two = i + 1 < c.count ? String(String.UnicodeScalarView([ch, c[i + 1]])) : ""
            if ["==", "!=", "<=", ">=", "&&", "||"].contains(two) { out.append(.op(two)); i += 2; continue }
            let one = String(ch)
            if "+-*/%<>!?:().,[]".contains(one) { out.append(.op(one)); i += 1; continue }
            throw .unsupported("character \(one)")
        }
        return out
    }

    // MARK: Parser (precedence climbing, CEL's precedence order)

    struct Parser {
        var tokens: [Token]
        var pos = 0
        /// Identifiers in scope: `self`, `oldSelf` and the variables of enclosing macros.
        var bound: Set<String> = ["self", "oldSelf"]

        var peek: Token? { pos < tokens.count ? tokens[pos] : nil }
        mutating func accept(_ op: String) -> Bool {
            if peek == .op(op) { pos += 1; return true }
            return false
        }
        mutating func expect(_ op: String) throws(Failure) {
            guard accept(op) else { throw .unsupported("expected \(op)") }
        }

        mutating func parseExpression() throws(Failure) -> Node {
            let cond = try parseOr()
            if accept("?") {
                let a = try parseOr()
                try expect(":")
                let b = try parseExpression()
                return .ternary(cond, a, b)
            }
            return cond
        }
        mutating func parseOr() throws(Failure) -> Node {
            var l = try parseAnd()
            while accept("||") { l = .binary("||", l, try parseAnd()) }
            return l
        }
        mutating func parseAnd() throws(Failure) -> Node {
            var l = try parseRelation()
            while accept("&&") { l = .binary("&&", l, try parseRelation()) }
            return l
        }
        mutating func parseRelation() throws(Failure) -> Node {
            var l = try parseAdditive()
            while true {
                if case .op(let o)? = peek, ["==", "!=", "<", "<=", ">", ">="].contains(o) {
                    pos += 1; l = .binary(o, l, try parseAdditive())
                } else if peek == .ident("in") {
                    pos += 1; l = .binary("in", l, try parseAdditive())
                } else { return l }
            }
        }
        mutating func parseAdditive() throws(Failure) -> Node {
            var l = try parseMultiplicative()
            while case .op(let o)? = peek, o == "+" || o == "-" { pos += 1; l = .binary(o, l, try parseMultiplicative()) }
            return l
        }
        mutating func parseMultiplicative() throws(Failure) -> Node {
            var l = try parseUnary()
            while case .op(let o)? = peek, o == "*" || o == "/" || o == "%" {
                pos += 1; l = .binary(o, l, try parseUnary())
            }
            return l
        }
        mutating func parseUnary() throws(Failure) -> Node {
            if accept("!") { return .unary("!", try parseUnary()) }
            if accept("-") { return .unary("-", try parseUnary()) }
            return try parsePostfix()
        }
        mutating func parsePostfix() throws(Failure) -> Node {
            var n = try parsePrimary()
            while true {
                if accept(".") {
                    guard case .ident(let name)? = peek else { throw .unsupported("member name") }
                    pos += 1
                    if accept("(") {
                        if Self.macros.contains(name) {
                            n = try parseMacro(name, target: n)
                            continue
                        }
                        let args = try parseArgs()
                        guard let arity = Self.methods[name] else { throw .unsupported("function \(name)") }
                        guard args.count == arity else {
                            throw .unsupported("\(name) takes \(arity) argument\(arity == 1 ? "" : "s")")
                        }
                        n = .call(name, [n] + args)
                    } else { n = .member(n, name) }
                } else if accept("[") {
                    let i = try parseExpression()
                    try expect("]")
                    n = .index(n, i)
                } else { return n }
            }
        }
        static let macros: Set<String> = ["all", "exists", "exists_one", "map", "filter"]
        /// Receiver-style functions and their argument counts.
        static let methods: [String: Int] = ["size": 0, "matches": 1, "startsWith": 1, "endsWith": 1,
                                             "contains": 1, "lowerAscii": 0, "upperAscii": 0]

        /// `range.macro(var, expr)` (and `range.map(var, filter, expr)`); the cursor is after `(`.
        mutating func parseMacro(_ name: String, target: Node) throws(Failure) -> Node {
            guard case .ident(let variable)? = peek, !["self", "oldSelf", "true", "false", "null"].contains(variable)
            else { throw .unsupported("\(name)() needs a variable name first") }
            pos += 1
            try expect(",")
            let saved = bound
            bound.insert(variable)
            defer { bound = saved }
            var args = [try parseExpression()]
            if name == "map", accept(",") { args.append(try parseExpression()) }
            try expect(")")
            return .comprehension(name, target, variable, args)
        }

        mutating func parseArgs() throws(Failure) -> [Node] {
            var args: [Node] = []
            if accept(")") { return args }
            repeat { args.append(try parseExpression()) } while accept(",")
            try expect(")")
            return args
        }
        mutating func parsePrimary() throws(Failure) -> Node {
            guard let t = peek else { throw .unsupported("unexpected end") }
            pos += 1
            switch t {
            case .int(let v): return .literal(.int(v))
            case .double(let v): return .literal(.double(v))
            case .string(let s): return .literal(.string(s))
            case .op("("):
                let e = try parseExpression()
                try expect(")")
                return e
            case .op("["):
                var items: [Node] = []
                if !accept("]") {
                    repeat { items.append(try parseExpression()) } while accept(",")
                    try expect("]")
                }
                return .list(items)
            case .ident("true"): return .literal(.bool(true))
            case .ident("false"): return .literal(.bool(false))
            case .ident("null"): return .literal(.null)
            case .ident(let name):
                if accept("(") {
                    let args = try parseArgs()
                    if name == "has" {
                        guard args.count == 1, case .member = args[0] else { throw .unsupported("has() argument") }
                        return .has(args[0])
                    }
                    switch (name, args.count) {
                    case ("size", 1), ("int", 1), ("string", 1), ("matches", 2): return .call(name, args)
                    default: throw .unsupported("function \(name)")
                    }
                }
                guard bound.contains(name) else { throw .unsupported("identifier \(name)") }
                return .ident(name)
            default: throw .unsupported("token")
            }
        }
    }

    // MARK: Evaluation

    static func eval(_ n: Node, _ vars: [String: JSONValue]) throws(Failure) -> JSONValue {
        switch n {
        case .literal(let v): return v
        case .ident(let name):
            guard let v = vars[name] else { throw .unsupported("unbound \(name)") }
            return v
        case .list(let items):
            var out: [JSONValue] = []
            for i in items { out.append(try eval(i, vars)) }
            return .array(out)
        case .member(let base, let name):
            guard case .object(let o) = try eval(base, vars) else { throw .unsupported("member of non-object") }
            guard let v = o[name] else { throw .runtime("no such key: \(name)") }
            return v
        case .index(let base, let idx):
            let b = try eval(base, vars), i = try eval(idx, vars)
            switch (b, i) {
            case (.array(let a), .int(let k)):
                guard k >= 0, k < a.count else { throw .runtime("index out of bounds: \(k)") }
                return a[Int(k)]
            case (.object(let o), .string(let k)):
                guard let v = o[k] else { throw .runtime("no such key: \(k)") }
                return v
            default: throw .unsupported("index")
            }
        case .has(let m):
            guard case .member(let base, let name) = m else { throw .unsupported("has") }
            guard case .object(let o) = try eval(base, vars) else { throw .unsupported("has on non-object") }
            return .bool(o[name] != nil)
        case .call(let name, let args):
            var values: [JSONValue] = []
            for a in args { values.append(try eval(a, vars)) }
            return try call(name, values)
        case .comprehension(let kind, let range, let variable, let body):
            return try comprehension(kind, range: try eval(range, vars), variable: variable, body: body, vars)
        case .unary(let op, let x):
            let v = try eval(x, vars)
            switch (op, v) {
            case ("!", .bool(let b)): return .bool(!b)
            case ("-", .int(let i)): return .int(-i)
            case ("-", .double(let d)): return .double(-d)
            default: throw .unsupported("unary \(op)")
            }
        case .ternary(let c, let a, let b):
            guard case .bool(let cond) = try eval(c, vars) else { throw .unsupported("ternary condition") }
            return try eval(cond ? a : b, vars)
        case .binary(let op, let l, let r):
            return try binary(op, l, r, vars)
        }
    }

    static func call(_ name: String, _ args: [JSONValue]) throws(Failure) -> JSONValue {
        // The parser checked each function's arity; `second` is the argument of the receiver-style ones.
        let second: JSONValue? = args.count > 1 ? args[1] : nil
        switch (name, args[0], second) {
        case ("size", .string(let s), _): return .int(Int64(s.unicodeScalars.count))
        case ("size", .array(let a), _): return .int(Int64(a.count))
        case ("size", .object(let o), _): return .int(Int64(o.fieldNames.count))
        case ("matches", .string(let s), .string(let p)?):
            guard let re = try? NSRegularExpression(pattern: p) else { throw .runtime("invalid regular expression") }
            return .bool(re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil)
        case ("startsWith", .string(let s), .string(let p)?): return .bool(s.hasPrefix(p))
        case ("endsWith", .string(let s), .string(let p)?): return .bool(s.hasSuffix(p))
        case ("contains", .string(let s), .string(let p)?): return .bool(p.isEmpty || s.contains(p))
        case ("lowerAscii", .string(let s), _):
            return .string(String(String.UnicodeScalarView(s.unicodeScalars.map {
                $0.isASCII ? Unicode.Scalar(UInt8(ascii: $0) | ($0.properties.isUppercase ? 0x20 : 0)) : $0
            })))
        case ("upperAscii", .string(let s), _):
            return .string(String(String.UnicodeScalarView(s.unicodeScalars.map {
                $0.isASCII && $0.properties.isLowercase ? Unicode.Scalar(UInt8(ascii: $0) & ~0x20) : $0
            })))
        case ("int", .int, _): return args[0]
        case ("int", .double(let d), _):
            guard d.isFinite, d >= -9.2e18, d <= 9.2e18 else { throw .runtime("range error converting \(d) to int") }
            return .int(Int64(d))
        case ("int", .string(let s), _):
            guard let i = Int64(s) else { throw .runtime("cannot convert \"\(s)\" to int") }
            return .int(i)
        case ("string", .string, _): return args[0]
        case ("string", .int(let i), _): return .string(String(i))
        case ("string", .bool(let b), _): return .string(String(b))
        case ("string", .double(let d), _): return .string(String(d))
        default: throw .unsupported("\(name) on these argument types")
        }
    }

    /// The CEL macros: a list ranges over its items, a map over its keys.
    static func comprehension(_ kind: String, range: JSONValue, variable: String, body: [Node],
                              _ vars: [String: JSONValue]) throws(Failure) -> JSONValue {
        let elements: [JSONValue]
        switch range {
        case .array(let a): elements = a
        case .object(let o): elements = o.fieldNames.map { .string($0) }
        default: throw .unsupported("\(kind)() over a value that is not a list or map")
        }
        var scope = vars
        func predicate(_ e: JSONValue, _ node: Node) throws(Failure) -> Bool {
            scope[variable] = e
            guard case .bool(let b) = try eval(node, scope) else {
                throw .unsupported("\(kind)() predicate is not a bool")
            }
            return b
        }
        switch kind {
        case "all", "exists":
            // Like && and ||, a decisive element wins over an element whose predicate failed.
            let decisive = kind == "exists"
            var failure: Failure?
            for e in elements {
                do {
                    if try predicate(e, body[0]) == decisive { return .bool(decisive) }
                } catch { failure = failure ?? error }
            }
            if let failure { throw failure }
            return .bool(!decisive)
        case "exists_one":
            var count = 0
            for e in elements where try predicate(e, body[0]) { count += 1 }
            return .bool(count == 1)
        case "filter":
            var out: [JSONValue] = []
            for e in elements where try predicate(e, body[0]) { out.append(e) }
            return .array(out)
        default: // map, with an optional filter first
            var out: [JSONValue] = []
            for e in elements {
                if body.count == 2, try !predicate(e, body[0]) { continue }
                scope[variable] = e
                out.append(try eval(body[body.count - 1], scope))
            }
            return .array(out)
        }
    }

    static func binary(_ op: String, _ l: Node, _ r: Node, _ vars: [String: JSONValue]) throws(Failure) -> JSONValue {
        if op == "&&" || op == "||" {
            // CEL's logic is commutative over errors: a decisive side wins even when the other side fails.
            let a = Result { () throws(Failure) in try eval(l, vars) }
            let b = Result { () throws(Failure) in try eval(r, vars) }
            let decisive = op == "||"
            if case .success(.bool(decisive)) = a { return .bool(decisive) }
            if case .success(.bool(decisive)) = b { return .bool(decisive) }
            let av = try a.get(), bv = try b.get()
            guard case .bool = av, case .bool = bv else { throw .unsupported("logic on non-bool") }
            return .bool(!decisive)
        }
        let a = try eval(l, vars), b = try eval(r, vars)
        switch op {
        case "==": return .bool(a == b)
        case "!=": return .bool(a != b)
        case "in":
            guard case .array(let items) = b else {
                if case .object(let o) = b, case .string(let k) = a { return .bool(o[k] != nil) }
                throw .unsupported("in")
            }
            return .bool(items.contains(a))
        case "<", "<=", ">", ">=":
            let order: Int
            switch (a, b) {
            case (.string(let x), .string(let y)): order = x < y ? -1 : (x == y ? 0 : 1)
            case (.int(let x), .int(let y)): order = x < y ? -1 : (x == y ? 0 : 1)
            case (.int, .double), (.double, .int), (.double, .double):
                let x = a.doubleValue!, y = b.doubleValue!
                order = x < y ? -1 : (x == y ? 0 : 1)
            case (.bool(let x), .bool(let y)): order = x == y ? 0 : (x ? 1 : -1)
            default: throw .unsupported("comparison of these types")
            }
            switch op {
            case "<": return .bool(order < 0)
            case "<=": return .bool(order <= 0)
            case ">": return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        default:
            switch (a, b) {
            case (.int(let x), .int(let y)):
                switch op {
                case "+": let (v, o) = x.addingReportingOverflow(y); if o { throw .runtime("integer overflow") }; return .int(v)
                case "-": let (v, o) = x.subtractingReportingOverflow(y); if o { throw .runtime("integer overflow") }; return .int(v)
                case "*": let (v, o) = x.multipliedReportingOverflow(by: y); if o { throw .runtime("integer overflow") }; return .int(v)
                case "/": if y == 0 { throw .runtime("division by zero") }; return .int(x / y)
                default: if y == 0 { throw .runtime("modulus by zero") }; return .int(x % y)
                }
            case (.double(let x), .double(let y)):
                switch op {
                case "+": return .double(x + y)
                case "-": return .double(x - y)
                case "*": return .double(x * y)
                case "/": return .double(x / y)
                default: throw .unsupported("% on doubles")
                }
            case (.string(let x), .string(let y)) where op == "+": return .string(x + y)
            case (.array(let x), .array(let y)) where op == "+": return .array(x + y)
            default: throw .unsupported("arithmetic on these types")
            }
        }
    }
}
