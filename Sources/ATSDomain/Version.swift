/// The product's name and version, as `--version` and the API report them.
public enum ATSRouterRelease {
    public static let name = "ATS Router"
    public static let version = "0.1.0"
}
