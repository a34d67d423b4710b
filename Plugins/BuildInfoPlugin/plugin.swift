import Foundation
import PackagePlugin

/// Writes `BuildInfo.swift` before each build: the git commit the binary is built from (with
/// `+dirty` when tracked files differ from it), so `ats-router --version` and the `ats_build_info`
/// metric can say exactly what runs. The file is rewritten only when its text changes, so an
/// unchanged tree rebuilds nothing. Outside a git checkout the commit is `unknown`.
@main struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL
        let script = #"""
            root="$1"; file="$2"
            commit=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
            if [ "$commit" != unknown ] && [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
              commit="$commit+dirty"
            fi
            text="// Generated before each build by the BuildInfo plugin.
            public enum BuildInfo {
                /// The git commit this binary was built from (\`+dirty\`: with uncommitted changes).
                public static let commit = \"$commit\"
            }"
            [ "$(cat "$file" 2>/dev/null)" = "$text" ] || printf '%s\n' "$text" > "$file"
            """#
        return [
            .prebuildCommand(
                displayName: "Recording the git commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [
                    "-c", script, "sh", context.package.directoryURL.path,
                    output.appendingPathComponent("BuildInfo.swift").path,
                ],
                outputFilesDirectory: output)
        ]
    }
}
