//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The leader lease on every backend: acquire, renew, takeover after expiry with a raised epoch, release, and the
// fenced delivery journal refusing a deposed holder. Time is the explicit `now` of each call (a fake clock).
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightStorePostgres
import OversightTesting
import Testing

@testable import OversightStore

extension StoreBackendTests {
    @Test(arguments: StoreBackend.available)
    func leaseIsAcquiredRenewedAndTakenOverAfterExpiryWithARaisedEpoch(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let t = self.now
            #expect(try await store.lease(name: "alerts") == nil)
            let first = try #require(try await store.acquireLease(name: "alerts", holder: "coord-a", ttl: .seconds(3), now: t))
            #expect(first == LeaseRow(name: "alerts", holder: "coord-a", epoch: 1, expiresAt: t + 3))
            // While A's lease runs, B is refused, and A's renewals keep the epoch and push the expiry.
            #expect(try await store.acquireLease(name: "alerts", holder: "coord-b", ttl: .seconds(3), now: t + 1) == nil)
            let renewed = try await store.acquireLease(name: "alerts", holder: "coord-a", ttl: .seconds(3), now: t + 2)
            #expect(renewed == LeaseRow(name: "alerts", holder: "coord-a", epoch: 1, expiresAt: t + 5))
            #expect(try await store.acquireLease(name: "alerts", holder: "coord-b", ttl: .seconds(3), now: t + 4.9) == nil)
            // A stops renewing (killed): once its lease has expired B takes it, under the next epoch.
            let takeover = try await store.acquireLease(name: "alerts", holder: "coord-b", ttl: .seconds(3), now: t + 5)
            #expect(takeover == LeaseRow(name: "alerts", holder: "coord-b", epoch: 2, expiresAt: t + 8))
            #expect(try await store.lease(name: "alerts") == takeover)
            // A, back, cannot renew what it lost.
            #expect(try await store.acquireLease(name: "alerts", holder: "coord-a", ttl: .seconds(3), now: t + 6) == nil)
            // A holder taking its own expired lease again also gets a new epoch: it may have been deposed in between.
            let again = try await store.acquireLease(name: "alerts", holder: "coord-b", ttl: .seconds(3), now: t + 20)
            #expect(again?.epoch == 3)
            // Leases are independent by name.
            #expect(try await store.acquireLease(name: "other", holder: "coord-a", ttl: .seconds(3), now: t + 20)?.epoch == 1)
        }
    }

    @Test(arguments: StoreBackend.available)
    func releasedLeaseIsTakenAtOnceAndOnlyItsHolderReleasesIt(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let t = self.now
            _ = try #require(try await store.acquireLease(name: "alerts", holder: "coord-a", ttl: .seconds(3), now: t))
            try await store.releaseLease(name: "alerts", holder: "coord-b", now: t + 1)
            #expect(try await store.acquireLease(name: "alerts", holder: "coord-b", ttl: .seconds(3), now: t + 1) == nil, "B released A's lease")
            try await store.releaseLease(name: "alerts", holder: "coord-a", now: t + 1)
            #expect(try await store.acquireLease(name: "alerts", holder: "coord-b", ttl: .seconds(3), now: t + 1)?.epoch == 2)
        }
    }

    @Test(arguments: StoreBackend.available)
    func leaseRefusesBadArguments(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            await #expect(throws: LeaseError("a lease needs a holder id")) {
                try await store.acquireLease(name: "alerts", holder: "", ttl: .seconds(3), now: self.now)
            }
            await #expect(throws: LeaseError("a lease needs a name")) {
                try await store.acquireLease(name: "", holder: "a", ttl: .seconds(3), now: self.now)
            }
            await #expect(throws: LeaseError("a lease's time to live must be positive (got 0.0 seconds)")) {
                try await store.acquireLease(name: "alerts", holder: "a", ttl: .zero, now: self.now)
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func deliveryJournalIsFencedByTheLeaseEpoch(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let t = self.now
            let a = try #require(try await store.acquireLease(name: "alerts", holder: "coord-a", ttl: .seconds(3), now: t))
            let fenceA = LeaseFence(name: "alerts", holder: "coord-a", epoch: a.epoch)
            // A claims two deliveries and confirms one; then A dies.
            #expect(try await store.claimDelivery(receiver: "hook", key: "k1", fence: fenceA, now: t) == .claimed)
            #expect(try await store.claimDelivery(receiver: "hook", key: "k1", fence: fenceA, now: t + 0.5) == .claimed, "a retry re-claims")
            #expect(try await store.confirmDelivery(receiver: "hook", key: "k1", fence: fenceA, now: t + 1))
            #expect(try await store.claimDelivery(receiver: "hook", key: "k2", fence: fenceA, now: t + 1) == .claimed)
            #expect(try await store.deliveryConfirmed(receiver: "hook", key: "k1"))
            #expect(try await !store.deliveryConfirmed(receiver: "hook", key: "k2"))
            // Its fence no longer holds once its lease expired, even before anyone took over.
            #expect(try await store.claimDelivery(receiver: "hook", key: "k3", fence: fenceA, now: t + 3) == .fenced)

            let b = try #require(try await store.acquireLease(name: "alerts", holder: "coord-b", ttl: .seconds(3), now: t + 4))
            #expect(b.epoch > a.epoch)
            let fenceB = LeaseFence(name: "alerts", holder: "coord-b", epoch: b.epoch)
            #expect(try await store.claimDelivery(receiver: "hook", key: "k1", fence: fenceB, now: t + 4) == .alreadyDelivered)
            // k2 was claimed by the deposed epoch and never confirmed: B takes it over (it is sent again, same key).
            #expect(try await store.claimDelivery(receiver: "hook", key: "k2", fence: fenceB, now: t + 4) == .claimed)
            // The deposed holder, still running somewhere, can neither claim nor confirm.
            #expect(try await store.claimDelivery(receiver: "hook", key: "k4", fence: fenceA, now: t + 4.5) == .fenced)
            #expect(try await !store.confirmDelivery(receiver: "hook", key: "k2", fence: fenceA, now: t + 4.5))
            #expect(try await !store.deliveryConfirmed(receiver: "hook", key: "k2"), "a deposed holder's mark was accepted")
            // A holder presenting a wrong epoch or another's name is refused too.
            #expect(try await store.claimDelivery(receiver: "hook", key: "k4", fence: LeaseFence(name: "alerts", holder: "coord-b", epoch: 1), now: t + 4.5) == .fenced)
            #expect(try await store.claimDelivery(receiver: "hook", key: "k4", fence: LeaseFence(name: "alerts", holder: "coord-a", epoch: b.epoch), now: t + 4.5) == .fenced)
            #expect(try await store.confirmDelivery(receiver: "hook", key: "k2", fence: fenceB, now: t + 5))
            #expect(try await store.deliveryConfirmed(receiver: "hook", key: "k2"))
            #expect(try await store.claimDelivery(receiver: "hook", key: "k2", fence: fenceB, now: t + 5) == .alreadyDelivered)
            // Per receiver: the same key to another receiver is its own delivery.
            #expect(try await store.claimDelivery(receiver: "pager", key: "k1", fence: fenceB, now: t + 5) == .claimed)
        }
    }
}

