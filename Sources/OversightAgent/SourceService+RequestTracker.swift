//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Polling a Request Tracker 5 source (`from: rt5`) into the outbox, its cursor moving in the records' transaction.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightConfig
import OversightConnectors

extension SourceService {
    /// The outbox state key of a live source's cursor.
    package static func cursorKey(source: String) -> String { "rt5.cursor.\(source)" }

    /// Polls one `from: rt5` source until cancelled: every `poll_interval` after a good poll, with a growing, jittered
    /// delay (up to 5 minutes) after a failed one.
    func pollLoop(_ source: SourceConfiguration) async throws {
        self.logger.info(
            "polling Request Tracker",
            metadata: ["oversight.source": "\(source.name)", "oversight.source.path": "\(source.path)"]
        )
        var backoff = Backoff(initial: .seconds(2), maximum: .seconds(300))
        while !Task.isCancelled {
            if (try? await self.pollOnce(source)) != nil {
                backoff = Backoff(initial: .seconds(2), maximum: .seconds(300))
                try await Task.sleep(for: source.pollInterval)
            } else {
                try await Task.sleep(for: max(backoff.next(), .seconds(1)))
            }
        }
    }

    /// One poll of a `from: rt5` source: the tickets changed since the stored cursor go into the outbox page by page,
    /// each page with the cursor after it in the same transaction. A failure is recorded in the source's status and in
    /// the heartbeat's last source error, and rethrown; the cursor stays after the last page stored.
    /// - Returns: the number of tickets taken.
    @discardableResult
    package func pollOnce(_ source: SourceConfiguration) async throws -> Int {
        let key = Self.cursorKey(source: source.name)
        do {
            let poller = try RequestTrackerSource(configuration: source, pseudonymKey: self.credentials.pseudonymKey, redaction: self.redaction)
            let start = try await self.outbox.state(key).flatMap(RequestTrackerCursor.init(stored:)) ?? .start
            let site = source.site ?? self.credentials.identity.site
            let taken = try await poller.poll(from: start, provider: self.credentials.identity.provider, site: site) { batch in
                if try await self.outbox.bytes() >= Int64(self.outboxLimit) {
                    throw RequestTrackerError(.unavailable, "outbox full (\(self.outboxLimit) bytes): RT is read again once the coordinator acknowledges")
                }
                for reject in batch.rejects {
                    self.logger.warning(
                        "RT ticket rejected", metadata: ["oversight.source": "\(source.name)", "oversight.ticket": "\(reject.id)", "oversight.error": "\(reject.reason)"]
                    )
                }
                try await self.outbox.append(
                    records: batch.records, fingerprint: "rt5:\(source.name):\(batch.cursor.stored)",
                    fileName: "RT tickets to \(batch.cursor.since) UTC", source: source.name, path: source.path, rejected: batch.rejects.count,
                    now: Date(), state: (key, batch.cursor.stored)
                )
            }
            self.health.setLiveSourceError(nil, source: source.name)
            try await self.outbox.recordSourceError(source: source.name, path: source.path, error: nil, now: Date())
            if taken > 0 {
                self.logger.info("RT tickets taken", metadata: ["oversight.source": "\(source.name)", "oversight.records": "\(taken)"])
            }
            return taken
        } catch {
            // A shutdown cancels the poll mid-request: not a source error.
            if Task.isCancelled { throw CancellationError() }
            let message = "\(error)"
            self.logger.warning("source error", metadata: ["oversight.source": "\(source.name)", "oversight.error": "\(message)"])
            self.health.setLiveSourceError(message, source: source.name)
            try? await self.outbox.recordSourceError(source: source.name, path: source.path, error: message, now: Date())
            throw error
        }
    }
}
