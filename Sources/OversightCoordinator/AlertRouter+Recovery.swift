//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Ticket alerts of SLA events recorded just before the coordinator stopped (kill -9 between recording an event in
// the store and raising its alert in the alert store): raised at start.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightAlerts
import OversightStore

extension AlertRouter {
    /// Raises the ticket alert of every recent SLA event that has none, in any state (an event whose alert was raised
    /// and then resolved is not raised again). "Recent" is every event detected since the newest ticket alert was last
    /// raised, less `margin`: events are alerted in the order they are recorded, so older ones have their alert.
    /// - Returns: how many alerts were raised.
    package func recoverSLAAlerts(store: any CoordinatorStore, margin: Duration = .seconds(60), limit: Int = 10_000) async throws -> Int {
        let newest = try await self.center.history(limit: 1000).filter { $0.kind == .ticketBreached || $0.kind == .ticketAtRisk }
            .map(\.lastRaisedAt).max()
        let since = newest?.addingTimeInterval(-margin.seconds) ?? .distantPast
        var raised = 0
        for event in try await store.slaEvents(limit: limit).reversed() where event.detectedAt >= since {
            let kind: AlertKind = event.kind == "breach" ? .ticketBreached : .ticketAtRisk
            let subject = AlertSubject(provider: event.provider, site: event.site, ticket: event.ticketId, clock: event.clock)
            let key = NewAlert(kind: kind, subject: subject, summary: "", consolePath: "").key
            if try await self.center.history(key: key, limit: 1).isEmpty {
                await self.slaEvent(event)
                raised += 1
            }
        }
        return raised
    }
}
