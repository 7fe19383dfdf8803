/// When the write-ahead log forces appended records to disk.
public enum FsyncPolicy: String, Sendable, CaseIterable {
    /// `sync(upTo:)` returns once the record is on disk. Appends that arrive while an fsync is
    /// running share the next one (group commit). The default: an acknowledged write survives power loss.
    case always
    /// Like `always`, and the flusher waits up to a short window for more appends before each
    /// fsync, trading a little latency for fewer fsyncs under load. Equally durable on acknowledgement.
    case batch
    /// Records are handed to the operating system but never fsynced: they survive a crash of the
    /// process, not of the machine.
    case never
}
