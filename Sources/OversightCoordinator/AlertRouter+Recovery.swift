//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Ticket alerts of SLA events recorded just before the coordinator stopped (kill -9 between recording an event in
// the store and raising its alert in the alert store): raised at start.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightAlerts
import OversightModel
import OversightSLA
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
        var tickets: Set<TicketKey> = []
        for event in try await store.slaEvents(limit: limit).reversed() where event.detectedAt >= since {
            let kind: AlertKind = event.kind == "breach" ? .ticketBreached : .ticketAtRisk
            let subject = AlertSubject(provider: event.provider, site: event.site, ticket: event.ticketId, clock: event.clock)
            let key = NewAlert(kind: kind, subject: subject, summary: "", consolePath: "").key
            if try await self.center.history(key: key, limit: 1).isEmpty {
                await self.slaEvent(event)
                tickets.insert(TicketKey(provider: event.provider, ticket: event.ticketId))
                raised += 1
            }
        }
        // A ticket settled since its event (e.g. while another coordinator held the lease) ends the alert again, as it
        // did there; with the delivery journal, what that coordinator already sent is not sent twice.
        var settled: [TicketRecord] = []
        for key in tickets.sorted() {
            if let stored = try await store.ticket(provider: key.provider, id: key.ticket), !stored.record.status.isOpen {
                settled.append(stored.record)
            }
        }
        if !settled.isEmpty { await self.ticketsSettled(settled) }
        return raised
    }

    /// Starts following the SLA events from the newest recorded now (at a takeover, before the recovery).
    package func startFollowingSLAEvents(store: any SLAStore) async throws {
        self.followCursor = try await store.slaEventPage(provider: nil, site: nil, providers: nil, before: nil, limit: 1).first?.id ?? 0
    }

    /// Raises the ticket alert of every SLA event recorded since the last call (or ``startFollowingSLAEvents(store:)``)
    /// that has none here: events this coordinator's engine did not hand over itself — a deposed lease holder that
    /// recorded a breach before it noticed it had lost the lease (its own delivery of that alert is fenced off).
    /// Oldest first.
    package func followSLAEvents(store: any SLAStore, page: Int = 200) async throws {
        let cursor = self.followCursor
        var newer: [NumberedSLAEvent] = []
        var before: Int64?
        reading: while true {
            let rows = try await store.slaEventPage(provider: nil, site: nil, providers: nil, before: before, limit: page)
            for row in rows {
                if row.id <= cursor { break reading }
                newer.append(row)
            }
            guard rows.count == page, let last = rows.last else { break }
            before = last.id
        }
        for numbered in newer.reversed() {
            let event = numbered.event
            let kind: AlertKind = event.kind == "breach" ? .ticketBreached : .ticketAtRisk
            let subject = AlertSubject(provider: event.provider, site: event.site, ticket: event.ticketId, clock: event.clock)
            let key = NewAlert(kind: kind, subject: subject, summary: "", consolePath: "").key
            // Claimed before the first await, so the engine's own raise of it (or its end) in between is not undone.
            guard self.claimSLAKey(key) else { continue }
            if try await self.center.history(key: key, limit: 1).isEmpty { await self.slaEvent(event) }
        }
        if let newest = newer.first?.id { self.followCursor = max(self.followCursor, newest) }
    }
}

