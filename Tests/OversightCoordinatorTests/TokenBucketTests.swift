//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Testing

@testable import OversightCoordinator

@Suite struct TokenBucketTests {
    @Test func burstGoesAtOnceThenPacedThenRefused() {
        let start = ContinuousClock.now
        let bucket = TokenBucket(rate: 10, burst: 5, maxWait: .seconds(1), now: start)
        for _ in 0..<5 { #expect(bucket.reserve(now: start) == .zero) }
        // Then one token every 100 ms, queued.
        #expect(bucket.reserve(now: start) == .milliseconds(100))
        #expect(bucket.reserve(now: start) == .milliseconds(200))
        for _ in 0..<8 { _ = bucket.reserve(now: start) }
        // The queue is now 1 s long: the next one would wait longer than maxWait and is refused.
        #expect(bucket.reserve(now: start) == nil)
    }

    @Test func refillsOverTimeUpToTheBurst() {
        let start = ContinuousClock.now
        let bucket = TokenBucket(rate: 10, burst: 2, maxWait: .seconds(1), now: start)
        #expect(bucket.reserve(now: start) == .zero)
        #expect(bucket.reserve(now: start) == .zero)
        #expect(bucket.reserve(now: start) == .milliseconds(100))
        // Long idle: no more than `burst` tokens have accumulated.
        let later = start + .seconds(60)
        #expect(bucket.reserve(now: later) == .zero)
        #expect(bucket.reserve(now: later) == .zero)
        #expect(bucket.reserve(now: later) == .milliseconds(100))
    }
}

@Suite struct BatchSequencerTests {
    @Test func dropsBatchesAfterAResendRequestUntilTheRequestedOneArrives() {
        var sequencer = BatchSequencer()
        var accepted: [Bool] = []
        accepted.append(sequencer.accepts(seq: 5))
        sequencer.requestedResend(from: 3)
        for seq: Int64 in [6, 7, 3, 4] { accepted.append(sequencer.accepts(seq: seq)) }
        #expect(accepted == [true, false, false, true, true])
    }
}

@Suite struct CLIShapeTests {
    @Test func tokensAreStoredHashedAndLookLikeTokens() async throws {
        let store = try OversightStoreFactory.memory()
        let issued = try await EnrollmentTokens.create(store: store, provider: "acme", site: "paris", ttl: .seconds(60))
        #expect(issued.token.hasPrefix("ovt_") && issued.token.count > 40)
        #expect(try await store.token(hash: issued.token) == nil)
    }
}
