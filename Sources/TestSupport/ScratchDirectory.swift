import Foundation

/// Where tests keep their files: one directory per test process under the system's temporary
/// directory, removed with everything in it when the process exits, so runs leave nothing behind.
///
/// Guarantees: every path `path(_:)` returns is new (a UUID) and inside `root`; `root` is created
/// on first use and removed by an `atexit` handler (a tmpfs a test left mounted stays, with its
/// mount point).
public enum ScratchDirectory {
    /// This process's directory.
    public static let root: String = {
        let path = NSTemporaryDirectory() + "node-tests-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: ScratchDirectory.root) }
        return path
    }()

    /// A new path inside `root` named after `label` (not created: callers create what they need).
    public static func path(_ label: String) -> String {
        root + "/" + label + "-" + UUID().uuidString
    }
}
