import RegisterCore
import Testing

@Suite struct OfferRoundTests {
    let newer = Version(counter: 9, writer: "n2/x/1")
    let newest = Version(counter: 12, writer: "n3/y/4")

    @Test func supportedUpToFourReplicas() {
        #expect((1...4).allSatisfy { OfferRound.isSupported(replicas: $0) })
        #expect(!OfferRound.isSupported(replicas: 5))
        #expect(!OfferRound.isSupported(replicas: 7))
        #expect(!OfferRound.isSupported(replicas: 0))
    }

    /// Three replicas, both peers hold the entry: one peer holding it makes the entry safe to
    /// complete (store locally), the second completes the majority without waiting for that.
    @Test func threeReplicasBothPeersHold() {
        var round = OfferRound(replicas: 3)
        #expect(round.start() == .wait)
        #expect(round.receive(.held) == .storeLocally)
        #expect(round.receive(.held) == .acknowledge(storeLocally: false))
        #expect(round.isFinished)
        #expect(round.localStoreFinished(succeeded: true) == .wait)
    }

    /// One peer holds it, the other has something newer: the entry loses to that concurrent
    /// write (it is ordered before it) and the write is done: the newer version is on the other
    /// peer, the entry on the first.
    @Test func oneHoldsOneNewerAcknowledgesWithoutTheLocalStore() {
        var round = OfferRound(replicas: 3)
        _ = round.start()
        #expect(round.receive(.newer(newer)) == .wait)
        #expect(round.receive(.held) == .acknowledge(storeLocally: true))
    }

    @Test func oneHoldsOneFailedWaitsForTheLocalStore() {
        var round = OfferRound(replicas: 3)
        _ = round.start()
        #expect(round.receive(.held) == .storeLocally)
        #expect(round.receive(.failed) == .wait)
        #expect(round.localStoreFinished(succeeded: true) == .acknowledge(storeLocally: false))

        var failing = OfferRound(replicas: 3)
        _ = failing.start()
        _ = failing.receive(.held)
        _ = failing.receive(.failed)
        #expect(failing.localStoreFinished(succeeded: false) == .unknown)
    }

    /// Every peer refused: nobody holds the entry, so the write is written again after the
    /// highest version the peers reported.
    @Test func everyPeerNewerRewritesAfterTheHighest() {
        var round = OfferRound(replicas: 3)
        _ = round.start()
        #expect(round.receive(.newer(newest)) == .wait)
        #expect(round.receive(.newer(newer)) == .rewrite(after: newest))
        #expect(round.isFinished)
    }

    /// A peer that did not answer may hold the entry: neither rewriting nor acknowledging is
    /// safe, so the outcome is unknown.
    @Test func newerAndFailedIsUnknown() {
        var round = OfferRound(replicas: 3)
        _ = round.start()
        #expect(round.receive(.failed) == .wait)
        #expect(round.receive(.newer(newer)) == .unknown)

        var silent = OfferRound(replicas: 3)
        _ = silent.start()
        _ = silent.receive(.failed)
        #expect(silent.receive(.failed) == .unknown)
    }

    /// On a repeated offer, a peer that cannot vouch it never held the entry counts towards the
    /// majority (it holds something newer) but blocks the rewrite, which could bring the value
    /// back after a newer one. A first offer was never held by a peer that has something newer.
    @Test func anUnvouchedNewerBlocksTheRewriteOfARepeatedOffer() {
        var round = OfferRound(replicas: 3, repeated: true)
        _ = round.start()
        #expect(round.receive(.newer(newer)) == .wait)
        #expect(round.receive(.newerUnvouched(newest)) == .unknown)

        var first = OfferRound(replicas: 3)
        _ = first.start()
        #expect(first.receive(.newer(newer)) == .wait)
        #expect(first.receive(.newerUnvouched(newest)) == .rewrite(after: newest))

        var counted = OfferRound(replicas: 3, repeated: true)
        _ = counted.start()
        #expect(counted.receive(.newerUnvouched(newest)) == .wait)
        #expect(counted.receive(.held) == .acknowledge(storeLocally: true))
    }

    /// Four replicas (majority 3): one holding peer makes it safe; it then needs three replicas
    /// holding the entry or newer, itself included.
    @Test func fourReplicas() {
        var round = OfferRound(replicas: 4)
        _ = round.start()
        #expect(round.receive(.held) == .storeLocally)
        #expect(round.receive(.newer(newer)) == .wait)
        #expect(round.localStoreFinished(succeeded: true) == .acknowledge(storeLocally: false))

        var refused = OfferRound(replicas: 4)
        _ = refused.start()
        _ = refused.receive(.newer(newer))
        _ = refused.receive(.newer(newest))
        #expect(refused.receive(.newer(newer)) == .rewrite(after: newest))
    }

    /// With one or two replicas no majority of peers exists, so the coordinator stores at once.
    @Test func oneAndTwoReplicasStoreLocallyAtOnce() {
        var single = OfferRound(replicas: 1)
        #expect(single.start() == .storeLocally)
        #expect(single.localStoreFinished(succeeded: true) == .acknowledge(storeLocally: false))

        var pair = OfferRound(replicas: 2)
        #expect(pair.start() == .storeLocally)
        #expect(pair.receive(.newer(newer)) == .wait)
        #expect(pair.localStoreFinished(succeeded: true) == .acknowledge(storeLocally: false))
    }
}
