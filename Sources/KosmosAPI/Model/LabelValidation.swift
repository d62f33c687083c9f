/// Kubernetes' syntax rules for label keys, label values and DNS names, with its error wording.
///
/// Each check returns the list of problems (empty when valid), worded as apimachinery's `validation` package
/// words them, so an API server can put them in a `Status` unchanged.
public enum LabelValidation {
    private static let qualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    private static let qualifiedNameMessage =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
        + "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '"
        + qualifiedNameFormat + "')"
    private static let labelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
        + "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
        + "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    private static let dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
        + "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    private static let dns1123LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
        + "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"

    /// Problems with a qualified name such as a label key (`[prefix/]name`); empty when valid.
    public static func qualifiedNameErrors(_ value: String) -> [String] {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        let name: Substring
        var errors: [String] = []
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            let prefix = parts[0]
            name = parts[1]
            if prefix.isEmpty {
                errors.append("prefix part must be non-empty")
            } else {
                errors += dns1123SubdomainErrors(String(prefix)).map { "prefix part " + $0 }
            }
        default:
            return ["a qualified name " + qualifiedNameMessage]
        }
        if name.isEmpty {
            errors.append("name part must be non-empty")
        } else if name.utf8.count > 63 {
            errors.append("name part must be no more than 63 characters")
        }
        if !isQualifiedNamePart(name.utf8) {
            errors.append("name part " + qualifiedNameMessage)
        }
        return errors
    }

    /// Problems with a label value (empty, or at most 63 characters of `[-A-Za-z0-9_.]` starting and ending with
    /// an alphanumeric); empty when valid.
    public static func labelValueErrors(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 63 { errors.append("must be no more than 63 characters") }
        if !value.isEmpty && !isQualifiedNamePart(value.utf8) { errors.append(labelValueMessage) }
        return errors
    }

    /// Problems with a DNS-1123 subdomain (most object names); empty when valid.
    public static func dns1123SubdomainErrors(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 253 { errors.append("must be no more than 253 characters") }
        let labels = value.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if value.isEmpty || !labels.allSatisfy(isDNSLabel) { errors.append(dns1123SubdomainMessage) }
        return errors
    }

    /// Problems with a DNS-1123 label (namespace and service names); empty when valid.
    public static func dns1123LabelErrors(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 63 { errors.append("must be no more than 63 characters") }
        if !isDNSLabel(Substring(value).utf8) { errors.append(dns1123LabelMessage) }
        return errors
    }

    private static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }

    private static func isQualifiedNamePart<C: Collection>(_ s: C) -> Bool where C.Element == UInt8 {
        guard let first = s.first, isAlnum(first) else { return false }
        var last = first
        for c in s {
            guard isAlnum(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") else {
                return false
            }
            last = c
        }
        return isAlnum(last)
    }

    private static func isDNSLabel<C: Collection>(_ s: C) -> Bool where C.Element == UInt8 {
        guard let first = s.first else { return false }
        func lowerAlnum(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) }
        guard lowerAlnum(first) else { return false }
        var last = first
        for c in s {
            guard lowerAlnum(c) || c == UInt8(ascii: "-") else { return false }
            last = c
        }
        return lowerAlnum(last)
    }
}
