import ATSDomain

extension BuildInfo {
    /// `ATS Router 0.1.0 (commit 1a2b3c4d5e6f)`: what `--version` prints.
    public static var versionLine: String {
        "\(ATSRouterRelease.name) \(ATSRouterRelease.version) (commit \(commit))"
    }
}
