/// A typed view over a JSON object: the object *is* its JSON, and properties read and write fields of it.
///
/// This is how KosmosAPI keeps objects lossless: fields the Swift model does not know stay in `json` untouched,
/// at every depth, and field names are the JSON names by construction. Conforming types declare properties with
/// the `self[field:]` subscript:
///
/// ```swift
/// public struct PodSpec: JSONBacked {
///     public var json: JSONValue
///     public init(json: JSONValue) { self.json = json }
///     public var nodeName: String? { get { self[field: "nodeName"] } set { self[field: "nodeName"] = newValue } }
/// }
/// ```
public protocol JSONBacked: JSONConvertible, Hashable, Codable, CustomStringConvertible {
    /// The object's JSON; always an object for well-formed values.
    var json: JSONValue { get set }
    /// Wraps JSON without validating it.
    init(json: JSONValue)
}

extension JSONBacked {
    /// An empty object.
    public init() { self.init(json: .object(JSONObject())) }

    public init?(jsonValue: JSONValue) {
        guard case .object = jsonValue else { return nil }
        self.init(json: jsonValue)
    }

    public var jsonValue: JSONValue { json }

    /// A field converted to `T`; `nil` when absent, `null`, or of another JSON type.
    /// Setting `nil` removes the field (an explicit `null` already there is kept, so reading and writing back never
    /// changes the JSON).
    @inlinable
    public subscript<T: JSONConvertible>(field key: String) -> T? {
        get {
            guard case .object(let o) = json, let v = o[key] else { return nil }
            return T(jsonValue: v)
        }
        set {
            if let newValue {
                json[key] = newValue.jsonValue
            } else if json[key]?.isNull != true {
                json[key] = JSONValue?.none
            }
        }
    }

    /// A nested object field that reads as empty when absent; setting an empty value where the field was absent
    /// leaves it absent, so reading a view never adds fields.
    @inlinable
    public subscript<T: JSONBacked>(object key: String) -> T {
        get {
            guard case .object(let o) = json, let v = o[key], case .object = v else { return T() }
            return T(json: v)
        }
        set {
            if case .object(let n) = newValue.json, n.isEmpty, json[key] == nil || json[key]?.isNull == true { return }
            json[key] = newValue.json
        }
    }

    /// A list field that reads as empty when absent; setting an empty list removes a non-empty list (an absent
    /// field, `null` or `[]` is left as it is, so reading and writing back never changes the JSON).
    @inlinable
    public subscript<T: JSONConvertible>(list key: String) -> [T] {
        get { self[field: key] ?? [] }
        set {
            // `nil` must be Optional.none here: JSONValue is ExpressibleByNilLiteral, and a bare `nil` in a
            // ternary with a JSONValue branch would become `.null` and write `"key": null`.
            if !newValue.isEmpty {
                json[key] = newValue.jsonValue
            } else if json[key]?.arrayValue?.isEmpty == false {
                json[key] = JSONValue?.none
            }
        }
    }

    /// A string map field (labels, annotations, data) that reads as empty when absent; setting an empty map
    /// removes a non-empty map (an absent field, `null` or `{}` is left as it is).
    @inlinable
    public subscript(map key: String) -> [String: String] {
        get { self[field: key] ?? [:] }
        set {
            if !newValue.isEmpty {
                json[key] = newValue.jsonValue
            } else if json[key]?.objectValue?.isEmpty == false {
                json[key] = JSONValue?.none
            }
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.json == rhs.json }
    public func hash(into hasher: inout Hasher) { hasher.combine(json) }

    public init(from decoder: any Decoder) throws {
        self.init(json: try JSONValue(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }

    public var description: String { json.serializedString() }
}
