/// The version of this Kosmos build.
public enum KosmosVersion {
    /// The release string, e.g. `0.1.0`.
    public static let current = "0.1.0-dev"
}
