//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Takes and renews the leader lease; runs the leader's work (deadline scheduler, silence and aggregate watches)
// while it is held, and stops it when the lease is lost. A stand-by coordinator tries again every renewal interval,
// so it takes over within the lease's time to live plus one interval of the holder's death.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightStore
import ServiceLifecycle

/// The lease's timing.
package struct LeaseConfiguration: Sendable {
    /// The lease's name in the store.
    package var name = "alerts"
    /// How long a grant lasts unless renewed. Default 3 s.
    package var ttl: Duration = .seconds(3)
    /// How often the holder renews, and a stand-by tries to take it. Default 1 s (a third of the time to live, so a
    /// slow renewal or two do not lose it).
    package var renewInterval: Duration = .seconds(1)

    /// Default timing.
    package init() {}
}

/// Holds the leader lease and runs the leader's work while it is held.
package struct LeaseService: Service {
    let store: any LeaseStore
    let leadership: Leadership
    let configuration: LeaseConfiguration
    /// The lease granted before the service group started (the coordinator's first try), if any.
    let initial: LeaseRow?
    /// Called on every takeover after `initial`, before the leader's work starts (rebuild the scheduler, recover alerts).
    let takeOver: @Sendable (LeaseRow) async -> Void
    /// The leader's work: runs until cancelled.
    let work: @Sendable () async -> Void
    let logger: Logger

    /// Creates the service.
    /// - Parameters:
    ///   - store: where the lease is.
    ///   - leadership: this coordinator's view, updated on every grant and loss.
    ///   - configuration: name and timing.
    ///   - initial: a lease already granted (and taken over) before the service started.
    ///   - takeOver: what to do on a takeover, before `work` starts.
    ///   - work: the leader's work.
    ///   - logger: takeovers and losses are logged at notice.
    package init(
        store: any LeaseStore, leadership: Leadership, configuration: LeaseConfiguration, initial: LeaseRow?,
        takeOver: @escaping @Sendable (LeaseRow) async -> Void, work: @escaping @Sendable () async -> Void, logger: Logger
    ) {
        self.store = store
        self.leadership = leadership
        self.configuration = configuration
        self.initial = initial
        self.takeOver = takeOver
        self.work = work
        self.logger = logger
    }

    /// Asks once for the lease; on a grant, `leadership` holds it. Errors count as "not granted" (and are logged).
    package static func tryAcquire(store: any LeaseStore, leadership: Leadership, configuration: LeaseConfiguration, logger: Logger) async -> LeaseRow? {
        let started = ContinuousClock.now
        do {
            if let row = try await store.acquireLease(name: configuration.name, holder: leadership.holder, ttl: configuration.ttl, now: Date()) {
                leadership.held(row, started: started, ttl: configuration.ttl)
                return row
            }
        } catch {
            logger.info("cannot reach the store for the leader lease", metadata: [LogKey.error: "\(error)"])
        }
        return nil
    }

    /// Logs and measures a takeover.
    package static func announce(_ row: LeaseRow, holder: String, logger: Logger) {
        logger.notice(
            "took the leader lease: this coordinator runs the deadline scheduler and delivers alerts",
            metadata: ["oversight.lease": "\(row.name)", "oversight.lease.epoch": "\(row.epoch)", "oversight.lease.holder": "\(holder)"]
        )
        CoordinatorInstruments.leaseTaken(row.name)
        CoordinatorInstruments.lease(row.name, leading: true, epoch: row.epoch)
    }

    package func run() async throws {
        if self.initial == nil {
            self.logger.notice(
                "standing by: another coordinator holds the leader lease",
                metadata: ["oversight.lease": "\(self.configuration.name)", "oversight.lease.holder": "\(self.leadership.holder)"]
            )
            CoordinatorInstruments.lease(self.configuration.name, leading: false, epoch: nil)
        }
        await cancelWhenGracefulShutdown {
            var granted = self.initial
            while !Task.isCancelled {
                let row: LeaseRow
                if let initial = granted {
                    row = initial
                    granted = nil
                } else {
                    guard let taken = await self.waitForLease() else { return }
                    Self.announce(taken, holder: self.leadership.holder, logger: self.logger)
                    await self.takeOver(taken)
                    row = taken
                }
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.work() }
                    group.addTask { await self.renew(row) }
                    // Whichever ends first — the renewal (lease lost) or cancellation — ends the other.
                    await group.next()
                    group.cancelAll()
                }
                self.leadership.lost()
                CoordinatorInstruments.lease(row.name, leading: false, epoch: nil)
                if !Task.isCancelled {
                    self.logger.warning(
                        "lost the leader lease: deadlines and alerts stop here until it is taken again",
                        metadata: ["oversight.lease": "\(row.name)", "oversight.lease.epoch": "\(row.epoch)"]
                    )
                }
            }
        }
        // Stopping gracefully: give the lease up so a stand-by takes over at its next try, not after the time to live.
        if let fence = self.leadership.lastFence {
            self.leadership.lost()
            try? await self.store.releaseLease(name: fence.name, holder: fence.holder, now: Date())
        }
    }

    /// Tries every renewal interval until granted; `nil` when cancelled.
    private func waitForLease() async -> LeaseRow? {
        while !Task.isCancelled {
            if let row = await Self.tryAcquire(store: self.store, leadership: self.leadership, configuration: self.configuration, logger: self.logger) {
                return row
            }
            CoordinatorInstruments.lease(self.configuration.name, leading: false, epoch: nil)
            do { try await Task.sleep(for: self.configuration.renewInterval) } catch { return nil }
        }
        return nil
    }

    /// Renews `row` every interval; returns when it is lost (refused, a new epoch, or not renewed within its time to
    /// live) or when cancelled.
    private func renew(_ row: LeaseRow) async {
        var validUntil = ContinuousClock.now + self.configuration.ttl
        while !Task.isCancelled {
            do { try await Task.sleep(for: self.configuration.renewInterval) } catch { return }
            let started = ContinuousClock.now
            do {
                guard
                    let renewed = try await self.store.acquireLease(
                        name: row.name, holder: self.leadership.holder, ttl: self.configuration.ttl, now: Date()
                    ), renewed.epoch == row.epoch
                else { return }
                self.leadership.held(renewed, started: started, ttl: self.configuration.ttl)
                validUntil = started + self.configuration.ttl
                // Recorded on every renewal too: the first grant may precede the metrics backend's bootstrap.
                CoordinatorInstruments.lease(row.name, leading: true, epoch: row.epoch)
            } catch {
                self.logger.info("cannot renew the leader lease", metadata: [LogKey.error: "\(error)"])
                if ContinuousClock.now >= validUntil { return }
            }
        }
    }
}
