import RegisterCore
import Testing

/// The replica's offer answers and prepared entries as plain values (no log, no locks).
struct RegisterReplicaTests {
    static func entry(_ counter: UInt64, _ writer: String = "n1/b/1", _ value: String = "v") -> Entry {
        Entry(version: Version(counter: counter, writer: writer), value: value)
    }

    @Test func offersAreHeldOrNewer() {
        var replica = RegisterReplica(replacedMemory: 8)
        let offered1 = replica.offer("k", Self.entry(1))
        #expect(offered1 == (true, .held))
        let offered2 = replica.offer("k", Self.entry(1))
        #expect(offered2 == (false, .held), "a repeat of what it holds")
        let offered3 = replica.offer("k", Self.entry(3))
        #expect(offered3 == (true, .held))
        let offered4 = replica.offer("k", Self.entry(1))
        #expect(offered4 == (false, .held), "it held it, and remembers replacing it")
        let offered5 = replica.offer("k", Self.entry(2))
        #expect(offered5 == (false, .newer(Self.entry(3).version)), "never held: vouched")
        #expect(replica.store.read("k") == Self.entry(3))
    }

    /// Past its memory, or after restoring an image, it cannot vouch: `newerUnvouched`.
    @Test func forgottenVersionsAreNotVouchedFor() {
        var replica = RegisterReplica(replacedMemory: 2)
        for counter in UInt64(1)...5 { _ = replica.keep("k", Self.entry(counter)) }
        let offered6 = replica.offer("k", Self.entry(1)).answer
        #expect(offered6 == .newerUnvouched(Self.entry(5).version), "replaced and forgotten")
        let offered7 = replica.offer("k", Self.entry(4)).answer
        #expect(offered7 == .held, "replaced and remembered")
        var restored = RegisterReplica(restoring: replica.store)
        let offered8 = restored.offer("k", Self.entry(4)).answer
        #expect(offered8 == .newerUnvouched(Self.entry(5).version))
        var rebuilt = RegisterReplica()
        _ = rebuilt.keep("j", Self.entry(7))
        rebuilt.forgetReplacedVersions()
        let offered9 = rebuilt.offer("j", Self.entry(6)).answer
        #expect(offered9 == .newerUnvouched(Self.entry(7).version))
    }

    /// A prepared entry is invisible until revealed, dropped when abandoned, and in every image.
    @Test func preparedEntriesShowOnlyWhenRevealed() {
        var replica = RegisterReplica()
        replica.prepare("k", Self.entry(2))
        #expect(replica.store.read("k") == nil)
        #expect(replica.image.read("k") == Self.entry(2))
        let revealed = replica.reveal("k", Self.entry(2))
        #expect(revealed)
        #expect(replica.store.read("k") == Self.entry(2) && replica.prepared.isEmpty)
        replica.prepare("k", Self.entry(3))
        replica.abandon(Self.entry(3).version)
        #expect(replica.image.read("k") == Self.entry(2))
    }
}
