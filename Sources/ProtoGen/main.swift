import Foundation
import ProtoGenKit

/// `ProtoGen --root <dir> --manifest <file> --module <name> --output <dir> [--local-root <dir>] [--runtime-module RPC]`
///
/// Reads every `.proto` file under the root (and the local root, whose files all belong to the
/// module), and writes one `<path>.pb.swift` into the output directory for each file of the
/// module (an empty module writes nothing). Exits 1 with `file:line: problem` on any error.
func run() throws {
    var options: [String: String] = [:]
    var arguments = CommandLine.arguments.dropFirst()
    while let flag = arguments.popFirst() {
        guard flag.hasPrefix("--"), let value = arguments.popFirst() else {
            throw ProtoSyntaxError(file: "ProtoGen", line: 0, problem: "usage: ProtoGen --root DIR --manifest FILE --module NAME --output DIR")
        }
        options[String(flag.dropFirst(2))] = value
    }
    guard let root = options["root"], let manifest = options["manifest"], let module = options["module"], let output = options["output"] else {
        throw ProtoSyntaxError(file: "ProtoGen", line: 0, problem: "usage: ProtoGen --root DIR --manifest FILE --module NAME --output DIR")
    }
    var modules = ProtoSchemaSet.manifest(try String(contentsOfFile: manifest, encoding: .utf8))
    // Manifest order first (it decides which file declares a package's namespace), then the rest.
    let order = try String(contentsOfFile: manifest, encoding: .utf8).split(whereSeparator: \.isWhitespace).map(String.init)
    var sources: [(path: String, url: URL)] = protoFiles(under: root)
    if let local = options["local-root"] {
        for file in protoFiles(under: local) {
            modules[file.path] = module
            sources.append(file)
        }
    }
    sources.sort { (order.firstIndex(of: $0.path) ?? Int.max, $0.path) < (order.firstIndex(of: $1.path) ?? Int.max, $1.path) }
    let files = try sources.map { source in
        try ProtoParser.parse(String(contentsOf: source.url, encoding: .utf8), path: source.path)
    }
    let generator = SwiftGenerator(set: try ProtoSchemaSet(files: files, modules: modules), runtimeModule: options["runtime-module"] ?? "RPC")
    try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    for file in generator.files(of: module) {
        let text = try generator.generate(file)
        let target = URL(fileURLWithPath: output).appendingPathComponent(SwiftGenerator.outputName(file.path))
        try text.write(to: target, atomically: true, encoding: .utf8)
    }
}

/// Every `.proto` file under `root`, by its path relative to it.
func protoFiles(under root: String) -> [(path: String, url: URL)] {
    var files: [(path: String, url: URL)] = []
    if let walker = FileManager.default.enumerator(atPath: root) {
        for case let path as String in walker where path.hasSuffix(".proto") {
            files.append((path, URL(fileURLWithPath: root).appendingPathComponent(path)))
        }
    }
    return files
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("ProtoGen: \(error)\n".utf8))
    exit(1)
}