extension PostgresStoreTests {
    /// Two coordinators (two connection pools) racing to take a free lease, many times: each round exactly one wins.
    @Test func twoPoolsRacingForTheLeaseGetOneHolderPerEpoch() async throws {
        let cluster = try PostgresCluster.shared()
        let configuration = PostgresStore.Configuration(
            host: "127.0.0.1", port: cluster.port, database: try cluster.createDatabase(), username: cluster.username, tls: .disable
        )
        let logger = {
            var logger = Logger(label: "store-test")
            logger.logLevel = .warning
            return logger
        }()
        try await PostgresStore.withStore(configuration: configuration, logger: logger) { one in
            try await PostgresStore.withStore(configuration: configuration, logger: logger) { two in
                for round in 1...20 {
                    // Each round starts past the previous lease's expiry: every round is a takeover.
                    let t = Date(timeIntervalSince1970: 1_790_000_000 + Double(round) * 10)
                    async let a = one.acquireLease(name: "alerts", holder: "coord-a", ttl: .seconds(3), now: t)
                    async let b = two.acquireLease(name: "alerts", holder: "coord-b", ttl: .seconds(3), now: t)
                    let winners = [try await a, try await b].compactMap { $0 }
                    #expect(winners.count == 1, "round \(round): \(winners)")
                    #expect(winners.first?.epoch == Int64(round))
                }
            }
        }
    }
}
