//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Publishes alert changes as live events and ends the console's event streams at shutdown.
//
//===----------------------------------------------------------------------===//

import Logging
import OversightAlerts
import ServiceLifecycle

/// Watches the alert center and publishes an ``LiveEvent/Kind/alerts`` event for every alert raised, acknowledged or
/// resolved (by comparing the open alerts before and after each change the center signals); on graceful shutdown it
/// finishes the broadcaster, which ends the console's event streams so the console can stop.
///
/// Add it to the service group *after* the console, so that it is shut down first.
package struct LiveEventService: Service {
    let broadcaster: LiveEventBroadcaster
    let center: AlertCenter
    let logger: Logger
    let onWatching: @Sendable () -> Void

    /// Creates the service.
    /// - Parameters:
    ///   - broadcaster: where events go.
    ///   - center: the alert center to watch.
    ///   - logger: for read errors.
    ///   - onWatching: called once the open alerts have been read the first time (changes after it are reported).
    package init(broadcaster: LiveEventBroadcaster, center: AlertCenter, logger: Logger, onWatching: @escaping @Sendable () -> Void = {}) {
        self.broadcaster = broadcaster
        self.center = center
        self.logger = logger
        self.onWatching = onWatching
    }

    private struct Seen: Equatable {
        var provider: String
        var site: String?
        var ticket: String?
        var state: AlertState
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            var known: [Int64: Seen]?
            while !Task.isCancelled {
                let generation = self.center.changes.generation
                do {
                    let open = try await self.center.openAlerts()
                    var current: [Int64: Seen] = [:]
                    for alert in open {
                        current[alert.id] = Seen(
                            provider: alert.subject.provider, site: alert.subject.site, ticket: alert.subject.ticket, state: alert.state
                        )
                    }
                    if let previous = known {
                        self.publishDifferences(from: previous, to: current)
                    } else {
                        self.onWatching()
                    }
                    known = current
                } catch {
                    self.logger.warning("cannot read open alerts for live events", metadata: [LogKey.error: "\(error)"])
                }
                await self.center.changes.wait(after: generation)
            }
        }
        self.broadcaster.finish()
    }

    private func publishDifferences(from previous: [Int64: Seen], to current: [Int64: Seen]) {
        for (id, now) in current.sorted(by: { $0.key < $1.key }) {
            let detail: String? =
                switch previous[id] {
                case nil: "raised"
                case let before? where before.state != now.state: now.state.rawValue
                default: nil
                }
            if let detail {
                self.broadcaster.publish(LiveEvent(kind: .alerts, provider: now.provider, site: now.site, ticket: now.ticket, detail: detail))
            }
        }
        for (id, before) in previous.sorted(by: { $0.key < $1.key }) where current[id] == nil {
            self.broadcaster.publish(LiveEvent(kind: .alerts, provider: before.provider, site: before.site, ticket: before.ticket, detail: "resolved"))
        }
    }
}
