import Foundation
import PackagePlugin

/// Embeds every file in a target's `Embedded/` folder into the target as Swift string
/// constants (`enum EmbeddedFiles`, see `EmbedFiles`), at build time: the bulletin's web page is
/// edited as HTML, CSS and JavaScript files and shipped inside the `node` binary, with no bundle
/// to find at run time. The files are inputs, so `swift build` re-embeds them when they change.
@main
struct EmbedFilesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let folder = target.directoryURL.appending(path: "Embedded")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        let files = names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appending(path: $0) }
        guard !files.isEmpty else { return [] }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        return [.buildCommand(
            displayName: "Embedding the files in \(target.name)/Embedded",
            executable: try context.tool(named: "EmbedFiles").url,
            arguments: ["--output", output.path, "--type", "EmbeddedFiles"] + files.map(\.path),
            inputFiles: files,
            outputFiles: [output]
        )]
    }
}
