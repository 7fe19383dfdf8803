import Foundation

extension BenchOptions {
    /// The configuration in one line (plot subtitles, JSON): what a figure cannot be read without.
    func summary(commit: String? = BenchOptions.commit()) -> String {
        var parts = ["scenario \(scenario)"]
        if let target { parts.append("target \(target)") } else {
            parts.append("replicas \(replicaCounts.map { $0.map(String.init).joined(separator: ",") } ?? String(replicas))")
            parts.append("fsync \(fsync)")
            if let peerCodec { parts.append("peer codec \(peerCodec)") }
        }
        parts.append("value \(valueSize) B")
        parts.append("\(duration.components.seconds) s per run after \(warmup.components.seconds) s warm-up")
        parts.append("\(ProcessInfo.processInfo.activeProcessorCount) cores")
        if let commit { parts.append("commit \(commit)") }
        return parts.joined(separator: " · ")
    }

    /// The checked-out commit of the working directory, when it is a git checkout.
    static func commit() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "--short", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
